/**
 * One line of the proof per variant, the verdict on it, and the table / JSON `npm run prove` prints.
 */
import type { ExpectedFinding, Library, VariantFile } from './fixtures.js';
import type { LintReport } from './lint.js';
import type { RunResult } from './run-variant.js';

/** The JSON record, one per variant file. */
export interface ProofRecord {
  scenario: string;
  variant: string;
  library: Library;
  file: string;
  expectedRule: string | null;
  /** What the ESLint plugin reported (bare rule ids, in line order). */
  reportedRules: string[];
  invariantHeld: boolean;
  measured: string;
}

export interface ProofLine {
  record: ProofRecord;
  /** Everything wrong with this variant's proof; empty when both halves hold. */
  failures: string[];
}

export function proofLine(variant: VariantFile, lint: LintReport | Error, run: RunResult | Error): ProofLine {
  const failures: string[] = [];
  const expected = variant.expected.map(formatFinding);
  if (variant.safe && expected.length > 0) failures.push('a safe variant carries an expect marker');
  if (!variant.safe && expected.length === 0) failures.push('an unsafe variant has no expect marker');

  let reportedRules: string[] = [];
  if (lint instanceof Error) {
    failures.push(`linter: ${lint.message}`);
  } else {
    reportedRules = lint.eslint.map((finding) => finding.ruleId);
    const eslint = lint.eslint.map(formatFinding);
    const core = lint.core.map(formatFinding);
    if (!sameList(eslint, expected)) failures.push(`ESLint reported ${listOrNone(eslint)}, expected ${listOrNone(expected)}`);
    if (!sameList(core, expected)) failures.push(`the core (CLI) reported ${listOrNone(core)}, expected ${listOrNone(expected)}`);
    failures.push(...lint.problems);
  }

  let invariantHeld = false;
  let measured = 'not measured';
  if (run instanceof Error) {
    failures.push(`run: ${run.message}`);
  } else {
    invariantHeld = run.held;
    measured = run.measured;
    if (variant.safe && !run.held) failures.push('the safe variant broke the invariant');
    if (!variant.safe && run.held) failures.push('the unsafe variant kept the invariant: the race did not happen');
    for (const error of run.errors) failures.push(`a caller failed: ${error}`);
  }

  return {
    record: {
      scenario: variant.scenario,
      variant: variant.variant,
      library: variant.library,
      file: variant.file,
      expectedRule: variant.expected[0]?.ruleId ?? null,
      reportedRules,
      invariantHeld,
      measured,
    },
    failures,
  };
}

export function formatFinding(finding: ExpectedFinding): string {
  return `${finding.ruleId}@${finding.line}`;
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

function listOrNone(items: string[]): string {
  return items.length === 0 ? 'nothing' : items.join(', ');
}

export function formatTable(lines: ProofLine[]): string {
  const header = ['scenario', 'variant', 'library', 'rule flagged', 'invariant', 'measured', 'proof'];
  const rows = lines.map(({ record, failures }) => [
    record.scenario,
    record.variant,
    record.library,
    record.reportedRules.length === 0 ? 'none' : record.reportedRules.join(', '),
    record.invariantHeld ? 'held' : 'broken',
    record.measured,
    failures.length === 0 ? 'ok' : 'FAILED',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const format = (cells: string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  const out = [format(header), format(widths.map((width) => '-'.repeat(width))), ...rows.map(format)];
  const failed = lines.filter((line) => line.failures.length > 0);
  if (failed.length > 0) {
    out.push('', `${failed.length} of ${lines.length} proofs failed:`);
    for (const { record, failures } of failed) {
      out.push(`  ${record.file}`);
      for (const failure of failures) out.push(`    - ${failure}`);
    }
  } else {
    out.push('', `All ${lines.length} proofs hold: every unsafe variant is flagged and oversells, every safe one is clean and holds.`);
  }
  return out.join('\n');
}
