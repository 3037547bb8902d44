import { describe, expect, it } from 'vitest';
import { classifyFile, skipVerdict } from '../../src/oneshot/index.js';

/** Paths shaped like those of public codebases (relative to their repository root). */
const byPath: [string, string | null][] = [
  ['packages/core/alterations/1.2.0-1700000000-add-tenant.ts', 'migration'],
  ['packages/core/src/migrations/20240101123000_add_x.ts', 'migration'],
  ['src/migration/1700000000000-AddX.ts', 'migration'],
  ['server/db/beta/migrations-sqlite/2.0.0-rc.2.js', 'migration'],
  ['packages/modules/customer/src/Migration20240602110946.ts', 'migration'],
  ['db/20240101123000_add_x.ts', 'migration'],
  ['db/1700000000000-AddX.ts', 'migration'],
  ['db/V3__add_index.ts', 'migration'],
  ['packages/schemas/src/seeds/application.ts', 'seed'],
  ['db/seeders/20240101-demo-user.js', 'seed'],
  ['prisma/seed.ts', 'seed'],
  ['apps/api/src/seed-all.ts', 'seed'],
  ['apps/webapp/prisma/populate.ts', 'seed'],
  ['scripts/accounting/backfill.ts', 'script'],
  ['packages/core/src/lib/tenant/tenant.seed.ts', 'seed'],
  ['src/db/user-seed.ts', 'seed'],
  ['src/db/roles.seeder.js', 'seed'],
  ['server/lib/payment-intents/backfill.ts', 'script'],
  ['src/lib/backfill-discount-codes.ts', 'script'],
  ['app/routes/admin.api.v1.runs-replication.backfill.ts', 'script'],
  ['app/services/runsBackfiller.server.ts', null],
  ['src/lib/seedPhrase.ts', null],
  ['.scripts/check-alterations-sequence.js', null],
  ['packages/cli/bin/run.js', 'script'],
  ['apps/web/app/(ee)/api/cron/payouts/route.ts', 'scheduled'],
  ['cron/daily/51-synchronize-ledger.ts', 'scheduled'],
  ['src/jobs/crons/cleanup.ts', 'scheduled'],
  ['src/lib/cron-parser.ts', null],
  ['src/services/cronometer/sync.ts', null],
  ['src/test/e2e/migrator.e2e.test.ts', 'test'],
  ['src/lib/features/events/event-created-by-migration.test.ts', 'test'],
  ['src/users.spec.ts', 'test'],
  ['apps/web/app.e2e-spec.ts', 'test'],
  ['src/__tests__/orders.ts', 'test'],
  ['test/helpers/db.ts', 'test'],
  ['tests/utils.js', 'test'],
  ['e2e/fixtures.ts', 'test'],
  ['test/migrations/20260601120000-migrate-order.test.ts', 'test'],
  // Application code, even when a name mentions a migration or a test.
  ['src/services/migration-status.ts', null],
  ['src/lib/testing-library.ts', null],
  ['src/routes/seedling.ts', null],
  ['src/orders/latest.ts', null],
  ['src/orders/2024-report.ts', null],
  ['fixtures/02-stock/unsafe.pg.ts', null],
  ['broken-check-then-act.ts', null],
];

describe('classifyFile by path', () => {
  for (const [file, kind] of byPath) {
    it(`${file} -> ${kind ?? 'checked'}`, () => {
      expect(classifyFile(file)?.kind ?? null).toBe(kind);
    });
  }

  it('says why', () => {
    expect(classifyFile('a/migrations/x.ts')?.reason).toBe('in a migrations/ folder');
    expect(classifyFile('src/x.spec.tsx')?.reason).toBe('a test file (*.spec.*)');
    expect(classifyFile('db/20240101123000_add_x.ts')?.reason).toBe('a timestamp-prefixed file name');
  });
});

const byShape: [string, string, string | null][] = [
  [
    'TypeORM',
    'export class AddX1700000000000 implements MigrationInterface {\n  public async up(queryRunner: QueryRunner): Promise<void> {}\n}',
    'migration',
  ],
  ['TypeORM without the interface', 'export class AddX { async up(queryRunner) {} async down(queryRunner) {} }', 'migration'],
  ['MikroORM', 'export class Migration1 extends Migration {\n  async up(): Promise<void> { this.addSql("..."); }\n}', 'migration'],
  ['knex (CommonJS)', 'exports.up = function (knex) { return knex.raw("..."); };\nexports.down = function (knex) {};', 'migration'],
  [
    'knex (ESM)',
    'export async function up(knex: Knex): Promise<void> {}\nexport async function down(knex: Knex): Promise<void> {}',
    'migration',
  ],
  [
    'kysely',
    'export async function up(db: Kysely<any>): Promise<void> {}\nexport async function down(db: Kysely<any>): Promise<void> {}',
    'migration',
  ],
  [
    'Sequelize',
    'module.exports = {\n  async up(queryInterface, Sequelize) {},\n  async down(queryInterface, Sequelize) {},\n};',
    'migration',
  ],
  [
    'umzug',
    'export const up: MigrationFn = async ({ context: sequelize }) => {};\nexport const down: MigrationFn = async ({ context: sequelize }) => {};',
    'migration',
  ],
  ['node-pg-migrate', 'exports.up = (pgm) => { pgm.sql("..."); };\nexports.down = false;', 'migration'],
  ['a script', '#!/usr/bin/env node\nimport { Pool } from "pg";', 'script'],
  ['a service with up and down methods', 'export class Elevator { up(floors: number) {} down(floors: number) {} }', null],
  ['only up', 'export async function up(knex) {}', null],
  [
    'a comment that mentions a migration',
    '/** Unlike a migration (implements MigrationInterface), this runs per request. */\nexport function handler() {}',
    null,
  ],
  ['plain application code', 'export async function buy(pool) { await pool.query("SELECT 1"); }', null],
];

