/**
 * What a fixture scenario declares (`fixtures/<NN-name>/scenario.ts`): the operation every variant
 * exports, who calls it with what, and the invariant that must hold afterwards.
 */
import type { RuleId } from '../../../src/checks/types.js';

/** What the callers were told, counted from the values the operation returned. */
export interface Told {
  /** Callers whose call returned `{ ok: true }`. */
  yes: number;
  /** Callers whose call returned `{ ok: false }`. */
  no: number;
}

export interface Measurement {
  held: boolean;
  /** The invariant in numbers: "8 tickets sold for 1 seat". */
  measured: string;
}

export interface Scenario<Row = Record<string, unknown>> {
  /** One line: the situation every variant is put in. */
  title: string;
  /** The rules this scenario proves. */
  rules: RuleId[];
  /** Name of the function every variant module exports. */
  operation: string;
  /** How many callers call the operation at once. */
  callers: number;
  /** The arguments caller `index` (0-based) passes after the connection. */
  args(index: number): unknown[];
  /** SQL returning one row: the state the invariant is checked on. */
  invariant: string;
  check(row: Row, told: Told): Measurement;
}

export function defineScenario<Row>(scenario: Scenario<Row>): Scenario<Row> {
  return scenario;
}

/** What every operation returns: whether the caller was told it succeeded. */
export interface OperationResult {
  ok: boolean;
}

export function isOperationResult(value: unknown): value is OperationResult {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

/** "1 seat", "8 seats". */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}
