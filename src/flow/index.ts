/**
 * The flow step: per function (with its `.then` and transaction callbacks inlined), the ordered SQL
 * statements it runs, on which connection, in which transaction state, and what each result is used for.
 */
import type { TSESTree } from '@typescript-eslint/types';
import { contains, expressionPath, functionName, isFunction, propertyName, unwrap, walk, type FunctionNode } from '../extract/ast.js';
import { isErrorFirstCallback, isPromiseExecutor } from '../extract/callbacks.js';
import type { ExtractResult } from '../extract/index.js';
import type { QuerySite, TransactionCall, TransactionScope } from '../extract/types.js';
import type { Isolation, SqlAnalysis, SqlDialect, StatementFacts } from '../sql/facts.js';
import type { CallerOracle, CallerVerdict } from './callers.js';
import { resultUse, type ImportedReads } from './results.js';
import { functionsRunningOnce, onceAround } from './runs-once.js';
import { parameterIndex } from './summaries.js';
import type { Connection, ResultUse, Step, TransactionState, Unit } from './types.js';

export type { Step, Unit, ValueTest } from './types.js';

type Analyze = (site: QuerySite) => SqlAnalysis;

/** Callbacks that run as part of the function that calls them. */
const INLINE_CALLEES = new Set(['then', 'catch', 'finally', 'map', 'forEach', 'all', 'allSettled', 'race', 'any']);

/**
 * `callers` answers, for a function whose row lock runs on one of its parameters, what every caller in
 * the project passes there (src/flow/callers.ts); without it that state is unknown. `imported` says what
 * functions of other modules read of the rows handed to them (src/flow/results.ts).
 */
export function buildUnits(
  extraction: ExtractResult,
  analyze: Analyze,
  callers: CallerOracle | null = null,
  imported: ImportedReads | null = null,
): Unit[] {
  const { sites, transactions, transactionCalls, resolver, context } = extraction;
  if (sites.length === 0) return [];
  const queryNodes = new Set<TSESTree.Node>(sites.map((s) => s.node));
  const scopes = new Map<TSESTree.Node, TransactionScope>(transactions.map((t) => [t.callback, t]));
  const uses = new Map<QuerySite, ResultUse>();
  const useOf = (site: QuerySite): ResultUse => {
    let use = uses.get(site);
    if (!use) {
      const firstColumn =
        site.resultColumn ?? (site.firstColumn === true ? (analyze(site).statements.at(-1)?.selectedColumns[0] ?? null) : null);
      uses.set(site, (use = resultUse(site, resolver, queryNodes, firstColumn, imported)));
    }
    return use;
  };
  const connections = new Map<unknown, string>();
  const connectionOf = (site: QuerySite | TransactionCall): Connection => {
    const expression = site.connection;
    const name =
      (expression && expressionPath(expression)) ??
      ('derived' in site && site.derived ? `the connection of ${site.derived.function}` : 'connection');
    let identity: unknown = 'connectionKey' in site && site.connectionKey !== undefined ? site.connectionKey : name;
    const inner = expression ? unwrap(expression) : null;
    if (inner?.type === 'Identifier') identity = resolver.variable(inner) ?? name;
    if (!connections.has(identity)) connections.set(identity, `${connections.size}:${name}`);
    const kind =
      'connectionKind' in site && site.connectionKind ? site.connectionKind : expression ? context.connectionKind(expression) : 'unknown';
    return { key: connections.get(identity)!, name, kind };
  };

  // Every function (and the module) is a unit; a query belongs to its own function's unit and, through
  // inlined callbacks, to the units of the functions around it.
  const units = new Map<TSESTree.Node, { sites: QuerySite[]; calls: TransactionCall[] }>();
  const addTo = (item: QuerySite | TransactionCall, list: 'sites' | 'calls'): void => {
    for (const owner of owners(item.node)) {
      let unit = units.get(owner);
      if (!unit) units.set(owner, (unit = { sites: [], calls: [] }));
      if (list === 'sites') unit.sites.push(item as QuerySite);
      else unit.calls.push(item as TransactionCall);
    }
  };
  sites.forEach((s) => addTo(s, 'sites'));
  transactionCalls.forEach((c) => addTo(c, 'calls'));

  const result: Unit[] = [];
  let once: ReadonlyMap<FunctionNode, string> | null = null;
  for (const [node, members] of units) {
    if (members.sites.length === 0) continue;
    const unitNode = node as FunctionNode | TSESTree.Program;
    if (once === null) once = functionsRunningOnce(programOf(unitNode));
    result.push({
      node: unitNode,
      name: unitNode.type === 'Program' ? '<module>' : functionName(unitNode),
      steps: buildSteps(unitNode, members.sites, members.calls, { analyze, useOf, connectionOf, scopes, extraction, callers }),
      runsOnce: unitNode.type === 'Program' ? null : onceAround(unitNode, once),
      indifferentCallers: null,
      resolver,
    });
  }
  return result;

  function owners(node: TSESTree.Node): TSESTree.Node[] {
    const found: TSESTree.Node[] = [];
    let current: TSESTree.Node | undefined = node.parent;
    while (current) {
      if (isFunction(current)) {
        found.push(current);
        if (!isInlined(current, scopes)) return found;
      }
      if (current.type === 'Program') found.push(current);
      current = current.parent;
    }
    return found;
  }
}

