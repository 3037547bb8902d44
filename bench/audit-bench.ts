/**
 * What the audit and the rules cost on a real repository, as ratios against ESLint runs made in the
 * same bench run (the machine may be shared: an absolute time is not a result, a ratio is):
 *
 *   (a) `sql-race audit <repo>`, the built CLI as users run it
 *   (b) ESLint with a parser-only flat config (typescript-eslint's parser, no rules)
 *   (c) ESLint with `@eslint/js` recommended rules plus the sql-race `recommended` config, under
 *       `TIMING=all`, with the sql-race rules' CPU time measured around each of their calls
 *
 * Each is its own Node process; its CPU time (user + system, worker threads included) and peak RSS
 * come from `process.resourceUsage()` written at exit by a preloaded module
 * (`corpus/resource-usage.ts`). Printed: a/b by CPU (target at most 0.1), the audit's peak RSS
 * (target under 500 MB), and the sql-race rules' share of all rule time in (c) as ESLint's `TIMING=all`
 * table gives it, and of the CPU of run (c) (target at most 3 %). `--cross-check` adds
 * (d) = (c) without the sql-race config, for (c - d) / c by CPU. It fetches nothing: pass the path of a
 * checkout.
 *
 *   npm run build && node dist/bench/audit-bench.js <repo> [--runs N] [--cross-check]
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MIRRORS, mirrorDir } from './corpus/audit.js';
import { MAX_FILE_BYTES } from './corpus/eslint-sweep.js';

const SELF = fileURLToPath(import.meta.url);
const DIST = path.resolve(path.dirname(SELF), '..');
const CLI = path.join(DIST, 'src/cli/bin.js');
const RESOURCE_PRELOAD = path.join(path.dirname(SELF), 'corpus/resource-usage.js');
const PATTERN = '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}';
const PREFIX = 'sql-race/';

type Mode = 'eslint-parser' | 'eslint-rules' | 'eslint-js-rules';

/** What a child ESLint run writes back. */
interface ChildReport {
  files: number;
  /** CPU milliseconds in the sql-race rules (create + listeners) per linted file, the clock's own cost taken off. */
  sqlRaceCpuMsByFile?: Record<string, number> | undefined;
  /** What one reading of the CPU clock costs, as measured before the run and taken off each timed call. */
  clockMs?: number | undefined;
  /** The timed calls. */
  timedCalls?: number | undefined;
}

type Listener = (...args: unknown[]) => unknown;
interface RuleLike {
  create(context: { filename: string }): Record<string, Listener>;
}
interface PluginLike {
  rules: Record<string, RuleLike>;
  configs: { recommended: Record<string, unknown> };
}

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** The CPU cost of one `cpuMs()`: a system call summing every thread, tens of microseconds on a loaded machine. */
function clockCost(): number {
  const readings = 2000;
  const started = cpuMs();
  for (let i = 0; i < readings; i += 1) cpuMs();
  return (cpuMs() - started) / readings;
}

interface CpuCharge {
  byFile: Record<string, number>;
  clockMs: number;
  calls: number;
}

/**
 * The plugin with every rule's `create` and listeners charged by CPU time to the file linted, which the
 * machine's load does not inflate as it does `TIMING`'s clock time. Only our rules are wrapped (six
 * `create` calls and a listener or none per file); a timed call also counts about one reading of the
 * clock, measured before the run (`clockCost`) and taken off.
 */
function cpuTimedPlugin(plugin: PluginLike, charge: CpuCharge): PluginLike {
  const { byFile } = charge;
  const timed = <T>(file: string, run: () => T): T => {
    const started = cpuMs();
    try {
      return run();
    } finally {
      charge.calls += 1;
      byFile[file] = (byFile[file] ?? 0) + cpuMs() - started - charge.clockMs;
    }
  };
  const rules = Object.fromEntries(
    Object.entries(plugin.rules).map(([name, rule]) => [
      name,
      {
        ...rule,
        create(context: { filename: string }) {
          const file = context.filename;
          const listeners = timed(file, () => rule.create(context));
          return Object.fromEntries(
            Object.entries(listeners).map(([selector, listener]) => [
              selector,
              (...args: unknown[]) => timed(file, () => listener(...args)),
            ]),
          );
        },
      },
    ]),
  );
  return { ...plugin, rules };
}