describe('classifyFile by shape', () => {
  for (const [name, text, kind] of byShape) {
    it(`${name} -> ${kind ?? 'checked'}`, () => {
      expect(classifyFile('src/db/change.ts', text)?.kind ?? null).toBe(kind);
    });
  }
});

/** What a file is, from its name and its text together. */
const byNameAndShape: [string, string, string, string | null][] = [
  [
    'a numbered schema upgrade',
    'src/datastore/postgres/schema/v8.ts',
    'export async function runSchema(c) {\n  await c.query("ALTER TABLE counters ADD COLUMN server TEXT");\n}',
    'migration',
  ],
  [
    'a numbered file with a CREATE TABLE',
    'db/upgrades/0003_tokens.js',
    'module.exports = async (db) => db.query("CREATE TABLE tokens (id serial PRIMARY KEY)");',
    'migration',
  ],
  [
    'a migration-named class that alters the schema',
    'backend/src/api/database-migration.ts',
    'class DatabaseMigration {\n  async $upgrade() { await this.$executeQuery("ALTER TABLE blocks ADD INDEX height (height)"); }\n}',
    'migration',
  ],
  ['a numbered page with no DDL', 'src/pages/404.tsx', 'export default function NotFound() { return null; }', null],
  [
    'a migration-named service that only reads and writes rows',
    'src/services/account-migration.ts',
    'export async function move(pool) { await pool.query("UPDATE accounts SET owner = $1 WHERE id = $2"); }',
    null,
  ],
  [
    'a consistency check run by hand with a fix switch',
    'checks/model/orders.ts',
    'async function checkOrders({ fix = false } = {}) {\n  if (fix) await sequelize.query("UPDATE orders SET x = NULL");\n}\nif (!module.parent) {\n  runAllChecksThenExit([checkOrders]);\n}',
    'script',
  ],
  [
    'a data fix run on its own with --dry-run',
    'ops/backfill-totals.ts',
    "const dryRun = process.argv.includes('--dry-run');\nif (require.main === module) main();",
    'script',
  ],
  [
    'a scheduled job with a dry-run switch',
    'jobs/daily/clean-orders.ts',
    "const DRY_RUN = process.env.DRY_RUN;\nif (require.main === module) {\n  runCronJob('clean-orders', run, 86400);\n}",
    null,
  ],
  [
    'a server started when run on its own',
    'src/server.ts',
    'const dryRun = false;\nif (require.main === module) {\n  app.listen(3000);\n}',
    null,
  ],
  ['a program run on its own with no switch', 'src/worker.ts', 'if (require.main === module) {\n  main();\n}', null],
  [
    'a scheduled route whose request carries only its signature',
    'apps/web/app/api/cron/cleanup/route.ts',
    'export async function POST(req: Request) {\n  const rawBody = await req.text();\n  await verifySignature({ req, rawBody });\n}',
    'scheduled',
  ],
  [
    'a queue’s message handler under cron/ (it parses the body)',
    'apps/web/app/api/cron/payouts/charge-succeeded/route.ts',
    'export async function POST(req: Request) {\n  const rawBody = await req.text();\n  const { invoiceId } = schema.parse(JSON.parse(rawBody));\n}',
    null,
  ],
  [
    'a message read with req.json()',
    'src/cron/send/route.ts',
    'export async function POST(req) { const { id } = await req.json(); }',
    null,
  ],
  ['a message parsed from the awaited text', 'src/cron/send/route.ts', 'const m = JSON.parse(await request.text());', null],
  [
    'a data import’s batch under cron/import/ (once per import)',
    'apps/web/app/api/cron/import/tolt/route.ts',
    'export async function POST(req: Request) {\n  const payload = schema.parse(JSON.parse(await req.text()));\n}',
    'scheduled',
  ],
  [
    'the body named in a comment only',
    'src/cron/daily.ts',
    '// JSON.parse(rawBody) is not needed here\nexport async function run() {}',
    'scheduled',
  ],
];

describe('classifyFile by name and shape', () => {
  for (const [name, file, text, kind] of byNameAndShape) {
    it(`${name} -> ${kind ?? 'checked'}`, () => {
      expect(classifyFile(file, text)?.kind ?? null).toBe(kind);
    });
  }

  it('says why', () => {
    expect(classifyFile('schema/v8.ts', 'await c.query("ALTER TABLE t ADD COLUMN c TEXT")')?.reason).toBe(
      'a numbered file that changes the schema (CREATE/ALTER/DROP)',
    );
    expect(classifyFile('checks/a.ts', 'if (!module.parent) run({ fix: true });')?.reason).toBe(
      'a program run on its own with a dry-run or fix switch (a maintenance fix-up)',
    );
  });
});

describe('skipVerdict', () => {
  it('skips one-shot and test code by default, and each kind can be put back', () => {
    expect(skipVerdict('migrations/a.ts', '', {})?.kind).toBe('migration');
    expect(skipVerdict('migrations/a.ts', '', { includeOneShot: true })).toBeNull();
    expect(skipVerdict('a.test.ts', '', { includeOneShot: true })?.kind).toBe('test');
    expect(skipVerdict('a.test.ts', '', { includeTests: true })).toBeNull();
    expect(skipVerdict('src/a.ts', '', {})).toBeNull();
  });
});