function programOf(node: TSESTree.Node): TSESTree.Program {
  let current = node;
  while (current.parent) current = current.parent;
  return current as TSESTree.Program;
}

/**
 * Callbacks that run as part of the function around them: transaction callbacks, `.then` and array
 * callbacks, Promise executors, and Node-style callbacks (`client.query(text, (err, result) => ...)`,
 * `pool.connect((err, client) => ...)`), whose statements follow the call they are passed to.
 */
function isInlined(fn: FunctionNode, scopes: ReadonlyMap<TSESTree.Node, TransactionScope>): boolean {
  if (scopes.has(fn) || isPromiseExecutor(fn) || isErrorFirstCallback(fn)) return true;
  const call = fn.parent;
  if (call?.type !== 'CallExpression' || !call.arguments.includes(fn as TSESTree.CallExpressionArgument)) return false;
  const callee = call.callee;
  const name = callee.type === 'MemberExpression' ? propertyName(callee) : null;
  return name !== null && INLINE_CALLEES.has(name);
}

interface StepServices {
  analyze: Analyze;
  useOf: (site: QuerySite) => ResultUse;
  connectionOf: (site: QuerySite | TransactionCall) => Connection;
  scopes: ReadonlyMap<TSESTree.Node, TransactionScope>;
  extraction: ExtractResult;
  callers: CallerOracle | null;
}

interface ConnectionState {
  state: TransactionState['state'];
  id: number;
  isolation: Isolation | null;
  /** MySQL's `SET TRANSACTION ISOLATION LEVEL` before START TRANSACTION: the next transaction only. */
  nextIsolation: Isolation | null;
  /** `SET SESSION CHARACTERISTICS AS TRANSACTION ...` / MySQL `SET SESSION TRANSACTION ...`. */
  sessionIsolation: Isolation | null;
  sessionLock: boolean;
  transactionLock: 'advisory lock' | 'LOCK TABLE' | null;
  /** The state on entry is what every caller passes (until the function's own transaction control). */
  callers: CallerVerdict | null;
}

/** LOCK TABLE modes that conflict with themselves: two requests holding one cannot both proceed. */
const SERIALIZING_LOCK_MODES = new Set([
  'share',
  'share update exclusive',
  'share row exclusive',
  'exclusive',
  'access exclusive',
  'write',
]);

let transactionIds = 0;

