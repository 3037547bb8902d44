/**
 * Where a query's result goes: into which local variables, which conditions test it, whether it is
 * returned or handed to other code. Values derived from the result through local variables
 * (`const { rows } = r; const seats = rows[0].available_seats; const left = seats - 1`) carry it on.
 */
import type { TSESTree } from '@typescript-eslint/types';
import { contains, enclosingFunction, isFunction, propertyName, unwrap, walk } from '../extract/ast.js';
import type { Resolver, VariableLike } from '../extract/scope.js';
import { callbackResultParameter, promiseResolvedBy } from '../extract/callbacks.js';
import type { Definition, QuerySite } from '../extract/types.js';
import type { ResultUse, ValuePath, ValueTest } from './types.js';
import { isKeyColumn } from '../sql/keys.js';

const ASSERTIONS = new Set(['assert', 'ok', 'invariant', 'strictEqual', 'equal', 'notEqual', 'notStrictEqual']);
const MAX_VARIABLES = 200;

/**
 * What the function another module exports as `path` (imported from `module`) reads of its parameter
 * `index`, when it only reads properties of it (`parameterReads`); null when that is not known.
 */
export type ImportedReads = (module: string, path: readonly string[], index: number) => readonly string[] | null;

/**
 * `firstColumn`: the column whose value the library resolves to (slonik `oneFirst`), if it does.
 * `imported`: what functions of other modules read of the rows handed to them, when the project is known.
 */
export function resultUse(
  site: QuerySite,
  resolver: Resolver,
  queryNodes: ReadonlySet<TSESTree.Node>,
  firstColumn: string | null = null,
  imported: ImportedReads | null = null,
): ResultUse {
  const use: MutableUse = {
    tests: [],
    valueTests: [],
    returned: false,
    handedOff: false,
    discarded: site.resultDiscarded === true,
    variables: new Set<VariableLike>(),
    valueNodes: new Set<TSESTree.Node>(),
    paths: new Map<VariableLike, ValuePath>(),
  };
  const pending: [VariableLike, Path, Carrying][] = [];
  // Where each variable starts to carry the value: its declaration, or the first assignment found.
  const carrying = new Map<VariableLike, Carrying>();
  const bind = (pattern: TSESTree.Node, path: Path, assignment: TSESTree.AssignmentExpression | null = null): void => {
    for (const [id, columns] of patternBindings(pattern, path.columns, path.holders, path.answers)) {
      const variable = resolver.variable(id);
      if (!variable) continue;
      const earlier = carrying.get(variable);
      if (earlier !== undefined) {
        // Assigned the value again, earlier in the code: what lies between the two assignments carries it too.
        if (earlier.from !== null && (assignment === null || assignment.range[0] < earlier.from.range[0])) {
          const from = { from: assignment, until: earlier.from };
          carrying.set(variable, from);
          pending.push([variable, use.paths.get(variable)!, from]);
        }
        continue;
      }
      if (use.variables.size < MAX_VARIABLES) {
        use.variables.add(variable);
        const carried = {
          columns,
          opaque: path.opaque,
          fetched: path.fetched,
          ...(path.lookedUp === true ? { lookedUp: true } : {}),
          ...(path.fetchedWith !== undefined ? { fetchedWith: path.fetchedWith } : {}),
          // The value itself, bound whole (`const resolved = await resolve(...)`), still holds the row under them.
          ...(path.holders !== undefined && columns.length === 0 && pattern.type === 'Identifier' ? { holders: path.holders } : {}),
          ...(path.answers !== undefined && columns.length === 0 && pattern.type === 'Identifier' ? { answers: path.answers } : {}),
        };
        use.paths.set(variable, carried);
        const from = { from: assignment, until: null };
        carrying.set(variable, from);
        pending.push([variable, carried, from]);
      }
    }
  };

  // A library that throws on an empty result tests it at the call itself.
  if (site.rowsRequired === true) use.tests.push(site.node);
  const follow = (start: TSESTree.Node, path: Path): void =>
    followValue(start, path, use, bind, queryNodes, (id) => resolver.definition(id), imported);
  // A Node-style callback receives the result as its second parameter; the call's own value is not it.
  const resultParameter = site.callback ? callbackResultParameter(site.callback) : null;
  const start: Path = {
    columns: firstColumn !== null && firstColumn !== '*' ? [firstColumn] : [],
    opaque: false,
    fetched: false,
    ...(site.rowProperties !== undefined && firstColumn === null ? { holders: new Set(site.rowProperties) } : {}),
    ...(site.rowProperties !== undefined && site.answerProperties !== undefined && firstColumn === null
      ? { answers: new Set(site.answerProperties) }
      : {}),
  };
  if (resultParameter) bind(resultParameter, start);
  else if (!site.callback) follow(site.resultNode, start);
  while (pending.length > 0) {
    const [variable, path, from] = pending.pop()!;
    for (const reference of variable.references) if (reaches(from, reference.identifier)) follow(reference.identifier, path);
  }
  return use;
}

