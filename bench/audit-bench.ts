/**
 * How fast the audit is on a real repository, against ESLint on the same files in the same run:
 *
 *   (a) `sql-race audit <repo>`
 *   (b) ESLint with a parser-only flat config (typescript-eslint's parser, no rules)
 *   (c) ESLint with the parser and the sql-race recommended rules
 *   (d) ESLint with the parser and six cheap core rules (`no-debugger`, `no-with`, ...): what
 *       ESLint itself charges for running any six rules, whatever they do
 *
 * and prints a/b (target: at most 0.1), (c-b)/b (target: at most 3 %), (c-d)/b (what the sql-race
 * rules cost beyond ESLint's own price for six rules) and the audit's peak RSS
 * (target: under 500 MB). Each measurement is its own Node process, timed from spawn to exit. It
 * fetches nothing: pass the path of a checkout.
 *
 *   npm run build && node dist/bench/audit-bench.js <repo> [--runs N]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { collectFiles } from '../src/cli/files.js';

const SELF = fileURLToPath(import.meta.url);
const DIST = path.resolve(path.dirname(SELF), '..');

interface ChildReport {
  maxRssKb: number;
  files?: number;
}

/** Child mode: one measured job in this process, reporting its peak RSS on stdout. */
async function child(mode: string, repo: string, listFile: string): Promise<void> {
  const files = JSON.parse(readFileSync(listFile, 'utf8')) as string[];
  if (mode === 'audit') {
    const { runCli } = (await import(path.join(DIST, 'src/cli/main.js'))) as typeof import('../src/cli/main.js');
    const sink = { write: () => true };
    await runCli(['audit', repo, '--format', 'json', '--output-file', '/dev/null', '--no-progress'], {
      stdout: sink,
      stderr: process.stderr,
      cwd: repo,
      env: process.env,
    });
  } else {
    const { ESLint } = await import('eslint');
    const tsParser = (await import('@typescript-eslint/parser')).default;
    const config: Record<string, unknown>[] = [
      {
        files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
        languageOptions: { parser: tsParser, parserOptions: { ecmaFeatures: { jsx: true } } },
      },
    ];
    if (mode === 'eslint-six-core-rules') {
      const rules = Object.fromEntries(SIX_CORE_RULES.map((rule) => [rule, 'error']));
      config.push({ files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'], rules });
    }
    if (mode === 'eslint-rules') {
      const plugin = ((await import(path.join(DIST, 'src/index.js'))) as { default: { configs: { recommended: Record<string, unknown> } } })
        .default;
      config.push({ ...plugin.configs.recommended, files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'] });
    }
    const eslint = new ESLint({
      cwd: repo,
      overrideConfigFile: true,
      overrideConfig: config as never,
      errorOnUnmatchedPattern: false,
      warnIgnored: false,
    });
    await eslint.lintFiles(files);
  }
  const report: ChildReport = { maxRssKb: process.resourceUsage().maxRSS, files: files.length };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

/** Six core rules that look at almost nothing: ESLint's own cost of running six rules. */
const SIX_CORE_RULES = ['no-debugger', 'no-with', 'no-eval', 'no-alert', 'no-proto', 'no-caller'];

interface Measurement {
  seconds: number;
  maxRssMb: number;
}

function measure(mode: string, repo: string, listFile: string): Measurement {
  const started = performance.now();
  const result = spawnSync(process.execPath, [SELF, '--child', mode, repo, listFile], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, CI: 'true' },
  });
  const seconds = (performance.now() - started) / 1000;
  const last = result.stdout.trim().split('\n').at(-1) ?? '';
  if (result.status !== 0 || !last.startsWith('{')) {
    throw new Error(`${mode} failed (exit ${result.status}):\n${result.stderr.slice(-2000)}`);
  }
  const report = JSON.parse(last) as ChildReport;
  return { seconds, maxRssMb: report.maxRssKb / 1024 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--child') {
    await child(argv[1] ?? '', argv[2] ?? '', argv[3] ?? '');
    return;
  }
  const repoArg = argv.find((arg) => !arg.startsWith('--'));
  const runsIndex = argv.indexOf('--runs');
  const runs = runsIndex >= 0 ? Math.max(1, Number(argv[runsIndex + 1]) || 1) : 1;
  if (repoArg === undefined) {
    process.stderr.write('usage: node dist/bench/audit-bench.js <path to a repository> [--runs N]\n');
    process.exitCode = 2;
    return;
  }
  const repo = path.resolve(repoArg);
  const { files } = collectFiles([repo], { cwd: repo, ignorePatterns: [], gitignore: true });
  const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
  const listFile = path.join(mkdtempSync(path.join(tmpdir(), 'sql-race-bench-')), 'files.json');
  writeFileSync(listFile, JSON.stringify(files));

  const cpu = cpus();
  process.stdout.write(
    `repository: ${repo}\n` +
      `files: ${files.length} JS/TS files, ${(bytes / 1024 / 1024).toFixed(1)} MB (the audit's file list, given to ESLint too)\n` +
      `machine: ${cpu[0]?.model ?? 'unknown CPU'} x ${cpu.length}, ${(totalmem() / 1024 ** 3).toFixed(0)} GB, Node ${process.version}\n` +
      `runs: ${runs} (median)\n\n`,
  );

  const samples: Record<string, Measurement[]> = { audit: [], 'eslint-parser': [], 'eslint-rules': [], 'eslint-six-core-rules': [] };
  for (let run = 0; run < runs; run += 1) {
    for (const mode of Object.keys(samples)) samples[mode]?.push(measure(mode, repo, listFile));
  }
  const seconds = (mode: string): number => median((samples[mode] ?? []).map((m) => m.seconds));
  const audit = seconds('audit');
  const parserOnly = seconds('eslint-parser');
  const withRules = seconds('eslint-rules');
  const sixCoreRules = seconds('eslint-six-core-rules');
  const auditRss = Math.max(...(samples['audit'] ?? []).map((m) => m.maxRssMb));

  const rows: [string, string][] = [
    ['(a) sql-race audit', `${audit.toFixed(2)} s, peak RSS ${auditRss.toFixed(0)} MB`],
    ['(b) ESLint, parser only', `${parserOnly.toFixed(2)} s`],
    ['(c) ESLint, parser + sql-race rules', `${withRules.toFixed(2)} s`],
    ['(d) ESLint, parser + six cheap core rules', `${sixCoreRules.toFixed(2)} s`],
    ['a / b', `${(audit / parserOnly).toFixed(3)} (target <= 0.1)`],
    ['(c - b) / b', `${(((withRules - parserOnly) / parserOnly) * 100).toFixed(1)} % (target <= 3 %)`],
    ['(d - b) / b', `${(((sixCoreRules - parserOnly) / parserOnly) * 100).toFixed(1)} % (ESLint's own price for six rules)`],
    ['(c - d) / b', `${(((withRules - sixCoreRules) / parserOnly) * 100).toFixed(1)} % (the sql-race rules beyond that price)`],
    ['audit peak RSS', `${auditRss.toFixed(0)} MB (target < 500 MB)`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) process.stdout.write(`${label.padEnd(width)}  ${value}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`audit-bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
