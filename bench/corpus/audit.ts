/**
 * Running the built audit CLI over one real codebase and reading back what it said: the JSON report
 * (findings, with their function and SQL), the `--stats` table, and the CPU and memory the process used.
 * Shared by `real-corpus.ts` (the table) and `judged-check.ts` (the judged list).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** `dist/` of this checkout: the CLI and the plugin measured are the ones built here. */
export const DIST = path.resolve(HERE, '../..');
export const CLI = path.join(DIST, 'src/cli/bin.js');
const RESOURCE_PRELOAD = path.join(HERE, 'resource-usage.js');

export const DEFAULT_ROOT = '/tmp/real-code';
export const DEFAULT_MIRRORS = '/work/.mirror';

export interface Codebase {
  /** `owner/name`. */
  name: string;
  /** The materialized JS/TS sources (`<root>/<owner>+<name>`). */
  dir: string;
  /** HEAD of the git snapshot the sources were written from, when it can be found. */
  commit: string | null;
}

export interface AuditFinding {
  /** Relative to the codebase's directory, `/` separators. */
  path: string;
  line: number;
  column: number;
  /** Rule id without the `sql-race/` prefix. */
  rule: string;
  message: string;
  functionName: string;
  sql: string;
}

export interface FileMessage {
  path: string;
  line: number;
  message: string;
}

export interface AuditOutcome {
  codebase: Codebase;
  exitCode: number | null;
  /** Every `label → value` row of the `--stats` table, as printed (labels trimmed). */
  stats: Record<string, string>;
  findings: AuditFinding[];
  /** Fatal messages saying the analysis itself failed (a throw caught by the core or the CLI). */
  internalErrors: FileMessage[];
  /** Fatal messages that are the JS/TS parser's (the code itself could not be parsed). */
  parseErrors: FileMessage[];
  /** Non-fatal file notices (skipped: too large, binary, ...). */
  skipped: FileMessage[];
  wallSeconds: number;
  cpuSeconds: number | null;
  maxRssMb: number | null;
  /** Set when the process failed in a way that produced no report. */
  failure: string | null;
}

export function mirrorDir(mirrors: string, dirName: string): string {
  return path.join(mirrors, dirName, 'repo');
}

function gitHead(gitDir: string): Promise<string | null> {
  if (!existsSync(gitDir)) return Promise.resolve(null);
  return new Promise((resolve) => {
    const child = spawn('git', ['-C', gitDir, 'rev-parse', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', () => resolve(null));
    child.on('close', (code) => resolve(code === 0 && /^[0-9a-f]{40}$/.test(out.trim()) ? out.trim() : null));
  });
}

/**
 * The codebases under `root` (directories named `<owner>+<name>`), filtered by `names` when given
 * (each matches `owner/name`, `owner+name` or just `name`).
 */
export async function listCodebases(root: string, names: readonly string[], mirrors = DEFAULT_MIRRORS): Promise<Codebase[]> {
  if (!existsSync(root)) throw new Error(`No codebases: ${root} does not exist.`);
  const dirs = readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name.includes('+'))
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b));
  const matches = (dirName: string, name: string): boolean =>
    name === dirName || name === dirName.replace('+', '/') || name === dirName.slice(dirName.indexOf('+') + 1);
  const unknown = names.filter((name) => !dirs.some((dir) => matches(dir, name)));
  if (unknown.length > 0) throw new Error(`Not under ${root}: ${unknown.join(', ')}`);
  const wanted = (dirName: string): boolean => names.length === 0 || names.some((name) => matches(dirName, name));
  return Promise.all(
    dirs.filter(wanted).map(async (dirName) => ({
      name: dirName.replace('+', '/'),
      dir: path.join(root, dirName),
      commit: await gitHead(mirrorDir(mirrors, dirName)),
    })),
  );
}

interface JsonMessage {
  ruleId: string | null;
  severity: number;
  message: string;
  line: number;
  column: number;
  fatal?: boolean;
  functionName?: string;
  sql?: string;
}

interface JsonResult {
  filePath: string;
  messages: JsonMessage[];
}

/** The analysis failed, as opposed to the code being unparseable: what the core and the CLI say then. */
export function isInternalError(message: string): boolean {
  return /internal error|could not analy[sz]e/i.test(message);
}

/** `  label   value` rows of the `--stats` table. */
export function parseStatsTable(text: string): Record<string, string> {
  const rows: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^ {2,}(\S.*?) {2,}(\S.*)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) rows[match[1].trim()] = match[2].trim();
  }
  return rows;
}

