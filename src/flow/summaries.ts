/**
 * Function summaries: what a function does to the database, as its callers see it. In real code the
 * read, the test, the write, the BEGIN or the lock often sit in another function (`getStock(id)` then
 * `setStock(id, n)`, `withTransaction(async (client) => ...)`), in this file or in another module.
 *
 * A summary lists the statements a function runs (with its inlined callbacks), each with:
 * - the connection it runs on: one of the function's parameters (bound at a call to the caller's
 *   argument), or its own (a module-level pool, `this.db`);
 * - which of the function's parameters each `$n` of the statement is (bound to the caller's
 *   arguments, so a value the caller computed from a read is seen in the write);
 * - whether the result (or a value derived from it) is returned, and whether the function tests it
 *   and stops (then its caller runs on only when the statement found or changed a row).
 * and whether the function is a transaction helper: it begins a transaction on a connection, calls
 * one of its parameters with that connection, and ends it (`withTransaction(fn)`), or hands its
 * parameter to a library's transaction callback (`knex.transaction((trx) => fn(trx))`).
 *
 * At a call of a summarised function, the caller's unit gets one derived query site per statement
 * (reported on the call: that is where the caller's code is), and a callback passed to a transaction
 * helper runs in that transaction. See `deriveSites`.
 */
import type { TSESTree } from '@typescript-eslint/types';
import {
  callsWithin,
  contains,
  enclosingFunction,
  expressionPath,
  functionName,
  isFunction,
  objectProperty,
  propertyName,
  returnsOf,
  unwrap,
  walk,
  type FunctionNode,
} from '../extract/ast.js';
import type { ConnectionKind, ExtractContext, QuerySite, TransactionScope } from '../extract/types.js';
import { isolationOption } from '../extract/kit.js';
import { constInitializer, type Resolver } from '../extract/scope.js';
import type { Isolation, SqlDialect, StatementFacts } from '../sql/facts.js';
import { CONTAINER_PROPERTIES, dependsOn } from './results.js';
import { compensates } from './compensation.js';
import { countBound } from './count-bounds.js';
import { callsOutside } from './outside-calls.js';
import type { Step, Unit, ValuePath } from './types.js';
import { keyOrigins, listedRowsOrigin, writtenRowOrigins, type KeyOrigin } from './row-keys.js';
import { setsRecount } from './recounts.js';

/**
 * One statement of a summary, as plain data: a summary outlives the syntax tree of the module it was
 * made from (a project keeps one per module), so it holds no node of it.
 */
export interface SummaryStep {
  facts: StatementFacts;
  /**
   * The statement runs only under `if (linkId)` where `linkId` is a parameter, or a property of one
   * destructured without a default (`{ userId, linkId }: Props`), never assigned: a call that leaves it
   * out (`getPermission({ userId, collectionId })`) does not run the statement.
   */
  onlyWhenGiven: { index: number; property: string | null } | null;
  library: string;
  countHint: string;
  transactionHint: string | undefined;
  sqlText: string;
  dialect: SqlDialect;
  /** The connection's kind and identity inside the function (for a statement on its own connection). */
  connectionKind: ConnectionKind;
  connectionKey: string;
  /** The line of the statement in its file. */
  line: number;
  /** Index of the function parameter the statement's connection is, or null for the function's own. */
  connectionParam: number | null;
  /**
   * The connection is a property of that parameter, an options object (`{ transaction }` destructured,
   * `options.transaction`): the property's name. A caller passes `{ transaction }` or `{ transaction: t }`.
   */
  connectionProperty: string | null;
  /** With `connectionProperty`: what the statement runs on when the caller's options object leaves it out. */
  connectionWhenOmitted: ConnectionKind | null;
  /** For each `$n` of the statement: the index of the parameter it is, or null. */
  paramsFrom: (number | null)[];
  /**
   * For each placeholder the function fills with a property of one of its parameters (`where: { id:
   * environment.id }`): that parameter's index and the property; null elsewhere.
   */
  paramsOfParameters: ({ index: number; property: string } | null)[];
  /** The result, or a value derived from it, is the function's return value. */
  returned: boolean;
  /**
   * The statement is a query builder (`QuerySite.builder`) the function returns as it is, unawaited and
   * not async: it runs where the caller awaits it, and a caller that adds to it (`query.where(...)`,
   * `this.active().first()`) runs another statement, with conditions this one does not hold.
   */
  returnsBuilder: boolean;
  /** The function tests the result and leaves when it does not hold (throws, returns early). */
  tested: boolean;
  /**
   * With `tested`: the columns of the row those leaving tests read ([] when they only ask whether a row
   * came back), or null when a test reads through a call. A caller's earlier test of the same columns is
   * then tested again by the function, next to its write (see `derived.recheckedColumns`).
   */
  recheckedColumns: string[] | null;
  /** A row count the function returns as it came, on every return (see `derived.countReturned`). */
  countReturned: boolean;
  /** A row count whose every leaving test in the function caps it (see `derived.capsCount`). */
  capsCount: boolean;
  /** The function returns one column of the row (`return rows[0].stock`): that column. */
  returnedColumn: string | null;
  /** The function returns an object holding the row itself under these properties (`return { row, pageData }`). */
  rowProperties: string[];
  /** With `rowProperties`: the properties every returned object sets to a constant (`{ status: 'visible', row }`). */
  answerProperties: string[];
  /** The function runs it in a `try` whose `catch` handles a unique violation (a get-or-create helper). */
  catchesUniqueViolation: boolean;
  /**
   * It throws when it matches no row (Prisma's `update` / `delete`: P2025): the function leaves with the
   * error, even when it returns the row, so the caller's code after the call runs only when a row was written.
   */
  throwsWhenNoRow: boolean;
  /**
   * A read the function throws on when it finds no row (`if (!row) throw new NotFound()`, a 404 or
   * permission helper): always (`true`), or when the caller sets a flag (`if (!row && throwIfMissing)
   * throw`): the parameter the flag is, or its property of an options parameter, and whether it holds
   * when the caller leaves it out (`throwIfMissing = true`). Null when the function does not.
   */
  throwsWhenMissing: true | MissingFlag | null;
  /** It undoes, in a `catch` that throws again, what was written to its table before (src/flow/compensation.ts). */
  compensation: boolean;
  /** An UPDATE or DELETE: the parameters the row it is aimed at comes from, or null when not told (src/flow/row-keys.ts). */
  rowKeyOrigins: KeyOrigin[] | null;
  /** An UPDATE or DELETE: the parameters every key value of its WHERE comes from, handed in or found (src/flow/row-keys.ts). */
  keyOrigins: KeyOrigin[] | null;
  /** An UPDATE or DELETE whose every key is an element of a list parameter: that parameter (src/flow/row-keys.ts). */
  listedRowsOrigin: KeyOrigin | null;
  /** An UPDATE that stores a recount the function made (src/flow/recounts.ts). */
  recount: boolean;
  /** See `derived.answersWhenRun`. */
  answersWhenRun: boolean;
  /** See `derived.throwsAfter`. */
  throwsAfter: boolean;
  /** See `derived.countTested`. */
  countTested: boolean;
}

/** The flag a caller sets for a function to throw when its read finds no row (see `SummaryStep.throwsWhenMissing`). */
export interface MissingFlag {
  param: number;
  property: string | null;
  byDefault: boolean;
}