type Path = ValuePath;

/**
 * Which references of a variable carry the value: from the assignment that stored it (null: the
 * declaration, so all of them) up to `until` (where an earlier pass already started).
 */
interface Carrying {
  from: TSESTree.AssignmentExpression | null;
  until: TSESTree.Node | null;
}

/**
 * The reference can see what the assignment stored: it comes after it, or a loop around both runs it
 * again after, or it sits in a function of its own that may be called later. `if (membership) {...}
 * else { membership = await create({ index }) }`: the test ran before the create, so it does not test
 * what the create was given.
 */
function reaches({ from, until }: Carrying, reference: TSESTree.Node): boolean {
  if (until !== null && reference.range[0] >= until.range[0]) return false;
  if (from === null || reference.range[0] >= from.range[0]) return true;
  const home = enclosingFunction(from);
  if (enclosingFunction(reference) !== home) return true;
  for (let up: TSESTree.Node | undefined = from.parent; up && up !== home; up = up.parent)
    if (LOOPS.has(up.type) && contains(up, reference)) return true;
  return false;
}

const LOOPS = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);

type MutableUse = {
  tests: TSESTree.Node[];
  valueTests: ValueTest[];
  returned: boolean;
  handedOff: boolean;
  discarded: boolean;
  variables: Set<VariableLike>;
  valueNodes: Set<TSESTree.Node>;
  paths: Map<VariableLike, ValuePath>;
};

/** Properties of a result or a row list that say how many rows came back, not what is in them. */
export const CONTAINER_PROPERTIES = new Set([
  'rows',
  'rowCount',
  'count',
  'length',
  'affectedRows',
  'affected',
  'changedRows',
  'numAffectedRows',
  'numUpdatedRows',
  'numDeletedRows',
  'records',
  'recordset',
  'rowsAffected',
  'at',
  'map',
  'filter',
  'some',
  'every',
  'find',
  'forEach',
  'reduce',
  'includes',
  'slice',
  'flat',
]);

/**
 * Array methods whose value is derived from the rows: `same` hands back rows as they are
 * (`slice`, `find`), `computed` builds something from them through a callback or a search (`map`,
 * `some`, `includes`). Either way the value carries the result on (it is read, returned or handed
 * off); neither makes a test of it read a row's values: `ids.length > 0` after `rows.map((r) => r.id)`
 * asks whether rows came back.
 */
const ARRAY_METHODS: Record<string, 'same' | 'computed'> = {
  slice: 'same',
  at: 'same',
  find: 'same',
  findLast: 'same',
  filter: 'same',
  concat: 'same',
  flat: 'same',
  sort: 'same',
  toSorted: 'same',
  reverse: 'same',
  toReversed: 'same',
  map: 'computed',
  flatMap: 'computed',
  reduce: 'computed',
  some: 'computed',
  every: 'computed',
  includes: 'computed',
  indexOf: 'computed',
  findIndex: 'computed',
  join: 'computed',
};

