/** The built `sql-race` command, flag by flag, on projects written to temporary directories. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FINGERPRINT_KEY } from '../../src/cli/formatters/sarif.js';
import { defaultThreadCount, WORKER_THRESHOLD } from '../../src/cli/workers.js';
import { BIN, LOST_UPDATE, NO_SQL, RACY, REPO, SAFE, parseJson, project, sqlRace, writeFiles } from './cli-process.js';
import { sarifValidator } from './sarif-schema.js';

const version = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const slow = { timeout: 120_000 };

describe('sql-race command line', slow, () => {
  it('prints help and its version, and exits 2 on a usage error without a stack trace', () => {
    const cwd = project({});
    const help = sqlRace(['audit', '--help'], { cwd });
    expect(help.code).toBe(0);
    for (const flag of [
      '--format',
      '--output-file',
      '--ignore-pattern',
      '--max-warnings',
      '--quiet',
      '--rule',
      '--baseline',
      '--update-baseline',
      '--stats',
      '--verbose',
      '--config',
      '--no-gitignore',
      '--jobs',
      '--key-column',
      '--max-file-size',
    ]) {
      expect(help.stdout).toContain(flag);
    }
    expect(sqlRace(['--version'], { cwd })).toMatchObject({ code: 0, stdout: `${version}\n` });
    expect(sqlRace(['--help'], { cwd }).stdout).toContain('audit [options] [paths...]');
    for (const args of [
      [],
      ['audit', '--format', 'xml'],
      ['audit', '--bogus'],
      ['audit', 'missing-dir'],
      ['audit', '--rule', 'nope=warn'],
    ]) {
      const result = sqlRace(args, { cwd });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).not.toMatch(/\n\s+at /);
    }
    expect(sqlRace(['audit', 'missing-dir'], { cwd }).stderr).toBe('sql-race: No such file or directory: missing-dir\n');
  });

  it('audits the current directory by default: exit 0 and nothing printed when clean', () => {
    const cwd = project({ 'src/safe.ts': SAFE, 'src/math.ts': NO_SQL });
    expect(sqlRace(['audit'], { cwd })).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('stylish: findings grouped by file with a code frame and a summary, exit 1, no colour when piped', () => {
    const cwd = project({ 'src/book.ts': RACY, 'src/safe.ts': SAFE });
    const result = sqlRace(['audit', 'src'], { cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('\nsrc/book.ts\n  5:26  error  ');
    expect(result.stdout).toContain('sql-race/no-check-then-act\n');
    expect(result.stdout).toMatch(/> 5 │ const existing = await pool\.query\('SELECT 1 FROM bookings/);
    expect(result.stdout).toMatch(/ {4}6 │ if \(existing\.rows\.length > 0\) return \{ ok: false \}; {2}◂ check/);
    expect(result.stdout).toMatch(/ {4}7 │ await pool\.query\('INSERT INTO bookings .*◂ write/);
    expect(result.stdout).toContain('✖ 1 problem (1 error, 0 warnings)');
    expect(result.stdout).not.toContain('\u001b[');
    expect(sqlRace(['audit', 'src'], { cwd, env: { FORCE_COLOR: '1' } }).stdout).toContain('\u001b[31m');
    expect(sqlRace(['audit', 'src', '--color'], { cwd }).stdout).toContain('\u001b[31m');
    expect(sqlRace(['audit', 'src', '--no-color'], { cwd, env: { FORCE_COLOR: '1' } }).stdout).not.toContain('\u001b[');
  });

  it("json: ESLint's result shape for every audited file", () => {
    const cwd = project({ 'src/book.ts': RACY, 'src/math.ts': NO_SQL });
    const result = sqlRace(['audit', '--format', 'json'], { cwd });
    expect(result.code).toBe(1);
    const results = parseJson(result.stdout);
    expect(results.map((r) => path.relative(cwd, r.filePath))).toEqual([path.join('src', 'book.ts'), path.join('src', 'math.ts')]);
    expect(results[0]).toEqual({
      filePath: path.join(cwd, 'src/book.ts'),
      messages: [
        {
          ruleId: 'sql-race/no-check-then-act',
          severity: 2,
          message: expect.stringContaining('`bookings`'),
          line: 5,
          column: 26,
          endLine: 5,
          endColumn: expect.any(Number),
          messageId: expect.any(String),
          functionName: 'bookSlot',
          sql: 'SELECT 1 FROM bookings WHERE doctor = $1 AND starts_at = $2',
          related: [expect.objectContaining({ label: 'check' }), expect.objectContaining({ label: 'write' })],
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
    expect(results[1]).toMatchObject({ messages: [], errorCount: 0 });
  });

  it('sarif: valid SARIF 2.1.0 with rules, related locations and the baseline fingerprint', () => {
    const cwd = project({ 'src/book.ts': RACY, 'src/pay.ts': LOST_UPDATE, 'src/broken.ts': 'const q = "SELECT 1 FROM t";\nfunction (\n' });
    const result = sqlRace(['audit', '--format', 'sarif'], { cwd });
    expect(result.code).toBe(1);
    const log = JSON.parse(result.stdout) as {
      runs: {
        tool: { driver: { rules: { id: string; helpUri: string; shortDescription: { text: string } }[] } };
        results: { ruleId: string; partialFingerprints: Record<string, string>; relatedLocations?: unknown[]; locations: unknown[] }[];
        invocations: { toolExecutionNotifications: { level: string; message: { text: string } }[] }[];
      }[];
    };
    expect(sarifValidator()(log)).toEqual([]);
    const run = log.runs[0]!;
    expect(run.tool.driver.rules.find((r) => r.id === 'sql-race/no-lost-update')).toMatchObject({
      helpUri: expect.stringMatching(/\/rules\/no-lost-update\.md$/),
      shortDescription: { text: expect.stringMatching(/^(Disallow|Require|Enforce) /) },
    });
    expect(run.results.map((r) => r.ruleId).sort()).toEqual(['sql-race/no-check-then-act', 'sql-race/no-lost-update']);
    const checkThenAct = run.results.find((r) => r.ruleId === 'sql-race/no-check-then-act')!;
    expect(checkThenAct.locations).toEqual([
      expect.objectContaining({
        physicalLocation: expect.objectContaining({
          artifactLocation: expect.objectContaining({ uri: 'src/book.ts', uriBaseId: '%SRCROOT%' }),
          region: expect.objectContaining({ startLine: 5, startColumn: 26 }),
        }),
      }),
    ]);
    expect(checkThenAct.relatedLocations).toHaveLength(2);
    expect(run.invocations[0]?.toolExecutionNotifications).toEqual([
      expect.objectContaining({ level: 'error', message: { text: expect.stringMatching(/expected/) } }),
    ]);

    sqlRace(['audit', '--update-baseline', '--baseline', 'baseline.json'], { cwd });
    const baseline = JSON.parse(readFileSync(path.join(cwd, 'baseline.json'), 'utf8')) as {
      findings: { rule: string; fingerprint: string }[];
    };
    const fromBaseline = baseline.findings.find((f) => f.rule === 'no-check-then-act')?.fingerprint;
    expect(checkThenAct.partialFingerprints[FINGERPRINT_KEY]).toBe(fromBaseline);
  });

  it('--output-file writes the report to a file and nothing to stdout', () => {
    const cwd = project({ 'src/book.ts': RACY });
    const result = sqlRace(['audit', '--format', 'json', '--output-file', 'reports/sql-race.json'], { cwd });
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(parseJson(readFileSync(path.join(cwd, 'reports/sql-race.json'), 'utf8'))[0]?.errorCount).toBe(1);
    const stylish = sqlRace(['audit', '-o', 'report.txt', '--color'], { cwd });
    expect(stylish.code).toBe(1);
    expect(readFileSync(path.join(cwd, 'report.txt'), 'utf8')).not.toContain('\u001b[');
  });

  it('--rule sets severities; warnings pass unless --max-warnings is exceeded; --quiet hides them', () => {
    const cwd = project({ 'src/book.ts': RACY, 'src/pay.ts': LOST_UPDATE });
    const warn = ['--rule', 'no-check-then-act=warn', '--rule', 'sql-race/no-lost-update=warn'];
    const warned = sqlRace(['audit', ...warn], { cwd });
    expect(warned.code).toBe(0);
    expect(warned.stdout).toContain('✖ 2 problems (0 errors, 2 warnings)');
    expect(sqlRace(['audit', ...warn, '--max-warnings', '2'], { cwd }).code).toBe(0);
    const tooMany = sqlRace(['audit', ...warn, '--max-warnings', '1'], { cwd });
    expect(tooMany.code).toBe(1);
    expect(tooMany.stderr).toContain('sql-race found too many warnings (maximum: 1).');
    const quiet = sqlRace(['audit', ...warn, '--quiet', '--max-warnings', '0'], { cwd });
    expect(quiet).toMatchObject({ code: 0, stdout: '' });
    const mixed = sqlRace(['audit', '--rule', 'no-lost-update=warn', '--quiet', '--format', 'json'], { cwd });
    expect(mixed.code).toBe(1);
    expect(parseJson(mixed.stdout).flatMap((r) => r.messages.map((m) => m.ruleId))).toEqual(['sql-race/no-check-then-act']);
    const off = sqlRace(['audit', '--rule', 'no-check-then-act=off', '--rule', 'no-lost-update=0'], { cwd });
    expect(off).toMatchObject({ code: 0, stdout: '' });
  });

  it('reads the same options from sql-race.config.json or package.json#sql-race, flags first', () => {
    const cwd = project({
      'src/book.ts': RACY,
      'legacy/pay.ts': LOST_UPDATE,
      'sql-race.config.json': JSON.stringify({ rules: { 'no-check-then-act': 'warn' }, ignorePatterns: ['legacy/'], format: 'json' }),
    });
    const configured = sqlRace(['audit'], { cwd });
    expect(configured.code).toBe(0);
    expect(parseJson(configured.stdout).map((r) => [path.basename(r.filePath), r.warningCount])).toEqual([['book.ts', 1]]);
    expect(sqlRace(['audit', '--rule', 'no-check-then-act=error'], { cwd }).code).toBe(1);
    expect(sqlRace(['audit', '--format', 'stylish'], { cwd }).stdout).toContain('✖ 1 problem (0 errors, 1 warning)');

    const fromPackage = project({
      'src/book.ts': RACY,
      'package.json': JSON.stringify({ name: 'app', 'sql-race': { maxWarnings: 0, rules: { 'no-check-then-act': 'warn' } } }),
    });
    expect(sqlRace(['audit'], { cwd: fromPackage }).code).toBe(1);
    const explicit = project({
      'src/book.ts': RACY,
      'ci/sql-race.json': JSON.stringify({ quiet: true, rules: { 'no-check-then-act': 1 } }),
    });
    expect(sqlRace(['audit', '--config', 'ci/sql-race.json'], { cwd: explicit })).toMatchObject({ code: 0, stdout: '' });

    const broken = project({ 'sql-race.config.json': '{"rules": {"no-such-rule": "warn"}}' });
    const result = sqlRace(['audit'], { cwd: broken });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^sql-race: .*sql-race\.config\.json: "rules": unknown rule "no-such-rule"/);
  });

  it('follows .gitignore, skips node_modules, build output and declarations; --ignore-pattern adds more', () => {
    const cwd = project({
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.gitignore': 'generated/\n',
      'generated/a.ts': RACY,
      'node_modules/pkg/index.js': RACY,
      'dist/b.js': RACY,
      'build/c.js': RACY,
      'src/types.d.ts': RACY,
      'src/vendor.min.js': RACY,
      'src/book.ts': RACY,
      'jobs/pay.mjs': LOST_UPDATE.replace("import type { Pool } from 'pg';", '').replace(/: (Pool|string|number)/g, ''),
    });
    const files = (args: string[]): string[] =>
      parseJson(sqlRace(['audit', '--format', 'json', ...args], { cwd }).stdout)
        .filter((r) => r.messages.length > 0)
        .map((r) => path.relative(cwd, r.filePath).split(path.sep).join('/'));
    expect(files([])).toEqual(['jobs/pay.mjs', 'src/book.ts']);
    expect(files(['--ignore-pattern', 'jobs/'])).toEqual(['src/book.ts']);
    expect(files(['--ignore-pattern', '*.mjs', '--ignore-pattern', 'book.ts'])).toEqual([]);
    expect(files(['--no-gitignore'])).toEqual(['generated/a.ts', 'jobs/pay.mjs', 'src/book.ts']);
  });

  it('skips one-shot code and tests under the audited root by default, says so, and audits them when asked', () => {
    const cwd = project({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'src/book.ts': RACY,
      'db/migrations/001_add_column.ts': RACY,
      // No database code: not analysed either way, so not counted among the files skipped.
      'db/migrations/002_rename.ts': 'export const up = () => {};\nexport const down = () => {};\n',
      'src/book.test.ts': RACY,
    });
    const run = (args: string[]) => sqlRace(['audit', '--format', 'json', ...args], { cwd });
    const files = (args: string[]): string[] =>
      parseJson(run(args).stdout)
        .filter((r) => r.messages.length > 0)
        .map((r) => path.relative(cwd, r.filePath).split(path.sep).join('/'));
    expect(files([])).toEqual(['src/book.ts']);
    expect(run([]).stderr).toContain('skipped 1 migration, seed or script file (--include-oneshot) and 1 test file (--include-tests)');
    expect(files(['--include-oneshot'])).toEqual(['db/migrations/001_add_column.ts', 'src/book.ts']);
    expect(files(['--include-oneshot', '--include-tests'])).toEqual(['db/migrations/001_add_column.ts', 'src/book.test.ts', 'src/book.ts']);
    // Folders above the audited root do not count.
    expect(files(['db/migrations'])).toEqual(['db/migrations/001_add_column.ts']);
    expect(run(['--stats', '--verbose']).stderr).toContain('db/migrations/001_add_column.ts  migration: in a migrations/ folder');
  });

  it('--key-column names a column that identifies a row, so equality on it is no guard', () => {
    const slots = `import { Pool } from 'pg';
const pool = new Pool();

export async function book(doctorId: number, startsAt: Date, patientId: number) {
  await pool.query('DELETE FROM appointment_slots WHERE doctor_id = $1 AND starts_at = $2', [doctorId, startsAt, patientId]);
}
`;
    const cwd = project({ 'slots.ts': slots });
    const ruleIds = (args: string[]): (string | null)[] =>
      parseJson(sqlRace(['audit', '--format', 'json', ...args], { cwd }).stdout).flatMap((r) => r.messages.map((m) => m.ruleId));
    expect(ruleIds([])).toEqual(['sql-race/no-ignored-rowcount']);
    expect(ruleIds(['--key-column', 'starts_at'])).toEqual([]);
    writeFiles(cwd, { 'sql-race.config.json': JSON.stringify({ keyColumns: ['starts_at'] }) });
    expect(ruleIds([])).toEqual([]);
  });

  it("reads the schema of a file's project when a file is named, as ESLint does from its working directory", async () => {
    const schema = 'CREATE TABLE bookings (doctor text, starts_at timestamptz, patient text, UNIQUE (doctor, starts_at));\n';
    const cwd = project({ 'package.json': '{"name":"clinic"}', 'db/schema.sql': schema, 'src/book.ts': RACY });
    const ruleIds = (args: string[], dir = cwd): (string | null)[] =>
      parseJson(sqlRace(['audit', '--format', 'json', '--no-progress', ...args], { cwd: dir }).stdout).flatMap((r) =>
        r.messages.map((m) => m.ruleId),
      );
    // The unique key refuses the second booking: nothing to report once the schema is read.
    expect(ruleIds(['.'])).toEqual([]);
    expect(ruleIds(['src/book.ts'])).toEqual([]);
    expect(ruleIds(['book.ts'], path.join(cwd, 'src'))).toEqual([]); // no project root here: the nearest package.json
    expect(ruleIds(['src/book.ts', '--no-schema-discovery'])).toEqual(['sql-race/no-check-then-act']);
    const { ESLint } = await import('eslint');
    const tsParser = (await import('@typescript-eslint/parser')).default;
    const plugin = (await import('../../src/index.js')).default;
    const eslint = new ESLint({
      cwd,
      overrideConfigFile: true,
      overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tsParser } }, plugin.configs.recommended] as never,
    });
    expect((await eslint.lintFiles(['src/book.ts'])).flatMap((r) => r.messages.map((m) => m.ruleId))).toEqual([]);
  });

  it('--stats prints counts and time to stderr; --verbose lists what the SQL parser could not read', () => {
    const merge = `import type { Pool } from 'pg';\nexport async function sync(pool: Pool) {\n  await pool.query('MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = s.a');\n}\n`;
    const cwd = project({ 'src/book.ts': RACY, 'src/merge.ts': merge, 'src/math.ts': NO_SQL, 'src/safe.ts': SAFE });
    const result = sqlRace(['audit', '--format', 'json', '--stats'], { cwd });
    expect(() => parseJson(result.stdout)).not.toThrow();
    expect(result.stderr).toMatch(/files scanned +4\n/);
    expect(result.stderr).toMatch(/files with SQL +3\n/);
    expect(result.stderr).toMatch(/query sites +4\n/);
    expect(result.stderr).toMatch(/ {4}model and builder calls +0\n/);
    expect(result.stderr).toMatch(/statements parsed +3\n/);
    expect(result.stderr).toMatch(/statements not parsed +1\n/);
    expect(result.stderr).toMatch(/query calls, SQL unresolved +0\n/);
    expect(result.stderr).toMatch(/sql-race\/no-check-then-act +1\n/);
    expect(result.stderr).toMatch(/sql-race\/no-lost-update +0\n/);
    expect(result.stderr).toMatch(/time +\d+\.\d\d s\n/);
    expect(result.stderr).toContain('--verbose lists');
    const verbose = sqlRace(['audit', '--stats', '--verbose'], { cwd });
    expect(verbose.stderr).toMatch(/src\/merge\.ts:3 {2}MERGE INTO t USING s/);
    expect(verbose.stderr).toContain('MERGE is not supported');
  });

  it('shows no progress bar when stderr is not a terminal', () => {
    const cwd = project(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`src/f${i}.ts`, RACY])));
    const result = sqlRace(['audit', '--format', 'json'], { cwd, env: { CI: undefined } });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
  });

  it.skipIf(!existsSync('/usr/bin/script'))('draws a progress bar on a terminal, and none in CI', () => {
    const cwd = project(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`src/f${i}.ts`, RACY])));
    const command = `"${process.execPath}" "${BIN}" audit --format json --output-file out.json --jobs 1`;
    const onTerminal = (env: Record<string, string | undefined>): string =>
      spawnSync('/usr/bin/script', ['-qec', command, '/dev/null'], {
        cwd,
        encoding: 'utf8',
        // No delay: on an idle machine the 40 files take less than the bar's usual 400 ms.
        env: { ...process.env, CI: undefined, SQL_RACE_PROGRESS_DELAY_MS: '0', ...env },
        timeout: 60_000,
      }).stdout;
    const drawn = onTerminal({});
    expect(drawn).toMatch(/sql-race [█░]+ \d+\/40 files/);
    expect(drawn.endsWith('\r\u001b[2K')).toBe(true);
    expect(onTerminal({ CI: 'true' })).not.toContain('sql-race ');
  });

  it('spreads many files with SQL over worker threads with the same results as one thread', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 60; i += 1) files[`src/f${String(i).padStart(2, '0')}.ts`] = i % 2 === 0 ? RACY : LOST_UPDATE;
    const cwd = project(files);
    const pooled = sqlRace(['audit', '--format', 'json', '--stats', '--jobs', '2'], { cwd });
    const single = sqlRace(['audit', '--format', 'json', '--stats', '--jobs', '1'], { cwd });
    expect(pooled.stderr).toMatch(/worker threads +2\n/);
    expect(single.stderr).toMatch(/worker threads +0\n/);
    expect(pooled.code).toBe(1);
    expect(pooled.stdout).toBe(single.stdout);
    expect(parseJson(pooled.stdout).reduce((sum, r) => sum + r.errorCount, 0)).toBe(60);
  });

  it('starts worker threads by default only on a machine with more than 2 cores', () => {
    expect([1, 2, 3, 4, 8, 64].map((cores) => defaultThreadCount(cores))).toEqual([1, 1, 3, 4, 4, 4]);
  });

  it('analyses many files in one worker by default on 2 cores, and in this thread with --jobs 1', async () => {
    const { runAudit } = (await import(path.join(REPO, 'dist/src/cli/run.js'))) as typeof import('../../src/cli/run.js');
    const files: Record<string, string> = {};
    for (let i = 0; i <= WORKER_THRESHOLD; i += 1) files[`src/f${i}.ts`] = `export const ping = (db: any) => db.query('SELECT ${i}');\n`;
    const cwd = project(files);
    const audit = (threadsRequested: boolean) =>
      runAudit({ cwd, paths: ['src'], ignorePatterns: [], gitignore: true, maxFileBytes: 1 << 20, threads: 1, threadsRequested });
    expect((await audit(false)).usedWorkers).toBe(1);
    expect((await audit(true)).usedWorkers).toBe(0);
  });

  it('reads each audited file once, sharing the text with the project host, and keeps the read it gives', async () => {
    const { runAudit } = (await import(path.join(REPO, 'dist/src/cli/run.js'))) as typeof import('../../src/cli/run.js');
    const { snapshotHost } = (await import(path.join(REPO, 'dist/src/project/host.js'))) as typeof import('../../src/project/host.js');
    const cwd = project({ 'src/a.ts': RACY, 'src/b.ts': `\uFEFF${RACY}`, 'src/c.ts': "export const c = 'no database here';\n" });
    const run = await runAudit({
      cwd,
      paths: ['src'],
      ignorePatterns: [],
      gitignore: true,
      maxFileBytes: 1 << 20,
      threads: 1,
      threadsRequested: true,
    });
    // Every file the audit read is the host's too (one read between them) ...
    for (const name of ['a.ts', 'b.ts', 'c.ts']) expect(typeof snapshotHost().known?.(path.join(cwd, 'src', name))).toBe('string');
    // ... and a text with a byte-order mark is still read as the audit reads it (the mark dropped).
    const located = (name: string) =>
      run.files.find((f) => path.basename(f.filePath) === name)?.analysis?.findings.map((x) => [x.ruleId, x.line, x.column]);
    expect(located('a.ts')?.length).toBeGreaterThan(0);
    expect(located('b.ts')).toEqual(located('a.ts'));
  });

  it('analyzes again in the main thread a file a worker ran out of memory on', async () => {
    // The built run (its workers are the compiled worker.js); a 4 MB heap cannot even load the analyzer.
    const { runAudit } = (await import(path.join(REPO, 'dist/src/cli/run.js'))) as typeof import('../../src/cli/run.js');
    const cwd = project({ 'src/a.ts': RACY, 'src/b.ts': LOST_UPDATE, 'src/c.ts': RACY });
    const audit = (threads: number, workerHeapMb?: number) =>
      runAudit({
        cwd,
        paths: ['src'],
        ignorePatterns: [],
        gitignore: true,
        maxFileBytes: 1 << 20,
        threads,
        threadsRequested: true,
        ...(workerHeapMb === undefined ? {} : { workerHeapMb }),
      });
    const starved = await audit(2, 4);
    const single = await audit(1);
    expect(starved.usedWorkers).toBe(2);
    const findings = (run: Awaited<ReturnType<typeof audit>>) =>
      run.files.map((f) => [path.basename(f.filePath), f.analysis?.fatal ?? null, f.analysis?.findings.map((x) => x.ruleId)]);
    expect(findings(starved)).toEqual(findings(single));
    expect(findings(single).flatMap(([, , ids]) => ids)).toHaveLength(3);
  });

  it('--max-file-size moves the size limit', () => {
    const cwd = project({ 'big.ts': `${RACY}\n// ${'x'.repeat(200 * 1024)}\n` });
    const skipped = parseJson(sqlRace(['audit', '--format', 'json', '--max-file-size', '0.1'], { cwd }).stdout)[0]!;
    expect(skipped.messages).toEqual([]);
    expect(skipped.notices).toEqual([
      expect.objectContaining({
        ruleId: null,
        severity: 1,
        message: expect.stringMatching(/^Skipped: 0\.2 MB is larger than the 0\.1 MB limit/),
      }),
    ]);
    expect(parseJson(sqlRace(['audit', '--format', 'json'], { cwd }).stdout)[0]!.errorCount).toBe(1);
    expect(existsSync(path.join(cwd, 'big.ts'))).toBe(true);
  });
});