export interface FunctionSummary {
  name: string;
  /** The file that declares it (null: the file being analysed). */
  file: string | null;
  line: number;
  steps: SummaryStep[];
  /**
   * Every call the function makes (its inlined callbacks included) is one of its statements, a call of a
   * function of which this holds too, or one that leaves nothing behind a second time (only reads, takes
   * away, logs, computes or answers: src/flow/outside-calls.ts). False when it may send an email, charge,
   * queue a job or call anything whose effects are not seen.
   */
  effectsSeen: boolean;
  transactionHelper: Helper | null;
}

/**
 * A transaction helper: it runs its parameter `callbackParam` in a transaction of the given isolation,
 * passing the transaction's connection as that function's argument `connectionArg`.
 */
interface Helper {
  callbackParam: number;
  connectionArg: number;
  isolation: Isolation | null;
}

/**
 * Summaries of a file's functions, by declaring node. `transactions` are the file's transaction
 * callbacks: a function that hands its own callback to one is a transaction helper, statements or none.
 */
export function summarize(
  units: readonly Unit[],
  resolver: Resolver,
  file: string | null,
  transactions: readonly TransactionScope[] = [],
): Map<TSESTree.Node, FunctionSummary> {
  const summaries = new Map<TSESTree.Node, FunctionSummary>();
  const handed = handedToTransactions(transactions, resolver);
  for (const unit of units) {
    if (unit.node.type === 'Program') continue;
    const fn = unit.node;
    // A connection that falls back to another when the caller passes none (`tx ?? prisma`): what runs
    // then is not told by the call, as an options object left without its `transaction`.
    const slotOf = (step: Step) => {
      const { orElse, ...slot } = connectionSlot(fn, step.site.connection, step.site.connectionVia, resolver);
      return { ...slot, connectionWhenOmitted: step.site.connectionWhenOmitted ?? (orElse ? ('unknown' as const) : null) };
    };
    const own = unit.steps.filter((s) => !s.site.derived || contains(fn, s.site.node));
    if (own.length === 0) continue;
    summaries.set(fn, {
      name: unit.name,
      file,
      line: fn.loc.start.line,
      steps: own.map((step) => ({
        facts: step.facts,
        onlyWhenGiven: onlyWhenGiven(fn, step, resolver),
        library: step.site.library,
        countHint: step.site.countHint,
        transactionHint: step.site.transactionHint,
        sqlText: step.site.sql.text,
        dialect: step.site.sql.dialect,
        connectionKind: step.connection.kind,
        connectionKey: step.connection.key,
        line: step.site.node.loc.start.line,
        ...slotOf(step),
        paramsFrom: step.site.sql.params.map((p) => parameterIndex(fn, p, resolver)),
        paramsOfParameters: step.site.sql.params.map((p) => parameterProperty(fn, p, resolver)),
        returned: step.result.returned,
        returnsBuilder: step.site.builder === true && !fn.async && !fn.generator && returnedAsItIs(fn, step.site.node),
        returnedColumn: step.result.returned ? returnedColumn(fn, step, resolver) : null,
        rowProperties: step.result.returned ? rowProperties(fn, step, resolver) : [],
        answerProperties: step.result.returned ? answerProperties(fn, step, resolver) : [],
        tested: step.result.tests.some((t) => leavesOnFailure(t)),
        countTested:
          (step.facts.kind === 'update' || step.facts.kind === 'delete') &&
          (step.site.derived?.countTested === true || step.result.tests.some((t) => t !== step.site.node)),
        recheckedColumns: recheckedColumns(step),
        countReturned: step.result.returned && countReturned(fn, step, resolver),
        capsCount: capsCount(step, resolver),
        catchesUniqueViolation: step.catchesUniqueViolation,
        throwsWhenNoRow: step.site.derived === undefined ? step.site.rowsRequired === true : step.site.throwsWhenNoRow === true,
        throwsWhenMissing:
          step.facts.kind !== 'select'
            ? null
            : step.site.derived?.throwsWhenMissing === true
              ? true
              : throwsWhenMissing(fn, step, resolver),
        compensation: compensates(unit, step),
        rowKeyOrigins: writtenRowOrigins(fn, unit, step, resolver),
        keyOrigins: keyOrigins(fn, unit, step, resolver),
        listedRowsOrigin: listedRowsOrigin(fn, step, resolver),
        recount: setsRecount(unit, step, resolver),
        answersWhenRun: answersWhenRun(fn, step.site.node),
        throwsAfter: throwsAfterRun(fn, step.site.node) || (step.site.derived?.throwsAfter === true && !caughtAround(fn, step.site.node)),
      })),
      effectsSeen:
        own.every((step) => step.site.derived === undefined || step.site.derived.effectsSeen === true) &&
        !callsOutside(
          fn,
          unit.steps.map((step) => step.site.node),
          () => true,
        ),
      transactionHelper: transactionHelper(fn, unit, resolver) ?? handed.get(fn) ?? null,
    });
  }
  // A helper that runs no statement of its own: `withTx(fn) { return db.transaction(fn) }`.
  for (const [fn, helper] of handed) {
    if (summaries.has(fn)) continue;
    summaries.set(fn, {
      name: functionName(fn),
      file,
      line: fn.loc.start.line,
      steps: [],
      effectsSeen: !callsOutside(fn, [], () => true),
      transactionHelper: helper,
    });
  }
  return summaries;
}

/** `node` is what the function returns, unawaited: a `return`'s argument or an arrow function's body (past casts). */
function returnedAsItIs(fn: FunctionNode, node: TSESTree.Node): boolean {
  let current: TSESTree.Node = node;
  while (
    current.parent &&
    (current.parent.type === 'TSAsExpression' ||
      current.parent.type === 'TSNonNullExpression' ||
      current.parent.type === 'TSSatisfiesExpression' ||
      current.parent.type === 'TSTypeAssertion')
  )
    current = current.parent;
  const parent = current.parent;
  if (parent?.type === 'ReturnStatement') return parent.argument === current && enclosingFunction(parent) === fn;
  return fn.type === 'ArrowFunctionExpression' && fn.expression && fn.body === current;
}

/**
 * The caller adds to the query builder the call returns before it runs (`this.active().where(...)`, or
 * `const query = this.active()` then `query.where(...)`): the statement run is another, the call's is not.
 */
function extendsBuilder(call: TSESTree.CallExpression, resolver: Resolver | null): boolean {
  const extended = (value: TSESTree.Node): boolean => {
    const member = value.parent;
    return (
      member?.type === 'MemberExpression' &&
      member.object === value &&
      member.parent?.type === 'CallExpression' &&
      member.parent.callee === member &&
      !['then', 'catch', 'finally'].includes(propertyName(member) ?? '')
    );
  };
  if (extended(call)) return true;
  const declarator = call.parent;
  if (resolver === null || declarator?.type !== 'VariableDeclarator' || declarator.init !== call || declarator.id.type !== 'Identifier')
    return false;
  const variable = resolver.variable(declarator.id);
  return variable !== null && variable.references.some((r) => extended(r.identifier));
}

/**
 * The function throws when the read finds no row: `if (!row) throw ...`, `if (row === null) throw`,
 * `if (!row || row.deletedAt) throw`; or when a flag of its caller's is set as well: `if (!row &&
 * throwIfMissing) throw`, the flag a parameter or a property of an options parameter.
 */