function buildSteps(unit: FunctionNode | TSESTree.Program, sites: QuerySite[], calls: TransactionCall[], services: StepServices): Step[] {
  const events: ({ at: number; site: QuerySite } | { at: number; call: TransactionCall } | { at: number; handoff: Handoff })[] = [
    ...sites.map((site) => ({ at: site.node.range[0], site })),
    ...calls.map((call) => ({ at: call.node.range[0], call })),
    ...handoffs(unit, sites, calls, services).map((handoff) => ({ at: handoff.at, handoff })),
  ].sort((a, b) => a.at - b.at);

  let states = new Map<string, ConnectionState>();
  const steps: Step[] = [];
  // Connections a row lock is taken on: only there does what the callers pass change a finding.
  const lockedConnections = new Set(
    services.callers
      ? sites.filter((site) => services.analyze(site).statements.some((f) => f.lock)).map((site) => services.connectionOf(site).key)
      : [],
  );
  // Transaction control inside a branch that leaves the function (`if (...) { ROLLBACK; return }`)
  // changes nothing for the statements after that branch: their state is restored when it ends.
  const branches: { end: number; saved: Map<string, ConnectionState> }[] = [];
  const enterBranchOf = (node: TSESTree.Node): void => {
    const branch = exitingBranch(node, unit);
    if (branch && !branches.some((b) => b.end === branch.range[1])) {
      branches.push({ end: branch.range[1], saved: new Map([...states].map(([key, state]) => [key, { ...state }])) });
    }
  };
  for (const event of events) {
    while (branches.length > 0 && branches[branches.length - 1]!.end <= event.at) states = branches.pop()!.saved;
    if ('handoff' in event) {
      // The callee may have sent BEGIN (`await startTransaction(client)`): the state it hands back is unknown.
      const state = stateOf(event.handoff.connection, event.handoff.expression, undefined);
      if (state.state === 'none')
        Object.assign(state, { state: 'unknown', id: ++transactionIds, isolation: null, transactionLock: null, callers: null });
      continue;
    }
    if ('call' in event) {
      enterBranchOf(event.call.node);
      const connection = services.connectionOf(event.call);
      const state = stateOf(connection, event.call.connection, undefined);
      applyControl(state, event.call.action, event.call.isolation, '', 'postgres');
      continue;
    }
    const { site } = event;
    const connection = services.connectionOf(site);
    const scope = enclosingScope(site.node, unit, services.scopes);
    const onScopeConnection = scope !== null && connection.kind === 'transaction';
    const state = stateOf(connection, site.connection, onScopeConnection ? scope : undefined);
    // Every pool query may take another connection: only statements sent together share one.
    if (connection.kind === 'pool') Object.assign(state, { state: 'none', id: ++transactionIds, isolation: null, transactionLock: null });
    const analysis = services.analyze(site);
    analysis.statements.forEach((facts, statementIndex) => {
      // A statement only on tables whose names this run made afresh races with no one.
      if (onScratchOnly(facts, site.sql.scratch)) return;
      const transaction: TransactionState = {
        state: state.state,
        id: state.id,
        isolation: state.isolation,
        serializedBy: connection.kind === 'pool' ? null : (state.transactionLock ?? (state.sessionLock ? 'advisory lock' : null)),
        scope: onScopeConnection ? scope : null,
        callers: state.callers,
      };
      steps.push({
        index: steps.length,
        site,
        facts,
        statementIndex,
        lastInSite: statementIndex === analysis.statements.length - 1,
        connection,
        transaction,
        result: services.useOf(site),
        catchesUniqueViolation: site.uniqueViolationCaught === true || catchesUniqueViolation(site.node, unit),
        outsideEnclosingTransaction: scope !== null && !onScopeConnection ? scope : null,
      });
      if (facts.transaction) enterBranchOf(site.node);
      if (facts.transaction) applyControl(state, facts.transaction.action, facts.transaction.isolation, facts.text, site.sql.dialect);
      if (facts.advisoryLock === 'session') state.sessionLock = true;
      if (facts.advisoryLock === 'unlock') state.sessionLock = false;
      if (facts.advisoryLock === 'xact' && state.state !== 'none') state.transactionLock = 'advisory lock';
      if (
        facts.kind === 'lock-table' &&
        state.state !== 'none' &&
        SERIALIZING_LOCK_MODES.has(facts.lockTable?.mode ?? 'access exclusive')
      ) {
        state.transactionLock = 'LOCK TABLE';
      }
    });
  }
  return steps;

  function stateOf(connection: Connection, expression: TSESTree.Expression | null, scope: TransactionScope | undefined): ConnectionState {
    let state = states.get(connection.key);
    if (!state) {
      const initial = initialState(connection, expression, unit, services);
      const callers = initial === 'unknown' && lockedConnections.has(connection.key) ? callerState(expression, unit, services) : null;
      state = {
        state: callers?.state ?? initial,
        callers,
        id: ++transactionIds,
        isolation: scope?.isolation ?? null,
        nextIsolation: null,
        sessionIsolation: null,
        sessionLock: false,
        transactionLock: null,
      };
      states.set(connection.key, state);
    }
    return state;
  }
}

