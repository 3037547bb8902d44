/**
 * `sql-race audit`: flags and config in, report out, and an exit code CI can trust — 0 no findings
 * (or only warnings within --max-warnings), 1 findings, 2 a usage or fatal error.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, type AuditFlags } from './args.js';
import { DEFAULT_BASELINE_FILE, readBaseline, writeBaseline, type BaselineEntry } from './baseline.js';
import { wantsColor } from './color.js';
import { configDirectory, loadConfig, type FileConfig } from './config.js';
import { formatReports, isFormatName, FORMAT_NAMES, type FormatName } from './formatters/index.js';
import type { IgnorePatterns } from './files.js';
import { ProgressBar, progressWanted, type ProgressStream } from './progress.js';
import { buildReports } from './report.js';
import { changedLinesSince, linesOf } from './changed.js';
import { loadRuleMeta } from './rule-meta.js';
import { totalCounts } from './results.js';
import { runAudit, type AuditRun } from './run.js';
import { defaultRuleLevels, parseRuleFlag, severityOf, type RuleLevels } from './severity.js';
import { DEFAULT_MAX_FILE_MB } from './source.js';
import { collectStats, formatStats } from './stats.js';
import { UsageError } from './usage-error.js';
import { defaultThreadCount } from './workers.js';

export interface CliIo {
  stdout: ProgressStream;
  stderr: ProgressStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

interface ResolvedOptions {
  format: FormatName;
  levels: RuleLevels;
  quiet: boolean;
  maxWarnings: number;
  ignorePatterns: IgnorePatterns[];
  keyColumns: string[] | undefined;
  schemaPaths: string[];
  schemaDiscovery: boolean;
  followImports: boolean;
  transactionHelpers: string[];
  includeOneShot: boolean;
  includeTests: boolean;
  baselineFile: string | undefined;
  projectRoot: string;
  reportUnusedDirectives: 0 | 1 | 2;
}

function gitRoot(cwd: string): string | null {
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return null;
  }
}

function resolveOptions(flags: AuditFlags, config: FileConfig | null, cwd: string): ResolvedOptions {
  const configDir = config === null ? cwd : configDirectory(config);
  const format = flags.format ?? config?.format ?? 'stylish';
  if (!isFormatName(format)) {
    throw new UsageError(`Unknown format "${format}". Formats: ${FORMAT_NAMES.join(', ')}.`);
  }
  const levels = { ...defaultRuleLevels(), ...config?.rules };
  for (const setting of flags.rule) {
    const [id, level] = parseRuleFlag(setting);
    levels[id] = level;
  }
  for (const given of flags.schema) {
    if (!existsSync(path.resolve(cwd, given))) throw new UsageError(`--schema: ${given} does not exist.`);
  }
  const keyColumns = flags.keyColumn.length > 0 ? flags.keyColumn : config?.keyColumns;
  let baselineFile: string | undefined;
  if (flags.baseline !== undefined) baselineFile = path.resolve(cwd, flags.baseline);
  else if (config?.baseline !== undefined) baselineFile = path.resolve(configDir, config.baseline);
  const projectRoot = config !== null ? configDir : (gitRoot(cwd) ?? cwd);
  if (flags.updateBaseline && baselineFile === undefined) baselineFile = path.join(projectRoot, DEFAULT_BASELINE_FILE);
  return {
    format,
    levels,
    quiet: flags.quiet || config?.quiet === true,
    maxWarnings: flags.maxWarnings ?? config?.maxWarnings ?? -1,
    ignorePatterns: [
      { base: configDir, patterns: config?.ignorePatterns ?? [] },
      { base: cwd, patterns: flags.ignorePattern },
    ],
    keyColumns,
    schemaPaths: [...(config?.schema ?? []).map((p) => path.resolve(configDir, p)), ...flags.schema.map((p) => path.resolve(cwd, p))],
    schemaDiscovery: flags.schemaDiscovery && config?.schemaDiscovery !== false,
    followImports: flags.followImports && config?.followImports !== false,
    transactionHelpers: config?.transactionHelpers ?? [],
    includeOneShot: flags.includeOneshot || config?.includeOneShot === true,
    includeTests: flags.includeTests || config?.includeTests === true,
    baselineFile,
    projectRoot,
    reportUnusedDirectives: flags.reportUnusedDisableDirectives ? 2 : severityOf(flags.reportUnusedDisableDirectivesSeverity ?? 'off'),
  };
}

function plural(count: number, word: string, words = `${word}s`): string {
  return `${count} ${count === 1 ? word : words}`;
}

const STALE_LISTED = 20;

/** Entries of the baseline that match no finding any more: the code was fixed, or removed. */
function describeStale(stale: readonly BaselineEntry[], baselineName: string): string {
  const lines = [
    `sql-race: ${plural(stale.length, 'entry', 'entries')} of the baseline ${baselineName} no longer ` +
      `match${stale.length === 1 ? 'es' : ''} a finding (fixed or removed); --update-baseline drops ${stale.length === 1 ? 'it' : 'them'}:`,
  ];
  const sorted = [...stale].sort(
    (a, b) => a.file.localeCompare(b.file) || a.rule.localeCompare(b.rule) || a.function.localeCompare(b.function),
  );
  for (const entry of sorted.slice(0, STALE_LISTED)) lines.push(`  ${entry.file}  ${entry.rule}  in ${entry.function}`);
  if (stale.length > STALE_LISTED) lines.push(`  ... and ${stale.length - STALE_LISTED} more`);
  return `${lines.join('\n')}\n`;
}