function throwsWhenMissing(fn: FunctionNode, step: Step, resolver: Resolver): true | MissingFlag | null {
  const carries = (node: TSESTree.Node): boolean => step.result.valueNodes.has(unwrap(node)) || step.result.valueNodes.has(node);
  for (const test of [...step.result.tests, ...lookupTests(fn, step)]) {
    // A test of what the row holds (`if (!row.active) throw`) is no test of whether it is there.
    if (test.type !== 'IfStatement' || !throwsAtEnd(test.consequent) || step.result.valueTests.some((t) => t.node === test)) continue;
    const found = whenMissing(fn, test.test, carries, resolver);
    if (found !== null) return found;
  }
  return null;
}

/**
 * The `if`s after the statement, in the function's own body, that ask whether every value was found
 * through a constant callback (`if (!inputs.every(loaded)) throw`, `loaded` looking among the rows): the
 * condition names no row itself, so it is none of the result's tests (see `everyAskedFound`).
 */
function lookupTests(fn: FunctionNode, step: Step): TSESTree.IfStatement[] {
  return everyTests(fn).filter((test) => test.range[0] > step.site.node.range[1] && !step.result.tests.includes(test));
}

/**
 * The `if`s of the function's own body whose condition calls `.every(callback)` with a named callback,
 * found once per function (each read of it asks; summaries are made again per round and depth).
 */
const everyTestLists = new WeakMap<FunctionNode, TSESTree.IfStatement[]>();
function everyTests(fn: FunctionNode): TSESTree.IfStatement[] {
  let found = everyTestLists.get(fn);
  if (found) return found;
  found = [];
  walk(fn.body, (node) => {
    if (node !== fn.body && isFunction(node)) return false;
    if (node.type === 'IfStatement') {
      let every = false;
      walk(node.test, (inner) => {
        if (inner.type === 'CallExpression' && inner.callee.type === 'MemberExpression' && propertyName(inner.callee) === 'every')
          every ||= inner.arguments[0]?.type === 'Identifier';
        return !every;
      });
      if (every) found!.push(node);
    }
    return true;
  });
  everyTestLists.set(fn, found);
  return found;
}

/** The branch ends in a `throw`. */
function throwsAtEnd(branch: TSESTree.Statement): boolean {
  const last = branch.type === 'BlockStatement' ? branch.body.at(-1) : branch;
  return last?.type === 'ThrowStatement';
}

/** A condition true when the read found nothing: always (`true`), when a caller's flag is set, or not known to be (null). */
function whenMissing(
  fn: FunctionNode,
  condition: TSESTree.Expression,
  carries: (node: TSESTree.Node) => boolean,
  resolver: Resolver,
): true | MissingFlag | null {
  const inner = unwrap(condition);
  const nothing = (n: TSESTree.Node): boolean =>
    (n.type === 'Literal' && n.value === null) || (n.type === 'Identifier' && n.name === 'undefined');
  // Not `rows.length === 0`: a list found non-empty is no row found (see no-check-then-act's `found`).
  if (inner.type === 'UnaryExpression' && inner.operator === '!')
    return carries(unwrap(inner.argument)) || everyAskedFound(unwrap(inner.argument), carries, resolver) ? true : null;
  if (inner.type === 'BinaryExpression' && (inner.operator === '===' || inner.operator === '==')) {
    const { left, right } = inner;
    return (carries(left) && nothing(right)) || (carries(right) && nothing(left)) ? true : null;
  }
  if (inner.type === 'LogicalExpression' && inner.operator === '||') {
    const left = whenMissing(fn, inner.left, carries, resolver);
    const right = whenMissing(fn, inner.right, carries, resolver);
    return left === true || right === true ? true : (left ?? right);
  }
  if (inner.type === 'LogicalExpression' && inner.operator === '&&') {
    // `!row && throwIfMissing`: when the caller asks for it.
    for (const [missing, other] of [
      [inner.left, inner.right],
      [inner.right, inner.left],
    ] as const) {
      if (whenMissing(fn, missing, carries, resolver) !== true) continue;
      const flag = callerFlag(fn, other, resolver);
      if (flag !== null) return flag;
    }
  }
  return null;
}

/**
 * `inputs.every((input) => rows.some((row) => matches(row, input)))`, the callback inline or a constant
 * (`const found = (input) => rows.find(...)`): every value asked for has a row among those read. Its
 * negation holds when a row looked for is missing. Not a test of the rows themselves (`rows.every((row)
 * => row.active)`): the list walked must not be the rows.
 */
function everyAskedFound(node: TSESTree.Node, carries: (node: TSESTree.Node) => boolean, resolver: Resolver): boolean {
  if (node.type !== 'CallExpression' || node.callee.type !== 'MemberExpression' || propertyName(node.callee) !== 'every') return false;
  if (carries(unwrap(node.callee.object))) return false;
  let callback: TSESTree.Node | undefined = node.arguments[0];
  if (callback?.type === 'Identifier') {
    const def = resolver.definition(callback);
    callback = def?.kind === 'variable' && def.declarationKind === 'const' ? (def.init ?? undefined) : undefined;
  }
  if (callback === undefined || !isFunction(callback)) return false;
  const body = callback.body.type === 'BlockStatement' ? callback.body.body : null;
  const only = body === null ? callback.body : body.length === 1 && body[0]!.type === 'ReturnStatement' ? body[0]!.argument : null;
  const answer = only ? unwrap(only) : null;
  const lookup = answer?.type === 'UnaryExpression' && answer.operator === '!' ? null : answer;
  if (lookup?.type !== 'CallExpression' || lookup.callee.type !== 'MemberExpression') return false;
  const method = propertyName(lookup.callee);
  return (method === 'some' || method === 'find') && carries(unwrap(lookup.callee.object));
}

/** `throwIfMissing` (a parameter, or destructured from an options parameter), `options.throwIfMissing`. */
function callerFlag(fn: FunctionNode, node: TSESTree.Node, resolver: Resolver): MissingFlag | null {
  const { connectionParam, connectionProperty } = connectionSlot(fn, node, undefined, resolver);
  if (connectionParam === null) return null;
  const param = fn.params[connectionParam];
  const inner = unwrap(node);
  let byDefault = false;
  const isTrue = (n: TSESTree.Node | undefined): boolean => n?.type === 'Literal' && n.value === true;
  if (connectionProperty === null) byDefault = param?.type === 'AssignmentPattern' && isTrue(param.right);
  else if (inner.type === 'Identifier') {
    const pattern = param?.type === 'AssignmentPattern' ? param.left : param;
    if (pattern?.type === 'ObjectPattern')
      for (const p of pattern.properties)
        if (
          p.type === 'Property' &&
          p.value.type === 'AssignmentPattern' &&
          p.value.left.type === 'Identifier' &&
          p.value.left.name === inner.name
        )
          byDefault = isTrue(p.value.right);
  }
  return { param: connectionParam, property: connectionProperty, byDefault };
}

/** The columns the tests that leave on failure read of a statement's rows (see `SummaryStep.recheckedColumns`). */
function recheckedColumns(step: Step): string[] | null {
  if (step.facts.kind !== 'select') return null;
  const leaving = step.result.tests.filter((t) => leavesOnFailure(t));
  if (leaving.length === 0) return null;
  const columns = new Set<string>();
  for (const test of step.result.valueTests) {
    if (!leaving.includes(test.node)) continue;
    if (test.columns === null) return null;
    for (const column of test.columns) columns.add(column);
  }
  return [...columns];
}

/**
 * Every return of the function hands back the statement's row count as it came: `return await
 * prisma.schedule.count(...)`, `=> db.count(...)`, or a `const` bound to it. A return of anything else
 * (`quota - count`, `0` early) makes what the caller gets something other than the count.
 */
