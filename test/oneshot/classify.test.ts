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
  ['scripts/accounting/backfill.ts', 'script'],
  ['.scripts/check-alterations-sequence.js', null],
  ['packages/cli/bin/run.js', 'script'],
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
  ['TypeORM', 'export class AddX1700000000000 implements MigrationInterface {\n  public async up(queryRunner: QueryRunner): Promise<void> {}\n}', 'migration'],
  ['TypeORM without the interface', 'export class AddX { async up(queryRunner) {} async down(queryRunner) {} }', 'migration'],
  ['MikroORM', 'export class Migration1 extends Migration {\n  async up(): Promise<void> { this.addSql("..."); }\n}', 'migration'],
  ['knex (CommonJS)', 'exports.up = function (knex) { return knex.raw("..."); };\nexports.down = function (knex) {};', 'migration'],
  ['knex (ESM)', 'export async function up(knex: Knex): Promise<void> {}\nexport async function down(knex: Knex): Promise<void> {}', 'migration'],
  ['kysely', 'export async function up(db: Kysely<any>): Promise<void> {}\nexport async function down(db: Kysely<any>): Promise<void> {}', 'migration'],
  ['Sequelize', "module.exports = {\n  async up(queryInterface, Sequelize) {},\n  async down(queryInterface, Sequelize) {},\n};", 'migration'],
  ['umzug', 'export const up: MigrationFn = async ({ context: sequelize }) => {};\nexport const down: MigrationFn = async ({ context: sequelize }) => {};', 'migration'],
  ['node-pg-migrate', 'exports.up = (pgm) => { pgm.sql("..."); };\nexports.down = false;', 'migration'],
  ['a script', '#!/usr/bin/env node\nimport { Pool } from "pg";', 'script'],
  ['a service with up and down methods', 'export class Elevator { up(floors: number) {} down(floors: number) {} }', null],
  ['only up', 'export async function up(knex) {}', null],
  ['a comment that mentions a migration', '/** Unlike a migration (implements MigrationInterface), this runs per request. */\nexport function handler() {}', null],
  ['plain application code', 'export async function buy(pool) { await pool.query("SELECT 1"); }', null],
];

describe('classifyFile by shape', () => {
  for (const [name, text, kind] of byShape) {
    it(`${name} -> ${kind ?? 'checked'}`, () => {
      expect(classifyFile('src/db/change.ts', text)?.kind ?? null).toBe(kind);
    });
  }
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
