/**
 * Properties of the SQL layer on generated and damaged statements: `analyzeSql` returns well-formed
 * facts for every text, one per statement; what it catches is a parser's complaint, never a bug of its
 * own (a TypeError caught and turned into a lexical scan would hide one); and the same text gives the
 * same facts, whether they come from the memo (after consumers have had them) or from a fresh module.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { SqlAnalysis, StatementFacts } from '../../src/sql/index.js';
import { analyzeSql } from '../../src/sql/index.js';
import { splitStatements } from '../../src/sql/split.js';
import { deeplyNested, mutated, realStatement, REAL_STATEMENTS, script, SEED, statement, withRandomBytes } from './corpus.js';

/** Enough cases to find a crash in a few seconds; the seed makes every run draw the same ones. */
const settings = { seed: SEED, numRuns: 150 } as const;
/** Generous: only a hang should reach it. */
const HANG_GUARD_MS = 120_000;

const KINDS = new Set(['select', 'insert', 'update', 'delete', 'merge', 'transaction', 'lock-table', 'other']);

/** Messages of JavaScript's own errors: a caught one is a bug in the core, not a statement it cannot read. */
const JS_BUG =
  /cannot read propert|is not a function|is not iterable|undefined is not|null is not|cannot convert|maximum call stack|invalid array length|is not defined/i;

function checkWellFormed(text: string, dialect: 'postgres' | 'mysql'): SqlAnalysis {
  const result = analyzeSql(text, dialect);
  expect(result.statements).toHaveLength(splitStatements(text, dialect).length);
  if (result.parseError !== null) expect(result.parseError).not.toMatch(JS_BUG);
  for (const facts of result.statements) checkFacts(facts);
  return result;
}

function checkFacts(facts: StatementFacts): void {
  expect(KINDS.has(facts.kind)).toBe(true);
  expect(['parser', 'lexical', 'builder']).toContain(facts.origin);
  expect(typeof facts.text).toBe('string');
  for (const list of [facts.tablesRead, facts.tablesWritten, facts.selectedColumns]) {
    expect(Array.isArray(list)).toBe(true);
    for (const name of list) expect(typeof name).toBe('string');
  }
  for (const predicate of facts.where) expect(typeof predicate.text).toBe('string');
  for (const assignment of facts.set) expect(typeof assignment.column).toBe('string');
  expect(facts.params.every((n) => Number.isInteger(n) && n >= 1)).toBe(true);
  expect([...facts.params].sort((a, b) => a - b)).toEqual(facts.params);
}

const sqlText = fc.oneof(
  { weight: 3, arbitrary: script },
  { weight: 3, arbitrary: mutated(script) },
  { weight: 3, arbitrary: mutated(realStatement) },
  { weight: 2, arbitrary: withRandomBytes(fc.oneof(statement, realStatement)) },
);

describe('analyzeSql on generated and damaged SQL', () => {
  it('reads real statements from the fixtures and tests (the mutations start from them)', () => {
    expect(REAL_STATEMENTS.length).toBeGreaterThan(50);
  });

  it(
    'returns well-formed facts, one per statement, and catches only parser complaints',
    () => {
      fc.assert(
        fc.property(sqlText, fc.constantFrom('postgres' as const, 'mysql' as const), (text, dialect) => {
          checkWellFormed(text, dialect);
        }),
        settings,
      );
    },
    HANG_GUARD_MS,
  );

  it(
    'reads deep nesting (parentheses, subqueries, NOT, CTE chains, unclosed) without a stack overflow',
    () => {
      // Each case costs the parser up to a second: few of them, as deep as a real statement never is.
      fc.assert(
        fc.property(deeplyNested, (text) => {
          const result = checkWellFormed(text, 'postgres');
          expect(result.parseError ?? '').not.toMatch(/call stack/i);
        }),
        { seed: SEED, numRuns: 8 },
      );
    },
    HANG_GUARD_MS,
  );

  it(
    'parses the statements of the grammar with the parser, not the lexical scan',
    () => {
      fc.assert(
        fc.property(statement, (text) => {
          const result = analyzeSql(text);
          expect(result.parseError).toBeNull();
          for (const facts of result.statements) expect(facts.origin).toBe('parser');
        }),
        { seed: SEED, numRuns: 100 },
      );
    },
    HANG_GUARD_MS,
  );

  it(
    'gives the same facts from the memo (after callers had them) as a fresh module computing them anew',
    async () => {
      const texts = fc.sample(sqlText, { seed: SEED, numRuns: 100 });
      const first = texts.map((text) => structuredClone(analyzeSql(text)));
      // Callers get the memoized object; one that mutated it would change what the next caller reads.
      const again = texts.map((text) => analyzeSql(text));
      expect(again).toEqual(first);
      vi.resetModules();
      const fresh = (await import('../../src/sql/index.js')) as typeof import('../../src/sql/index.js');
      expect(fresh.analyzeSql).not.toBe(analyzeSql);
      // Reverse order: a fresh memo that fills in another order must not change an answer either.
      const recomputed = [...texts]
        .reverse()
        .map((text) => fresh.analyzeSql(text))
        .reverse();
      expect(recomputed).toEqual(first);
    },
    HANG_GUARD_MS,
  );
});
