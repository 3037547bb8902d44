/**
 * Functions that run once, not per request, told by what they are called and who calls them:
 *
 * - a data migration between stored versions, named for it: `migrateAuditsV0toV1`, `$migrateBlocksToV1`,
 *   `upgradeSchemaV3` (a name that starts with `migrate` or `upgrade` and names a version `V<n>`): the
 *   upgrade path runs it once per deployment, as a migration file would be;
 * - start-up code: a function named `bootstrap`, or NestJS's `onModuleInit` / `onApplicationBootstrap`
 *   hooks (called once per process when the application starts; never for request-scoped providers);
 * - a function of the module that only such functions call: not exported, and every mention of its name
 *   in the module is a call inside one of them (`createWorkerGroup()` called only from `bootstrap()`).
 *
 * The front ends leave their findings out like those of one-shot files (src/oneshot), and put them
 * back with the same switch (`--include-oneshot`, `checkOneShot`).
 */
import type { TSESTree } from '@typescript-eslint/types';
import { enclosingFunction, functionName, isFunction, unwrap, walk, type FunctionNode } from '../extract/ast.js';

/** `migrateAuditsV0toV1`, `$migrateBlocksToV1`, `upgrade_v2`: a migration between numbered versions. */
const VERSION_MIGRATION = /^[$_]*(?:migrate|upgrade)(?:[A-Z_$]\w*)?$/;
const VERSION = /(?:^|[a-z0-9_$])(?:V|_v)\d+|Version\d+/;
const START_UP = new Set(['bootstrap', 'onModuleInit', 'onApplicationBootstrap']);

/** Why a function runs once, by its own name, or null. */
export function runsOnceByName(name: string): string | null {
  if (VERSION_MIGRATION.test(name) && VERSION.test(name.replace(/^[$_]*(?:migrate|upgrade)/, ''))) {
    return `\`${name}\` is a data migration between versions (run once by the upgrade path)`;
  }
  if (START_UP.has(name)) return `\`${name}\` runs once, when the application starts`;
  return null;
}

/**
 * For each function of the program that runs once (see the header), why. Computed once per program;
 * functions that are not in it run per call as far as the analysis knows.
 */
export function functionsRunningOnce(program: TSESTree.Program): ReadonlyMap<FunctionNode, string> {
  // The units of a program are built several times (each round of following calls, each import depth).
  let once = runningOnce.get(program);
  if (!once) runningOnce.set(program, (once = findRunningOnce(program)));
  return once;
}

const runningOnce = new WeakMap<TSESTree.Program, ReadonlyMap<FunctionNode, string>>();

function findRunningOnce(program: TSESTree.Program): Map<FunctionNode, string> {
  const once = new Map<FunctionNode, string>();
  const named = new Map<string, FunctionNode>();
  const exported = new Set<string>();
  walk(program, (node) => {
    if (isFunction(node)) {
      const name = functionName(node);
      const why = runsOnceByName(name);
      if (why !== null) once.set(node, why);
      const declared = topLevelName(node, program);
      if (declared !== null) named.set(declared, node);
    }
    if (node.type === 'ExportNamedDeclaration' && node.declaration === null) {
      for (const s of node.specifiers) if (s.local.type === 'Identifier') exported.add(s.local.name);
    }
    if (node.type === 'ExportDefaultDeclaration' && node.declaration.type === 'Identifier') exported.add(node.declaration.name);
    return undefined;
  });
  if (once.size === 0) return once;
  // The mentions of each top-level function's name: calls (with the function they are made in) or other uses.
  const mentions = new Map<string, (FunctionNode | null)[]>();
  walk(program, (node, parent) => {
    if (node.type !== 'Identifier' || !named.has(node.name) || parent === null) return undefined;
    if (isFunction(parent) && parent.id === node) return undefined;
    if (parent.type === 'VariableDeclarator' && parent.id === node) return undefined;
    if (parent.type === 'MemberExpression' && parent.property === node && !parent.computed) return undefined;
    if ((parent.type === 'Property' || parent.type === 'MethodDefinition') && parent.key === node && !parent.computed) return undefined;
    const list = mentions.get(node.name) ?? [];
    list.push(parent.type === 'CallExpression' && unwrap(parent.callee) === node ? enclosingFunction(parent) : null);
    mentions.set(node.name, list);
    return undefined;
  });
  // A function called only from functions that run once runs once; followed until nothing changes.
  for (let changed = true; changed;) {
    changed = false;
    for (const [name, fn] of named) {
      if (once.has(fn) || exported.has(name) || isExported(fn)) continue;
      const calls = mentions.get(name) ?? [];
      if (calls.length === 0) continue;
      const callers = calls.map((caller) => (caller === null ? null : onceAround(caller, once)));
      if (callers.some((why) => why === null)) continue;
      once.set(fn, `\`${name}\` is called only from code that runs once (${callers[0]!.replace(/ \(.*\)$/, '')})`);
      changed = true;
    }
  }
  return once;
}

/** Why the function, or one it is written in, runs once; null when neither does. */
export function onceAround(fn: FunctionNode, once: ReadonlyMap<FunctionNode, string>): string | null {
  for (let current: TSESTree.Node | undefined = fn; current; current = current.parent) {
    if (isFunction(current)) {
      const why = once.get(current);
      if (why !== undefined) return why;
    }
  }
  return null;
}

/** The name a function is declared under at the module's top level (`function f`, `const f = () =>`), or null. */
function topLevelName(fn: FunctionNode, program: TSESTree.Program): string | null {
  const statementOf = (node: TSESTree.Node): TSESTree.Node | undefined =>
    node.parent?.type === 'ExportNamedDeclaration' ? node.parent : node;
  if (fn.type === 'FunctionDeclaration' && fn.id) {
    const statement = statementOf(fn);
    return statement !== undefined && statement.parent === program ? fn.id.name : null;
  }
  const declarator = fn.parent;
  if (declarator?.type !== 'VariableDeclarator' || declarator.id.type !== 'Identifier') return null;
  const declaration = declarator.parent;
  const statement = declaration ? statementOf(declaration) : undefined;
  return statement !== undefined && statement.parent === program ? declarator.id.name : null;
}

function isExported(fn: FunctionNode): boolean {
  if (fn.parent?.type === 'ExportNamedDeclaration' || fn.parent?.type === 'ExportDefaultDeclaration') return true;
  return fn.parent?.type === 'VariableDeclarator' && fn.parent.parent?.parent?.type === 'ExportNamedDeclaration';
}