/**
 * A collection function of lodash or underscore given the rows first (`map(organizations, (o) => o.id)`,
 * `_.filter(ids, ...)`, `sortBy(rows, 'createdAt')`): its value is derived from the rows as the array
 * method of the same name's is (`ARRAY_METHODS`), and a test of its size asks whether rows came back.
 */
function collectionFunction(call: TSESTree.CallExpression, resolve: (id: TSESTree.Identifier) => Definition | null): boolean {
  return COLLECTION_FUNCTIONS.has(lodashFunction(call, resolve, false) ?? '');
}

/**
 * The name of the lodash (or underscore) function a call calls: imported by name (`import { map } from
 * 'lodash'`), as its own module's default (`import map from 'lodash/map'`, `'lodash.map'`), or as a
 * member of the library (`_.map`, with `globals` also a `_` or `lodash` not imported); null otherwise.
 */
function lodashFunction(
  call: TSESTree.CallExpression,
  resolve: (id: TSESTree.Identifier) => Definition | null,
  globals: boolean,
): string | null {
  const callee = unwrap(call.callee);
  const fromLodash = (id: TSESTree.Identifier): Definition['importFrom'] => {
    const def = resolve(id);
    return def?.kind === 'import' && def.importFrom !== null && LODASH.test(def.importFrom.module) ? def.importFrom : null;
  };
  if (callee.type === 'Identifier') {
    const imported = fromLodash(callee);
    if (imported === null) return null;
    // `import map from 'lodash/map'`, `import map from 'lodash.map'`: the module names the function.
    return imported.imported === 'default' ? (/[/.](\w+)$/.exec(imported.module)?.[1] ?? null) : imported.imported;
  }
  if (callee.type !== 'MemberExpression' || callee.object.type !== 'Identifier') return null;
  const library = fromLodash(callee.object) !== null || (globals && (callee.object.name === '_' || callee.object.name === 'lodash'));
  return library ? propertyName(callee) : null;
}

const LODASH = /^(?:lodash(?:-es)?(?:\/\w+)?|lodash\.\w+|underscore)$/;
const COLLECTION_FUNCTIONS = new Set([
  ...Object.keys(ARRAY_METHODS),
  'sortBy',
  'orderBy',
  'uniq',
  'uniqBy',
  'compact',
  'reject',
  'flatten',
  'first',
  'head',
  'last',
]);

/**
 * What a callback's return value becomes when the callback is given to an array method: `ids.map((id)
 * => ({ version: byId[id].version }))` builds the array (the call, returned), `ids.filter((id) =>
 * byId[id].deleted)` only decides which elements stay (null: it goes nowhere); undefined for any other
 * function, whose return value is its caller's.
 */
function arrayCallbackCall(fn: TSESTree.Node | null): TSESTree.CallExpression | null | undefined {
  const call = fn?.parent;
  if (!fn || !isFunction(fn) || call?.type !== 'CallExpression' || call.arguments[0] !== fn) return undefined;
  const callee = call.callee;
  if (callee.type !== 'MemberExpression') return undefined;
  const name = propertyName(callee);
  if (name === null || !Object.hasOwn(CALLBACK_RESULTS, name)) return undefined;
  return CALLBACK_RESULTS[name] === 'built' ? call : null;
}

/** Array methods that call back per element: whether the callback's return value builds the result. */
const CALLBACK_RESULTS: Record<string, 'built' | 'decides'> = {
  map: 'built',
  flatMap: 'built',
  filter: 'decides',
  find: 'decides',
  findLast: 'decides',
  findIndex: 'decides',
  findLastIndex: 'decides',
  some: 'decides',
  every: 'decides',
  forEach: 'decides',
};

