/**
 * One audit, start to end: find the files, read them, pre-scan them, analyze the ones that may hold
 * SQL (in worker threads when there are many), and return what the core said about each file.
 */
import { existsSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import type { FileAnalysis } from '../analyze-types.js';
import type { AnalyzeOptions } from '../analyze.js';
import { analyzeSafely, unscannedAnalysis, type Analyze } from './analysis.js';
import { collectFiles, type IgnorePatterns } from './files.js';
import { holdsSqlOfItsOwn, importsSql, loadAnalyzer, loadCore, projectSpecifiers } from './prescan.js';
import type { Problem } from './results.js';
import { skipVerdict, type OneShotVerdict } from '../oneshot/index.js';
import { importerVerdict, runsPerMessage, type ImporterScope } from '../oneshot/importers.js';
import { snapshotHost } from '../project/host.js';
import { loadSchema, readSchemaText, schemaFiles } from '../schema/load.js';
import type { Schema, SchemaOp } from '../schema/types.js';
import { readSource, type SourceRead } from './source.js';
import { mayHoldDirectives } from '../directive-comments.js';
import { analyzeInWorkers, WORKER_THRESHOLD } from './workers.js';

export interface AuditInput {
  cwd: string;
  paths: string[];
  ignorePatterns: IgnorePatterns[];
  gitignore: boolean;
  keyColumns?: string[];
  /** Schema files or directories named by `--schema` or the config, besides those found in the audited directories. */
  schemaPaths?: string[];
  /** Search the audited directories for schema files (default true). */
  schemaDiscovery?: boolean;
  /** Follow calls into functions other modules export (default true; src/project). */
  followImports?: boolean;
  /** Functions declared to run their callback in a transaction (config `transactionHelpers`). */
  transactionHelpers?: string[];
  /** Audit migrations, seeds and scripts too (skipped by default). */
  includeOneShot?: boolean;
  /** Audit test files too (skipped by default). */
  includeTests?: boolean;
  maxFileBytes: number;
  /**
   * Worker threads to use when enough files pass the pre-scan. Asked for (`--jobs 1`), 1 keeps everything
   * in this thread; by default (a 2-core machine), 1 is one worker, whose heap is capped, and which
   * analyses while this thread reads and pre-scans.
   */
  threads: number;
  /** The user asked for this many threads (`--jobs`): use them whatever the number of files. */
  threadsRequested?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** Audit only the files this accepts (`--changed-since`: the changed ones). */
  fileFilter?: (filePath: string) => boolean;
  /** Also read the directive comments of files without SQL (for `--report-unused-disable-directives`). */
  directivesEverywhere?: boolean;
  /** The old-generation heap of each worker thread, in MB (default WORKER_HEAP_MB). */
  workerHeapMb?: number;
  /** The core's analyzeText; loaded from `src/analyze.ts` when not given. */
  analyze?: Analyze;
}

export interface AuditedFile {
  filePath: string;
  /** Set when the file could not be read or walked; then analysis is null. */
  problem: Problem | null;
  analysis: FileAnalysis | null;
  /** Kept only for files with findings or a parse error, for code frames. */
  text: string | null;
}

export interface AuditRun {
  files: AuditedFile[];
  /** Files that were read and pre-scanned. */
  filesRead: number;
  usedWorkers: number;
  elapsedMs: number;
  /** The schema read for the checks. */
  schema: Schema;
  /** One-shot and test files left out, with why. */
  skipped: (OneShotVerdict & { filePath: string })[];
}

function keep(analysis: FileAnalysis, text: string): string | null {
  return analysis.findings.length > 0 || analysis.fatal !== null ? text : null;
}

/**
 * Reading and analyzing are synchronous; every so often the loop lets the event loop run, so that a
 * Ctrl-C handler (which erases the progress bar) is not kept waiting until the audit ends.
 */
function breather(): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < 50) return;
    await new Promise((resolve) => setImmediate(resolve));
    last = performance.now();
  };
}

