/**
 * The harness for real codebases: audits each one with the built CLI and prints what the audit read
 * (files, query sites, statements parsed by the parser / only scanned lexically / unresolved), what it
 * found (per rule), whether it failed anywhere (internal errors) and what it cost (wall and CPU time).
 * With `--eslint`, also the ESLint half of the crash sweep over the same files. Outside `npm test`: CI
 * cannot fetch the codebases. See bench/README.md.
 *
 *   npm run build && node dist/bench/real-corpus.js [--root /tmp/real-code] [--eslint] [--json out.json] [names...]
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { mightContainSql } from '../src/analyze.js';
import { collectFiles } from '../src/cli/files.js';
import {
  auditCodebase,
  countLines,
  DEFAULT_MIRRORS,
  DEFAULT_ROOT,
  listCodebases,
  statMatching,
  statNumber,
  type AuditOutcome,
  type Codebase,
} from './corpus/audit.js';
import { MAX_FILE_BYTES, sweepCodebase, type EslintSweep } from './corpus/eslint-sweep.js';
import { formatTable } from './corpus/table.js';

export interface CodebaseReport {
  codebase: string;
  commit: string | null;
  files: number;
  lines: number;
  querySites: number | null;
  /** Of the query sites, calls of a model or query-builder API. */
  modelSites: number | null;
  statements: number | null;
  parsed: number | null;
  lexical: number | null;
  unresolved: number | null;
  percentParsed: number | null;
  findingsByRule: Record<string, number>;
  findings: AuditOutcome['findings'];
  internalErrors: AuditOutcome['internalErrors'];
  parseErrors: AuditOutcome['parseErrors'];
  skipped: number;
  stats: Record<string, string>;
  wallSeconds: number;
  cpuSeconds: number | null;
  maxRssMb: number | null;
  failure: string | null;
  eslint?: EslintSweep;
}

interface Flags {
  root: string;
  mirrors: string;
  json: string | null;
  eslint: boolean;
  /** Lint only the files the plugin's pre-scan admits (the only ones its rules analyse). */
  eslintPrescanned: boolean;
  names: string[];
  auditArgs: string[];
}

const USAGE = `usage: node dist/bench/real-corpus.js [--root DIR] [--mirrors DIR] [--eslint | --eslint-prescanned] [--json FILE] [--audit-arg ARG]... [names...]
  --root DIR        codebases, one directory per <owner>+<name> (default ${DEFAULT_ROOT})
  --mirrors DIR     git snapshots <owner>+<name>/repo, for the commit of each (default ${DEFAULT_MIRRORS})
  --eslint          also run the ESLint plugin over the same files (crash sweep)
  --eslint-prescanned  the same, over only the files the plugin's SQL pre-scan admits (the rest get
                    no listeners; the audit already ran the pre-scan itself on every file)
  --json FILE       also write everything measured, findings included, as JSON
  --audit-arg ARG   pass ARG to sql-race audit (repeatable)
  names             owner/name, owner+name or name; all codebases when none
`;

function parseFlags(argv: readonly string[]): Flags | null {
  const flags: Flags = {
    root: DEFAULT_ROOT,
    mirrors: DEFAULT_MIRRORS,
    json: null,
    eslint: false,
    eslintPrescanned: false,
    names: [],
    auditArgs: [],
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const value = (): string => {
      const next = argv[i + 1];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      i += 1;
      return next;
    };
    if (arg === '--root') flags.root = value();
    else if (arg === '--mirrors') flags.mirrors = value();
    else if (arg === '--json') flags.json = value();
    else if (arg === '--eslint') flags.eslint = true;
    else if (arg === '--eslint-prescanned') flags.eslint = flags.eslintPrescanned = true;
    else if (arg === '--audit-arg') flags.auditArgs.push(value());
    else if (arg === '--help' || arg === '-h') return null;
    else if (arg.startsWith('--')) throw new Error(`unknown flag ${arg}`);
    else flags.names.push(arg);
  }
  return flags;
}

/** The JS/TS files the audit walks, and their lines (all of them, whatever the pre-scan keeps). */
export function sourceFiles(dir: string): { files: string[]; lines: number } {
  const { files } = collectFiles([dir], { cwd: dir, ignorePatterns: [], gitignore: true });
  let lines = 0;
  for (const file of files) {
    if (statSync(file).size > MAX_FILE_BYTES) continue;
    lines += countLines(readFileSync(file, 'utf8'));
  }
  return { files, lines };
}

function findingsByRule(outcome: AuditOutcome): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [label, value] of Object.entries(outcome.stats)) {
    if (label.startsWith('sql-race/') && /^\d+$/.test(value)) counts[label.slice('sql-race/'.length)] = 0;
  }
  for (const finding of outcome.findings) counts[finding.rule] = (counts[finding.rule] ?? 0) + 1;
  return counts;
}