function test(use: MutableUse, node: TSESTree.Node, path: Path): void {
  use.tests.push(node);
  const lookedUp = {
    ...(path.lookedUp === true ? { lookedUp: true } : {}),
    ...(path.fetchedWith !== undefined ? { fetchedWith: path.fetchedWith } : {}),
  };
  if (path.columns.length > 0) use.valueTests.push({ node, columns: path.columns, ...lookedUp });
  else if (path.opaque) use.valueTests.push({ node, columns: null, ...lookedUp });
}

/** Climb from an expression carrying the value to where the value ends up. */
function followValue(
  start: TSESTree.Node,
  from: Path,
  use: MutableUse,
  bind: (pattern: TSESTree.Node, path: Path, assignment?: TSESTree.AssignmentExpression | null) => void,
  queryNodes: ReadonlySet<TSESTree.Node>,
  resolve: (id: TSESTree.Identifier) => Definition | null,
  imported: ImportedReads | null,
): void {
  let current: TSESTree.Node = start;
  let path = from;
  // The value is wrapped in a neverthrow ResultAsync (`fromPromise(query, onError)`): its chain's callbacks receive it.
  let wrapped = false;
  for (let guard = 0; guard < 100; guard++) {
    use.valueNodes.add(current);
    const parent: TSESTree.Node | undefined = current.parent;
    if (!parent) return;
    switch (parent.type) {
      case 'ArrayExpression': {
        // `const [a, b] = await Promise.all([q1, q2])`: `a` is q1's result as it is, `b` is not.
        const pattern = promiseAllPattern(parent);
        if (pattern !== null) {
          use.handedOff = true;
          const element = pattern.elements[parent.elements.indexOf(current as TSESTree.Expression)];
          if (element) bind(element, path);
          return;
        }
        break;
      }
      case 'AwaitExpression':
      case 'TSAsExpression':
      case 'TSNonNullExpression':
      case 'TSSatisfiesExpression':
      case 'TSTypeAssertion':
      case 'ChainExpression':
      case 'UnaryExpression':
      case 'BinaryExpression':
      case 'TemplateLiteral':
      case 'SpreadElement':
      case 'ObjectExpression':
      case 'NewExpression':
        break;
      case 'Property':
        if (parent.value !== current || parent.parent?.type !== 'ObjectExpression') return;
        break;
      case 'MemberExpression':
        if (parent.object !== current) return; // used as a computed key: not the value
        if (wrapped && resultChainCall(parent)) {
          const call = parent.parent as TSESTree.CallExpression;
          const callback = call.arguments[0];
          if (callback && isFunction(callback) && callback.params[0]) bind(callback.params[0], path);
          else if (callback && !isFunction(callback)) use.handedOff = true;
          return;
        }
        // `.mapErr(...)`, `.orElse(...)` only touch the error: the value held goes on.
        if (
          wrapped &&
          ERROR_ONLY.has(propertyName(parent) ?? '') &&
          parent.parent?.type === 'CallExpression' &&
          parent.parent.callee === parent
        ) {
          current = parent.parent;
          continue;
        }
        if (isThenCall(parent)) {
          const call = parent.parent as TSESTree.CallExpression;
          const callback = call.arguments[0];
          if (callback && isFunction(callback)) {
            // `.then(() => ...)` drops the result: nothing after it carries it.
            if (!callback.params[0]) return;
            bind(callback.params[0], path);
          } else if (callback) {
            use.handedOff = true;
          }
          current = call;
          continue;
        }
        {
          const name = propertyName(parent);
          // `rows.map((r) => r.slug)`, `rows.find(...)`, `rows.slice(1)`: the call's value is derived from the rows.
          const call = parent.parent;
          if (name !== null && call?.type === 'CallExpression' && call.callee === parent && Object.hasOwn(ARRAY_METHODS, name)) {
            current = call;
            continue;
          }
          // `visibility.status`, a constant the called function answers with: no value of the row.
          if (name !== null && path.columns.length === 0 && path.answers?.has(name)) return;
          if (name !== null && path.columns.length === 0 && path.holders?.has(name)) path = withoutHolders(path);
          else if (name !== null && !CONTAINER_PROPERTIES.has(name) && !/^\d+$/.test(name))
            path = { ...path, columns: [...path.columns, name] };
        }
        break;
      case 'CallExpression':
        if (parent.callee === current) return; // calling the value: not a use of the data
        if (queryNodes.has(parent)) return; // a parameter of another query: its result is not derived from this one
        {
          // `resolve(result)` in a Promise executor: the awaited promise carries the value on.
          const promise = promiseResolvedBy(parent, resolve);
          if (promise) {
            current = promise;
            continue;
          }
          if (parent.arguments[0] === current && wrapsPromise(parent, resolve)) {
            wrapped = true;
            current = parent;
            continue;
          }
          // `map(rows, (r) => r.id)`, `_.filter(ids, ...)`: lodash's array functions, as the methods above.
          if (parent.arguments[0] === current && collectionFunction(parent, resolve)) {
            current = parent;
            continue;
          }
        }
        {
          const asserted = isAssertion(parent);
          // `get(order, 'fromCollective.HostCollectiveId', null)`: the value at that path of the row, as
          // `order.fromCollective?.HostCollectiveId ?? null` reads it, not something computed from all of it.
          const gotten = asserted || parent.arguments[0] !== current ? null : lodashGetPath(parent, resolve);
          // `const isAddedFund = (order) => order.paymentMethod?.service === 'x'`, then `if (isAddedFund(order))`:
          // a function of this module that only reads properties of the row, as the test would inline.
          const reads = asserted || gotten !== null ? null : localReads(parent, current, resolve, imported);
          if (asserted) test(use, parent, path);
          else if (gotten !== null) {
            const named = gotten.filter((p) => !CONTAINER_PROPERTIES.has(p) && !/^\d+$/.test(p));
            path = { ...(named.length > 0 ? withoutHolders(path) : path), columns: [...path.columns, ...named] };
            current = parent;
            continue;
          } else if (reads !== null) {
            path = { ...withoutHolders(path), columns: [...path.columns, ...reads] };
            current = parent;
            continue;
          } else {
            use.handedOff = true;
            const conversion = isConversion(parent);
            // Only the row's keys go in (`findOneByUserId(user.id)`): what comes back is looked up, another row's.
            const lookedUp = path.lookedUp === true || (!conversion && path.columns.length > 0 && path.columns.every(isKeyColumn));
            const given = !conversion && !path.fetched && path.columns.length > 0 ? { fetchedWith: path.columns } : {};
            path = { ...path, opaque: true, fetched: path.fetched || !conversion, ...(lookedUp ? { lookedUp } : {}), ...given };
          }
        }
        break;
      case 'VariableDeclarator':
        if (parent.init === current) bind(parent.id, path);
        return;
      case 'AssignmentExpression':
        if (parent.right !== current) return;
        if (parent.left.type === 'Identifier' || parent.left.type === 'ObjectPattern' || parent.left.type === 'ArrayPattern')
          bind(parent.left, path, parent);
        else use.handedOff = true;
        return;
      case 'ReturnStatement': {
        // `ids.map((id) => { return { version: byId[id].version }; })`: the array's value, not the function's.
        const mapped = arrayCallbackCall(enclosingFunction(parent));
        if (mapped === undefined) use.returned = true;
        else if (mapped !== null) {
          current = mapped;
          continue;
        }
        return;
      }
      case 'YieldExpression':
        use.returned = true;
        return;
      case 'ArrowFunctionExpression':
        if (parent.body === current) {
          const call = parent.parent;
          if (call?.type === 'CallExpression' && call.callee.type === 'MemberExpression' && isThenCall(call.callee)) {
            current = call;
            continue;
          }
          const mapped = arrayCallbackCall(parent);
          if (mapped === undefined) use.returned = true;
          else if (mapped !== null) {
            current = mapped;
            continue;
          }
        }
        return;
      case 'IfStatement':
      case 'WhileStatement':
      case 'DoWhileStatement':
      case 'ForStatement':
        if (parent.test === current) test(use, parent, path);
        return;
      case 'SwitchStatement':
        if (parent.discriminant === current) test(use, parent, path);
        return;
      case 'ConditionalExpression':
        if (parent.test === current) test(use, parent, path);
        break;
      case 'LogicalExpression':
        if (parent.left === current) test(use, parent, path);
        break;
      case 'ForOfStatement':
      case 'ForInStatement':
        if (parent.right === current) bind(declaredPattern(parent.left), path);
        return;
      default:
        return;
    }
    current = parent;
  }
}

