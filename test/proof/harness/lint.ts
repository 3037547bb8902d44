/**
 * The linter half: what the ESLint plugin (through ESLint's own API, with the recommended preset)
 * and the core the CLI uses (`analyzeText`) report on a variant file.
 */
import path from 'node:path';
import tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import plugin from '../../../src/index.js';
import { analyzeText } from '../../../src/analyze.js';
import { loadSchema } from '../../../src/schema/load.js';
import type { ExpectedFinding } from './fixtures.js';

export interface LintReport {
  /** Findings through ESLint: bare rule id and line, sorted. */
  eslint: ExpectedFinding[];
  /** Findings of the core the CLI runs. */
  core: ExpectedFinding[];
  /** Parse errors and anything else that is not a finding. */
  problems: string[];
}

const PREFIX = 'sql-race/';

const config = [
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tsParser, ecmaVersion: 'latest', sourceType: 'module' },
    plugins: plugin.configs.recommended.plugins,
    rules: plugin.configs.recommended.rules,
  },
] as unknown as Linter.Config[];

const linter = new Linter({ configType: 'flat' });

/** Each scenario's own `schema.sql` is its schema (not its fixes' DDL, nor the other scenarios'). */
export function lintVariant(source: string, file: string): LintReport {
  const problems: string[] = [];
  const eslint: ExpectedFinding[] = [];
  const schemaFile = path.join(path.dirname(file), 'schema.sql');
  const settings = { settings: { 'sql-race': { schema: [schemaFile], schemaDiscovery: false } } } as Linter.Config;
  for (const message of linter.verify(source, [...config, settings], { filename: file })) {
    if (message.ruleId?.startsWith(PREFIX)) eslint.push({ ruleId: message.ruleId.slice(PREFIX.length), line: message.line });
    else problems.push(`ESLint ${message.ruleId ?? 'parser'}: ${message.message} (line ${message.line})`);
  }
  const analysis = analyzeText(source, file, { schema: loadSchema({ paths: [schemaFile] }) });
  if (analysis.fatal !== null) problems.push(`core: ${analysis.fatal.message} (line ${analysis.fatal.line})`);
  const core = analysis.findings.map((finding) => ({ ruleId: finding.ruleId, line: finding.line }));
  return { eslint: sortFindings(eslint), core: sortFindings(core), problems };
}

export function sortFindings(findings: ExpectedFinding[]): ExpectedFinding[] {
  return [...findings].sort((a, b) => a.line - b.line || a.ruleId.localeCompare(b.ruleId));
}
