import type { TSESTree } from '@typescript-eslint/types';
import { propertyName, typeName, unwrap } from './ast.js';
import type { Resolver } from './scope.js';
import { promisifiedMethod } from './callbacks.js';
import { evaluateSqlText, returnedBy } from './sql-text.js';
import { keyName } from './kit.js';
import { variableWrites } from './variable-writes.js';
import type { ConnectionKind, ExtractContext, LibraryAdapter } from './types.js';

/**
 * A connection's kind comes from evidence in the file: how it was made (`new Pool()`,
 * `await pool.connect()`), the type written on it (`pool: Pool`, `client: PoolClient`), or the
 * transaction callback that passed it. Its name is no evidence (a pool named `db`, a client named
 * `pool`): a connection whose origin cannot be seen (a module-level import, `this.db`, an untyped
 * parameter) stays `unknown`, which keeps the transaction-state rules quiet rather than guessing.
 */
const PROMISIFY_MODULES = new Set(['util', 'node:util', 'bluebird', 'es6-promisify', 'util.promisify', 'pify']);

/** The kind of a connection another module exports, by module specifier and export path. */
export type ImportedConnection = (module: string, path: readonly string[]) => ConnectionKind | null;

export function createContext(
  modules: ReadonlySet<string>,
  resolver: Resolver,
  adapters: () => readonly LibraryAdapter[],
  importedConnection: ImportedConnection | null = null,
): ExtractContext {
  const kinds = new Map<TSESTree.Node, ConnectionKind>();
  const imported = new Map<string, boolean>();
  const merged = new Map<TSESTree.Node, TSESTree.ObjectExpression>();
  // Only a file that can promisify pays for resolving plain callees.
  const promisifies = [...modules].some((m) => PROMISIFY_MODULES.has(m));

  const context: ExtractContext = {
    resolve: (id) => resolver.definition(id),
    imports: (module) => {
      let found = imported.get(module);
      if (found === undefined) imported.set(module, (found = modules.has(module) || [...modules].some((m) => m.startsWith(`${module}/`))));
      return found;
    },
    importOf: (node) => importOf(node, 0),
    sqlText: (node, style, dialect, values) => evaluateSqlText(node, style, dialect, values, context.resolve),
    origin: (node) => origin(node, 0),
    connectionKind: (node) => {
      const key = unwrap(node);
      const cached = kinds.get(key);
      if (cached) return cached;
      kinds.set(key, 'unknown'); // breaks cycles
      const kind = connectionKind(key, 0);
      kinds.set(key, kind);
      return kind;
    },
    // A promisified method (`const query = promisify(conn.query).bind(conn)`) is called as that method.
    calleeName: (call) => {
      const callee = unwrap(call.callee);
      if (callee.type === 'MemberExpression') return propertyName(callee);
      if (callee.type === 'Identifier') return promisified(callee)?.method ?? callee.name;
      return null;
    },
    calleeObject: (call) => {
      const callee = unwrap(call.callee);
      if (callee.type === 'MemberExpression') return callee.object;
      return callee.type === 'Identifier' ? (promisified(callee)?.object ?? null) : null;
    },
  };

  function promisified(callee: TSESTree.Identifier): { object: TSESTree.Expression; method: string } | null {
    if (!promisifies) return null;
    const produced = origin(callee, 0);
    return produced === callee ? null : promisifiedMethod(produced);
  }

  function origin(node: TSESTree.Expression, depth: number): TSESTree.Expression {
    const inner = unwrap(node) as TSESTree.Expression;
    if (inner.type === 'CallExpression' && depth <= 10) {
      // A helper of this file that returns a `{ text, values }` / `{ sql, values }` object literal.
      const returned = returnedBy(inner, context.resolve);
      const value = returned ? (unwrap(returned) as TSESTree.Expression) : null;
      return value?.type === 'ObjectExpression' ? value : inner;
    }
    if (inner.type !== 'Identifier' || depth > 10) return inner;
    const def = context.resolve(inner);
    if (def?.kind === 'variable' && def.init && def.node.type === 'VariableDeclarator' && def.node.id.type === 'Identifier') {
      const variable = resolver.variable(inner);
      const writes = variable ? variableWrites(variable, def.node, inner) : ({ kind: 'none' } as const);
      if (writes.kind === 'none') return origin(def.init, depth + 1);
      if (writes.kind === 'unknown') return inner;
      // `let data = { id }; data = { ...data, invoiceId }; data.description = d`: the object with every property seen.
      const initial = origin(def.init, depth + 1);
      if (initial.type !== 'ObjectExpression') return inner;
      let object = merged.get(inner);
      if (!object) merged.set(inner, (object = mergedObject(initial, writes.properties)));
      return object;
    }
    return inner;
  }

  function importOf(node: TSESTree.Expression, depth: number): { module: string; path: string[] } | null {
    if (depth > 10) return null;
    const inner = unwrap(node);
    if (inner.type === 'MemberExpression') {
      const base = importOf(inner.object, depth + 1);
      const property = propertyName(inner);
      return base && property !== null ? { module: base.module, path: [...base.path, property] } : null;
    }
    if (inner.type === 'CallExpression' && requiredModule(inner) !== null) {
      return { module: requiredModule(inner)!, path: [] };
    }
    if (inner.type !== 'Identifier') return null;
    const def = context.resolve(inner);
    if (!def) return null;
    if (def.importFrom) {
      const { module, imported } = def.importFrom;
      return { module, path: imported === 'default' || imported === '*' ? [] : [imported] };
    }
    if (def.kind === 'variable' && def.init && def.node.type === 'VariableDeclarator') {
      const base = importOf(def.init, depth + 1);
      if (!base) return null;
      const pattern = def.node.id;
      if (pattern.type === 'Identifier') return base;
      if (pattern.type === 'ObjectPattern') {
        for (const property of pattern.properties) {
          if (
            property.type === 'Property' &&
            property.value.type === 'Identifier' &&
            property.value.name === def.name.name &&
            property.key.type === 'Identifier'
          ) {
            return { module: base.module, path: [...base.path, property.key.name] };
          }
        }
      }
    }
    return null;
  }

  function connectionKind(node: TSESTree.Node, depth: number): ConnectionKind {
    if (depth > 10) return 'unknown';
    for (const adapter of adapters()) {
      const kind = adapter.connectionFromExpression?.(node as TSESTree.Expression, context);
      if (kind) return kind;
    }
    if (node.type === 'Identifier') {
      const def = context.resolve(node);
      if (def?.kind === 'parameter') {
        const fromCallback = transactionParameterKind(def.node, node.name);
        if (fromCallback) return fromCallback;
      }
      if (def?.importFrom && importedConnection) {
        const { module, imported } = def.importFrom;
        const kind = importedConnection(module, imported === '*' ? [] : [imported]);
        if (kind) return kind;
      }
      const declared = kindOfType(def?.typeAnnotation ?? null);
      if (declared) return declared;
      // A declared type no adapter knows (slonik's `CommonQueryMethods`, an app's own interface) may
      // be a pool or a transaction: the name says less than the author did.
      if (def?.typeAnnotation) return 'unknown';
      if (def?.kind === 'variable' && def.init && def.node.type === 'VariableDeclarator' && def.node.id.type === 'Identifier') {
        const kind = context.connectionKind(def.init);
        if (kind !== 'unknown') return kind;
      }
    }
    if (node.type === 'MemberExpression' && node.object.type === 'ThisExpression') return memberKind(node, depth);
    return 'unknown';
  }

  function kindOfType(type: TSESTree.TypeNode | null): ConnectionKind | null {
    const declared = typeName(type);
    if (!declared) return null;
    for (const adapter of adapters()) {
      const kind = adapter.connectionFromTypeName?.(declared);
      if (kind) return kind;
    }
    return null;
  }

  /** `this.db`: what the class declares for the member (its type, its initializer, a constructor parameter property). */
  function memberKind(node: TSESTree.MemberExpression, depth: number): ConnectionKind {
    const name = propertyName(node);
    let body: TSESTree.Node | undefined = node.parent;
    while (body && body.type !== 'ClassBody') body = body.parent;
    if (name === null || !body || body.type !== 'ClassBody') return 'unknown';
    for (const member of body.body) {
      if (member.type === 'PropertyDefinition' && member.key.type === 'Identifier' && member.key.name === name && !member.computed) {
        const kind =
          kindOfType(member.typeAnnotation?.typeAnnotation ?? null) ??
          (member.value ? connectionKind(unwrap(member.value), depth + 1) : null);
        if (kind) return kind;
      }
      if (member.type === 'MethodDefinition' && member.kind === 'constructor') {
        for (const param of member.value.params) {
          if (param.type === 'TSParameterProperty' && param.parameter.type === 'Identifier' && param.parameter.name === name) {
            return kindOfType(param.parameter.typeAnnotation?.typeAnnotation ?? null) ?? 'unknown';
          }
        }
      }
    }
    return 'unknown';
  }

  /** A parameter of a transaction callback (`pool.transaction(async (tx) => ...)`) is a transaction. */
  function transactionParameterKind(fn: TSESTree.Node, name: string): ConnectionKind | null {
    const call = fn.parent;
    if (call?.type !== 'CallExpression') return null;
    for (const adapter of adapters()) {
      const scope = adapter.matchTransaction?.(call, context);
      if (scope && scope.callback === fn && scope.connectionParam?.type === 'Identifier' && scope.connectionParam.name === name) {
        return 'transaction';
      }
    }
    return null;
  }

  return context;
}

/**
 * An object literal with later properties laid over it, a later property replacing an earlier one of
 * the same name (as at run time). The result stands in for the literal: same range, same parent.
 */
function mergedObject(
  initial: TSESTree.ObjectExpression,
  added: readonly (TSESTree.Property | TSESTree.SpreadElement)[],
): TSESTree.ObjectExpression {
  const properties: TSESTree.ObjectLiteralElement[] = [...initial.properties];
  for (const property of added) {
    const name = property.type === 'Property' ? keyName(property) : null;
    if (name !== null) {
      const earlier = properties.findIndex((p) => p.type === 'Property' && keyName(p) === name);
      if (earlier >= 0) properties.splice(earlier, 1);
    }
    properties.push(property);
  }
  return { ...initial, properties };
}

export function requiredModule(call: TSESTree.CallExpression): string | null {
  const callee = unwrap(call.callee);
  const first = call.arguments[0];
  if (callee.type === 'Identifier' && callee.name === 'require' && first?.type === 'Literal' && typeof first.value === 'string') {
    return first.value;
  }
  return null;
}
