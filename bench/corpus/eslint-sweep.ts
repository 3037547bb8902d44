/**
 * The ESLint half of the crash sweep: the plugin's `recommended` rules (from this checkout's `dist/`)
 * under typescript-eslint's parser, through ESLint's Node API with `overrideConfigFile: true` (the
 * codebase's own config is not read), over the files the audit walks. Runs in a child process of its
 * own (`child()`), so a crash or the memory of a large codebase cannot touch the parent.
 *
 * Counted apart: crashes (`lintFiles` threw: a rule threw, and ESLint aborted the file), internal
 * errors (messages saying the analysis failed, once the plugin reports those instead of throwing),
 * ESLint's own parse errors (the code is not what typescript-eslint reads), findings per rule.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { countLines, DIST, isInternalError, type Codebase, type FileMessage } from './audit.js';

const SELF = fileURLToPath(import.meta.url);
const RESOURCE_PRELOAD = path.join(path.dirname(SELF), 'resource-usage.js');
const CHUNK = 40;
/** The audit's default `--max-file-size`: larger files are bundles, which the audit does not read either. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

export interface Crash {
  path: string;
  message: string;
  stack: string;
}

export interface EslintSweep {
  files: number;
  lines: number;
  /** Files over the size limit, not linted. */
  tooLarge: number;
  crashes: Crash[];
  internalErrors: FileMessage[];
  parseErrors: number;
  findingsByRule: Record<string, number>;
  wallSeconds: number;
  cpuSeconds: number | null;
  maxRssMb: number | null;
  failure: string | null;
}

interface LintMessage {
  ruleId: string | null;
  fatal?: boolean;
  message: string;
  line: number;
}

interface LintResult {
  filePath: string;
  messages: LintMessage[];
}

/** Child process: lint `files` (absolute) under `cwd`, write an `EslintSweep` (without timings) to `out`. */
export async function child(cwd: string, listFile: string, out: string): Promise<void> {
  const files = JSON.parse(readFileSync(listFile, 'utf8')) as string[];
  const { ESLint } = await import('eslint');
  const tsParser = (await import('@typescript-eslint/parser')).default;
  const plugin = ((await import(path.join(DIST, 'src/index.js'))) as { default: { configs: { recommended: Record<string, unknown> } } })
    .default;
  const pattern = '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}';
  const eslint = new ESLint({
    cwd,
    overrideConfigFile: true,
    overrideConfig: [
      { files: [pattern], languageOptions: { parser: tsParser, parserOptions: { ecmaFeatures: { jsx: true } } } },
      { ...plugin.configs.recommended, files: [pattern] },
    ] as never,
    errorOnUnmatchedPattern: false,
    warnIgnored: false,
    ignore: false,
  });
  const sweep: EslintSweep = {
    files: 0,
    lines: 0,
    tooLarge: 0,
    crashes: [],
    internalErrors: [],
    parseErrors: 0,
    findingsByRule: {},
    wallSeconds: 0,
    cpuSeconds: null,
    maxRssMb: null,
    failure: null,
  };
  const relative = (file: string): string => path.relative(cwd, file).split(path.sep).join('/');
  const take = (results: LintResult[]): void => {
    for (const result of results) {
      for (const message of result.messages) {
        const located = { path: relative(result.filePath), line: message.line, message: message.message };
        if (isInternalError(message.message)) sweep.internalErrors.push(located);
        else if (message.ruleId === null && message.fatal === true) sweep.parseErrors += 1;
        else if (message.ruleId?.startsWith('sql-race/') === true) {
          // Other rule ids are inline directives naming rules this config does not load: not ours.
          const rule = message.ruleId.slice('sql-race/'.length);
          sweep.findingsByRule[rule] = (sweep.findingsByRule[rule] ?? 0) + 1;
        }
      }
    }
  };
  const linted: string[] = [];
  for (const file of files) {
    const size = statSync(file).size;
    if (size > MAX_FILE_BYTES) {
      sweep.tooLarge += 1;
      continue;
    }
    linted.push(file);
    sweep.lines += countLines(readFileSync(file, 'utf8'));
  }
  sweep.files = linted.length;
  for (let start = 0; start < linted.length; start += CHUNK) {
    const chunk = linted.slice(start, start + CHUNK);
    try {
      take((await eslint.lintFiles(chunk)) as LintResult[]);
    } catch {
      // One file of the chunk aborted the run: lint them one by one to know which.
      for (const file of chunk) {
        try {
          take((await eslint.lintFiles([file])) as LintResult[]);
        } catch (error) {
          const { message, stack } = error as Error;
          sweep.crashes.push({ path: relative(file), message: String(message).split('\n')[0] ?? '', stack: String(stack ?? message) });
        }
      }
    }
  }
  writeFileSync(out, JSON.stringify(sweep));
}

/** Spawns the child on `files` (absolute paths under the codebase) and returns what it found, timed. */
export async function sweepCodebase(codebase: Codebase, files: readonly string[]): Promise<EslintSweep> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'sql-race-eslint-sweep-'));
  const listFile = path.join(scratch, 'files.json');
  const out = path.join(scratch, 'sweep.json');
  const usageFile = path.join(scratch, 'usage.json');
  writeFileSync(listFile, JSON.stringify(files));
  const started = performance.now();
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const proc = spawn(process.execPath, ['--import', RESOURCE_PRELOAD, SELF, codebase.dir, listFile, out], {
      cwd: codebase.dir,
      env: { ...process.env, CI: 'true', SQL_RACE_BENCH_USAGE_FILE: usageFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    proc.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    proc.on('error', (error) => resolve({ code: null, stderr: `${err}${error.message}` }));
    proc.on('close', (exitCode) => resolve({ code: exitCode, stderr: err }));
  });
  const wallSeconds = (performance.now() - started) / 1000;
  let sweep: EslintSweep;
  try {
    sweep = JSON.parse(readFileSync(out, 'utf8')) as EslintSweep;
  } catch {
    sweep = {
      files: files.length,
      lines: 0,
      tooLarge: 0,
      crashes: [],
      internalErrors: [],
      parseErrors: 0,
      findingsByRule: {},
      wallSeconds: 0,
      cpuSeconds: null,
      maxRssMb: null,
      failure: `the ESLint process ended without a result (exit ${code}): ${stderr.trim().split('\n').slice(-15).join('\n')}`,
    };
  }
  sweep.wallSeconds = wallSeconds;
  try {
    const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { userCPUTime: number; systemCPUTime: number; maxRSS: number };
    sweep.cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
    sweep.maxRssMb = usage.maxRSS / 1024;
  } catch {
    // No figure when the process died.
  }
  rmSync(scratch, { recursive: true, force: true });
  return sweep;
}

if (process.argv[1] === SELF) {
  const [cwd, listFile, out] = process.argv.slice(2);
  await child(cwd ?? '', listFile ?? '', out ?? '');
}