/**
 * The array pattern that takes apart, element by element, what `Promise.all(array)` resolves to:
 * `const [a, b] = await Promise.all([...])`, `[a, b] = await Promise.all([...])`; null for any other use.
 */
function promiseAllPattern(array: TSESTree.ArrayExpression): TSESTree.ArrayPattern | null {
  const call = array.parent;
  if (
    call?.type !== 'CallExpression' ||
    call.arguments[0] !== array ||
    array.elements.some((e) => e === null || e.type === 'SpreadElement') ||
    call.callee.type !== 'MemberExpression' ||
    call.callee.object.type !== 'Identifier' ||
    call.callee.object.name !== 'Promise' ||
    propertyName(call.callee) !== 'all'
  )
    return null;
  const awaited = call.parent?.type === 'AwaitExpression' ? call.parent : null;
  const target = awaited?.parent;
  if (target?.type === 'VariableDeclarator' && target.init === awaited && target.id.type === 'ArrayPattern') return target.id;
  if (target?.type === 'AssignmentExpression' && target.right === awaited && target.left.type === 'ArrayPattern') return target.left;
  return null;
}

/**
 * neverthrow's `fromPromise(promise, onError)`, `fromSafePromise(promise)`, `ResultAsync.fromPromise(...)`:
 * a ResultAsync that holds what the promise resolves to.
 */