export async function measureCodebase(
  codebase: Codebase,
  options: { eslint: boolean; eslintPrescanned: boolean; auditArgs: string[] },
): Promise<CodebaseReport> {
  const { files, lines } = sourceFiles(codebase.dir);
  const outcome = await auditCodebase(codebase, { extraArgs: options.auditArgs });
  const { stats } = outcome;
  const parsed = statNumber(stats, 'statements parsed');
  const lexical = statNumber(stats, 'statements not parsed', 'statements scanned lexically');
  const unresolved = statMatching(stats, /unresolved|not evaluated|could not be evaluated/i);
  const statements = parsed !== null && lexical !== null ? parsed + lexical : statNumber(stats, 'statements');
  const report: CodebaseReport = {
    codebase: codebase.name,
    commit: codebase.commit,
    files: statNumber(stats, 'files scanned') ?? files.length,
    lines,
    querySites: statNumber(stats, 'query sites'),
    modelSites: statNumber(stats, 'model and builder calls'),
    statements,
    parsed,
    lexical,
    unresolved,
    percentParsed: parsed !== null && statements !== null && statements > 0 ? (100 * parsed) / statements : null,
    findingsByRule: findingsByRule(outcome),
    findings: outcome.findings,
    internalErrors: outcome.internalErrors,
    parseErrors: outcome.parseErrors,
    skipped: outcome.skipped.length,
    stats,
    wallSeconds: outcome.wallSeconds,
    cpuSeconds: outcome.cpuSeconds,
    maxRssMb: outcome.maxRssMb,
    failure: outcome.failure,
  };
  if (options.eslint) {
    const swept = options.eslintPrescanned
      ? files.filter((file) => statSync(file).size <= MAX_FILE_BYTES && mightContainSql(readFileSync(file, 'utf8')))
      : files;
    report.eslint = await sweepCodebase(codebase, swept);
  }
  return report;
}

/** `no-check-then-act` → `CTA`: short column heads for the rules. */
function ruleHead(rule: string): string {
  return rule
    .replace(/^no-/, '')
    .split('-')
    .map((word) => word[0]?.toUpperCase() ?? '')
    .join('');
}

const figure = (value: number | null | undefined, digits = 0): string =>
  value === null || value === undefined
    ? '-'
    : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function sum(reports: readonly CodebaseReport[], pick: (report: CodebaseReport) => number | null | undefined): number | null {
  let total = 0;
  let any = false;
  for (const report of reports) {
    const value = pick(report);
    if (value === null || value === undefined) continue;
    total += value;
    any = true;
  }
  return any ? total : null;
}

export function auditTable(reports: readonly CodebaseReport[]): string {
  const rules = [...new Set(reports.flatMap((report) => Object.keys(report.findingsByRule)))];
  const head = [
    'codebase',
    'files',
    'lines',
    'sites',
    'model',
    'stmts',
    'parsed',
    'lexical',
    'unresolved',
    '% parsed',
    ...rules.map(ruleHead),
    'internal',
    'parse err',
    'wall s',
    'CPU s',
    'RSS MB',
  ];
  const row = (name: string, r: Partial<CodebaseReport>, findings: Record<string, number>): string[] => [
    name,
    figure(r.files),
    figure(r.lines),
    figure(r.querySites),
    figure(r.modelSites),
    figure(r.statements),
    figure(r.parsed),
    figure(r.lexical),
    figure(r.unresolved),
    figure(r.percentParsed, 1),
    ...rules.map((rule) => figure(findings[rule] ?? 0)),
    figure(r.internalErrors?.length),
    figure(r.parseErrors?.length),
    figure(r.wallSeconds, 1),
    figure(r.cpuSeconds, 1),
    figure(r.maxRssMb),
  ];
  const rows = reports.map((report) => row(report.codebase, report, report.findingsByRule));
  const totalFindings = Object.fromEntries(rules.map((rule) => [rule, sum(reports, (r) => r.findingsByRule[rule]) ?? 0]));
  const parsed = sum(reports, (r) => r.parsed);
  const statements = sum(reports, (r) => r.statements);
  rows.push(
    row(
      'total',
      {
        files: sum(reports, (r) => r.files) ?? 0,
        lines: sum(reports, (r) => r.lines) ?? 0,
        querySites: sum(reports, (r) => r.querySites),
        modelSites: sum(reports, (r) => r.modelSites),
        statements,
        parsed,
        lexical: sum(reports, (r) => r.lexical),
        unresolved: sum(reports, (r) => r.unresolved),
        percentParsed: parsed !== null && statements ? (100 * parsed) / statements : null,
        internalErrors: reports.flatMap((r) => r.internalErrors),
        parseErrors: reports.flatMap((r) => r.parseErrors),
        wallSeconds: sum(reports, (r) => r.wallSeconds) ?? 0,
        cpuSeconds: sum(reports, (r) => r.cpuSeconds),
        maxRssMb: Math.max(0, ...reports.map((r) => r.maxRssMb ?? 0)),
      },
      totalFindings,
    ),
  );
  const legend = rules.map((rule) => `${ruleHead(rule)} ${rule}`).join(', ');
  return `${formatTable(head, rows)}\n${legend}\n`;
}

