/** What several checks ask of a step: is it a protected read, is its count checked, does a test guard a write. */
import type { TSESTree } from '@typescript-eslint/types';
import { contains, isFunction, walk } from '../extract/ast.js';
import { guardsOf, isWrite, type Predicate } from '../sql/facts.js';
import type { Step, Unit } from '../flow/index.js';
import { dependsOn } from '../flow/results.js';
import type { Resolver } from '../extract/scope.js';
import type { CheckOptions } from './types.js';

export interface CheckInput {
  units: readonly Unit[];
  resolver: Resolver;
  options: CheckOptions;
}

export function line(node: TSESTree.Node): string {
  return String(node.loc.start.line);
}

/** A plain read: a SELECT that is not an advisory-lock call. */
export function isRead(step: Step): boolean {
  return step.facts.kind === 'select' && step.facts.advisoryLock === null && step.facts.tablesRead.length > 0;
}

/**
 * Why a read cannot race with a later write in the same unit, if it cannot: its rows are locked in a
 * transaction (or the transaction state is the caller's to know), the transaction is SERIALIZABLE,
 * or an advisory lock / LOCK TABLE serializes the connection. A `FOR UPDATE` known to run outside
 * any transaction is reported by no-lock-outside-transaction, so it also counts as handled here.
 */
export function readProtection(read: Step, acceptRepeatableRead: boolean): string | null {
  const { transaction, facts } = read;
  if (facts.lock) return 'row lock';
  if (transaction.isolation === 'serializable') return 'serializable';
  if (acceptRepeatableRead && transaction.isolation === 'repeatable read') return 'repeatable read';
  return transaction.serializedBy;
}

export function laterWrites(unit: Unit, after: Step): Step[] {
  return unit.steps.filter((s) => s.index > after.index && isWrite(s.facts));
}

export function sharedTable(read: Step, write: Step): string | null {
  return write.facts.tablesWritten.find((t) => read.facts.tablesRead.includes(t)) ?? null;
}

/** The write's WHERE re-tests a value the read returned (`version = $3` with `$3` from the read). */
export function retestsReadValue(read: Step, write: Step, resolver: Resolver): boolean {
  return write.facts.where.some((p) => !p.isKey && p.params.some((n) => dependsOn(write.site.sql.params[n - 1] ?? null, read.result, resolver)));
}

/** Its affected-row count reaches code that can act on it. */
export function countChecked(step: Step): boolean {
  const { result } = step;
  if (result.discarded || !step.lastInSite) return false;
  return result.tests.length > 0 || result.returned || result.handedOff;
}

export function guards(step: Step, options: CheckOptions): Predicate[] {
  if (step.facts.kind !== 'update' && step.facts.kind !== 'delete') return [];
  return guardsOf(step.facts.where, options.keyColumns ?? []);
}

export function guardText(predicates: readonly Predicate[]): string {
  return predicates.map((p) => p.text).join(' AND ');
}

/** Whether the condition `test` decides if `target` runs: target is inside it, or it exits early. */
export function controls(test: TSESTree.Node, target: TSESTree.Node): boolean {
  if (test.range[0] >= target.range[0]) return false;
  if (contains(test, target)) return true;
  switch (test.type) {
    case 'IfStatement':
      return exits(test.consequent) || (test.alternate !== null && exits(test.alternate));
    case 'CallExpression': // assert(...) throws
      return true;
    default:
      return false;
  }
}

function exits(block: TSESTree.Node): boolean {
  let found = false;
  walk(block, (node) => {
    if (found || isFunction(node)) return false;
    if (node.type === 'ReturnStatement' || node.type === 'ThrowStatement' || node.type === 'BreakStatement' || node.type === 'ContinueStatement') {
      found = true;
      return false;
    }
    return true;
  });
  return found;
}

export function upper(kind: string): string {
  return kind.toUpperCase();
}

export function firstTable(tables: readonly string[]): string {
  return tables[0] ?? 'the table';
}
