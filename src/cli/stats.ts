/** `--stats`: what the audit read and found, and how long it took. */
import type { UnparsedStatement } from '../analyze-types.js';
import { RULE_IDS } from '../checks/types.js';
import type { AuditRun } from './run.js';
import { RULE_PREFIX, type FileReport } from './results.js';

export interface AuditStats {
  filesScanned: number;
  /** Files not audited: too large, binary, not UTF-8, not JS/TS, link loops. */
  filesSkipped: number;
  /** Files whose JS/TS the parser could not read (a syntax error). */
  filesNotParsed: number;
  /** Files that could not be read, or whose analysis failed. */
  filesFailed: number;
  filesWithSql: number;
  querySites: number;
  /** Of the query sites, calls of a model or query-builder API. */
  modelSites: number;
  statements: number;
  statementsUnparsed: number;
  /** Query-shaped calls whose SQL text could not be evaluated. */
  unresolved: number;
  unparsed: (UnparsedStatement & { filePath: string })[];
  findingsByRule: Record<string, number>;
  baselined: number;
  /** Findings an eslint-disable comment covers. */
  disabledByComments: number;
  workers: number;
  elapsedMs: number;
  /** Tables the schema declares, and the files it was read from. */
  schemaTables: number;
  schemaFiles: string[];
  /** One-shot and test files left out, and why. */
  skipped: { filePath: string; kind: string; reason: string }[];
}

export function collectStats(run: AuditRun, reports: readonly FileReport[], relative: (file: string) => string): AuditStats {
  const stats: AuditStats = {
    filesScanned: run.filesRead,
    filesSkipped: 0,
    filesNotParsed: 0,
    filesFailed: 0,
    filesWithSql: 0,
    querySites: 0,
    modelSites: 0,
    statements: 0,
    statementsUnparsed: 0,
    unresolved: 0,
    unparsed: [],
    findingsByRule: Object.fromEntries(RULE_IDS.map((id) => [`${RULE_PREFIX}${id}`, 0])),
    baselined: 0,
    disabledByComments: 0,
    workers: run.usedWorkers,
    elapsedMs: run.elapsedMs,
    schemaTables: Object.keys(run.schema.tables).length,
    schemaFiles: run.schema.sources.map(relative),
    skipped: run.skipped.map((s) => ({ filePath: relative(s.filePath), kind: s.kind, reason: s.reason })),
  };
  for (const file of run.files) {
    if (file.problem !== null) {
      if (file.problem.fatal) stats.filesFailed += 1;
      else stats.filesSkipped += 1;
    }
    const analysis = file.analysis;
    if (analysis?.fatal) {
      if (analysis.fatal.message.startsWith('Parsing error')) stats.filesNotParsed += 1;
      else stats.filesFailed += 1;
    }
    if (analysis === null || !analysis.scanned) continue;
    stats.filesWithSql += 1;
    stats.querySites += analysis.stats.querySites;
    stats.modelSites += analysis.stats.modelSites ?? 0;
    stats.statements += analysis.stats.statements;
    stats.statementsUnparsed += analysis.stats.unparsed.length;
    stats.unresolved += analysis.stats.unresolved ?? 0;
    for (const statement of analysis.stats.unparsed) {
      stats.unparsed.push({ ...statement, filePath: relative(file.filePath) });
    }
  }
  for (const report of reports) {
    for (const message of report.messages) {
      if (message.finding !== undefined && message.ruleId !== null)
        stats.findingsByRule[message.ruleId] = (stats.findingsByRule[message.ruleId] ?? 0) + 1;
    }
    stats.baselined += report.baselined.length;
    stats.disabledByComments += report.suppressed.filter((problem) => problem.finding !== undefined).length;
  }
  return stats;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function formatStats(stats: AuditStats, verbose: boolean): string {
  const rows: [string, string][] = [
    ['files scanned', String(stats.filesScanned)],
    ['files skipped (one-shot)', String(stats.skipped.filter((s) => s.kind !== 'test').length)],
    ['files skipped (tests)', String(stats.skipped.filter((s) => s.kind === 'test').length)],
    ['files skipped', String(stats.filesSkipped)],
    ['files not parsed', String(stats.filesNotParsed)],
    ['files with SQL', String(stats.filesWithSql)],
    ...(stats.filesFailed > 0 ? [['files not analyzed (unreadable or failed)', String(stats.filesFailed)] as [string, string]] : []),
    ['query sites', String(stats.querySites)],
    ['  model and builder calls', String(stats.modelSites)],
    ['statements parsed', String(stats.statements - stats.statementsUnparsed)],
    ['statements not parsed', String(stats.statementsUnparsed)],
    ['query calls, SQL unresolved', String(stats.unresolved)],
  ];
  for (const [rule, count] of Object.entries(stats.findingsByRule)) rows.push([`  ${rule}`, String(count)]);
  if (stats.baselined > 0) rows.push(['findings in the baseline', String(stats.baselined)]);
  rows.push(['schema tables', `${stats.schemaTables} (from ${stats.schemaFiles.length} file${stats.schemaFiles.length === 1 ? '' : 's'})`]);
  if (stats.disabledByComments > 0) rows.push(['findings disabled by comments', String(stats.disabledByComments)]);
  rows.push(['worker threads', String(stats.workers)]);
  rows.push(['time', `${(stats.elapsedMs / 1000).toFixed(2)} s`]);
  const labelWidth = Math.max(...rows.map(([label]) => label.length));
  const lines = ['sql-race stats'];
  for (const [label, value] of rows) {
    lines.push(`  ${label.padEnd(labelWidth)}  ${value}`);
    if (label === 'query calls, SQL unresolved') lines.push('  findings by rule');
  }
  if (stats.skipped.length > 0) {
    if (verbose) {
      lines.push('files skipped (--include-oneshot, --include-tests audit them):');
      for (const s of stats.skipped) lines.push(`  ${s.filePath}  ${s.kind}: ${s.reason}`);
    } else {
      lines.push('  (--verbose lists the files skipped and why)');
    }
  }
  if (verbose && stats.schemaFiles.length > 0) {
    lines.push('schema read from (migrations in order, then declarations):');
    for (const file of stats.schemaFiles) lines.push(`  ${file}`);
  }
  if (stats.unparsed.length > 0) {
    if (verbose) {
      lines.push('statements the SQL parser could not read (facts came from the lexical scan):');
      for (const statement of stats.unparsed) {
        lines.push(`  ${statement.filePath}:${statement.line}  ${oneLine(statement.text, 80)}`);
        lines.push(`    ${oneLine(statement.error, 100)}`);
      }
    } else {
      lines.push('  (--verbose lists the statements not parsed)');
    }
  }
  return `${lines.join('\n')}\n`;
}