function countReturned(fn: FunctionNode, step: Step, resolver: Resolver): boolean {
  if (!step.facts.aggregate) return false;
  const returns = fn.body.type === 'BlockStatement' ? returnsOf(fn).map((r) => r.argument) : [fn.body];
  return (
    returns.length > 0 &&
    returns.every((argument) => {
      if (!argument) return false;
      let inner = unwrap(argument);
      if (inner.type === 'AwaitExpression') inner = unwrap(inner.argument);
      if (inner === step.site.node) return true;
      if (inner.type !== 'Identifier') return false;
      const def = resolver.definition(inner);
      if (def?.kind !== 'variable' || def.declarationKind !== 'const' || !def.init || def.node.type !== 'VariableDeclarator') return false;
      if (def.node.id.type !== 'Identifier') return false;
      let init = unwrap(def.init);
      if (init.type === 'AwaitExpression') init = unwrap(init.argument);
      return init === step.site.node;
    })
  );
}

/** The function leaves on a test of the statement's row count only when it reaches a ceiling (src/flow/count-bounds.ts). */
function capsCount(step: Step, resolver: Resolver): boolean {
  const leaving = step.result.tests.filter((t) => leavesOnFailure(t));
  return leaving.length > 0 && leaving.every((t) => countBound(step, t, resolver) === 'ceiling');
}

/**
 * `return { row, pageData: { ... } }`, where `row` holds the row read as it is (`const { page, ...row } =
 * found`, `const row = rows[0]`): the properties of every returned object literal that hold the row
 * itself, not a column of it. None when a return gives anything else.
 */
function rowProperties(fn: FunctionNode, step: Step, resolver: Resolver): string[] {
  const returns = fn.body.type === 'BlockStatement' ? returnsOf(fn).map((r) => r.argument) : [fn.body];
  const found = new Set<string>();
  for (const argument of returns) {
    if (!argument) continue;
    let inner = unwrap(argument);
    if (inner.type === 'AwaitExpression') inner = unwrap(inner.argument);
    // `return await this.crud.findAll(...)`: the called function's answer handed on whole keeps its shape.
    for (const held of passedOn(inner, step, resolver)?.holders ?? []) found.add(held);
    if (inner.type !== 'ObjectExpression') continue;
    for (const p of inner.properties) {
      if (p.type !== 'Property' || p.computed || p.key.type !== 'Identifier') continue;
      const value = unwrap(p.value);
      if (value.type !== 'Identifier') continue;
      const variable = resolver.variable(value);
      const path = variable ? step.result.paths.get(variable) : undefined;
      if (path && path.columns.length === 0 && !path.opaque) found.add(p.key.name);
    }
  }
  return [...found];
}

/**
 * The answer of the statement's (called function's) result, returned as it is: the call itself or a
 * variable bound to it whole, with what that answer holds under its properties (`holders`, `answers`).
 */
function passedOn(inner: TSESTree.Node, step: Step, resolver: Resolver): Pick<ValuePath, 'holders' | 'answers'> | null {
  const { rowProperties: holders, answerProperties: answers } = step.site;
  if (inner === step.site.resultNode && holders !== undefined)
    return { holders: new Set(holders), ...(answers !== undefined ? { answers: new Set(answers) } : {}) };
  if (inner.type !== 'Identifier') return null;
  const variable = resolver.variable(inner);
  const path = variable ? step.result.paths.get(variable) : undefined;
  return path && path.columns.length === 0 && !path.opaque && path.holders !== undefined ? path : null;
}

/**
 * `return { status: 'missing' }` ... `return { status: 'visible', schedule }`: the properties every return
 * gives a constant (a string, number or boolean written in place). None when a return gives anything
 * but an object literal, unless it hands on a called function's answer whole (see `passedOn`), whose
 * constants are the same.
 */
function answerProperties(fn: FunctionNode, step: Step, resolver: Resolver): string[] {
  const returns = fn.body.type === 'BlockStatement' ? returnsOf(fn).map((r) => r.argument) : [fn.body];
  const constants: string[][] = [];
  for (const argument of returns) {
    let inner = argument ? unwrap(argument) : null;
    if (inner?.type === 'AwaitExpression') inner = unwrap(inner.argument);
    const whole = inner ? passedOn(inner, step, resolver) : null;
    if (whole !== null) {
      constants.push([...(whole.answers ?? [])]);
      continue;
    }
    if (inner?.type !== 'ObjectExpression') return [];
    constants.push(
      inner.properties.flatMap((p) =>
        p.type === 'Property' && !p.computed && p.key.type === 'Identifier' && p.value.type === 'Literal' && p.value.value !== null
          ? [p.key.name]
          : [],
      ),
    );
  }
  const [first = [], ...rest] = constants;
  return first.filter((name) => rest.every((names) => names.includes(name)));
}

/**
 * The parameter (or destructured property of one) whose value an `if` around the statement requires:
 * `if (linkId) { ...statement... }`, the test being the parameter's name alone and the parameter never
 * assigned. A property given a default (`{ linkId = 0 }`) is not: left out, it still holds a value.
 */
function onlyWhenGiven(fn: FunctionNode, step: Step, resolver: Resolver): { index: number; property: string | null } | null {
  let child: TSESTree.Node = step.site.node;
  while (child !== fn && child.parent !== undefined) {
    const up: TSESTree.Node = child.parent;
    const test = up.type === 'IfStatement' && up.consequent === child ? unwrap(up.test) : null;
    const origin = test?.type === 'Identifier' ? parameterOrigin(fn, test, resolver) : null;
    if (origin !== null) return origin;
    child = up;
  }
  return null;
}

/** `linkId` bound by the function's parameter `linkId`, or by the property `linkId` of its `{ linkId }` parameter. */
function parameterOrigin(fn: FunctionNode, id: TSESTree.Identifier, resolver: Resolver): { index: number; property: string | null } | null {
  const variable = resolver.variable(id);
  const def = resolver.definition(id);
  if (variable === null || def?.kind !== 'parameter' || def.node !== fn) return null;
  // Assigned in the body: what the test sees may not be what the caller passed.
  if (variable.references.some((r) => r.identifier !== id && isAssigned(r.identifier))) return null;
  const declared = variable.identifiers[0];
  for (const [index, param] of fn.params.entries()) {
    if (param === declared) return { index, property: null };
    if (param.type !== 'ObjectPattern') continue;
    for (const p of param.properties)
      if (p.type === 'Property' && !p.computed && p.key.type === 'Identifier' && p.value === declared)
        return { index, property: p.key.name };
  }
  return null;
}

function isAssigned(id: TSESTree.Node): boolean {
  const parent = id.parent;
  if (parent?.type === 'AssignmentExpression') return parent.left === id;
  if (parent?.type === 'UpdateExpression') return true;
  return parent?.type === 'ArrayPattern' || (parent?.type === 'Property' && parent.parent?.type === 'ObjectPattern');
}

/** `return rows[0].stock` / `return result.rows[0]?.balance`: the column a function returns of a statement's row. */
function returnedColumn(fn: FunctionNode, step: Step, resolver: Resolver): string | null {
  let column: string | null = null;
  const consider = (argument: TSESTree.Node | null | undefined): void => {
    if (!argument || column !== null) return;
    let inner = unwrap(argument);
    if (inner.type === 'AwaitExpression') inner = unwrap(inner.argument);
    if (inner.type !== 'MemberExpression' || inner.computed) return;
    const name = inner.property.type === 'Identifier' ? inner.property.name : null;
    if (name === null || CONTAINER_PROPERTIES.has(name) || !dependsOn(inner.object, step.result, resolver)) return;
    column = name;
  };
  if (fn.body.type !== 'BlockStatement') consider(fn.body);
  else for (const statement of returnsOf(fn)) if (column === null) consider(statement.argument);
  return column;
}