export async function runAudit(input: AuditInput): Promise<AuditRun> {
  const started = performance.now();
  const breathe = breather();
  const walked = collectFiles(input.paths, { ...input, readDirectory: snapshotHost().entries });
  const accept = input.fileFilter ?? (() => true);
  const files = walked.files.filter(accept);
  const notices = walked.notices.filter((notice) => accept(notice.filePath));
  const schemaLocation = {
    discover: input.schemaDiscovery === false ? [] : discoveryRoots(input.cwd, input.paths),
    paths: (input.schemaPaths ?? []).map((p) => path.resolve(input.cwd, p)),
  };
  // The schema's files are mostly the audited ones: their ops are read from the text read here, and
  // only the others (`.sql`, `.prisma`, ignored files) are read by the schema reader. With a file
  // filter (`--changed-since`) most files are not read here; the schema reader reads them all.
  // The walk of the tree lists each directory once for this and the project's host (importers, callers).
  const schemaList = input.fileFilter === undefined ? schemaFiles(schemaLocation, snapshotHost().entries) : null;
  const schemaSet = schemaList === null ? null : new Set(schemaList);
  const schemaOps = new Map<string, SchemaOp[]>();
  const total = files.length;
  let done = 0;
  const progress = (): void => {
    done += 1;
    input.onProgress?.(done, total);
  };

  const audited: AuditedFile[] = notices.map(({ filePath, problem }) => ({
    filePath,
    problem,
    analysis: null,
    text: null,
  }));
  const candidates: { filePath: string; text: string; slot: number; order: number }[] = [];
  const skipped: AuditRun['skipped'] = [];
  const relativeToRoot = rootRelative(input.cwd, input.paths);
  const followImports = input.followImports !== false;
  // A module imported only by one-shot code is left out with it; its importers are looked for under the
  // audited directories (src/oneshot/importers.ts), as the plugin looks under its working directory.
  const importers: ImporterScope | null =
    followImports && input.includeOneShot !== true
      ? { host: snapshotHost(), roots: auditedRoots(input.cwd, input.paths), relative: relativeToRoot }
      : null;
  let filesRead = 0;
  const decide = async (filePath: string, text: string, holdsSql: boolean, order: number): Promise<void> => {
    // Only a file with database code is classified as one-shot or test code: the others would not be
    // analysed anyway, and the classifier's tests of the text cost more than the pre-scan.
    const relative = relativeToRoot(filePath);
    const verdict =
      relative === null || !holdsSql ? null : oneShotVerdict(path.resolve(filePath), skipVerdict(relative, text, input), importers);
    if (verdict !== null) {
      skipped.push({ filePath, ...verdict });
      progress();
      return;
    }
    filesRead += 1;
    const slot = audited.push({ filePath, problem: null, analysis: null, text: null }) - 1;
    if (holdsSql) {
      candidates.push({ filePath, text, slot, order });
    } else {
      const analysis = unscannedAnalysis(filePath);
      if (input.directivesEverywhere === true && mayHoldDirectives(text)) {
        const { readDirectiveComments } = await import('./comments.js');
        analysis.directiveComments = readDirectiveComments(text, filePath);
      }
      (audited[slot] as AuditedFile).analysis = analysis;
      progress();
    }
  };
  // A file without database code of its own is admitted when it imports a project module with some.
  // That test waits until every file was read once: a module audited by then has its verdict, and is
  // not read again for it. The text of the file is dropped meanwhile and read again if it is admitted.
  const deferred: { filePath: string; specifiers: string[]; order: number }[] = [];
  // The project's host reads the files of the audited directories too (the importers of one-shot code,
  // imported modules): each file is read once, by whichever asks first.
  const host = importers?.host ?? (followImports ? snapshotHost() : null);
  const readOnce = (filePath: string): SourceRead => {
    const known = host?.known?.(path.resolve(filePath));
    // The host's text is what this read gives when it decoded losslessly, with no byte-order mark to drop.
    if (typeof known === 'string' && !known.includes('\uFFFD') && known.charCodeAt(0) !== 0xfeff) {
      const bytes = Buffer.byteLength(known);
      if (bytes <= input.maxFileBytes) return { kind: 'text', text: known, bytes };
    }
    const read = readSource(filePath, input.maxFileBytes);
    if (read.kind === 'text' && known === undefined) host?.offer?.(path.resolve(filePath), read.text);
    return read;
  };
  for (const [order, filePath] of files.entries()) {
    await breathe();
    const read = readOnce(filePath);
    if (read.kind === 'problem') {
      audited.push({ filePath, problem: read.problem, analysis: null, text: null });
      progress();
      continue;
    }
    if (schemaSet?.has(filePath) === true) schemaOps.set(filePath, readSchemaText(read.text, filePath));
    const own = holdsSqlOfItsOwn(read.text, filePath);
    const specifiers = own || !followImports ? [] : projectSpecifiers(read.text);
    // Reading directive comments needs the text of every file: those files are not deferred.
    if (specifiers.length > 0 && input.directivesEverywhere !== true) {
      deferred.push({ filePath, specifiers, order });
      continue;
    }
    await decide(filePath, read.text, own || importsSql(specifiers, filePath), order);
  }
  for (const { filePath, specifiers, order } of deferred) {
    await breathe();
    if (!importsSql(specifiers, filePath)) {
      await decide(filePath, '', false, order);
      continue;
    }
    const read = readOnce(filePath);
    if (read.kind === 'problem') {
      audited.push({ filePath, problem: read.problem, analysis: null, text: null });
      progress();
      continue;
    }
    await decide(filePath, read.text, true, order);
  }
  // Files are analysed in the order they were listed, whichever pass admitted them (the project's cache
  // gives a module the summaries of the depth it was first reached at, so the order can matter).
  candidates.sort((a, b) => a.order - b.order);
  const schema = loadSchema(schemaLocation, schemaOps, undefined, schemaList ?? undefined);
  const options: AnalyzeOptions = {
    unchangingFiles: true,
    ...(input.includeOneShot === true ? { includeOneShot: true } : {}),
    ...(input.keyColumns === undefined ? {} : { keyColumns: input.keyColumns }),
    schema,
    ...(input.followImports === false
      ? { project: false as const }
      : { projectRoots: input.paths.map((p) => path.resolve(input.cwd, p)).map((p) => (isDirectory(p) ? p : path.dirname(p))) }),
    ...(input.transactionHelpers && input.transactionHelpers.length > 0 ? { transactionHelpers: input.transactionHelpers } : {}),
  };

  const record = (index: number, analysis: FileAnalysis): void => {
    const candidate = candidates[index];
    if (candidate === undefined) return;
    const entry = audited[candidate.slot] as AuditedFile;
    entry.analysis = analysis;
    entry.text = keep(analysis, candidate.text);
    progress();
  };

  let usedWorkers = 0;
  const threshold = input.threadsRequested === true ? 1 : WORKER_THRESHOLD;
  const workers = input.threads > 1 || input.threadsRequested !== true ? input.threads : 0;
  if (workers > 0 && candidates.length > threshold && input.analyze === undefined) {
    usedWorkers = Math.min(workers, candidates.length);
    const redo = await analyzeInWorkers(candidates, workers, options, record, input.workerHeapMb);
    if (redo.length > 0) {
      const analyze = await loadAnalyzer();
      for (const index of redo) {
        const candidate = candidates[index] as (typeof candidates)[number];
        record(index, analyzeSafely(analyze, candidate.text, candidate.filePath, options));
      }
    }
  } else if (candidates.length > 0) {
    const core = input.analyze === undefined ? await loadCore() : null;
    const analyze = input.analyze ?? (core as NonNullable<typeof core>).analyzePrescannedText;
    // A module summarised for one file may be a file still to audit: its parse is held, and that file
    // is audited next, so that it is parsed once and few parses are held at once.
    const keys = candidates.map((c) => path.resolve(c.filePath));
    const pending = new Map(keys.map((key, index) => [key, index]));
    core?.holdParses((file) => pending.has(file));
    let next = 0;
    for (;;) {
      await breathe();
      let index: number | undefined;
      for (const file of core?.heldParseFiles() ?? []) {
        index = pending.get(file);
        if (index !== undefined) break;
        core?.dropHeldParse(file);
      }
      if (index === undefined) {
        while (next < keys.length && !pending.has(keys[next] as string)) next += 1;
        if (next === keys.length) break;
        index = next;
      }
      pending.delete(keys[index] as string);
      const candidate = candidates[index] as (typeof candidates)[number];
      record(index, analyzeSafely(analyze, candidate.text, candidate.filePath, options));
    }
    core?.holdParses(null);
  }

  audited.sort((a, b) => (a.filePath < b.filePath ? -1 : a.filePath > b.filePath ? 1 : 0));
  return { files: audited, filesRead, usedWorkers, elapsedMs: performance.now() - started, schema, skipped };
}