/** A connection the unit queries on, handed to a call the analysis cannot follow. */
interface Handoff {
  /** Where the call ends: statements after it see what the callee left. */
  at: number;
  connection: Connection;
  expression: TSESTree.Expression;
}

/**
 * Calls that are handed a client or connection variable the unit also queries on
 * (`await startTransaction(client)`, `await lockAccount(conn, id)`): the callee may have sent BEGIN
 * or COMMIT on it. A pool holds no transaction, and the unit's own query and transaction calls are
 * followed already.
 */
function handoffs(
  unit: FunctionNode | TSESTree.Program,
  sites: readonly QuerySite[],
  calls: readonly TransactionCall[],
  services: StepServices,
): Handoff[] {
  const { resolver } = services.extraction;
  const byVariable = new Map<unknown, { connection: Connection; expression: TSESTree.Expression }>();
  for (const item of [...sites, ...calls]) {
    const expression = item.connection;
    const inner = expression ? unwrap(expression) : null;
    if (!expression || inner?.type !== 'Identifier') continue;
    const variable = resolver.variable(inner);
    const connection = services.connectionOf(item);
    if (variable && connection.kind !== 'pool' && connection.kind !== 'transaction') byVariable.set(variable, { connection, expression });
  }
  if (byVariable.size === 0) return [];
  const own = new Set<TSESTree.Node>([...sites.map((s) => s.node), ...calls.map((c) => c.node)]);
  const found: Handoff[] = [];
  walk(unit, (node) => {
    // A function defined here runs when it is called, not where it is written.
    if (node !== unit && isFunction(node) && !isInlined(node, services.scopes)) return false;
    if (node.type !== 'CallExpression' || own.has(node)) return true;
    for (const argument of node.arguments) {
      const inner = unwrap(argument as TSESTree.Expression);
      const variable = inner.type === 'Identifier' ? resolver.variable(inner) : null;
      const entry = variable ? byVariable.get(variable) : undefined;
      if (entry) found.push({ at: node.range[1], ...entry });
    }
    return true;
  });
  return found;
}

function applyControl(state: ConnectionState, action: string, isolation: Isolation | null, text: string, dialect: SqlDialect): void {
  if (action === 'begin' || action === 'commit' || action === 'rollback') state.callers = null;
  switch (action) {
    case 'begin':
      state.state = 'open';
      state.id = ++transactionIds;
      state.isolation = isolation ?? state.nextIsolation ?? state.sessionIsolation;
      state.nextIsolation = null;
      state.transactionLock = null;
      break;
    case 'commit':
    case 'rollback':
      state.state = 'none';
      state.id = ++transactionIds;
      state.isolation = null;
      state.transactionLock = null;
      break;
    case 'set-isolation':
      if (/\bsession\b/i.test(text)) state.sessionIsolation = isolation;
      else if (state.state !== 'none') state.isolation = isolation;
      // Outside a transaction PostgreSQL ignores SET TRANSACTION (with a warning); MySQL keeps it
      // for the next transaction.
      else if (dialect === 'mysql') state.nextIsolation = isolation;
      break;
  }
}

/**
 * Where the unit cannot see a connection begin, its transaction state on entry is unknown: a client
 * handed in as a parameter may already be inside the caller's transaction.
 */
function initialState(
  connection: Connection,
  expression: TSESTree.Expression | null,
  unit: FunctionNode | TSESTree.Program,
  services: StepServices,
): TransactionState['state'] {
  if (connection.kind === 'pool') return 'none';
  if (connection.kind === 'transaction') return 'open';
  if (connection.kind === 'client') {
    const inner = expression ? unwrap(expression) : null;
    if (inner?.type === 'Identifier') {
      const def = services.extraction.context.resolve(inner);
      if (def?.kind === 'variable' && def.init && contains(unit, def.node)) return 'none';
      // A client handed to a callback by the library (`db.task(async (t) => ...)`,
      // `pool.connect(async (connection) => ...)`) is a fresh connection outside any transaction; one
      // handed by a function the analysis cannot see into (a user-written `withTransaction(fn)`) may
      // be inside that function's transaction.
      if (
        def?.kind === 'parameter' &&
        def.node.parent?.type === 'CallExpression' &&
        contains(unit, def.node) &&
        handedByLibrary(def.node.parent, services)
      )
        return 'none';
    }
  }
  return 'unknown';
}

