/**
 * The CLI and ESLint agree on eslint-disable comments: the same files, linted by ESLint with the
 * plugin and audited by the built CLI, give the same messages, the same suppressed messages (with
 * their justifications) and the same unused-directive reports, over a battery of directive forms.
 */
import path from 'node:path';
import tsParser from '@typescript-eslint/parser';
import { ESLint, type Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import plugin from '../../src/index.js';
import { LOST_UPDATE, RACY, project, sqlRace } from './cli-process.js';

/** RACY's check-then-act is reported on line 5, column 26; its function starts on line 4. */
const RACY_LINES = RACY.split('\n');
const REPORTED = 4;

function racyWith(edit: (lines: string[]) => void): string {
  const lines = [...RACY_LINES];
  edit(lines);
  return lines.join('\n');
}

const onReportedLine = (comment: string) => racyWith((lines) => (lines[REPORTED] += ` ${comment}`));
const aboveReportedLine = (comment: string) => racyWith((lines) => lines.splice(REPORTED, 0, `  ${comment}`));

export const BATTERY: Record<string, string> = {
  'plain.ts': RACY,
  'line.ts': onReportedLine('// eslint-disable-line sql-race/no-check-then-act'),
  'line-all.ts': onReportedLine('// eslint-disable-line'),
  'line-other-rule.ts': onReportedLine('// eslint-disable-line sql-race/no-lost-update'),
  'line-justified.ts': onReportedLine('// eslint-disable-line sql-race/no-check-then-act -- a unique index backs it'),
  'line-block.ts': onReportedLine('/* eslint-disable-line sql-race/no-check-then-act */'),
  'line-block-multiline.ts': onReportedLine('/* eslint-disable-line sql-race/no-check-then-act\n */'),
  'line-no-space.ts': onReportedLine('//eslint-disable-line sql-race/no-check-then-act--not a description'),
  'line-quoted.ts': onReportedLine('// eslint-disable-line "sql-race/no-check-then-act"'),
  'line-unknown-rule.ts': onReportedLine('// eslint-disable-line sql-race/no-such-rule'),
  'line-two-rules.ts': onReportedLine('// eslint-disable-line sql-race/no-lost-update, sql-race/no-check-then-act'),
  'line-three-unused.ts': onReportedLine(
    '// eslint-disable-line sql-race/no-lost-update, sql-race/no-ignored-rowcount, sql-race/no-decoupled-insert',
  ),
  'line-repeated.ts': onReportedLine('// eslint-disable-line sql-race/no-check-then-act, sql-race/no-check-then-act'),
  'line-mixed.ts': onReportedLine('// eslint-disable-line no-console, sql-race/no-check-then-act'),
  'line-not-ours.ts': onReportedLine('// eslint-disable-line no-console'),
  'next-line.ts': aboveReportedLine('// eslint-disable-next-line sql-race/no-check-then-act'),
  'next-line-all.ts': aboveReportedLine('// eslint-disable-next-line -- reviewed'),
  'next-line-block.ts': aboveReportedLine('/* eslint-disable-next-line sql-race/no-check-then-act */'),
  'next-line-block-multiline.ts': aboveReportedLine('/*\n  eslint-disable-next-line sql-race/no-check-then-act\n  */'),
  'next-line-too-far.ts': racyWith((lines) => lines.splice(REPORTED - 1, 0, '// eslint-disable-next-line sql-race/no-check-then-act')),
  'disable-as-line-comment.ts': aboveReportedLine('// eslint-disable sql-race/no-check-then-act'),
  'disable-file.ts': `/* eslint-disable */\n${RACY}`,
  'disable-file-rule.ts': `/* eslint-disable sql-race/no-check-then-act -- legacy */\n${RACY}`,
  'disable-after.ts': `${RACY}/* eslint-disable sql-race/no-check-then-act */\n`,
  'disable-enable.ts': racyWith((lines) => {
    lines.splice(REPORTED + 1, 0, '  /* eslint-enable sql-race/no-check-then-act */');
    lines.splice(REPORTED, 0, '  /* eslint-disable sql-race/no-check-then-act */');
  }),
  'disable-enable-all.ts': racyWith((lines) => {
    lines.splice(REPORTED + 1, 0, '  /* eslint-enable */');
    lines.splice(REPORTED, 0, '  /* eslint-disable */');
  }),
  'enable-before.ts': racyWith((lines) => {
    lines.splice(REPORTED, 0, '  /* eslint-enable sql-race/no-check-then-act */');
    lines.unshift('/* eslint-disable */');
  }),
  'enable-unused.ts': `/* eslint-enable */\n${RACY}`,
  'enable-unused-rule.ts': `/* eslint-enable sql-race/no-lost-update */\n${RACY}`,
  'disable-twice.ts': `/* eslint-disable sql-race/no-check-then-act */\n/* eslint-disable */\n${RACY}`,
  'block-and-line.ts': `/* eslint-disable sql-race/no-check-then-act */\n${onReportedLine('// eslint-disable-line sql-race/no-check-then-act')}`,
  'lost-update.ts': `// eslint-disable-next-line sql-race/no-check-then-act\n${LOST_UPDATE}`,
  'no-sql.ts': '// eslint-disable-next-line sql-race/no-lost-update\nexport const answer = 42;\n/* eslint-disable */\n',
  'script.js': onReportedLine('// eslint-disable-line sql-race/no-check-then-act')
    .replace("import type { Pool } from 'pg';", '')
    .replace(/: (Pool|string)/g, ''),
};

interface Comparable {
  ruleId: string | null;
  severity: number;
  message: string;
  line: number;
  column: number;
  suppressions?: unknown;
}

function comparable(messages: readonly Comparable[]): Comparable[] {
  return messages
    .filter((m) => m.ruleId !== 'no-console' && !/'no-console'/.test(m.message))
    .map(({ ruleId, severity, message, line, column, suppressions }) => ({
      ruleId,
      severity,
      message,
      line,
      column,
      ...(suppressions ? { suppressions } : {}),
    }))
    .sort((a, b) => a.line - b.line || a.column - b.column || String(a.ruleId).localeCompare(String(b.ruleId)));
}

async function eslintResults(cwd: string, unused: 'off' | 'warn' | 'error'): Promise<Map<string, Comparable[][]>> {
  const config: Linter.Config[] = [
    {
      files: ['**/*.ts', '**/*.js'],
      languageOptions: { parser: tsParser as Linter.Parser, ecmaVersion: 'latest', sourceType: 'module' },
      linterOptions: { reportUnusedDisableDirectives: unused },
    },
    plugin.configs.recommended as Linter.Config,
  ];
  const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: config });
  const results = await eslint.lintFiles(['.']);
  return new Map(results.map((r) => [path.relative(cwd, r.filePath), [comparable(r.messages), comparable(r.suppressedMessages)]]));
}