/** Child mode: one ESLint run in this process over the listed files; its report goes to `out`. */
async function child(mode: Mode, repo: string, listFile: string, out: string): Promise<void> {
  const files = JSON.parse(readFileSync(listFile, 'utf8')) as string[];
  const { ESLint } = await import('eslint');
  const tsParser = (await import('@typescript-eslint/parser')).default;
  const config: Record<string, unknown>[] = [
    { files: [PATTERN], languageOptions: { parser: tsParser, parserOptions: { ecmaFeatures: { jsx: true } } } },
  ];
  if (mode !== 'eslint-parser') {
    const js = (await import('@eslint/js')).default;
    config.push({ ...js.configs.recommended, files: [PATTERN] });
  }
  const charge: CpuCharge = { byFile: {}, clockMs: 0, calls: 0 };
  if (mode === 'eslint-rules') {
    const plugin = ((await import(path.join(DIST, 'src/index.js'))) as { default: PluginLike }).default;
    config.push({ ...plugin.configs.recommended, files: [PATTERN], plugins: { 'sql-race': cpuTimedPlugin(plugin, charge) } });
    charge.clockMs = clockCost();
  }
  const eslint = new ESLint({
    cwd: repo,
    overrideConfigFile: true,
    overrideConfig: config as never,
    errorOnUnmatchedPattern: false,
    warnIgnored: false,
    ignore: false,
  });
  const results = await eslint.lintFiles(files);
  const rules = mode === 'eslint-rules';
  const report: ChildReport = {
    files: results.length,
    sqlRaceCpuMsByFile: rules ? charge.byFile : undefined,
    clockMs: rules ? charge.clockMs : undefined,
    timedCalls: rules ? charge.calls : undefined,
  };
  writeFileSync(out, JSON.stringify(report));
}

interface Measurement {
  wallSeconds: number;
  cpuSeconds: number;
  maxRssMb: number;
  stdout: string;
  report: ChildReport | null;
}