function toPosix(relative: string): string {
  return relative.split(path.sep).join('/');
}

/** Reads the JSON report of one audit into findings and file messages. */
export function readReport(
  dir: string,
  results: readonly JsonResult[],
): Pick<AuditOutcome, 'findings' | 'internalErrors' | 'parseErrors' | 'skipped'> {
  const findings: AuditFinding[] = [];
  const internalErrors: FileMessage[] = [];
  const parseErrors: FileMessage[] = [];
  const skipped: FileMessage[] = [];
  for (const result of results) {
    const relative = toPosix(path.relative(dir, result.filePath));
    for (const message of result.messages) {
      const located = { path: relative, line: message.line, message: message.message };
      if (message.ruleId === null) {
        if (isInternalError(message.message)) internalErrors.push(located);
        else if (message.fatal === true) parseErrors.push(located);
        else skipped.push(located);
        continue;
      }
      findings.push({
        ...located,
        column: message.column,
        rule: message.ruleId.replace(/^sql-race\//, ''),
        functionName: message.functionName ?? '',
        sql: message.sql ?? '',
      });
    }
  }
  return { findings, internalErrors, parseErrors, skipped };
}

export interface AuditRunOptions {
  /** Extra CLI flags (e.g. to include test or migration files once the CLI skips them by default). */
  extraArgs?: readonly string[];
}

/** Spawns `sql-race audit <dir> --format json --stats` (CI=true) and reads what it reported. */
export async function auditCodebase(codebase: Codebase, options: AuditRunOptions = {}): Promise<AuditOutcome> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'sql-race-corpus-'));
  const reportFile = path.join(scratch, 'report.json');
  const usageFile = path.join(scratch, 'usage.json');
  const args = [
    '--import',
    RESOURCE_PRELOAD,
    CLI,
    'audit',
    codebase.dir,
    '--format',
    'json',
    '--output-file',
    reportFile,
    '--stats',
    '--no-progress',
    ...(options.extraArgs ?? []),
  ];
  const started = performance.now();
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: codebase.dir,
      env: { ...process.env, CI: 'true', SQL_RACE_BENCH_USAGE_FILE: usageFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', (error) => resolve({ code: null, stderr: `${err}${error.message}` }));
    child.on('close', (exitCode) => resolve({ code: exitCode, stderr: err }));
  });
  const wallSeconds = (performance.now() - started) / 1000;
  const outcome: AuditOutcome = {
    codebase,
    exitCode: code,
    stats: parseStatsTable(stderr),
    findings: [],
    internalErrors: [],
    parseErrors: [],
    skipped: [],
    wallSeconds,
    cpuSeconds: null,
    maxRssMb: null,
    failure: null,
  };
  try {
    const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { userCPUTime: number; systemCPUTime: number; maxRSS: number };
    outcome.cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
    outcome.maxRssMb = usage.maxRSS / 1024;
  } catch {
    // The process died before its exit handler ran; the failure below says why.
  }
  if (existsSync(reportFile) && statSync(reportFile).size > 0) {
    Object.assign(outcome, readReport(codebase.dir, JSON.parse(readFileSync(reportFile, 'utf8')) as JsonResult[]));
  } else {
    outcome.failure = `no report (exit ${code}): ${stderr.trim().split('\n').slice(-15).join('\n')}`;
  }
  if (code !== 0 && code !== 1) outcome.failure ??= `exit ${code}: ${stderr.trim().split('\n').slice(-15).join('\n')}`;
  rmSync(scratch, { recursive: true, force: true });
  return outcome;
}

/** Lines of a text file, a last line without a newline counted too. */
export function countLines(text: string): number {
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines += 1;
  return text.length > 0 && !text.endsWith('\n') ? lines + 1 : lines;
}

/** A number from the stats table, or null when the CLI does not print that row. */
export function statNumber(stats: Record<string, string>, ...labels: string[]): number | null {
  for (const label of labels) {
    const value = stats[label];
    if (value !== undefined && /^\d+$/.test(value)) return Number(value);
  }
  return null;
}

/** The first row whose label matches, for rows other work may add under a name not known here. */
export function statMatching(stats: Record<string, string>, pattern: RegExp): number | null {
  for (const [label, value] of Object.entries(stats)) {
    if (pattern.test(label) && /^\d+$/.test(value)) return Number(value);
  }
  return null;
}