function wrapsPromise(call: TSESTree.CallExpression, resolve: (id: TSESTree.Identifier) => Definition | null): boolean {
  const callee = call.callee;
  const fromNeverthrow = (id: TSESTree.Identifier): Definition['importFrom'] => {
    const def = resolve(id);
    return def?.kind === 'import' && def.importFrom?.module === 'neverthrow' ? def.importFrom : null;
  };
  if (callee.type === 'Identifier') {
    const imported = fromNeverthrow(callee);
    return imported !== null && WRAPPERS.has(imported.imported);
  }
  return (
    callee.type === 'MemberExpression' &&
    callee.object.type === 'Identifier' &&
    fromNeverthrow(callee.object) !== null &&
    WRAPPERS.has(propertyName(callee) ?? '')
  );
}

const WRAPPERS = new Set(['fromPromise', 'fromSafePromise']);

/**
 * A ResultAsync method whose callback receives the value held (`.andThen((result) => result.count === 0 ?
 * errAsync(...) : okAsync(...))`, `.map`, `.match(onOk, onErr)`). What the chain goes on to hold is the
 * callback's own value, which the binding of its parameter follows.
 */
function resultChainCall(member: TSESTree.MemberExpression): boolean {
  const name = propertyName(member);
  return name !== null && RESULT_CHAIN.has(name) && member.parent?.type === 'CallExpression' && member.parent.callee === member;
}

const ERROR_ONLY = new Set(['mapErr', 'orElse', 'orTee']);

const RESULT_CHAIN = new Set(['andThen', 'asyncAndThen', 'map', 'asyncMap', 'andTee', 'andThrough', 'match']);

function isThenCall(member: TSESTree.MemberExpression): boolean {
  const name = propertyName(member);
  return (
    (name === 'then' || name === 'catch' || name === 'finally') &&
    member.parent?.type === 'CallExpression' &&
    member.parent.callee === member
  );
}

/**
 * The property path lodash's `get(object, 'a.b', default)` reads (also `get(object, ['a', 'b'])`,
 * `_.get`, `lodash.get`, `import get from 'lodash/get'`), or null for any other call or a path not
 * written out in the code.
 */