/** The index of the parameter an expression is (`client`, `{ client }` destructured is not), or null. */
/** `environment.id` where `environment` is a parameter of `fn`: its index and the property read. */
function parameterProperty(fn: FunctionNode, node: TSESTree.Node | null, resolver: Resolver): { index: number; property: string } | null {
  const inner = node ? unwrap(node) : null;
  if (inner?.type !== 'MemberExpression' || inner.computed || inner.property.type !== 'Identifier') return null;
  const index = parameterIndex(fn, inner.object, resolver);
  return index === null ? null : { index, property: inner.property.name };
}

export function parameterIndex(fn: FunctionNode, node: TSESTree.Node | null, resolver: Resolver): number | null {
  if (!node) return null;
  const inner = unwrap(node);
  if (inner.type !== 'Identifier') return null;
  const def = resolver.definition(inner);
  if (def?.kind !== 'parameter' || def.node !== fn) return null;
  const index = fn.params.findIndex((p) => parameterName(p) === inner.name);
  return index === -1 ? null : index;
}

/**
 * Which parameter a statement's connection is: the parameter itself (`client`), or a property of an
 * options object (`{ transaction }` destructured, `{ transaction: t } = {}`, `options.transaction`).
 */
function connectionSlot(
  fn: FunctionNode,
  node: TSESTree.Node | null,
  via: string | undefined,
  resolver: Resolver,
): { connectionParam: number | null; connectionProperty: string | null; orElse?: true } {
  const index = parameterIndex(fn, node, resolver);
  if (index !== null || !node) return { connectionParam: index, connectionProperty: index !== null ? (via ?? null) : null };
  const inner = unwrap(node);
  // `options.transaction`, `opts?.transaction`
  if (inner.type === 'MemberExpression' && !inner.computed && inner.property.type === 'Identifier') {
    const object = parameterIndex(fn, inner.object, resolver);
    if (object !== null) return { connectionParam: object, connectionProperty: inner.property.name };
  }
  if (inner.type === 'Identifier') {
    const def = resolver.definition(inner);
    // `const { tx, id } = args` in the body, `args` a parameter: the `tx` property of that argument.
    if (def?.kind === 'variable' && def.declarationKind === 'const' && def.node.type === 'VariableDeclarator' && def.init) {
      const object = parameterIndex(fn, def.init, resolver);
      const property = object !== null && def.node.id.type === 'ObjectPattern' ? patternKey(def.node.id, inner.name) : null;
      if (property !== null) return { connectionParam: object, connectionProperty: property };
    }
    if (def?.kind === 'parameter' && def.node === fn) {
      for (const [i, param] of fn.params.entries()) {
        const pattern = param.type === 'AssignmentPattern' ? param.left : param;
        if (pattern.type !== 'ObjectPattern') continue;
        const property = patternKey(pattern, inner.name);
        if (property !== null) return { connectionParam: i, connectionProperty: property };
      }
    }
  }
  // `tx ?? prisma`, `const client = options.transaction || db`: the caller's connection when it passes one.
  const preferred = preferredConnection(inner, resolver);
  if (preferred !== null) {
    const slot = connectionSlot(fn, preferred, undefined, resolver);
    if (slot.connectionParam !== null)
      return { connectionParam: slot.connectionParam, connectionProperty: slot.connectionProperty, orElse: true };
  }
  return { connectionParam: null, connectionProperty: null };
}

/** The left side of `a ?? b` or `a || b`, written in place or as a `const` variable's initializer, or null. */
function preferredConnection(node: TSESTree.Node, resolver: Resolver): TSESTree.Node | null {
  let inner = node;
  if (inner.type === 'Identifier') {
    const init = constInitializer(resolver.definition(inner));
    if (init === null) return null;
    inner = init;
  }
  return inner.type === 'LogicalExpression' && (inner.operator === '??' || inner.operator === '||') ? inner.left : null;
}

/** The property a destructuring pattern binds to `name` (`{ tx }`, `{ transaction: tx }`), or null. */
function patternKey(pattern: TSESTree.ObjectPattern, name: string): string | null {
  for (const p of pattern.properties) {
    if (p.type !== 'Property' || p.computed || p.key.type !== 'Identifier') continue;
    const value = p.value.type === 'AssignmentPattern' ? p.value.left : p.value;
    if (value.type === 'Identifier' && value.name === name) return p.key.name;
  }
  return null;
}

function parameterName(p: TSESTree.Parameter): string | null {
  if (p.type === 'Identifier') return p.name;
  if (p.type === 'AssignmentPattern' && p.left.type === 'Identifier') return p.left.name;
  if (p.type === 'TSParameterProperty' && p.parameter.type === 'Identifier') return p.parameter.name;
  return null;
}

/** A test whose failing branch leaves: `if (!row) throw ...`, `if (rowCount === 0) return ...`, `assert(...)`. */
/**
 * `catch (e) { await prisma.campaign.updateMany(...); return respond('canceled'); }` in a function whose
 * other paths return nothing: the first statement after the node's, in a block around it, is a `return`
 * of a value, with nothing before it that could leave otherwise; every other `return` of the function
 * returns nothing (see `derived.answersWhenRun`).
 */
function answersWhenRun(fn: FunctionNode, node: TSESTree.Node): boolean {
  if (fn.body.type !== 'BlockStatement') return false;
  // The statement the node is run by, in the nearest block around it: nothing between them branches.
  let statement: TSESTree.Node = node;
  while (statement.parent && statement.parent.type !== 'BlockStatement') {
    if (!PLAIN.has(statement.parent.type)) return false;
    statement = statement.parent;
  }
  const block = statement.parent;
  if (!block || block.type !== 'BlockStatement' || !contains(fn, block)) return false;
  for (let up: TSESTree.Node | undefined = block.parent; up && up !== fn; up = up.parent)
    if (isFunction(up) || LOOP_TYPES.has(up.type)) return false;
  let answer: TSESTree.ReturnStatement | null = null;
  for (const next of block.body.slice(block.body.indexOf(statement as TSESTree.Statement) + 1)) {
    if (next.type === 'ReturnStatement') {
      answer = next;
      break;
    }
    if (leavesWithin(next)) return false;
  }
  if (answer === null || !givesValue(answer.argument)) return false;
  const answers = valueReturns(fn);
  return answers.length === 1 && answers[0] === answer;
}

/**
 * Every path of `fn` from the node on leaves by a `throw` that `fn` does not catch: in a block around
 * the node, a later statement of that block is a `throw`, with nothing before it that could leave
 * otherwise (`return`, `break`, `continue`) and no loop around the node that could run again first
 * (see `derived.throwsAfter`).
 */
export function throwsAfterRun(fn: FunctionNode, node: TSESTree.Node): boolean {
  if (fn.body.type !== 'BlockStatement') return false;
  for (let child: TSESTree.Node = node, up = node.parent; up && child !== fn.body; child = up, up = up.parent) {
    if (isFunction(up) || LOOP_TYPES.has(up.type)) return false;
    if (up.type !== 'BlockStatement') continue;
    for (const next of up.body.slice(up.body.indexOf(child as TSESTree.Statement) + 1)) {
      if (next.type === 'ThrowStatement') return !caughtAround(fn, next);
      if (leavesWithin(next)) return false;
    }
  }
  return false;
}

