import { describe, expect, it } from 'vitest';
import { formatJson } from '../../src/cli/formatters/json.js';
import { FINGERPRINT_KEY, formatSarif, ruleHelp } from '../../src/cli/formatters/sarif.js';
import { formatStylish } from '../../src/cli/formatters/stylish.js';
import { fileProblem } from '../../src/cli/results.js';
import { defaultRuleLevels } from '../../src/cli/severity.js';
import { finding, report } from './fixtures.js';
import { sarifValidator } from './sarif-schema.js';
import { readFileSync } from 'node:fs';
import { RULE_IDS } from '../../src/checks/types.js';

const ESC = '\u001b[';

describe('stylish', () => {
  it('groups by file and shows the reported line and the check in a code frame', () => {
    const text = formatStylish([report()], { color: false });
    expect(text).toContain('src/book.ts\n');
    expect(text).toMatch(/ {2}4:3 {2}error +The check on line 2 .* {2}sql-race\/no-check-then-act/);
    expect(text).toContain("2 │ const existing = await pool.query('SELECT 1 FROM bookings WHERE doctor = $1', [doctor]);  ◂ check");
    expect(text).toContain("> 4 │ await pool.query('INSERT INTO bookings (doctor) VALUES ($1)', [doctor]);");
    expect(text).toContain('┆');
    expect(text).toContain('✖ 1 problem (1 error, 0 warnings)');
    expect(text).not.toContain(ESC);
  });

  it('colours only when told to', () => {
    expect(formatStylish([report()], { color: true })).toContain(`${ESC}31m`);
  });

  it('prints nothing when there is nothing to report', () => {
    expect(formatStylish([report({ messages: [], source: null })], { color: false })).toBe('');
  });

  it('counts warnings and says how many findings the baseline hides', () => {
    const base = report();
    const warning = { ...base.messages[0]!, severity: 1 as const };
    const text = formatStylish([report({ messages: [warning], baselined: [base.messages[0]!, base.messages[0]!] })], {
      color: false,
    });
    expect(text).toContain('4:3  warning  ');
    expect(text).toContain('✖ 1 problem (0 errors, 1 warning)');
    expect(text).toContain('2 findings in the baseline not shown.');
  });

  it('shows a problem with the file itself without a rule or frame', () => {
    const text = formatStylish([report({ messages: [fileProblem(2, 'Cannot read file: permission denied.', true)], source: null })], {
      color: false,
    });
    expect(text).toMatch(/1:1 +error +Cannot read file: permission denied\.\n/);
    expect(text).not.toContain('│');
  });

  it('lists skipped files apart, after the findings, and does not count them', () => {
    const skipped = report({
      filePath: '/repo/big.js',
      relativePath: 'big.js',
      messages: [],
      notices: [fileProblem(1, 'Skipped: binary file (it contains NUL bytes).', false)],
      source: null,
    });
    const text = formatStylish([report(), skipped], { color: false });
    expect(text).toMatch(
      /sql-race\/no-check-then-act[^]*\nNot audited \(1 file\):\n {2}big\.js {2}Skipped: binary file \(it contains NUL bytes\)\.\n/,
    );
    expect(text).toContain('✖ 1 problem (1 error, 0 warnings)');
    expect(formatStylish([skipped], { color: false })).toBe(
      '\nNot audited (1 file):\n  big.js  Skipped: binary file (it contains NUL bytes).\n',
    );
  });
});

describe('json', () => {
  it("prints ESLint's LintResult shape with sql-race rule ids, and each finding's function and SQL", () => {
    const [result] = JSON.parse(formatJson([report()])) as Record<string, unknown>[];
    expect(result).toEqual({
      filePath: '/repo/src/book.ts',
      messages: [
        {
          ruleId: 'sql-race/no-check-then-act',
          severity: 2,
          message: finding().message,
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 40,
          messageId: 'checkThenAct',
          functionName: 'bookSlot',
          sql: 'INSERT INTO bookings (doctor) VALUES ($1)',
          related: [{ label: 'check', line: 2, column: 20 }],
        },
      ],
      suppressedMessages: [],
      errorCount: 1,
      fatalErrorCount: 0,
      warningCount: 0,
      fixableErrorCount: 0,
      fixableWarningCount: 0,
      usedDeprecatedRules: [],
    });
  });

  it('reports a parse error as a fatal message and baselined findings as suppressed', () => {
    const base = report();
    const parseError = { ruleId: null, severity: 2 as const, fatal: true as const, message: "')' expected.", line: 3, column: 7 };
    const [result] = JSON.parse(formatJson([report({ messages: [parseError], baselined: base.messages })])) as {
      messages: unknown[];
      suppressedMessages: { suppressions: unknown[] }[];
      fatalErrorCount: number;
      errorCount: number;
    }[];
    expect(result?.messages).toEqual([parseError]);
    expect(result?.fatalErrorCount).toBe(1);
    expect(result?.errorCount).toBe(1);
    expect(result?.suppressedMessages[0]?.suppressions).toEqual([{ kind: 'baseline', justification: 'In the sql-race baseline file.' }]);
  });
});

