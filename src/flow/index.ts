/**
 * The flow step: per function (with its `.then` and transaction callbacks inlined), the ordered SQL
 * statements it runs, on which connection, in which transaction state, and what each result is used for.
 */
import type { TSESTree } from '@typescript-eslint/types';
import { contains, expressionPath, functionName, isFunction, propertyName, unwrap, type FunctionNode } from '../extract/ast.js';
import type { ExtractResult } from '../extract/index.js';
import type { QuerySite, TransactionCall, TransactionScope } from '../extract/types.js';
import type { Isolation, SqlAnalysis } from '../sql/facts.js';
import { resultUse } from './results.js';
import type { Connection, ResultUse, Step, TransactionState, Unit } from './types.js';

export type { Connection, ResultUse, Step, TransactionState, Unit } from './types.js';

type Analyze = (site: QuerySite) => SqlAnalysis;

/** Callbacks that run as part of the function that calls them. */
const INLINE_CALLEES = new Set(['then', 'catch', 'finally', 'map', 'forEach', 'all', 'allSettled', 'race', 'any']);

export function buildUnits(extraction: ExtractResult, analyze: Analyze): Unit[] {
  const { sites, transactions, transactionCalls, resolver, context } = extraction;
  if (sites.length === 0) return [];
  const queryNodes = new Set<TSESTree.Node>(sites.map((s) => s.node));
  const scopes = new Map<TSESTree.Node, TransactionScope>(transactions.map((t) => [t.callback, t]));
  const uses = new Map<QuerySite, ResultUse>();
  const useOf = (site: QuerySite): ResultUse => {
    let use = uses.get(site);
    if (!use) uses.set(site, (use = resultUse(site, resolver, queryNodes)));
    return use;
  };
  const connections = new Map<unknown, string>();
  const connectionOf = (site: QuerySite | TransactionCall): Connection => {
    const expression = site.connection;
    const name = (expression && expressionPath(expression)) ?? 'connection';
    let identity: unknown = name;
    const inner = expression ? unwrap(expression) : null;
    if (inner?.type === 'Identifier') identity = resolver.variable(inner) ?? name;
    if (!connections.has(identity)) connections.set(identity, `${connections.size}:${name}`);
    const kind = 'connectionKind' in site && site.connectionKind ? site.connectionKind : expression ? context.connectionKind(expression) : 'unknown';
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
  for (const [node, members] of units) {
    if (members.sites.length === 0) continue;
    const unitNode = node as FunctionNode | TSESTree.Program;
    result.push({
      node: unitNode,
      name: unitNode.type === 'Program' ? '<module>' : functionName(unitNode),
      steps: buildSteps(unitNode, members.sites, members.calls, { analyze, useOf, connectionOf, scopes, extraction }),
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

function isInlined(fn: FunctionNode, scopes: ReadonlyMap<TSESTree.Node, TransactionScope>): boolean {
  if (scopes.has(fn)) return true;
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
}

interface ConnectionState {
  state: TransactionState['state'];
  isolation: Isolation | null;
  nextIsolation: Isolation | null;
  sessionLock: boolean;
  transactionLock: 'advisory lock' | 'LOCK TABLE' | null;
}

function buildSteps(unit: FunctionNode | TSESTree.Program, sites: QuerySite[], calls: TransactionCall[], services: StepServices): Step[] {
  const events: ({ at: number; site: QuerySite } | { at: number; call: TransactionCall })[] = [
    ...sites.map((site) => ({ at: site.node.range[0], site })),
    ...calls.map((call) => ({ at: call.node.range[0], call })),
  ].sort((a, b) => a.at - b.at);

  const states = new Map<string, ConnectionState>();
  const steps: Step[] = [];
  for (const event of events) {
    if ('call' in event) {
      const connection = services.connectionOf(event.call);
      const state = stateOf(connection, event.call.connection, undefined);
      applyControl(state, event.call.action, event.call.isolation);
      continue;
    }
    const { site } = event;
    const connection = services.connectionOf(site);
    const scope = enclosingScope(site.node, unit, services.scopes);
    const onScopeConnection = scope !== null && connection.kind === 'transaction';
    const state = stateOf(connection, site.connection, onScopeConnection ? scope : undefined);
    // Every pool query may take another connection: only statements sent together share one.
    if (connection.kind === 'pool') Object.assign(state, { state: 'none', isolation: null, transactionLock: null });
    const analysis = services.analyze(site);
    analysis.statements.forEach((facts, statementIndex) => {
      const transaction: TransactionState = {
        state: state.state,
        isolation: state.isolation,
        serializedBy: connection.kind === 'pool' ? null : state.transactionLock ?? (state.sessionLock ? 'advisory lock' : null),
        scope: onScopeConnection ? scope : null,
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
        outsideEnclosingTransaction: scope !== null && !onScopeConnection ? scope : null,
      });
      if (facts.transaction) applyControl(state, facts.transaction.action, facts.transaction.isolation);
      if (facts.advisoryLock === 'session') state.sessionLock = true;
      if (facts.advisoryLock === 'unlock') state.sessionLock = false;
      if (facts.advisoryLock === 'xact' && state.state !== 'none') state.transactionLock = 'advisory lock';
      if (facts.kind === 'lock-table' && state.state !== 'none') state.transactionLock = 'LOCK TABLE';
    });
  }
  return steps;

  function stateOf(connection: Connection, expression: TSESTree.Expression | null, scope: TransactionScope | undefined): ConnectionState {
    let state = states.get(connection.key);
    if (!state) {
      state = { state: initialState(connection, expression, unit, services), isolation: scope?.isolation ?? null, nextIsolation: null, sessionLock: false, transactionLock: null };
      states.set(connection.key, state);
    }
    return state;
  }
}

function applyControl(state: ConnectionState, action: string, isolation: Isolation | null): void {
  switch (action) {
    case 'begin':
      state.state = 'open';
      state.isolation = isolation ?? state.nextIsolation;
      state.transactionLock = null;
      break;
    case 'commit':
    case 'rollback':
      state.state = 'none';
      state.isolation = null;
      state.transactionLock = null;
      break;
    case 'set-isolation':
      if (state.state === 'none') state.nextIsolation = isolation;
      else state.isolation = isolation;
      break;
  }
}

/**
 * Where the unit cannot see a connection begin, its transaction state on entry is unknown: a client
 * handed in as a parameter may already be inside the caller's transaction.
 */
function initialState(connection: Connection, expression: TSESTree.Expression | null, unit: FunctionNode | TSESTree.Program, services: StepServices): TransactionState['state'] {
  if (connection.kind === 'pool') return 'none';
  if (connection.kind === 'transaction') return 'open';
  if (connection.kind === 'client') {
    const inner = expression ? unwrap(expression) : null;
    if (inner?.type === 'Identifier') {
      const def = services.extraction.context.resolve(inner);
      if (def?.kind === 'variable' && def.init && contains(unit, def.node)) return 'none';
    }
  }
  return 'unknown';
}

function enclosingScope(node: TSESTree.Node, unit: TSESTree.Node, scopes: ReadonlyMap<TSESTree.Node, TransactionScope>): TransactionScope | null {
  let current = node.parent;
  while (current && current !== unit.parent) {
    const scope = scopes.get(current);
    if (scope) return scope;
    current = current.parent;
  }
  return null;
}