export function eslintTable(reports: readonly CodebaseReport[]): string {
  const swept = reports.filter((report) => report.eslint !== undefined);
  const head = [
    'codebase',
    'files',
    'lines',
    'crashes',
    'internal',
    'parse err',
    'findings',
    'audit findings',
    'wall s',
    'CPU s',
    'RSS MB',
  ];
  const rows = swept.map((report) => {
    const sweep = report.eslint!;
    return [
      report.codebase,
      figure(sweep.files),
      figure(sweep.lines),
      figure(sweep.crashes.length),
      figure(sweep.internalErrors.length),
      figure(sweep.parseErrors),
      figure(Object.values(sweep.findingsByRule).reduce((a, b) => a + b, 0)),
      figure(report.findings.length),
      figure(sweep.wallSeconds, 1),
      figure(sweep.cpuSeconds, 1),
      figure(sweep.maxRssMb),
    ];
  });
  const total = (pick: (sweep: EslintSweep) => number | null): number | null => sum(swept, (r) => pick(r.eslint!));
  rows.push([
    'total',
    figure(total((s) => s.files)),
    figure(total((s) => s.lines)),
    figure(total((s) => s.crashes.length)),
    figure(total((s) => s.internalErrors.length)),
    figure(total((s) => s.parseErrors)),
    figure(total((s) => Object.values(s.findingsByRule).reduce((a, b) => a + b, 0))),
    figure(sum(swept, (r) => r.findings.length)),
    figure(
      total((s) => s.wallSeconds),
      1,
    ),
    figure(
      total((s) => s.cpuSeconds),
      1,
    ),
    figure(Math.max(0, ...swept.map((r) => r.eslint!.maxRssMb ?? 0))),
  ]);
  return `${formatTable(head, rows)}\n`;
}

function problems(reports: readonly CodebaseReport[]): string {
  const lines: string[] = [];
  for (const report of reports) {
    if (report.failure !== null) lines.push(`${report.codebase}: the audit failed: ${report.failure}`);
    for (const error of report.internalErrors) lines.push(`${report.codebase}: audit: ${error.path}:${error.line}  ${error.message}`);
    const sweep = report.eslint;
    if (sweep === undefined) continue;
    if (sweep.failure !== null) lines.push(`${report.codebase}: the ESLint sweep failed: ${sweep.failure}`);
    for (const error of sweep.internalErrors) lines.push(`${report.codebase}: eslint: ${error.path}:${error.line}  ${error.message}`);
    for (const crash of sweep.crashes)
      lines.push(`${report.codebase}: eslint crash: ${crash.path}\n${crash.stack.split('\n').slice(0, 12).join('\n')}`);
  }
  return lines.length === 0 ? 'No internal errors, no crashes.\n' : `${lines.join('\n')}\n`;
}

async function main(argv: readonly string[]): Promise<number> {
  let flags: Flags | null;
  try {
    flags = parseFlags(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (flags === null) {
    process.stdout.write(USAGE);
    return 0;
  }
  const codebases = await listCodebases(flags.root, flags.names, flags.mirrors);
  const reports: CodebaseReport[] = [];
  for (const codebase of codebases) {
    process.stderr.write(`${codebase.name} ...\n`);
    reports.push(
      await measureCodebase(codebase, { eslint: flags.eslint, eslintPrescanned: flags.eslintPrescanned, auditArgs: flags.auditArgs }),
    );
  }
  process.stdout.write(
    `sql-race audit on ${codebases.length} codebases (Node ${process.version}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GB)\n\n`,
  );
  process.stdout.write(auditTable(reports));
  if (flags.eslint) {
    const which = flags.eslintPrescanned ? 'the files the pre-scan admits' : 'the same files';
    process.stdout.write(`\nESLint with the recommended config, ${which}\n\n${eslintTable(reports)}`);
  }
  process.stdout.write(`\n${problems(reports)}`);
  if (flags.json !== null) {
    writeFileSync(
      flags.json,
      `${JSON.stringify({ node: process.version, cores: cpus().length, auditArgs: flags.auditArgs, eslintPrescanned: flags.eslintPrescanned, codebases: reports }, null, 2)}\n`,
    );
  }
  const failed = reports.some(
    (r) =>
      r.failure !== null ||
      r.internalErrors.length > 0 ||
      (r.eslint !== undefined && (r.eslint.failure !== null || r.eslint.crashes.length > 0 || r.eslint.internalErrors.length > 0)),
  );
  return failed ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
