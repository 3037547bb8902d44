/**
 * Finds the scenarios and their variants under `fixtures/`:
 *
 *   fixtures/<NN-name>/schema.sql            tables and seed
 *   fixtures/<NN-name>/scenario.ts           callers, arguments, invariant (default export)
 *   fixtures/<NN-name>/<variant>.<lib>.ts    the operation written with library <lib>
 *   fixtures/<NN-name>/<variant>.sql         optional: the migration that variant's fix needs
 *
 * A variant whose name starts with `unsafe` must be flagged and must break the invariant; any other
 * must be clean and must keep it. The expected finding is written in the variant itself, as a
 * trailing `// expect: <rule-id>` on the line the rule reports, or as `// expect-next-line: <rule-id>`
 * on the line before (for a tagged template, where a trailing comment would be inside the SQL).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Scenario } from './scenario.js';

export type Library = 'pg' | 'postgres' | 'knex' | 'slonik' | 'pg-promise' | 'kysely' | 'drizzle' | 'sequelize' | 'typeorm' | 'prisma';
const LIBRARIES: readonly Library[] = [
  'pg',
  'postgres',
  'knex',
  'slonik',
  'pg-promise',
  'kysely',
  'drizzle',
  'sequelize',
  'typeorm',
  'prisma',
];

export interface ExpectedFinding {
  ruleId: string;
  line: number;
}

export interface VariantFile {
  scenario: string;
  variant: string;
  library: Library;
  safe: boolean;
  /** Path relative to the repository root, e.g. `fixtures/01-concert/unsafe.pg.ts`. */
  file: string;
  absolutePath: string;
  source: string;
  expected: ExpectedFinding[];
  /** SQL run after schema.sql for this variant only (the constraint a fix relies on). */
  migration: string | null;
}

export interface ScenarioDirectory {
  name: string;
  directory: string;
  schema: string;
  variants: VariantFile[];
}

const here = fileURLToPath(import.meta.url);
/** True when running from `dist/` (compiled by tsc) rather than from the TypeScript sources. */
const compiled = here.endsWith('.js');

export const repositoryRoot = findRoot(dirname(here));
export const fixturesDirectory = join(repositoryRoot, 'fixtures');

function findRoot(start: string): string {
  for (let directory = start; ; directory = dirname(directory)) {
    if (existsSync(join(directory, 'package.json'))) return directory;
    if (dirname(directory) === directory) throw new Error(`No package.json above ${start}`);
  }
}

// A library name may hold a hyphen (`pg-promise`); a variant name never holds a dot.
const VARIANT_FILE = /^(?<variant>[a-z0-9-]+)\.(?<library>[a-z][a-z-]*)\.ts$/;
const EXPECT_MARKER = /\/\/\s*expect(?<next>-next-line)?:\s*(?<rules>[a-z-]+(?:\s*,\s*[a-z-]+)*)\s*$/;

export function expectedFindings(source: string): ExpectedFinding[] {
  const expected: ExpectedFinding[] = [];
  source.split('\n').forEach((text, index) => {
    const groups = EXPECT_MARKER.exec(text)?.groups;
    const rules = groups?.['rules'];
    if (rules === undefined) return;
    const line = groups?.['next'] === undefined ? index + 1 : index + 2;
    for (const ruleId of rules.split(',')) expected.push({ ruleId: ruleId.trim(), line });
  });
  return expected;
}

export function listScenarios(): ScenarioDirectory[] {
  return readdirSync(fixturesDirectory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^\d\d-/.test(entry.name))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const directory = join(fixturesDirectory, name);
      const variants: VariantFile[] = [];
      for (const file of readdirSync(directory).sort()) {
        const match = VARIANT_FILE.exec(file);
        const variant = match?.groups?.['variant'];
        const library = match?.groups?.['library'] as Library | undefined;
        if (variant === undefined || library === undefined || variant === 'scenario') continue;
        if (!LIBRARIES.includes(library)) throw new Error(`${name}/${file}: unknown library "${library}"`);
        const absolutePath = join(directory, file);
        const source = readFileSync(absolutePath, 'utf8');
        const migrationPath = join(directory, `${variant}.sql`);
        variants.push({
          scenario: name,
          variant,
          library,
          safe: !variant.startsWith('unsafe'),
          file: relative(repositoryRoot, absolutePath),
          absolutePath,
          source,
          expected: expectedFindings(source),
          migration: existsSync(migrationPath) ? readFileSync(migrationPath, 'utf8') : null,
        });
      }
      return { name, directory, schema: readFileSync(join(directory, 'schema.sql'), 'utf8'), variants };
    });
}

/** Imports a fixture module: the TypeScript source under vitest, the compiled file under `dist/`. */
export async function importFixture(absolutePath: string): Promise<Record<string, unknown>> {
  const path = compiled ? join(repositoryRoot, 'dist', relative(repositoryRoot, absolutePath)).replace(/\.ts$/, '.js') : absolutePath;
  return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
}

export async function loadScenario(directory: ScenarioDirectory): Promise<Scenario> {
  const module = await importFixture(join(directory.directory, 'scenario.ts'));
  const scenario = module['default'] as Scenario | undefined;
  if (scenario === undefined) throw new Error(`${directory.name}/scenario.ts has no default export`);
  return scenario;
}