/** A `return`, `break` or `continue` inside the statement (not in a function it defines). */
function leavesWithin(statement: TSESTree.Node): boolean {
  let leaves = false;
  walk(statement, (n) => {
    if (leaves || isFunction(n)) return false;
    if (n.type === 'ReturnStatement' || n.type === 'BreakStatement' || n.type === 'ContinueStatement') leaves = true;
    return !leaves;
  });
  return leaves;
}

/**
 * The node sits in the `try` block of a `try` of `fn` whose `catch` can end without throwing again: an
 * error thrown there may be swallowed. A `catch` that logs and throws again (`catch (e) { log(e); throw
 * e; }`) passes it on.
 */
export function caughtAround(fn: TSESTree.Node, node: TSESTree.Node): boolean {
  for (let child: TSESTree.Node = node, up = node.parent; up && child !== fn; child = up, up = up.parent) {
    if (isFunction(up)) return false;
    if (up.type !== 'TryStatement' || up.block !== child || up.handler === null) continue;
    const body = up.handler.body.body;
    if (body.at(-1)?.type !== 'ThrowStatement' || body.some((s) => leavesWithin(s))) return true;
  }
  return false;
}

/** The `return`s of a function that return a value (see `givesValue`), found once per function. */
const valueReturnsOf = new WeakMap<FunctionNode, TSESTree.ReturnStatement[]>();
function valueReturns(fn: FunctionNode): TSESTree.ReturnStatement[] {
  let found = valueReturnsOf.get(fn);
  if (found === undefined) {
    const returns: TSESTree.ReturnStatement[] = [];
    walk(fn.body, (n) => {
      if (isFunction(n)) return false;
      if (n.type === 'ReturnStatement' && givesValue(n.argument)) returns.push(n);
      return true;
    });
    valueReturnsOf.set(fn, (found = returns));
  }
  return found;
}

/** What lies between a statement and the call it runs without branching: `await`, `const x = ...`. */
const PLAIN = new Set([
  'AwaitExpression',
  'ExpressionStatement',
  'VariableDeclarator',
  'VariableDeclaration',
  'TSAsExpression',
  'TSNonNullExpression',
]);
const LOOP_TYPES = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);

/** A returned expression that is a value: not absent, `undefined`, `null`, `false` or `void ...`. */
function givesValue(argument: TSESTree.Expression | null): boolean {
  if (argument === null) return false;
  const inner = unwrap(argument);
  if (inner.type === 'Identifier' && inner.name === 'undefined') return false;
  if (inner.type === 'Literal' && (inner.value === null || inner.value === false)) return false;
  return !(inner.type === 'UnaryExpression' && inner.operator === 'void');
}

function leavesOnFailure(test: TSESTree.Node): boolean {
  if (test.type === 'CallExpression') return true;
  if (test.type !== 'IfStatement') return false;
  let leaves = false;
  walk(test.consequent, (node) => {
    if (leaves || isFunction(node)) return false;
    if (node.type === 'ThrowStatement' || node.type === 'ReturnStatement') leaves = true;
    return !leaves;
  });
  return leaves;
}

/**
 * `async function withTransaction(fn) { const client = await pool.connect(); await client.query('BEGIN');
 * const result = await fn(client); await client.query('COMMIT'); ... }`: the function calls one of its
 * parameters with a connection its own statements opened a transaction on, or with the connection a
 * library's transaction callback handed it.
 */
function transactionHelper(fn: FunctionNode, unit: Unit, resolver: Resolver): FunctionSummary['transactionHelper'] {
  let found: FunctionSummary['transactionHelper'] = null;
  for (const node of callsWithin(fn.body)) {
    if (found) break;
    const callee = unwrap(node.callee);
    if (callee.type !== 'Identifier') continue;
    const callbackParam = parameterIndex(fn, callee, resolver);
    if (callbackParam === null) continue;
    node.arguments.forEach((arg, connectionArg) => {
      if (found || arg.type === 'SpreadElement') return;
      const inner = unwrap(arg);
      if (inner.type !== 'Identifier') return;
      const variable = resolver.variable(inner);
      // A BEGIN before the call on this connection, with no COMMIT or ROLLBACK in between.
      const open = openTransactionAt(unit, node, (step) => {
        const connection = step.site.connection ? unwrap(step.site.connection) : null;
        return connection?.type === 'Identifier' && resolver.variable(connection) === variable;
      });
      if (open) {
        found = { callbackParam, connectionArg, isolation: open.isolation };
        return;
      }
      // Inside a library's transaction callback, passing on its connection parameter.
      const step = unit.steps.find(
        (s) =>
          s.transaction.scope !== null &&
          s.transaction.scope.connectionParam?.type === 'Identifier' &&
          resolver.variable(s.transaction.scope.connectionParam) === variable,
      );
      if (step && step.transaction.scope) found = { callbackParam, connectionArg, isolation: step.transaction.scope.isolation };
      else {
        const def = resolver.definition(inner);
        const scopeFn = def?.kind === 'parameter' ? def.node : null;
        if (scopeFn && isFunction(scopeFn) && contains(fn, scopeFn) && isTransactionCallback(scopeFn, unit))
          found = { callbackParam, connectionArg, isolation: null };
      }
    });
  }
  return found;
}

/**
 * Functions that hand their own callback parameter to a library's transaction method: whole
 * (`return db.transaction(fn)`, `knex.transaction(fn)`, `prisma.$transaction(fn)`), or called inside
 * the library's callback with its transaction (`db.transaction((tx) => fn(tx))`). The library runs the
 * callback in the transaction, on the connection it passes first.
 */
function handedToTransactions(transactions: readonly TransactionScope[], resolver: Resolver): Map<FunctionNode, Helper> {
  const handed = new Map<FunctionNode, Helper>();
  const helperOf = (callee: TSESTree.Node): { fn: FunctionNode; callbackParam: number } | null => {
    const inner = unwrap(callee);
    if (inner.type !== 'Identifier') return null;
    const def = resolver.definition(inner);
    const fn = def?.kind === 'parameter' && isFunction(def.node) ? def.node : null;
    const callbackParam = fn ? parameterIndex(fn, inner, resolver) : null;
    return fn && callbackParam !== null ? { fn, callbackParam } : null;
  };
  for (const scope of transactions) {
    const { callback } = scope;
    if (callback.type === 'Identifier') {
      const found = helperOf(callback);
      if (found && !handed.has(found.fn))
        handed.set(found.fn, { callbackParam: found.callbackParam, connectionArg: 0, isolation: scope.isolation });
      continue;
    }
    const connection = scope.connectionParam?.type === 'Identifier' ? resolver.variable(scope.connectionParam) : null;
    if (!connection) continue;
    for (const call of callsWithin(callback.body)) {
      const found = helperOf(call.callee);
      if (!found || handed.has(found.fn) || !contains(found.fn, scope.node)) continue;
      const connectionArg = call.arguments.findIndex((a) => {
        const inner = a.type === 'SpreadElement' ? null : unwrap(a);
        return inner?.type === 'Identifier' && resolver.variable(inner) === connection;
      });
      if (connectionArg !== -1) handed.set(found.fn, { callbackParam: found.callbackParam, connectionArg, isolation: scope.isolation });
    }
  }
  return handed;
}

