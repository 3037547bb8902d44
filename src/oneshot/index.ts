/**
 * One-shot code and tests: files that run once and alone (migrations, seeds, data-fix scripts) or only
 * under a test runner. Their check-then-act has no concurrent twin, so both front ends leave them out
 * by default (the CLI's `--include-oneshot` / `--include-tests`, the plugin's `checkOneShot` /
 * `checkTests` settings put them back).
 *
 * A file is judged by what it is, never by its contents' race patterns:
 * - its path *relative to the audited root* (or ESLint's cwd): a conventional folder (`migrations/`,
 *   `alterations/`, `seeds/`, `seeders/`, `scripts/`, `bin/`; `cron/`, `crons/` for scheduled jobs, run
 *   one at a time, but not a handler there that takes a message (it parses the request's body: a queue
 *   delivers one message per entity, at least once, and runs deliveries side by side), nor a module of
 *   the folder such a handler imports (src/oneshot/importers.ts); `__tests__/`, `test/`, `tests/`, `e2e/`),
 *   a test name (`*.test.*`, `*.spec.*`), a timestamp-prefixed name (`20240101123000_add_x.ts`,
 *   `1700000000000-AddX.ts`), a seed file (`seed.ts`, `populate.ts`, `tenant.seed.ts`), a backfill
 *   (`backfill.ts`, `backfill-payment-intents.ts`, `runs.backfill.ts`: old rows filled in once, by hand);
 * - its shape: a TypeORM migration (`implements MigrationInterface`, `up(queryRunner)`), exported
 *   `up` and `down` (knex, Sequelize/umzug, kysely, node-pg-migrate, Prisma-style runners), a
 *   `#!` line (a command-line script), a numbered or migration-named file that changes the schema
 *   (`schema/v8.ts` running `ALTER TABLE`: a hand-rolled schema upgrade), or a program run on its own
 *   (`require.main === module`) with a dry-run or `--fix` switch and no schedule or server (a
 *   maintenance fix-up run by hand).
 * Folders above the root do not count: auditing `fixtures/seeds` audits the seeds. A module that only
 * one-shot code imports is one-shot too: the front ends ask src/oneshot/importers.ts after this.
 */

export type OneShotKind = 'migration' | 'seed' | 'script' | 'scheduled' | 'test';

export interface OneShotVerdict {
  kind: OneShotKind;
  /** Why, for `--stats --verbose`: `in a migrations/ folder`, `exports up() and down()`. */
  reason: string;
}

const FOLDERS: Record<string, OneShotKind> = {
  migrations: 'migration',
  migration: 'migration',
  alterations: 'migration',
  seeds: 'seed',
  seeders: 'seed',
  seed: 'seed',
  scripts: 'script',
  bin: 'script',
  // A scheduler starts one run at a time: Vercel and Next.js `api/cron/` routes, `cron/daily/` jobs.
  cron: 'scheduled',
  crons: 'scheduled',
  cronjobs: 'scheduled',
  __tests__: 'test',
  test: 'test',
  tests: 'test',
  e2e: 'test',
};

const TEST_NAME = /\.(?:test|spec|e2e-spec|e2e)\.[cm]?[jt]sx?$/i;
/** `20240101123000_add_x.ts`, `1700000000000-AddX.ts`, `V3__add_x.ts` (Flyway-style). */
const TIMESTAMPED = /^(?:\d{8,}[-_.]|V\d+(?:[._]\d+)*__|Migration\d{8,})/;
/** `seed.ts`, `seeds.js`, `seed-all.ts`, `seeder.ts`, `populate.ts` (a database filled by hand). */
const SEED_NAME = /^(?:seed(?:s|er|ers)?|populate)(?:[-_.][^/]*)?\.[cm]?[jt]sx?$/i;
/** `tenant.seed.ts`, `user-seed.ts`, `roles.seeder.js`: one entity's seed, named after it. */
const SEED_SUFFIX = /[-_.]seed(?:s|er|ers)?\.[cm]?[jt]sx?$/i;
/**
 * `backfill.ts`, `backfill-discount-codes.ts`, `payments_backfill.ts`, `runs.backfill.ts`: filling old rows in
 * once, started by an operator. A word of the name, not a part of one (`runsBackfiller.server.ts`, a
 * service, is checked).
 */
