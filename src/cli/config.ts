/**
 * The audit's own config: `sql-race.config.json`, or the `sql-race` key of `package.json`, in the
 * working directory or the nearest parent up to the repository root. It holds the same options as the
 * flags; flags win. No ESLint config of the audited code is ever read.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RuleId } from '../checks/types.js';
import { toRuleId, toRuleLevel, type RuleLevel } from './severity.js';
import { UsageError } from './usage-error.js';

export const CONFIG_FILE_NAME = 'sql-race.config.json';

export interface FileConfig {
  /** The file the options came from; relative paths in it are relative to its directory. */
  source: string;
  rules: Partial<Record<RuleId, RuleLevel>>;
  ignorePatterns: string[];
  baseline?: string;
  keyColumns?: string[];
  /** Schema files or directories, relative to the config's directory. */
  schema?: string[];
  /** False: read the schema only from `schema`, not from the audited directories. */
  schemaDiscovery?: boolean;
  followImports?: boolean;
  transactionHelpers?: string[];
  /** Audit migrations, seeds and scripts too. */
  includeOneShot?: boolean;
  /** Audit test files too. */
  includeTests?: boolean;
  format?: string;
  maxWarnings?: number;
  quiet?: boolean;
}

const KNOWN_KEYS = [
  'rules',
  'ignorePatterns',
  'baseline',
  'keyColumns',
  'schema',
  'schemaDiscovery',
  'followImports',
  'transactionHelpers',
  'includeOneShot',
  'includeTests',
  'format',
  'maxWarnings',
  'quiet',
];

export function loadConfig(cwd: string, explicitPath: string | undefined): FileConfig | null {
  if (explicitPath !== undefined) {
    const file = path.resolve(cwd, explicitPath);
    if (!existsSync(file)) throw new UsageError(`--config: ${explicitPath} does not exist.`);
    const raw = readJson(file);
    const options = path.basename(file) === 'package.json' ? packageSection(raw, file) : raw;
    return validate(options ?? {}, file);
  }
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    const configFile = path.join(dir, CONFIG_FILE_NAME);
    if (existsSync(configFile)) return validate(readJson(configFile), configFile);
    const packageFile = path.join(dir, 'package.json');
    if (existsSync(packageFile)) {
      const section = packageSection(readJson(packageFile), packageFile);
      if (section !== undefined) return validate(section, `${packageFile}#sql-race`);
    }
    if (existsSync(path.join(dir, '.git')) || path.dirname(dir) === dir) return null;
  }
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read config ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`Config ${file} is not valid JSON: ${(error as Error).message}`);
  }
}

function packageSection(raw: unknown, file: string): unknown {
  if (!isRecord(raw)) throw new UsageError(`${file} is not a JSON object.`);
  return raw['sql-race'];
}

function validate(raw: unknown, source: string): FileConfig {
  const where = (key: string): string => `${source}: "${key}"`;
  if (!isRecord(raw)) throw new UsageError(`${source}: the config must be a JSON object.`);
  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.includes(key)) {
      throw new UsageError(`${source}: unknown option "${key}". Options: ${KNOWN_KEYS.join(', ')}.`);
    }
  }
  const config: FileConfig = { source, rules: {}, ignorePatterns: [] };
  const {
    rules,
    ignorePatterns,
    baseline,
    keyColumns,
    schema,
    schemaDiscovery,
    followImports,
    transactionHelpers,
    includeOneShot,
    includeTests,
    format,
    maxWarnings,
    quiet,
  } = raw;
  if (rules !== undefined) {
    if (!isRecord(rules)) throw new UsageError(`${where('rules')} must map rule ids to off, warn or error.`);
    for (const [name, level] of Object.entries(rules)) {
      const setting = Array.isArray(level) ? (level as unknown[])[0] : level;
      config.rules[toRuleId(name, where('rules'))] = toRuleLevel(setting, `${where('rules')} ${name}`);
    }
  }
  if (ignorePatterns !== undefined) config.ignorePatterns = stringArray(ignorePatterns, where('ignorePatterns'));
  if (keyColumns !== undefined) config.keyColumns = stringArray(keyColumns, where('keyColumns'));
  if (schema !== undefined) config.schema = stringArray(schema, where('schema'));
  if (transactionHelpers !== undefined) config.transactionHelpers = stringArray(transactionHelpers, where('transactionHelpers'));
  for (const [key, value] of [
    ['schemaDiscovery', schemaDiscovery],
    ['followImports', followImports],
    ['includeOneShot', includeOneShot],
    ['includeTests', includeTests],
  ] as const) {
    if (value === undefined) continue;
    if (typeof value !== 'boolean') throw new UsageError(`${where(key)} must be true or false.`);
    config[key] = value;
  }
  if (baseline !== undefined) config.baseline = nonEmptyString(baseline, where('baseline'));
  if (format !== undefined) config.format = nonEmptyString(format, where('format'));
  if (maxWarnings !== undefined) {
    if (typeof maxWarnings !== 'number' || !Number.isInteger(maxWarnings) || maxWarnings < -1) {
      throw new UsageError(`${where('maxWarnings')} must be an integer of at least -1.`);
    }
    config.maxWarnings = maxWarnings;
  }
  if (quiet !== undefined) {
    if (typeof quiet !== 'boolean') throw new UsageError(`${where('quiet')} must be true or false.`);
    config.quiet = quiet;
  }
  return config;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringArray(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new UsageError(`${where} must be an array of strings.`);
  }
  return value as string[];
}

function nonEmptyString(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw new UsageError(`${where} must be a non-empty string.`);
  return value;
}

/** The directory relative paths in the config are resolved against. */
export function configDirectory(config: FileConfig): string {
  return path.dirname(config.source.replace(/#sql-race$/, ''));
}
