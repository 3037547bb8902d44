/**
 * Identifier resolution on top of a scope manager. ESLint hands rules either eslint-scope's or
 * typescript-eslint's scope manager, and the CLI builds typescript-eslint's; both have this shape,
 * so the core only relies on the few members below.
 */
import type { TSESTree } from '@typescript-eslint/types';
import { unwrap } from './ast.js';
import type { Definition } from './types.js';

interface ScopeDefinitionLike {
  type: string;
  name: TSESTree.Node;
  node: TSESTree.Node;
  parent?: TSESTree.Node | null;
}

export interface VariableLike {
  name: string;
  defs: readonly ScopeDefinitionLike[];
  identifiers: readonly TSESTree.Node[];
  references: readonly { identifier: TSESTree.Node }[];
}

export interface ScopeManagerLike {
  scopes: readonly {
    references: readonly { identifier: TSESTree.Node; resolved: VariableLike | null }[];
    variables: readonly VariableLike[];
  }[];
}

/**
 * Built on first use: a file whose calls no adapter claims never pays for scope analysis (the CLI
 * hands a function that runs it; ESLint hands the scope manager it already has).
 */
export class Resolver {
  private byIdentifier: Map<TSESTree.Node, VariableLike> | null = null;
  private readonly definitions = new Map<VariableLike, Definition | null>();

  constructor(private readonly scopeManager: ScopeManagerLike | (() => ScopeManagerLike)) {}

  private index(): Map<TSESTree.Node, VariableLike> {
    if (this.byIdentifier) return this.byIdentifier;
    const byIdentifier = new Map<TSESTree.Node, VariableLike>();
    const scopeManager = typeof this.scopeManager === 'function' ? this.scopeManager() : this.scopeManager;
    for (const scope of scopeManager.scopes) {
      for (const variable of scope.variables) {
        for (const id of variable.identifiers) byIdentifier.set(id, variable);
      }
      for (const reference of scope.references) {
        if (reference.resolved) byIdentifier.set(reference.identifier, reference.resolved);
      }
    }
    return (this.byIdentifier = byIdentifier);
  }

  /** The variable an identifier (a reference or a declaration) stands for. */
  variable(id: TSESTree.Node): VariableLike | null {
    return this.index().get(id) ?? null;
  }

  definition(id: TSESTree.Identifier): Definition | null {
    const variable = this.variable(id);
    if (!variable) return null;
    if (!this.definitions.has(variable)) this.definitions.set(variable, toDefinition(variable));
    return this.definitions.get(variable) ?? null;
  }
}

function toDefinition(variable: VariableLike): Definition | null {
  const def = variable.defs[0];
  if (!def || def.name.type !== 'Identifier') return null;
  const name = def.name;
  const typeAnnotation = name.typeAnnotation?.typeAnnotation ?? null;
  const base = { name, node: def.node, typeAnnotation, init: null, declarationKind: null, importFrom: null };
  switch (def.type) {
    case 'Variable': {
      const declarator = def.node as TSESTree.VariableDeclarator;
      const declaration = def.parent as TSESTree.VariableDeclaration | undefined;
      const declarationKind =
        declaration?.kind === 'const' || declaration?.kind === 'let' || declaration?.kind === 'var' ? declaration.kind : null;
      return {
        ...base,
        kind: 'variable',
        init: declarator.init ?? null,
        declarationKind,
        typeAnnotation: typeAnnotation ?? declaratorType(declarator),
      };
    }
    case 'Parameter':
      return { ...base, kind: 'parameter' };
    case 'ImportBinding': {
      const declaration = def.parent as TSESTree.ImportDeclaration | undefined;
      const module = declaration?.source.value ?? '';
      return { ...base, kind: 'import', importFrom: { module, imported: importedName(def.node) } };
    }
    case 'FunctionName':
      return { ...base, kind: 'function' };
    case 'ClassName':
      return { ...base, kind: 'class' };
    default:
      return { ...base, kind: 'other' };
  }
}

function declaratorType(declarator: TSESTree.VariableDeclarator): TSESTree.TypeNode | null {
  return declarator.id.type === 'Identifier' ? (declarator.id.typeAnnotation?.typeAnnotation ?? null) : null;
}

function importedName(node: TSESTree.Node): string {
  if (node.type === 'ImportDefaultSpecifier') return 'default';
  if (node.type === 'ImportNamespaceSpecifier') return '*';
  if (node.type === 'ImportSpecifier') {
    return node.imported.type === 'Identifier' ? node.imported.name : String(node.imported.value);
  }
  return 'default';
}

/** What `const name = init` (a plain name, not a pattern) was given, unwrapped; null for any other definition. */
export function constInitializer(def: Definition | null | undefined): TSESTree.Node | null {
  if (
    def?.kind !== 'variable' ||
    def.declarationKind !== 'const' ||
    !def.init ||
    def.node.type !== 'VariableDeclarator' ||
    def.node.id.type !== 'Identifier'
  )
    return null;
  return unwrap(def.init);
}