const BACKFILL_NAME = /(?:^|[-_.])backfill(?:[-_.][^/]*)?\.[cm]?[jt]sx?$/i;

/** A TypeORM migration class. */
const TYPEORM_MIGRATION = /\bimplements\s+MigrationInterface\b|\b(?:async\s+)?up\s*\(\s*queryRunner\b|\bextends\s+Migration\s*\{/;
/** What a migration runner calls `up` and `down` with. */
const RUNNER_PARAMETER = String.raw`(?:\{\s*context\b[^)]*|queryInterface|queryRunner|knex|pgm|db|trx|sql|client|migration|sequelize|prisma|connection|conn)\b`;

function stepPatterns(step: 'up' | 'down'): RegExp[] {
  return [
    String.raw`\bexports\.${step}\s*=`,
    String.raw`\bexport\s+(?:async\s+)?function\s+${step}\s*\(`,
    String.raw`\bexport\s+const\s+${step}\s*[:=]`,
    // module.exports = { async up(queryInterface) {...} }, { up: async ({ context }) => ... }
    String.raw`(?:^|[\s{,])(?:async\s+)?${step}\s*(?::\s*(?:async\s*)?(?:function\s*)?)?\(\s*${RUNNER_PARAMETER}`,
  ].map((p) => new RegExp(p, 'm'));
}
const STEP_PATTERNS = { up: stepPatterns('up'), down: stepPatterns('down') };

function exportsStep(text: string, step: 'up' | 'down'): boolean {
  return STEP_PATTERNS[step].some((p) => p.test(text));
}

/** DDL: the statements a schema upgrade runs. */
const DDL = /\b(?:CREATE|ALTER|DROP)\s+(?:TABLE|(?:UNIQUE\s+)?INDEX|TYPE|SCHEMA|VIEW|SEQUENCE)\b|\bADD\s+(?:COLUMN|CONSTRAINT)\b/i;
/** `v8.ts`, `0008.ts`, `008_add_tokens.js`, `v2.1.ts`: a version in place of a name. */
const NUMBERED = /^v?\d+(?:[._-][\w.-]*)?\.[cm]?[jt]sx?$/i;
/** `database-migration.ts`, `migrate.ts`, `schema-upgrade.ts`: a name that says it changes the schema. */
const SCHEMA_CHANGE_NAME = /(?:^|[-_.])(?:migrat(?:e|ion|ions|or)|schema[-_.]?(?:upgrade|update|migration))(?:[-_.]|$)/i;

/** Run as a program of its own: `require.main === module`, `!module.parent`, `import.meta.main`. */
const ENTRY_POINT =
  /\brequire\.main\s*===?\s*module\b|\bmodule\s*===?\s*require\.main\b|!\s*module\.parent\b|\bimport\.meta\.main\b|process\.argv\[1\][^\n]*import\.meta\.url|import\.meta\.url[^\n]*process\.argv\[1\]/;
/** A switch between looking and changing: `--dry-run`, `DRY_RUN`, `dryRun`, `{ fix = false }`, `--fix`. */
const DRY_RUN_SWITCH = /\bdry[-_]?run\b|\bDRY_RUN\b|\bdryRun\b|--fix\b|\{\s*fix\s*(?:=|[,}:])|\bfix\s*=\s*false\b/i;
/** What keeps a program running alongside requests: a schedule, a server, a queue consumer. */
const LONG_RUNNING = /cron|schedul|\bsetInterval\s*\(|\.listen\s*\(|\bcreateServer\s*\(|\bconsume\s*\(|\bsubscribe\s*\(/i;

/**
 * A request handler that reads a message from the request's body: `JSON.parse(rawBody)`, `await
 * req.json()`, `request.body.invoiceId`. Under `api/cron/` this is a queue's consumer (QStash, Cloud
 * Tasks: a message per invoice or campaign, delivered at least once, deliveries run side by side), not
 * a schedule's run, whose request carries nothing but its signature.
 */
const MESSAGE_BODY =
  /\bJSON\.parse\(\s*(?:(?:raw)?[Bb]ody\b|await\s+(?:req|request)\.text\(\s*\))|\b(?:req|request)\.(?:json\(\s*\)|body\b)/;

/**
 * `api/cron/import/tolt/route.ts`: a job below a scheduled-jobs folder that imports data from another
 * system (its messages are the batches of one import, each enqueuing the next) runs once per import,
 * as a migration does, whatever message it takes.
 */
function importsData(segments: readonly string[], scheduledFolder: string): boolean {
  const below = segments.slice(segments.indexOf(scheduledFolder) + 1, -1);
  return below.some((s) => /^imports?$/i.test(s));
}

/** Whether the text handles a message from its request's body (see MESSAGE_BODY). */
export function handlesMessage(text: string): boolean {
  return MESSAGE_BODY.test(withoutComments(text));
}

/** Why a file is one-shot or test code, or null when it is neither. `relativePath` uses `/`. */
export function classifyFile(relativePath: string, text?: string): OneShotVerdict | null {
  const segments = relativePath.split('/').filter((s) => s !== '' && s !== '.');
  const name = segments.at(-1) ?? '';
  const testName = TEST_NAME.exec(name);
  if (testName) return { kind: 'test', reason: `a test file (*${testName[0].replace(/[^.]+$/, '')}*)` };
  for (const folder of segments.slice(0, -1)) {
    // `migrations-sqlite/`, `seeds_dev/`: a conventional name with a qualifier.
    const kind = FOLDERS[folder.toLowerCase()] ?? FOLDERS[folder.toLowerCase().replace(/[-_.].*$/, '')];
    if (kind === 'scheduled' && text !== undefined && handlesMessage(text) && !importsData(segments, folder)) continue;
    if (kind) return { kind, reason: `in a ${folder}/ folder` };
  }
  if (TIMESTAMPED.test(name)) return { kind: 'migration', reason: 'a timestamp-prefixed file name' };
  if (SEED_NAME.test(name) || SEED_SUFFIX.test(name)) return { kind: 'seed', reason: 'a seed file name' };
  if (BACKFILL_NAME.test(name)) return { kind: 'script', reason: 'a backfill (old rows filled in once, by hand)' };
  if (text === undefined) return null;
  if (text.startsWith('#!')) return { kind: 'script', reason: 'a command-line script (#! line)' };
  const code = withoutComments(text);
  if (TYPEORM_MIGRATION.test(code))
    return { kind: 'migration', reason: 'a migration class (TypeORM MigrationInterface, MikroORM Migration)' };
  if (exportsStep(code, 'up') && exportsStep(code, 'down')) return { kind: 'migration', reason: 'exports up() and down() (a migration)' };
  const stem = name.replace(/\.[cm]?[jt]sx?$/i, '');
  if ((NUMBERED.test(name) || SCHEMA_CHANGE_NAME.test(stem)) && DDL.test(code)) {
    return {
      kind: 'migration',
      reason: `a ${NUMBERED.test(name) ? 'numbered' : 'migration-named'} file that changes the schema (CREATE/ALTER/DROP)`,
    };
  }
  if (ENTRY_POINT.test(code) && DRY_RUN_SWITCH.test(code) && !LONG_RUNNING.test(code)) {
    return { kind: 'script', reason: 'a program run on its own with a dry-run or fix switch (a maintenance fix-up)' };
  }
  return null;
}

/** Block comments and whole-line `//` comments blanked, so a mention of a migration in prose is not one. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/^\s*\/\/.*$/gm, '');
}

/** Which kinds a front end leaves out. */
export interface OneShotOptions {
  /** Check migrations, seeds and scripts too. */
  includeOneShot?: boolean;
  /** Check test files too. */
  includeTests?: boolean;
}

/** The verdict when it makes the file skipped under `options`, else null. */
export function skipVerdict(relativePath: string, text: string | undefined, options: OneShotOptions): OneShotVerdict | null {
  if (options.includeOneShot === true && options.includeTests === true) return null;
  const verdict = classifyFile(relativePath, text);
  if (verdict === null) return null;
  const included = verdict.kind === 'test' ? options.includeTests === true : options.includeOneShot === true;
  return included ? null : verdict;
}