function lodashGetPath(call: TSESTree.CallExpression, resolve: (id: TSESTree.Identifier) => Definition | null): string[] | null {
  if (lodashFunction(call, resolve, true) !== 'get') return null;
  const at = call.arguments[1];
  if (at?.type === 'Literal' && typeof at.value === 'string') return at.value.split(/[.[\]]+/).filter((p) => p !== '');
  if (at?.type === 'ArrayExpression' && at.elements.every((e) => e?.type === 'Literal' && typeof e.value === 'string'))
    return at.elements.map((e) => String((e as TSESTree.StringLiteral).value));
  return null;
}

/**
 * What a function declared in this module reads of the argument `argument` of the call: the properties
 * of its parameter, when every use of the parameter in its body is a property read (`order.paymentMethod?.
 * service`), and it does no more than compute (not async, no `await`, no `this`, the parameter never
 * handed on whole). One head (`paymentMethod`) with what is read of it, or the heads when they differ.
 * Null otherwise: the call stays a value computed out of sight.
 */
function localReads(
  call: TSESTree.CallExpression,
  argument: TSESTree.Node,
  resolve: (id: TSESTree.Identifier) => Definition | null,
  imported: ImportedReads | null,
): readonly string[] | null {
  if (call.callee.type !== 'Identifier') return null;
  const index = call.arguments.indexOf(argument as TSESTree.CallExpressionArgument);
  if (index < 0 || call.arguments.some((a) => a.type === 'SpreadElement')) return null;
  const def = resolve(call.callee);
  // `import { isRecipientEmailValidForSending } from '../utils/recipients'`: the same question, asked of that module.
  // Not when awaited: what a promise resolves to is no computation on the row.
  if (def?.kind === 'import' && def.importFrom !== null && def.importFrom.imported !== '*')
    return call.parent?.type === 'AwaitExpression' ? null : (imported?.(def.importFrom.module, [def.importFrom.imported], index) ?? null);
  const fn =
    def?.kind === 'function' && def.node.type === 'FunctionDeclaration'
      ? def.node
      : def?.kind === 'variable' && def.declarationKind === 'const' && def.init !== null && isFunction(def.init)
        ? def.init
        : null;
  return fn === null ? null : parameterReads(fn, index, resolve);
}

/**
 * What the function reads of its parameter `index`, as `localReads` says; null when it does more with
 * it (or is async, a generator, or uses `this`). Exported for the project step, which asks it of the
 * functions other modules export.
 */
export function parameterReads(fn: TSESTree.Node, index: number, resolve: (id: TSESTree.Identifier) => Definition | null): string[] | null {
  if (!isFunction(fn) || fn.async || fn.generator) return null;
  const param = fn.params[index];
  if (param?.type !== 'Identifier') return null;
  const paths: string[][] = [];
  let plain = true;
  walk(fn.body, (node) => {
    if (!plain) return false;
    if (node.type === 'AwaitExpression' || node.type === 'ThisExpression' || node.type === 'YieldExpression') plain = false;
    else if (node.type === 'Identifier' && node.name === param.name && resolve(node)?.name === param) {
      const path: string[] = [];
      let at: TSESTree.Node = node;
      for (;;) {
        const up: TSESTree.Node | undefined = at.parent;
        if (up?.type === 'ChainExpression' || up?.type === 'TSNonNullExpression') {
          at = up;
          continue;
        }
        if (up?.type !== 'MemberExpression' || up.object !== at || up.computed) break;
        const name = propertyName(up);
        // `order.tags.includes(x)`, `order.items.length`: what the property holds, asked of it.
        if (name === null || CONTAINER_PROPERTIES.has(name) || (up.parent?.type === 'CallExpression' && up.parent.callee === up)) break;
        path.push(name);
        at = up;
      }
      if (path.length === 0) plain = false;
      else paths.push(path);
    }
    return true;
  });
  if (!plain || paths.length === 0) return null;
  const heads = [...new Set(paths.map((p) => p[0]!))];
  if (heads.length > 1) return heads;
  return [heads[0]!, ...new Set(paths.flatMap((p) => (p[1] === undefined ? [] : [p[1]])))];
}