/** A connection that is a parameter of the unit's own function: what every caller passes there, if they agree. */
function callerState(
  expression: TSESTree.Expression | null,
  unit: FunctionNode | TSESTree.Program,
  services: StepServices,
): CallerVerdict | null {
  if (!services.callers || !expression || unit.type === 'Program') return null;
  const param = parameterIndex(unit, expression, services.extraction.resolver);
  return param === null ? null : services.callers(unit, param);
}

/** The call passing the callback is a method of a connection the adapters know (`pool.connect(cb)`, `db.task(cb)`). */
function handedByLibrary(call: TSESTree.CallExpression, services: StepServices): boolean {
  const object = services.extraction.context.calleeObject(call);
  return object !== null && services.extraction.context.connectionKind(object) !== 'unknown';
}

/** PostgreSQL's SQLSTATE, MySQL's code, Prisma's P2002, Sequelize's `UniqueConstraintError`, and the words. */
const UNIQUE_VIOLATION = /23505|ER_DUP_ENTRY|P2002|unique|duplicate/i;

/**
 * A `try` around the node, inside the unit, whose `catch` names a unique violation, or a `.catch(fn)`
 * on the promise the node is part of whose handler does.
 */
function catchesUniqueViolation(node: TSESTree.Node, unit: TSESTree.Node): boolean {
  for (let child: TSESTree.Node = node, current = node.parent; current && current !== unit; child = current, current = current.parent) {
    if (
      current.type === 'MemberExpression' &&
      current.object === child &&
      propertyName(current) === 'catch' &&
      current.parent?.type === 'CallExpression' &&
      current.parent.callee === current &&
      current.parent.arguments.some((handler) => namesUniqueViolation(handler))
    )
      return true;
    if (
      current.type === 'BlockStatement' &&
      current.parent?.type === 'TryStatement' &&
      current.parent.block === current &&
      current.parent.handler &&
      namesUniqueViolation(current.parent.handler)
    )
      return true;
  }
  return false;
}

function namesUniqueViolation(handler: TSESTree.Node): boolean {
  let named = false;
  walk(handler, (n) => {
    if (named) return false;
    if (
      (n.type === 'Literal' && typeof n.value === 'string' && UNIQUE_VIOLATION.test(n.value)) ||
      (n.type === 'Identifier' && UNIQUE_VIOLATION.test(n.name))
    )
      named = true;
    return !named;
  });
  return named;
}

/** The innermost `if` branch, `catch` or `case` around a node that ends by leaving the function. */
function exitingBranch(node: TSESTree.Node, unit: TSESTree.Node): TSESTree.Node | null {
  let current = node.parent;
  while (current && current !== unit) {
    const parent = current.parent;
    const isBranch =
      (parent?.type === 'IfStatement' && (parent.consequent === current || parent.alternate === current)) ||
      parent?.type === 'CatchClause' ||
      current.type === 'SwitchCase';
    if (isBranch) {
      const body = current.type === 'BlockStatement' ? current.body : current.type === 'SwitchCase' ? current.consequent : [current];
      if (body.some((s) => s.type === 'ReturnStatement' || s.type === 'ThrowStatement')) return current;
    }
    current = parent;
  }
  return null;
}

function enclosingScope(
  node: TSESTree.Node,
  unit: TSESTree.Node,
  scopes: ReadonlyMap<TSESTree.Node, TransactionScope>,
): TransactionScope | null {
  let current = node.parent;
  while (current && current !== unit.parent) {
    const scope = scopes.get(current);
    if (scope) return scope;
    current = current.parent;
  }
  return null;
}

/** Every table the statement reads or writes is one whose name was made afresh for this run. */
function onScratchOnly(facts: StatementFacts, scratch: readonly string[] | undefined): boolean {
  if (scratch === undefined) return false;
  const tables = [...facts.tablesRead, ...facts.tablesWritten];
  const names = new Set(scratch.map((name) => name.toLowerCase()));
  return tables.length > 0 && tables.every((table) => names.has(table.replaceAll('"', '').toLowerCase()));
}