/** The state of the last transaction control on a connection before a node: open, with its isolation. */
function openTransactionAt(unit: Unit, at: TSESTree.Node, onConnection: (step: Step) => boolean): { isolation: Isolation | null } | null {
  let open: { isolation: Isolation | null } | null = null;
  for (const step of unit.steps) {
    if (step.site.node.range[0] >= at.range[0]) break;
    const action = step.facts.transaction?.action;
    if (!action || !onConnection(step)) continue;
    if (action === 'begin') open = { isolation: step.facts.transaction?.isolation ?? null };
    if (action === 'commit' || action === 'rollback') open = null;
  }
  return open;
}

function isTransactionCallback(fn: FunctionNode, unit: Unit): boolean {
  return unit.steps.some((s) => s.transaction.scope?.callback === fn);
}

/** Where a call goes, as far as summaries go: a function of this file, or an import to follow. */
export type CalleeLookup = (call: TSESTree.CallExpression) => FunctionSummary | null;

/**
 * The query sites a call of a summarised function runs in its caller, and the transaction scopes a
 * call of a transaction helper opens around the callback it is given.
 */
export function deriveSites(
  program: TSESTree.Program,
  lookup: CalleeLookup,
  resolver: Resolver | null = null,
): { sites: QuerySite[]; scopes: TransactionScope[] } {
  const sites: QuerySite[] = [];
  const scopes: TransactionScope[] = [];
  let calls = 0;
  for (const node of callsWithin(program)) {
    const summary = lookup(node);
    if (!summary) continue;
    calls++;
    const helper = summary.transactionHelper;
    const callback = helper ? node.arguments[helper.callbackParam] : undefined;
    if (helper && callback && (callback.type === 'ArrowFunctionExpression' || callback.type === 'FunctionExpression')) {
      scopes.push({
        library: 'helper',
        node,
        callback,
        connectionParam: callback.params[helper.connectionArg] ?? null,
        outer: null,
        isolation: helper.isolation,
      });
    }
    for (const s of summary.steps) {
      // The helper's own BEGIN / COMMIT around the callback are the scope; its other statements run as written.
      if (helper && s.facts.transaction) continue;
      // A query builder the caller adds to: the statement it runs is another one (with conditions this lacks).
      if (s.returnsBuilder && extendsBuilder(node, resolver)) continue;
      const argument = (index: number | null): TSESTree.Expression | null => {
        const arg = index === null ? undefined : node.arguments[index];
        return arg && arg.type !== 'SpreadElement' ? arg : null;
      };
      // `if (linkId) { read }` in the function, and the call passes no `linkId`: the statement does not run.
      const given = s.onlyWhenGiven;
      if (
        given !== null &&
        !node.arguments.slice(0, given.index + 1).some((a) => a.type === 'SpreadElement') &&
        (given.property !== null ? leavesOut(argument(given.index), given.property) : passesNothing(node, given.index))
      )
        continue;
      const options = s.connectionParam !== null ? argument(s.connectionParam) : null;
      // The caller leaves the connection out of the options (`createPaymentMethod(data)`, `{ lock: true }`).
      const omitted =
        s.connectionWhenOmitted !== null &&
        (s.connectionProperty !== null ? leavesOut(options, s.connectionProperty) : passesNothing(node, s.connectionParam));
      const connection = s.connectionParam !== null && !omitted ? connectionArgument(options, s.connectionProperty) : null;
      // `fetchAccount(ref, { throwIfMissing: true })`: the read throws when it finds no row.
      const throwsWhenMissing = s.throwsWhenMissing === true || (s.throwsWhenMissing !== null && flagSet(node, s.throwsWhenMissing));
      const throwsWhenNoRow = s.throwsWhenNoRow || throwsWhenMissing;
      sites.push({
        library: s.library,
        node,
        resultNode: node,
        connection,
        ...(connection === null
          ? {
              connectionKind: omitted ? s.connectionWhenOmitted! : s.connectionKind === 'transaction' ? 'unknown' : s.connectionKind,
              connectionKey: `${summary.file ?? ''}#${summary.name}#${s.connectionKey}#${calls}`,
            }
          : {}),
        sql: { text: s.sqlText, params: s.paramsFrom.map((index) => argument(index)), literal: null, complete: true, dialect: s.dialect },
        built: [s.facts],
        ...(s.paramsOfParameters.some((p) => p !== null)
          ? {
              paramProperties: s.paramsOfParameters.map((p) => {
                const of = p === null ? null : argument(p.index);
                return p === null || of === null ? null : { of, property: p.property };
              }),
            }
          : {}),
        // The caller only sees what the function returns; a result the function tested and left on is a checked one.
        ...(s.returned ? {} : { resultDiscarded: !s.tested }),
        ...(s.returnsBuilder ? { builder: true } : {}),
        ...(s.returnedColumn !== null ? { resultColumn: s.returnedColumn } : {}),
        ...(s.rowProperties.length > 0 ? { rowProperties: s.rowProperties } : {}),
        ...(s.rowProperties.length > 0 && s.answerProperties.length > 0 ? { answerProperties: s.answerProperties } : {}),
        ...((s.tested && !s.returned) || throwsWhenNoRow ? { rowsRequired: true } : {}),
        ...(throwsWhenNoRow ? { throwsWhenNoRow: true } : {}),
        ...(s.catchesUniqueViolation ? { uniqueViolationCaught: true } : {}),
        ...(s.compensation ? { compensation: true } : {}),
        ...(s.connectionWhenOmitted !== null ? { connectionWhenOmitted: s.connectionWhenOmitted } : {}),
        countHint: s.countHint,
        ...(s.transactionHint !== undefined ? { transactionHint: s.transactionHint } : {}),
        derived: {
          function: summary.name,
          file: summary.file,
          line: s.line,
          declaredAt: summary.line,
          // What callers pass in an options object is not followed for caller-owned state (src/flow/callers.ts).
          connectionParam: s.connectionProperty === null ? s.connectionParam : null,
          ...(s.tested && s.recheckedColumns !== null ? { recheckedColumns: s.recheckedColumns } : {}),
          ...(s.tested && !s.returned && s.recheckedColumns?.length === 0 ? { answersPresence: true } : {}),
          ...(throwsWhenMissing ? { throwsWhenMissing: true } : {}),
          ...(s.countReturned ? { countReturned: true } : {}),
          ...(s.tested && !s.returned && s.capsCount ? { capsCount: true } : {}),
          ...(s.connectionParam === null ? { ownConnection: true } : {}),
          ...rowKeyArguments(node, s.rowKeyOrigins),
          ...rowsOfArgument(node, s.listedRowsOrigin),
          ...keyArguments(node, s.keyOrigins),
          ...(summary.effectsSeen ? { effectsSeen: true } : {}),
          ...(s.recount ? { recount: true } : {}),
          ...(s.answersWhenRun ? { answersWhenRun: true } : {}),
          ...(s.throwsAfter ? { throwsAfter: true } : {}),
          ...(s.countTested ? { countTested: true } : {}),
        },
      });
    }
  }
  return { sites, scopes };
}

/** The caller's arguments a written row comes from (see `SummaryStep.rowKeyOrigins`); nothing when one cannot be told. */
function rowKeyArguments(
  call: TSESTree.CallExpression,
  origins: readonly KeyOrigin[] | null,
): { rowKeyArguments?: { of: TSESTree.Expression; property: string | null }[] } {
  if (origins === null) return {};
  const found: { of: TSESTree.Expression; property: string | null }[] = [];
  for (const { index, property } of origins) {
    if (call.arguments.slice(0, index + 1).some((a) => a.type === 'SpreadElement')) return {};
    const arg = call.arguments[index];
    // Left out: the function gets `undefined` there, which names no row.
    if (arg !== undefined) found.push({ of: arg as TSESTree.Expression, property });
  }
  return { rowKeyArguments: found };
}

