/** Hand-made core output for the formatter, report and baseline tests (no parsing involved). */
import type { FileAnalysis, ReportedFinding } from '../../src/analyze-types.js';
import type { FileReport } from '../../src/cli/results.js';

export function finding(overrides: Partial<ReportedFinding> = {}): ReportedFinding {
  return {
    ruleId: 'no-check-then-act',
    messageId: 'checkThenAct',
    message: 'The check on line 2 can be stale by the insert on line 4.',
    line: 4,
    column: 3,
    endLine: 4,
    endColumn: 40,
    related: [{ label: 'check', line: 2, column: 20 }],
    functionName: 'bookSlot',
    sql: 'INSERT INTO bookings (doctor) VALUES ($1)',
    suggestions: [],
    ...overrides,
  };
}

export const SOURCE = [
  'export async function bookSlot(pool, doctor) {',
  "  const existing = await pool.query('SELECT 1 FROM bookings WHERE doctor = $1', [doctor]);",
  '  if (existing.rows.length > 0) return false;',
  "  await pool.query('INSERT INTO bookings (doctor) VALUES ($1)', [doctor]);",
  '  return true;',
  '}',
].join('\n');

export function analysis(filePath: string, findings: ReportedFinding[], overrides: Partial<FileAnalysis> = {}): FileAnalysis {
  return {
    filePath,
    scanned: true,
    findings,
    fatal: null,
    stats: { querySites: 2, statements: 2, unparsed: [] },
    ...overrides,
  };
}

export function report(overrides: Partial<FileReport> = {}): FileReport {
  const reported = finding();
  return {
    filePath: '/repo/src/book.ts',
    relativePath: 'src/book.ts',
    messages: [
      {
        ruleId: `sql-race/${reported.ruleId}`,
        severity: 2,
        message: reported.message,
        line: reported.line,
        column: reported.column,
        endLine: reported.endLine,
        endColumn: reported.endColumn,
        finding: reported,
        fingerprint: '0123456789abcdef0123456789abcdef:1',
      },
    ],
    baselined: [],
    suppressed: [],
    notices: [],
    source: SOURCE,
    ...overrides,
  };
}