/**
 * A file's path relative to the directory given on the command line that holds it (the deepest one),
 * for the one-shot classifier; null for a file named on the command line, which is always audited.
 */
function rootRelative(cwd: string, paths: readonly string[]): (file: string) => string | null {
  const roots = auditedRoots(cwd, paths).sort((a, b) => b.length - a.length);
  return (file) => {
    const root = roots.find((r) => file.startsWith(r.endsWith(path.sep) ? r : r + path.sep));
    return root === undefined ? null : path.relative(root, file).split(path.sep).join('/');
  };
}

/**
 * Where the schema is searched for: each directory named on the command line, and for a file named
 * there, the project it belongs to: the working directory, as the ESLint rules search theirs, when the
 * file is under it and it is a project's root (a `package.json` or `.git` in it; not a home directory
 * the command was typed in), else the nearest directory above the file holding a `package.json` (else
 * the file's own). `sql-race audit src/orders.ts` then reads the same `prisma/schema.prisma` or
 * migrations as `sql-race audit .` and `eslint src/orders.ts` do. A root inside another is dropped.
 */
function discoveryRoots(cwd: string, paths: readonly string[]): string[] {
  const roots = new Set<string>();
  for (const p of paths) {
    const absolute = path.resolve(cwd, p);
    if (isDirectory(absolute)) roots.add(absolute);
    else if (existsSync(absolute)) roots.add(isWithin(absolute, cwd) && isProjectRoot(cwd) ? path.resolve(cwd) : packageRoot(absolute));
  }
  const sorted = [...roots].sort((a, b) => a.length - b.length);
  return sorted.filter((root, i) => !sorted.slice(0, i).some((outer) => isWithin(root, outer)));
}

function isWithin(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative === '' || (relative.split(path.sep)[0] !== '..' && !path.isAbsolute(relative));
}

function isProjectRoot(dir: string): boolean {
  return existsSync(path.join(dir, 'package.json')) || existsSync(path.join(dir, '.git'));
}

/** The nearest directory above `file` that holds a `package.json`; the file's directory when none does. */
function packageRoot(file: string): string {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.dirname(file);
  }
}

/** The audited directories (a file named on the command line is no root). */
function auditedRoots(cwd: string, paths: readonly string[]): string[] {
  return paths.map((p) => path.resolve(cwd, p)).filter(isDirectory);
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Why a file is left out: by its own path and shape (a module of a scheduled job's folder that a handler
 * of a queue's messages imports runs per message, and is checked), else by its importers.
 */
function oneShotVerdict(file: string, own: OneShotVerdict | null, importers: ImporterScope | null): OneShotVerdict | null {
  if (importers === null) return own;
  if (own !== null) return own.kind === 'scheduled' && runsPerMessage(file, importers) ? null : own;
  return importerVerdict(file, importers);
}