async function audit(flags: AuditFlags, io: CliIo): Promise<number> {
  const config = loadConfig(io.cwd, flags.config);
  const options = resolveOptions(flags, config, io.cwd);
  // --update-baseline reads the old file too (when there is one): to keep the entries of files this
  // audit does not read, and to say how many stale ones it drops.
  const baseline =
    options.baselineFile !== undefined && (!flags.updateBaseline || existsSync(options.baselineFile))
      ? readBaseline(options.baselineFile)
      : null;

  const changedLines = flags.changedSince === undefined ? undefined : changedLinesSince(flags.changedSince, io.cwd);
  // SQL_RACE_PROGRESS_DELAY_MS lets a test see the bar on an audit that ends before the usual delay.
  const delay = Number(io.env['SQL_RACE_PROGRESS_DELAY_MS']);
  const progress = new ProgressBar(io.stderr, {
    enabled: progressWanted(io.stderr, io.env, flags.progress),
    ...(Number.isFinite(delay) && delay >= 0 ? { delayMs: delay } : {}),
  });
  // Ctrl-C while the bar is on screen: erase it, so the shell prompt does not land after it.
  const interrupted = (): void => {
    progress.stop();
    process.exit(130);
  };
  if (progress.enabled) process.once('SIGINT', interrupted);
  let run;
  try {
    run = await runAudit({
      cwd: io.cwd,
      paths: flags.paths,
      ignorePatterns: options.ignorePatterns,
      gitignore: flags.gitignore,
      ...(options.keyColumns === undefined ? {} : { keyColumns: options.keyColumns }),
      schemaPaths: options.schemaPaths,
      schemaDiscovery: options.schemaDiscovery,
      followImports: options.followImports,
      transactionHelpers: options.transactionHelpers,
      includeOneShot: options.includeOneShot,
      includeTests: options.includeTests,
      maxFileBytes: (flags.maxFileSize ?? DEFAULT_MAX_FILE_MB) * 1024 * 1024,
      threads: flags.jobs ?? defaultThreadCount(),
      threadsRequested: flags.jobs !== undefined,
      directivesEverywhere: options.reportUnusedDirectives !== 0,
      ...(changedLines === undefined ? {} : { fileFilter: (file: string) => linesOf(changedLines, file) !== undefined }),
      onProgress: (done, total) => progress.update(done, total),
    });
  } finally {
    process.off('SIGINT', interrupted);
    progress.stop();
  }

  const { files, baselineEntries, stale, unaudited } = buildReports(run.files, {
    cwd: io.cwd,
    projectRoot: options.projectRoot,
    levels: options.levels,
    quiet: options.quiet,
    baseline,
    reportUnusedDirectives: options.reportUnusedDirectives,
    ...(changedLines === undefined ? {} : { changedLines }),
  });

  const baselineName = options.baselineFile === undefined ? '' : path.relative(io.cwd, options.baselineFile) || options.baselineFile;
  if (flags.updateBaseline && options.baselineFile !== undefined) {
    const written = [...baselineEntries, ...unaudited];
    writeBaseline(options.baselineFile, written);
    io.stderr.write(
      `Wrote ${plural(written.length, 'finding')} to the baseline ${baselineName}` +
        `${stale.length > 0 ? `, and removed ${plural(stale.length, 'stale entry', 'stale entries')}` : ''}.\n`,
    );
    const accepted = new Set(baselineEntries.map((entry) => entry.fingerprint));
    for (const file of files) {
      file.baselined.push(...file.messages.filter((m) => m.fingerprint !== undefined && accepted.has(m.fingerprint)));
      file.messages = file.messages.filter((m) => m.fingerprint === undefined || !accepted.has(m.fingerprint));
      if (file.messages.length === 0) file.source = null;
    }
  }

  if (!flags.updateBaseline && stale.length > 0) io.stderr.write(describeStale(stale, baselineName));

  const toFile = flags.outputFile !== undefined;
  const output = await formatReports(options.format, files, {
    cwd: io.cwd,
    projectRoot: options.projectRoot,
    color: wantsColor({ isTTY: !toFile && io.stdout.isTTY === true, env: io.env, flag: toFile ? false : flags.color }),
    levels: options.levels,
    baselineInUse: baseline !== null,
    ...(options.format === 'sarif' ? { ruleMeta: await loadRuleMeta() } : {}),
  });
  if (flags.outputFile !== undefined) {
    const target = path.resolve(io.cwd, flags.outputFile);
    try {
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, output);
    } catch (error) {
      throw new UsageError(`Cannot write ${flags.outputFile}: ${(error as Error).message}`);
    }
  } else if (output !== '') {
    io.stdout.write(output);
  }

  if (run.skipped.length > 0 && !flags.stats) io.stderr.write(skippedNotice(run.skipped));

  if (flags.stats) {
    const relative = (file: string): string => path.relative(io.cwd, file).split(path.sep).join('/');
    io.stderr.write(formatStats(collectStats(run, files, relative), flags.verbose));
  }

  const totals = totalCounts(files);
  if (totals.errorCount > 0) return 1;
  if (options.maxWarnings >= 0 && totals.warningCount > options.maxWarnings) {
    io.stderr.write(`sql-race found too many warnings (maximum: ${options.maxWarnings}).\n`);
    return 1;
  }
  return 0;
}

/** One line on stderr: how many files were left out, and how to put them back. */
function skippedNotice(skipped: AuditRun['skipped']): string {
  const tests = skipped.filter((s) => s.kind === 'test').length;
  const oneShot = skipped.length - tests;
  const parts: string[] = [];
  if (oneShot > 0) parts.push(`${oneShot} migration, seed or script file${oneShot === 1 ? '' : 's'} (--include-oneshot)`);
  if (tests > 0) parts.push(`${tests} test file${tests === 1 ? '' : 's'} (--include-tests)`);
  return `sql-race: skipped ${parts.join(' and ')}; --stats --verbose lists them.\n`;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const output = { out: (text: string) => void io.stdout.write(text), err: (text: string) => void io.stderr.write(text) };
  try {
    const command = await parseArgs(argv, output);
    if (command.kind === 'exit') return command.code;
    return await audit(command.flags, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`sql-race: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
