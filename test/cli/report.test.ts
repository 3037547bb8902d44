import { describe, expect, it } from 'vitest';
import { buildReports } from '../../src/cli/report.js';
import { fileProblem } from '../../src/cli/results.js';
import { defaultRuleLevels } from '../../src/cli/severity.js';
import { analysis, finding } from './fixtures.js';

const file = '/repo/src/book.ts';
const options = { cwd: '/repo', projectRoot: '/repo', levels: defaultRuleLevels(), quiet: false, baseline: null };

describe('reports', () => {
  it('applies rule severities: error by default, warn, and off drops the finding', () => {
    const findings = [finding(), finding({ ruleId: 'no-lost-update', line: 5 }), finding({ ruleId: 'no-ignored-rowcount', line: 6 })];
    const levels = { ...defaultRuleLevels(), 'no-lost-update': 'warn' as const, 'no-ignored-rowcount': 'off' as const };
    const { files, baselineEntries } = buildReports([{ filePath: file, problem: null, analysis: analysis(file, findings), text: 'x' }], {
      ...options,
      levels,
    });
    expect(files[0]?.messages.map((m) => [m.ruleId, m.severity])).toEqual([
      ['sql-race/no-check-then-act', 2],
      ['sql-race/no-lost-update', 1],
    ]);
    expect(baselineEntries).toHaveLength(2);
    expect(files[0]?.relativePath).toBe('src/book.ts');
    expect(files[0]?.source).toBe('x');
  });

  it('--quiet keeps errors only', () => {
    const levels = { ...defaultRuleLevels(), 'no-lost-update': 'warn' as const };
    const { files } = buildReports(
      [
        {
          filePath: file,
          problem: null,
          analysis: analysis(file, [finding(), finding({ ruleId: 'no-lost-update' })]),
          text: null,
        },
        { filePath: '/repo/big.js', problem: fileProblem(1, 'Skipped: big.', false), analysis: null, text: null },
      ],
      { ...options, levels, quiet: true },
    );
    expect(files.flatMap((f) => f.messages).map((m) => m.ruleId)).toEqual(['sql-race/no-check-then-act']);
  });

  it('turns a parse error into a fatal message at its position', () => {
    const fatal = { message: "Parsing error: ')' expected.", line: 3, column: 9 };
    const { files } = buildReports([{ filePath: file, problem: null, analysis: analysis(file, [], { fatal }), text: null }], options);
    expect(files[0]?.messages).toEqual([{ ruleId: null, severity: 2, fatal: true, ...fatal }]);
  });
});