describe('sarif', () => {
  const validate = sarifValidator();
  const context = { projectRoot: '/repo', levels: defaultRuleLevels(), baselineInUse: true };

  it('is valid SARIF 2.1.0 with rules, related locations and fingerprints', () => {
    const skipped = report({
      filePath: '/repo/big.js',
      messages: [],
      notices: [fileProblem(1, 'Skipped: 5.0 MB is larger than the 2.0 MB limit.', false)],
      source: null,
    });
    const log = JSON.parse(formatSarif([report(), skipped], context)) as {
      version: string;
      runs: {
        tool: { driver: { rules: { id: string; helpUri: string }[] } };
        results: Record<string, unknown>[];
        invocations: { toolExecutionNotifications: { message: { text: string } }[] }[];
      }[];
    };
    expect(validate(log)).toEqual([]);
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0]!;
    expect(run.tool.driver.rules.map((rule) => rule.id)).toContain('sql-race/no-lost-update');
    expect(run.tool.driver.rules[0]?.helpUri).toMatch(/\/rules\/no-check-then-act\.md$/);
    expect(run.results).toHaveLength(1);
    expect(run.results[0]).toMatchObject({
      ruleId: 'sql-race/no-check-then-act',
      level: 'error',
      baselineState: 'new',
      partialFingerprints: { [FINGERPRINT_KEY]: '0123456789abcdef0123456789abcdef:1' },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'src/book.ts' }, region: { startLine: 4, startColumn: 3 } } }],
      relatedLocations: [{ id: 1, message: { text: 'check' }, physicalLocation: { region: { startLine: 2 } } }],
    });
    expect(run.invocations[0]?.toolExecutionNotifications[0]?.message.text).toMatch(/^Skipped: 5\.0 MB/);
  });

  it("gives every rule its whole doc as help, with links made absolute, and code scanning's tags", () => {
    const log = JSON.parse(formatSarif([], context)) as {
      runs: {
        tool: {
          driver: {
            rules: { id: string; helpUri: string; help?: { text: string; markdown: string }; properties?: { tags?: string[] } }[];
          };
        };
      }[];
    };
    expect(validate(log)).toEqual([]);
    const rules = log.runs[0]!.tool.driver.rules;
    expect(rules.map((rule) => rule.id)).toEqual(RULE_IDS.map((id) => `sql-race/${id}`));
    for (const rule of rules) {
      const id = rule.id.replace('sql-race/', '');
      const doc = readFileSync(new URL(`../../rules/${id}.md`, import.meta.url), 'utf8');
      expect(rule.help?.markdown.split('\n').slice(0, 3)).toEqual(doc.split('\n').slice(0, 3));
      expect(rule.help?.markdown.length).toBeGreaterThanOrEqual(doc.length);
      expect(rule.help?.text).toBe(rule.help?.markdown);
      expect(rule.help?.markdown).not.toMatch(/\]\((?!https?:|#)/);
      expect(rule.helpUri).toMatch(new RegExp(`/rules/${id}\\.md$`));
      expect(rule.properties?.tags).toEqual(['security', 'concurrency']);
    }
    const decoupled = rules.find((rule) => rule.id === 'sql-race/no-decoupled-insert');
    expect(decoupled?.help?.markdown).toContain(
      '](https://github.com/sql-race/eslint-plugin-sql-race/blob/main/rules/no-ignored-rowcount.md)',
    );
  });

  it('leaves help out, rather than failing, when the docs are not installed', () => {
    expect(ruleHelp('no-lost-update', 'https://example.com/rules/no-lost-update.md', null)).toBeUndefined();
    expect(ruleHelp('no-lost-update', 'https://example.com/rules/no-lost-update.md', '/nonexistent')).toBeUndefined();
  });

  it('is valid with no results at all', () => {
    const log = JSON.parse(formatSarif([], { ...context, baselineInUse: false })) as { runs: { results: unknown[] }[] };
    expect(validate(log)).toEqual([]);
    expect(log.runs[0]?.results).toEqual([]);
  });

  it('the validator rejects what is not SARIF', () => {
    expect(validate({ version: '2.1.0', runs: [{ results: [] }] })).not.toEqual([]);
  });
});