/** Globals that convert or combine a value without fetching anything else: their result is computed from it. */
const CONVERSIONS = new Set(['Number', 'String', 'Boolean', 'BigInt', 'parseInt', 'parseFloat', 'structuredClone', 'Date']);
const CONVERSION_OBJECTS = new Set(['JSON', 'Math', 'Object', 'Array', 'Number', 'String', 'BigInt', 'Date', 'lodash', '_']);

/** `Number(x)`, `JSON.parse(x)`, `Math.max(x, 0)`, `Object.assign({}, x)`: a value computed from the argument, not fetched with it. */
export function isConversion(call: TSESTree.CallExpression): boolean {
  const callee = call.callee;
  if (callee.type === 'Identifier') return CONVERSIONS.has(callee.name);
  return callee.type === 'MemberExpression' && callee.object.type === 'Identifier' && CONVERSION_OBJECTS.has(callee.object.name);
}

function isAssertion(call: TSESTree.CallExpression): boolean {
  const callee = call.callee;
  const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? propertyName(callee) : null;
  return name !== null && ASSERTIONS.has(name);
}

function declaredPattern(left: TSESTree.Node): TSESTree.Node {
  return left.type === 'VariableDeclaration' ? (left.declarations[0]?.id ?? left) : left;
}

/** The identifiers a pattern declares, each with the row properties its destructuring reads. */
function withoutHolders({ holders: _holders, answers: _answers, ...path }: Path): Path {
  return path;
}

function patternBindings(
  pattern: TSESTree.Node,
  columns: readonly string[],
  holders?: ReadonlySet<string>,
  answers?: ReadonlySet<string>,
): [TSESTree.Identifier, readonly string[]][] {
  switch (pattern.type) {
    case 'Identifier':
      return [[pattern, columns]];
    case 'ObjectPattern':
      return pattern.properties.flatMap((p) => {
        if (p.type === 'RestElement') return patternBindings(p.argument, columns);
        const key = p.key.type === 'Identifier' && !p.computed ? p.key.name : null;
        // `const { customer, created } = await getOrCreate(...)`: a constant the called function answers
        // with, as `resolved.created` is, holds no value of the row.
        if (key !== null && columns.length === 0 && answers?.has(key) === true) return [];
        const held = key !== null && columns.length === 0 && holders?.has(key) === true;
        const next = key !== null && !held && !CONTAINER_PROPERTIES.has(key) ? [...columns, key] : columns;
        return patternBindings(p.value, next);
      });
    case 'ArrayPattern':
      return pattern.elements.flatMap((e) => (e ? patternBindings(e, columns) : []));
    case 'AssignmentPattern':
      return patternBindings(pattern.left, columns);
    case 'RestElement':
      return patternBindings(pattern.argument, columns);
    default:
      return [];
  }
}

/** Whether an expression reads a value the use carries (a derived variable or the result itself). */
export function dependsOn(expression: TSESTree.Node | null, use: ResultUse, resolver: Resolver): boolean {
  if (!expression) return false;
  let found = false;
  const visit = (node: TSESTree.Node): void => {
    if (found) return;
    if (use.valueNodes.has(node) && node.type !== 'Identifier') {
      found = true;
      return;
    }
    if (node.type === 'Identifier') {
      const variable = resolver.variable(node);
      if (variable && use.variables.has(variable)) found = true;
      return;
    }
    for (const key of Object.keys(node)) {
      if (key === 'parent') continue;
      const value = (node as unknown as Record<string, unknown>)[key];
      if (Array.isArray(value)) value.forEach((v) => isNode(v) && visit(v));
      else if (isNode(value)) visit(value);
    }
  };
  visit(expression);
  return found;
}

function isNode(value: unknown): value is TSESTree.Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