async function measure(args: string[], cwd: string, extraEnv: Record<string, string>, out: string | null): Promise<Measurement> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'sql-race-bench-usage-'));
  const usageFile = path.join(scratch, 'usage.json');
  const started = performance.now();
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const proc = spawn(process.execPath, ['--import', RESOURCE_PRELOAD, ...args], {
      cwd,
      env: { ...process.env, CI: 'true', ...extraEnv, SQL_RACE_BENCH_USAGE_FILE: usageFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let outText = '';
    let errText = '';
    proc.stdout.on('data', (chunk: Buffer) => (outText += chunk.toString()));
    proc.stderr.on('data', (chunk: Buffer) => (errText += chunk.toString()));
    proc.on('error', (error) => resolve({ code: null, stdout: outText, stderr: `${errText}${error.message}` }));
    proc.on('close', (exitCode) => resolve({ code: exitCode, stdout: outText, stderr: errText }));
  });
  const wallSeconds = (performance.now() - started) / 1000;
  let usage: { userCPUTime: number; systemCPUTime: number; maxRSS: number };
  try {
    usage = JSON.parse(readFileSync(usageFile, 'utf8')) as typeof usage;
  } catch {
    throw new Error(`${args.join(' ')} failed (exit ${code}):\n${stderr.slice(-2000)}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  // The audit exits 1 when it reports findings; anything else without a usage file already threw.
  let report: ChildReport | null = null;
  if (out !== null) {
    if (!existsSync(out)) throw new Error(`${args.join(' ')} wrote no report (exit ${code}):\n${stderr.slice(-2000)}`);
    report = JSON.parse(readFileSync(out, 'utf8')) as ChildReport;
  }
  return { wallSeconds, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6, maxRssMb: usage.maxRSS / 1024, stdout, report };
}

/** The rows of ESLint's `TIMING` table (`rule | ms | relative`), printed at the process's exit. */
export function parseTimingTable(stdout: string): Record<string, number> {
  const rows: Record<string, number> = {};
  for (const line of stdout.split('\n')) {
    const match = /^(\S+)\s*\|\s*([\d.]+)\s*\|\s*[\d.]+%\s*$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) rows[match[1]] = Number(match[2]);
  }
  return rows;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** The median, and the range when there was more than one run. */
function spread(values: number[], format: (value: number) => string): string {
  if (values.length === 1) return format(values[0] ?? 0);
  return `${format(median(values))} (${format(Math.min(...values))}-${format(Math.max(...values))})`;
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

interface Run {
  audit: Measurement;
  parser: Measurement;
  rules: Measurement;
  core: Measurement | null;
  timing: Record<string, number>;
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--child') {
    await child(argv[1] as Mode, argv[2] ?? '', argv[3] ?? '', argv[4] ?? '');
    return;
  }
  const repoArg = argv.find((arg, index) => !arg.startsWith('--') && argv[index - 1] !== '--runs');
  const runsIndex = argv.indexOf('--runs');
  const runs = runsIndex >= 0 ? Math.max(1, Number(argv[runsIndex + 1]) || 1) : 1;
  const crossCheck = argv.includes('--cross-check');
  if (repoArg === undefined) {
    process.stderr.write('usage: node dist/bench/audit-bench.js <path to a repository> [--runs N] [--cross-check]\n');
    process.exitCode = 2;
    return;
  }
  const repo = path.resolve(repoArg);
  // Loaded here, not at the top: the ESLint children measured must not load any of sql-race.
  const { collectFiles } = (await import(path.join(DIST, 'src/cli/files.js'))) as typeof import('../src/cli/files.js');
  const { mayHoldSql } = (await import(path.join(DIST, 'src/cli/prescan.js'))) as typeof import('../src/cli/prescan.js');
  const { files: walked } = collectFiles([repo], { cwd: repo, ignorePatterns: [], gitignore: true });
  // The audit does not read files over its size limit (bundles); neither does ESLint here.
  const files = walked.filter((file) => statSync(file).size <= MAX_FILE_BYTES);
  const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
  const admitted = new Set(files.filter((file) => mayHoldSql(readFileSync(file, 'utf8'), file)));
  const scratch = mkdtempSync(path.join(tmpdir(), 'sql-race-bench-'));
  const listFile = path.join(scratch, 'files.json');
  writeFileSync(listFile, JSON.stringify(files));

  const mirror = mirrorDir(DEFAULT_MIRRORS, path.basename(repo));
  const cpu = cpus();
  const loadBefore = loadavg();
  process.stdout.write(
    `repository: ${repo}${existsSync(mirror) ? ` at ${git(['-C', mirror, 'rev-parse', '--short=10', 'HEAD'])}` : ''}\n` +
      `sql-race: ${git(['-C', path.resolve(DIST, '..'), 'rev-parse', '--short=10', 'HEAD'])} (dist/ of this checkout)\n` +
      `files: ${files.length} JS/TS files, ${(bytes / 1024 / 1024).toFixed(1)} MB` +
      `${walked.length > files.length ? ` (${walked.length - files.length} over ${MAX_FILE_BYTES / 1024 / 1024} MB left out)` : ''}; ` +
      `${admitted.size} pass the sql-race pre-scan\n` +
      `machine: ${cpu[0]?.model ?? 'unknown CPU'} x ${cpu.length}, ${(totalmem() / 1024 ** 3).toFixed(0)} GB, Node ${process.version}\n` +
      `date: ${new Date().toISOString()}, load average at start ${loadBefore.map((load) => load.toFixed(1)).join(' ')}\n` +
      `runs: ${runs}${runs > 1 ? ' (median, range)' : ''}\n\n`,
  );

  const eslintRun = async (mode: Mode, env: Record<string, string> = {}): Promise<Measurement> => {
    const out = path.join(scratch, `${mode}.json`);
    rmSync(out, { force: true });
    return measure([SELF, '--child', mode, repo, listFile, out], repo, env, out);
  };
  const done: Run[] = [];
  for (let run = 0; run < runs; run += 1) {
    const audit = await measure([CLI, 'audit', repo, '--format', 'json', '--output-file', '/dev/null', '--no-progress'], repo, {}, null);
    const parser = await eslintRun('eslint-parser');
    const rules = await eslintRun('eslint-rules', { TIMING: 'all' });
    const core = crossCheck ? await eslintRun('eslint-js-rules') : null;
    const timing = parseTimingTable(rules.stdout);
    if (Object.keys(timing).length === 0) throw new Error(`no TIMING table in the output of the ESLint run:\n${rules.stdout.slice(-2000)}`);
    done.push({ audit, parser, rules, core, timing });
  }

  const ours = (timing: Record<string, number>): number =>
    Object.entries(timing).reduce((sum, [rule, ms]) => sum + (rule.startsWith(PREFIX) ? ms : 0), 0);
  const all = (timing: Record<string, number>): number => Object.values(timing).reduce((sum, ms) => sum + ms, 0);
  const seconds = (value: number): string => `${value.toFixed(2)} s`;
  const ratio = (value: number): string => value.toFixed(3);
  const percent = (value: number): string => `${(value * 100).toFixed(2)} %`;
  const ms = (value: number): string => `${value.toFixed(0)} ms`;
  const column = <T>(pick: (run: Run) => T): T[] => done.map(pick);
  const sqlRaceCpu = (run: Run, which: (file: string) => boolean = () => true): number =>
    Object.entries(run.rules.report?.sqlRaceCpuMsByFile ?? {}).reduce((sum, [file, time]) => sum + (which(file) ? time : 0), 0);

  const rows: [string, string][] = [];
  const row = (label: string, pick: (run: Run) => number, format: (value: number) => string, note = ''): void => {
    rows.push([label, `${spread(column(pick), format)}${note}`]);
  };
  row('(a) sql-race audit, CPU', (run) => run.audit.cpuSeconds, seconds);
  row(
    '(a) peak RSS',
    (run) => run.audit.maxRssMb,
    (value) => `${value.toFixed(0)} MB`,
    ' (target < 500 MB)',
  );
  row('(b) ESLint, parser only, CPU', (run) => run.parser.cpuSeconds, seconds);
  row('(c) ESLint, @eslint/js recommended + sql-race, CPU', (run) => run.rules.cpuSeconds, seconds);
  row('a / b by CPU', (run) => run.audit.cpuSeconds / run.parser.cpuSeconds, ratio, ' (target <= 0.1)');
  row('a / b by wall clock', (run) => run.audit.wallSeconds / run.parser.wallSeconds, ratio);
  row('(c) all rules, TIMING=all', (run) => all(run.timing), ms);
  row('(c) sql-race rules, TIMING=all', (run) => ours(run.timing), ms);
  row('sql-race / all rule time, TIMING=all', (run) => ours(run.timing) / all(run.timing), percent, ' (target <= 3 %)');
  row('(c) sql-race rules, CPU', (run) => sqlRaceCpu(run), ms);
  row(
    '(c) cost of the CPU clock, taken off',
    (run) => (run.rules.report?.clockMs ?? 0) * (run.rules.report?.timedCalls ?? 0),
    ms,
    ` (${done.at(-1)?.rules.report?.timedCalls ?? 0} timed calls x ${((done.at(-1)?.rules.report?.clockMs ?? 0) * 1000).toFixed(1)} us, last run)`,
  );
  row('sql-race CPU / CPU of (c)', (run) => sqlRaceCpu(run) / 1000 / run.rules.cpuSeconds, percent, ' (target <= 3 %)');
  row(
    '(c) sql-race rules, CPU, files the pre-scan rejects',
    (run) => sqlRaceCpu(run, (file) => !admitted.has(file)),
    ms,
    ` (${files.length - admitted.size} files)`,
  );
  row(
    '(c) sql-race rules, CPU, files the pre-scan admits',
    (run) => sqlRaceCpu(run, (file) => admitted.has(file)),
    ms,
    ` (${admitted.size} files)`,
  );
  if (crossCheck) {
    row('(d) ESLint, @eslint/js recommended only, CPU', (run) => run.core?.cpuSeconds ?? 0, seconds);
    row('(c - d) / c by CPU', (run) => (run.rules.cpuSeconds - (run.core?.cpuSeconds ?? 0)) / run.rules.cpuSeconds, percent);
  }
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) process.stdout.write(`${label.padEnd(width)}  ${value}\n`);

  const last = done.at(-1);
  if (last !== undefined) {
    const slowest = Object.entries(last.timing)
      .sort((x, y) => y[1] - x[1])
      .slice(0, 5)
      .map(([rule, time]) => `${rule} ${time.toFixed(0)} ms`);
    const oursByRule = Object.entries(last.timing)
      .filter(([rule]) => rule.startsWith(PREFIX))
      .sort((x, y) => y[1] - x[1])
      .map(([rule, time]) => `${rule.slice(PREFIX.length)} ${time.toFixed(0)} ms`);
    process.stdout.write(
      `\nlast run, slowest rules: ${slowest.join(', ')}\n` +
        `last run, sql-race rules: ${oursByRule.join(', ')}\n` +
        `load average at end ${loadavg()
          .map((load) => load.toFixed(1))
          .join(' ')}\n`,
    );
  }
  rmSync(scratch, { recursive: true, force: true });
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`audit-bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