function cliResults(cwd: string, args: string[]): Map<string, Comparable[][]> {
  const result = sqlRace(['audit', '--format', 'json', '--no-progress', ...args], { cwd });
  expect(result.stderr).toBe('');
  const parsed = JSON.parse(result.stdout) as { filePath: string; messages: Comparable[]; suppressedMessages: Comparable[] }[];
  return new Map(parsed.map((r) => [path.relative(cwd, r.filePath), [comparable(r.messages), comparable(r.suppressedMessages)]]));
}

describe('eslint-disable comments: the CLI agrees with ESLint', { timeout: 120_000 }, () => {
  const cwd = project(BATTERY);

  for (const [unused, flags] of [
    ['off', []],
    ['error', ['--report-unused-disable-directives']],
    ['warn', ['--report-unused-disable-directives-severity', 'warn']],
  ] as const) {
    it(`with unused directives reported ${unused === 'off' ? 'never' : `as ${unused}s`}`, async () => {
      const [eslint, cli] = [await eslintResults(cwd, unused), cliResults(cwd, [...flags])];
      expect([...cli.keys()].sort()).toEqual(Object.keys(BATTERY).sort());
      for (const file of Object.keys(BATTERY)) {
        expect({ file, result: cli.get(file) }).toEqual({ file, result: eslint.get(file) });
      }
    });
  }

  it('the battery exercises every outcome: suppressed, reported, unused, and errors in the comments', async () => {
    const eslint = await eslintResults(cwd, 'error');
    const all = [...eslint.values()];
    const messages = all.flatMap(([kept]) => kept ?? []);
    expect(all.filter(([, suppressed]) => (suppressed ?? []).length > 0).length).toBeGreaterThan(10);
    expect(messages.some((m) => m.ruleId === 'sql-race/no-check-then-act')).toBe(true);
    expect(messages.some((m) => m.message.startsWith('Unused eslint-disable directive'))).toBe(true);
    expect(messages.some((m) => m.message.startsWith('Unused eslint-enable directive'))).toBe(true);
    expect(messages.some((m) => m.message === 'eslint-disable-line comment should not span multiple lines.')).toBe(true);
    expect(messages.some((m) => m.message === "Definition for rule 'sql-race/no-such-rule' was not found.")).toBe(true);
  });
});

describe('eslint-disable comments on the command line', { timeout: 120_000 }, () => {
  it('a covered finding fails nothing; an unused comment fails only when asked; the two flags exclude each other', () => {
    const cwd = project({ 'src/book.ts': BATTERY['line.ts'] as string, 'src/other.ts': BATTERY['no-sql.ts'] as string });
    expect(sqlRace(['audit', '--no-progress'], { cwd })).toEqual({ code: 0, stdout: '', stderr: '' });
    const unused = sqlRace(['audit', '--no-progress', '--report-unused-disable-directives'], { cwd });
    expect(unused.code).toBe(1);
    expect(unused.stdout).toMatch(
      /src\/other\.ts\n {2}1:1 +error +Unused eslint-disable directive \(no problems were reported from 'sql-race\/no-lost-update'\)\.\n/,
    );
    expect(unused.stdout).toMatch(/3:1 +error +Unused eslint-disable directive \(no problems were reported\)\.\n/);
    const warned = sqlRace(['audit', '--no-progress', '--report-unused-disable-directives-severity', 'warn', '--max-warnings', '0'], {
      cwd,
    });
    expect(warned.code).toBe(1);
    expect(warned.stdout).toContain('(0 errors, 2 warnings)');
    const both = sqlRace(['audit', '--report-unused-disable-directives', '--report-unused-disable-directives-severity', 'warn'], { cwd });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/cannot be used with/);
  });
});