/** The caller's arguments every key value of a written row comes from (see `SummaryStep.keyOrigins`). */
function keyArguments(
  call: TSESTree.CallExpression,
  origins: readonly KeyOrigin[] | null,
): { keyArguments?: { of: TSESTree.Expression; property: string | null }[] } {
  const found = rowKeyArguments(call, origins).rowKeyArguments;
  return found === undefined || found.length === 0 ? {} : { keyArguments: found };
}

/** The caller's argument for the list whose elements name the rows written (see `SummaryStep.listedRowsOrigin`). */
function rowsOfArgument(
  call: TSESTree.CallExpression,
  origin: KeyOrigin | null,
): { rowsOfArgument?: { of: TSESTree.Expression; property: string | null } } {
  if (origin === null || call.arguments.slice(0, origin.index + 1).some((a) => a.type === 'SpreadElement')) return {};
  const arg = call.arguments[origin.index];
  return arg === undefined ? {} : { rowsOfArgument: { of: arg as TSESTree.Expression, property: origin.property } };
}

/** The call sets the flag: `true` written in place (as the argument, or as its property of an options object written in place), or left out where it defaults to true. */
function flagSet(call: TSESTree.CallExpression, flag: MissingFlag): boolean {
  if (call.arguments.slice(0, flag.param + 1).some((a) => a.type === 'SpreadElement')) return false;
  const arg = call.arguments[flag.param] as TSESTree.Expression | undefined;
  const isTrue = (n: TSESTree.Node | null): boolean => n !== null && n.type === 'Literal' && n.value === true;
  if (arg === undefined) return flag.byDefault;
  const inner = unwrap(arg);
  if (flag.property === null) return isTrue(inner);
  if (inner.type !== 'ObjectExpression') return false;
  const value = objectProperty(inner, flag.property);
  if (value === null) return flag.byDefault && !inner.properties.some((p) => p.type === 'SpreadElement');
  return isTrue(unwrap(value as TSESTree.Expression));
}

/**
 * The caller's expression for a connection passed as an argument, or as a property of an options
 * object written in place (`{ transaction }`, `{ transaction: t, lock: true }`). An options object
 * passed on whole (`opts`) is not followed: the connection is unknown.
 */
function connectionArgument(arg: TSESTree.Expression | null, property: string | null): TSESTree.Expression | null {
  if (property === null || arg === null) return arg;
  const inner = unwrap(arg);
  if (inner.type !== 'ObjectExpression') return null;
  const value = objectProperty(inner, property);
  return value &&
    value.type !== 'AssignmentPattern' &&
    value.type !== 'ObjectPattern' &&
    value.type !== 'ArrayPattern' &&
    value.type !== 'RestElement'
    ? (value as TSESTree.Expression)
    : null;
}

/**
 * The caller gives a connection parameter no connection (`getPayoutMethod(data, user, null)`, or stops
 * before it with nothing spread): the statement runs where the library sends a call without one (a
 * Sequelize model call without `transaction` runs on the pool), not in a transaction the caller has open.
 */
function passesNothing(call: TSESTree.CallExpression, index: number | null): boolean {
  if (index === null || call.arguments.some((a) => a.type === 'SpreadElement')) return false;
  const arg = call.arguments[index];
  if (arg === undefined) return true;
  const inner = unwrap(arg as TSESTree.Expression);
  return (inner.type === 'Literal' && inner.value === null) || (inner.type === 'Identifier' && inner.name === 'undefined');
}

/** No options object at all, or one written in place without the property (and nothing spread into it). */
function leavesOut(arg: TSESTree.Expression | null, property: string): boolean {
  if (arg === null) return true;
  const inner = unwrap(arg);
  if (inner.type === 'Identifier' && inner.name === 'undefined') return true;
  return (
    inner.type === 'ObjectExpression' &&
    !inner.properties.some((p) => p.type === 'SpreadElement') &&
    objectProperty(inner, property) === null
  );
}

/**
 * Transaction helpers the project declares (a setting), for what the analysis cannot see into: a
 * helper from a dependency, a framework hook. `withTransaction` or `db.tx` names a function whose first
 * function argument runs in a transaction on the connection its first parameter receives.
 */
export function declaredHelperScopes(program: TSESTree.Program, names: readonly string[]): TransactionScope[] {
  if (names.length === 0) return [];
  const wanted = new Set(names);
  const scopes: TransactionScope[] = [];
  walk(program, (node) => {
    if (node.type !== 'CallExpression') return true;
    // `withTransaction(...)`, `db.tx(...)`; a receiver that is no plain path (`getDb().tx(...)`) by the method alone.
    const callee = unwrap(node.callee);
    const name = expressionPath(callee) ?? (callee.type === 'MemberExpression' ? propertyName(callee) : null);
    if (name === null || !(wanted.has(name) || wanted.has(name.split('.').at(-1)!))) return true;
    const callback = node.arguments.find(
      (a): a is TSESTree.ArrowFunctionExpression | TSESTree.FunctionExpression =>
        a.type === 'ArrowFunctionExpression' || a.type === 'FunctionExpression',
    );
    if (callback)
      scopes.push({ library: 'declared', node, callback, connectionParam: callback.params[0] ?? null, outer: null, isolation: null });
    return true;
  });
  return scopes;
}

/**
 * A callback passed beside an options object that names an isolation level, to a function no library
 * adapter reads as its own transaction: `$transaction(prisma, 'rename', async (tx) => ..., {
 * isolationLevel: 'Serializable' })`, `withTransaction(async (trx) => ..., { isolationLevel:
 * 'serializable' })`. `isolationLevel` is how Prisma, Sequelize, knex, drizzle and TypeORM spell a
 * transaction's isolation; a project's helper takes it to hand it on to the library's transaction it
 * runs the callback in (often through other helpers, or from another package, where the summaries do
 * not reach). The callback's first parameter is that transaction's connection.
 */
export function isolatedCallbackScopes(
  sites: readonly QuerySite[],
  ctx: ExtractContext,
  known: readonly TransactionScope[],
): TransactionScope[] {
  const seen = new Set<TSESTree.Node>(known.map((s) => s.node));
  const scopes: TransactionScope[] = [];
  // Only callbacks that hold a statement matter: climb from each one.
  for (const site of sites) {
    let child: TSESTree.Node = site.node;
    for (let call: TSESTree.Node | undefined = child.parent; call; child = call, call = call.parent) {
      if (call.type !== 'CallExpression' || seen.has(call) || !isFunction(child) || !call.arguments.includes(child as TSESTree.Expression))
        continue;
      seen.add(call);
      const callback = child as TSESTree.ArrowFunctionExpression | TSESTree.FunctionExpression;
      if (callback.params.length === 0) continue;
      const isolation = call.arguments.reduce<Isolation | null>(
        (found, a) => found ?? (a === callback || a.type === 'SpreadElement' ? null : isolationOption(a, ctx)),
        null,
      );
      if (isolation !== null)
        scopes.push({ library: 'helper', node: call, callback, connectionParam: callback.params[0] ?? null, outer: null, isolation });
    }
  }
  return scopes;
}
