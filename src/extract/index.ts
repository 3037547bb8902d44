/**
 * The extract step: find every query site, transaction callback and transaction method call in a
 * program, using the adapters of the client libraries the file uses.
 */
import type { TSESTree } from '@typescript-eslint/types';
import { walk } from './ast.js';
import { createContext, requiredModule, type ImportedConnection } from './context.js';
import { ADAPTERS } from './libraries/index.js';
import { isUnresolvedQueryCall, spliceIdentifierHoles } from './sql-text.js';
import { Resolver, type ScopeManagerLike } from './scope.js';
import type { ExtractContext, Extraction, LibraryAdapter, QueryNode } from './types.js';

export interface ExtractResult extends Extraction {
  context: ExtractContext;
  resolver: Resolver;
  /** Calls shaped like queries whose SQL text could not be evaluated (see isUnresolvedQueryCall). */
  unresolved: number;
}

/** The client libraries a module of the project imports (`./db` creating a postgres.js `sql`: `postgres`). */
export type ImportedLibraries = (module: string) => readonly string[];

/**
 * `importedConnection` tells the kind of a connection another module of the project exports
 * (`import { pool } from './db'` where db.ts has `export const pool = new Pool()`), when known;
 * `importedLibraries` the library it comes from, whose adapter then reads this file as if it imported
 * the library itself (`import { sql } from './db'` for postgres.js).
 */
export function extract(
  program: TSESTree.Program,
  scopeManager: ScopeManagerLike | (() => ScopeManagerLike),
  adapters: readonly LibraryAdapter[] = ADAPTERS,
  importedConnection: ImportedConnection | null = null,
  importedLibraries: ImportedLibraries | null = null,
): ExtractResult {
  const modules = new Set<string>();
  const candidates: QueryNode[] = [];
  walk(program, (node) => {
    switch (node.type) {
      case 'ImportDeclaration':
        modules.add(node.source.value);
        break;
      case 'ImportExpression':
        if (node.source.type === 'Literal' && typeof node.source.value === 'string') modules.add(node.source.value);
        break;
      case 'CallExpression': {
        const module = requiredModule(node);
        if (module !== null) modules.add(module);
        else candidates.push(node);
        break;
      }
      case 'TaggedTemplateExpression':
        candidates.push(node);
        break;
    }
  });

  if (importedLibraries !== null) for (const library of librariesOfImportedConnections(program, importedLibraries)) modules.add(library);

  const resolver = new Resolver(scopeManager);
  let active: readonly LibraryAdapter[] = [];
  const context = createContext(modules, resolver, () => active, importedConnection);
  active = adapters.filter((adapter) => adapter.fallback === true || adapter.modules.some((m) => context.imports(m)));
  // Specific libraries first: the fallback adapter only claims what no imported library claims.
  // An adapter that also runs as a fallback still comes first in a file that imports its library.
  const imported = (adapter: LibraryAdapter): boolean => adapter.modules.some((m) => context.imports(m));
  const rank = (adapter: LibraryAdapter): number => (adapter.fallback === true && !imported(adapter) ? 1 : 0);
  active = [...active].sort((a, b) => rank(a) - rank(b));

  const result: ExtractResult = { sites: [], transactions: [], transactionCalls: [], context, resolver, unresolved: 0 };
  for (const node of candidates) {
    const claimed = result.sites.length + result.transactions.length + result.transactionCalls.length;
    for (const adapter of active) {
      if (node.type === 'CallExpression') {
        const scope = adapter.matchTransaction?.(node, context);
        if (scope) {
          result.transactions.push(scope);
          break;
        }
        const call = adapter.matchTransactionCall?.(node, context);
        if (call) {
          result.transactionCalls.push(call);
          break;
        }
      }
      const site = adapter.matchQuery(node, context);
      if (site) {
        site.sql = spliceIdentifierHoles(site.sql, context);
        if (site.transactionHint === undefined && adapter.transactionHint !== undefined) site.transactionHint = adapter.transactionHint;
        if (site.placeholder === undefined && adapter.placeholder !== undefined) site.placeholder = adapter.placeholder;
        result.sites.push(site);
        break;
      }
    }
    if (
      node.type === 'CallExpression' &&
      claimed === result.sites.length + result.transactions.length + result.transactionCalls.length &&
      isUnresolvedQueryCall(node, context)
    ) {
      result.unresolved++;
    }
  }
  return result;
}

/** A module of the project, not a package: `./db`, `../lib/db`, a path alias (`@/db`, `~/db`, `#db`, `src/db`). */
const PROJECT_MODULE = /^(?:\.|[@~#]\/|#|src\/)/;

/**
 * The libraries of the modules of the project the file imports names from (top-level imports and
 * requires): `import { sql } from './db'` where db.ts imports `postgres`.
 */
function librariesOfImportedConnections(program: TSESTree.Program, importedLibraries: ImportedLibraries): Set<string> {
  const found = new Set<string>();
  const add = (module: string): void => {
    if (PROJECT_MODULE.test(module)) for (const library of importedLibraries(module)) found.add(library);
  };
  for (const statement of program.body) {
    if (statement.type === 'ImportDeclaration') {
      if (statement.importKind !== 'type' && statement.specifiers.some((s) => s.type !== 'ImportSpecifier' || s.importKind !== 'type'))
        add(statement.source.value);
    } else if (statement.type === 'VariableDeclaration') {
      for (const declarator of statement.declarations) {
        const module = declarator.init?.type === 'CallExpression' ? requiredModule(declarator.init) : null;
        if (module !== null) add(module);
      }
    }
  }
  return found;
}
