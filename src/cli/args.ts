/** The command line: `sql-race audit [paths...]` and its flags, parsed by commander. */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { FORMAT_NAMES } from './formatters/index.js';
import { packageInfo } from '../package-info.js';

export interface AuditFlags {
  paths: string[];
  format?: string;
  outputFile?: string;
  config?: string;
  ignorePattern: string[];
  gitignore: boolean;
  rule: string[];
  quiet: boolean;
  maxWarnings?: number;
  baseline?: string;
  updateBaseline: boolean;
  keyColumn: string[];
  schema: string[];
  schemaDiscovery: boolean;
  followImports: boolean;
  includeOneshot: boolean;
  includeTests: boolean;
  stats: boolean;
  verbose: boolean;
  progress: boolean;
  color?: boolean;
  jobs?: number;
  maxFileSize?: number;
  reportUnusedDisableDirectives: boolean;
  reportUnusedDisableDirectivesSeverity?: 'off' | 'warn' | 'error';
  changedSince?: string;
}

export type ParsedCommand = { kind: 'audit'; flags: AuditFlags } | { kind: 'exit'; code: number };

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** Repeatable flags gather their values; no commander default, so `--help` shows only the defaults written below. */
const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** What a flag not given means; every default `--help` names is written in the flag's description. */
const FLAG_DEFAULTS = {
  ignorePattern: [],
  gitignore: true,
  rule: [],
  quiet: false,
  updateBaseline: false,
  keyColumn: [],
  schema: [],
  schemaDiscovery: true,
  followImports: true,
  includeOneshot: false,
  includeTests: false,
  stats: false,
  verbose: false,
  progress: true,
  reportUnusedDisableDirectives: false,
} satisfies Partial<AuditFlags>;

function integer(min: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < min) {
      throw new InvalidArgumentError(`expected an integer of at least ${min}.`);
    }
    return number;
  };
}

function positiveNumber(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError('expected a positive number.');
  return number;
}

function buildProgram(output: Output, onAudit: (flags: AuditFlags) => void): Command {
  const program = new Command('sql-race')
    .description('Find race conditions in SQL embedded in JavaScript and TypeScript.')
    .version(packageInfo.version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: output.out, writeErr: output.err })
    .exitOverride();

  program
    .command('audit')
    .description(
      'Audit JS/TS files for SQL race conditions, with the same analysis as the ESLint plugin ' +
        '(no ESLint config of the audited code is read).',
    )
    .argument('[paths...]', 'files and directories to audit (default: .)')
    .addOption(new Option('-f, --format <name>', 'output format (default: stylish)').choices(FORMAT_NAMES))
    .option('-o, --output-file <file>', 'write the report to a file instead of stdout')
    .option('-c, --config <file>', 'config file (default: sql-race.config.json or package.json#sql-race)')
    .option('--ignore-pattern <pattern>', 'gitignore-style pattern of files to skip (repeatable)', collect)
    .option('--no-gitignore', 'do not follow .gitignore files')
    .option('--rule <rule=severity>', 'set a rule to off, warn or error (repeatable)', collect)
    .option('--quiet', 'report errors only')
    .option('--max-warnings <n>', 'fail when there are more than n warnings (default: -1, no limit)', integer(-1))
    .option('--baseline <file>', 'fail only on findings that are not in this baseline file')
    .option('--update-baseline', 'write the current findings to the baseline file (default: sql-race-baseline.json)')
    .option('--key-column <name>', 'a column that identifies a row, like id (repeatable)', collect)
    .option('--changed-since <ref>', 'report only findings on lines changed since this git ref (untracked files count as changed)')
    .option('--include-oneshot', 'also audit migrations, seeds and scripts (skipped by default: they run once, alone)')
    .option('--include-tests', 'also audit test files (skipped by default)')
    .option(
      '--schema <path>',
      'a schema file or directory (SQL, schema.prisma, entities, migrations) besides those found in the audited directories (repeatable)',
      collect,
    )
    .option('--no-schema-discovery', 'read the schema only from --schema paths, not from the audited directories')
    .option('--no-follow-imports', 'analyse each file alone: do not follow calls into functions other modules export')
    .option('--stats', 'print audit statistics to stderr')
    .option(
      '--verbose',
      'with --stats, list the files skipped and why, the schema files read, and the SQL statements the parser could not read',
    )
    .option('--no-progress', 'never show the progress bar')
    .option('--color', 'force colour in stylish output')
    .option('--no-color', 'never use colour')
    .option(
      '--jobs <n>',
      'worker threads for parsing (default, when more than 400 files hold database code: 1 on a machine with 2 cores, up to 4 with more; --jobs 1 = no workers)',
      integer(1),
    )
    .option('--max-file-size <MB>', 'skip larger files with a warning (default: 2)', positiveNumber)
    .option('--report-unused-disable-directives', 'report eslint-disable comments for sql-race rules that disable nothing, as errors')
    .addOption(
      new Option('--report-unused-disable-directives-severity <level>', 'the same, at this severity (default: off)')
        .choices(['off', 'warn', 'error'])
        .conflicts('reportUnusedDisableDirectives'),
    )
    .exitOverride()
    .action((paths: string[], options: Partial<AuditFlags>) => {
      onAudit({ ...FLAG_DEFAULTS, ...options, paths: paths.length > 0 ? paths : ['.'] });
    });

  return program;
}

export async function parseArgs(argv: readonly string[], output: Output): Promise<ParsedCommand> {
  let flags: AuditFlags | undefined;
  const program = buildProgram(output, (parsed) => {
    flags = parsed;
  });
  if (argv.length === 0) {
    output.err(program.helpInformation());
    return { kind: 'exit', code: 2 };
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return { kind: 'exit', code: error.exitCode === 0 ? 0 : 2 };
    throw error;
  }
  return flags === undefined ? { kind: 'exit', code: 2 } : { kind: 'audit', flags };
}
