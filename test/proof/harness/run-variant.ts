/**
 * One concurrent run of one variant: reset the scenario's database, let N callers call the
 * operation at once under the scheduler, then check the invariant.
 */
import pg from 'pg';
import postgres from 'postgres';
import { gatedSql, runOnGatedPool, type ClientRunner, type Operation } from './clients.js';
import { runWithDrizzle } from './clients-drizzle.js';
import { runWithKnex } from './clients-knex.js';
import { runWithKysely } from './clients-kysely.js';
import { runWithPgPromise } from './clients-pg-promise.js';
import { runWithPrisma } from './clients-prisma.js';
import { runWithSequelize } from './clients-sequelize.js';
import { runWithTypeorm } from './clients-typeorm.js';
import { runWithSlonik } from './clients-slonik.js';
import { importFixture, type Library, type ScenarioDirectory, type VariantFile } from './fixtures.js';
import { isOperationResult, type Measurement, type Scenario, type Told } from './scenario.js';
import { Scheduler, type Caller, type Outcome } from './scheduler.js';

export interface RunResult extends Measurement {
  told: Told;
  /** Calls that threw instead of answering (none is expected from any variant). */
  errors: string[];
  /** Statements the schedule let through. */
  statements: number;
}

/** Puts the database back to schema.sql (plus the variant's migration). */
export async function resetDatabase(admin: pg.Client, directory: ScenarioDirectory, variant: VariantFile): Promise<void> {
  await admin.query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public');
  await admin.query(directory.schema);
  if (variant.migration !== null) await admin.query(variant.migration);
}

export async function runVariant(
  databaseUrl: string,
  directory: ScenarioDirectory,
  scenario: Scenario,
  variant: VariantFile,
): Promise<RunResult> {
  const label = `${variant.scenario} / ${variant.variant}.${variant.library}`;
  const module = await importFixture(variant.absolutePath);
  const operation = module[scenario.operation];
  if (typeof operation !== 'function') throw new Error(`${variant.file} does not export ${scenario.operation}()`);

  const admin = new pg.Client({ connectionString: databaseUrl });
  const observer = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await observer.connect();
  try {
    await resetDatabase(admin, directory, variant);
    const scheduler = new Scheduler({ label, observer });
    const call = RUNNERS[variant.library];
    const outcomes = await call(databaseUrl, scenario, scheduler, operation as Operation, module);
    const told = { yes: 0, no: 0 };
    const errors: string[] = [];
    for (const outcome of outcomes) {
      if (outcome.error !== undefined) errors.push(describeError(outcome.error));
      else if (isOperationResult(outcome.value)) told[outcome.value.ok ? 'yes' : 'no']++;
      else errors.push(`returned ${JSON.stringify(outcome.value)} instead of { ok: boolean }`);
    }
    const { rows } = await admin.query(scenario.invariant);
    const row = rows[0] as Record<string, unknown> | undefined;
    if (row === undefined) throw new Error(`${label}: the invariant query returned no row`);
    return { ...scenario.check(row, told), told, errors, statements: scheduler.statements };
  } finally {
    await observer.end().catch(() => {});
    await admin.end().catch(() => {});
  }
}

type Runner = (
  databaseUrl: string,
  scenario: Scenario,
  scheduler: Scheduler,
  operation: Operation,
  /** The variant's module, for what a library needs besides the operation (TypeORM's `entities`). */
  module: Record<string, unknown>,
) => Promise<Outcome<unknown>[]>;

/** node-postgres: all callers share one pool (see `runOnGatedPool`); each is handed its gated view of it. */
const withPg: Runner = (databaseUrl, scenario, scheduler, operation) =>
  runOnGatedPool(
    databaseUrl,
    scenario.callers,
    (index) => scenario.args(index),
    scheduler,
    operation,
    (pool) => pool,
  );

/** postgres.js: each caller is its own instance with one connection, whose backend is known. */
const withPostgresJs: Runner = async (databaseUrl, scenario, scheduler, operation) => {
  const instances = Array.from({ length: scenario.callers }, () => postgres(databaseUrl, { max: 1, onnotice: () => {} }));
  try {
    const pids = await Promise.all(
      instances.map(async (sql) => (await sql<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`)[0]?.pid ?? null),
    );
    return await scheduler.run(scenario.callers, (caller: Caller) => {
      const sql = instances[caller.index];
      const pid = pids[caller.index];
      if (sql === undefined || pid === undefined || pid === null) throw new Error(`No connection for caller ${caller.index}`);
      return operation(gatedSql(sql, scheduler, caller, pid), ...scenario.args(caller.index));
    });
  } finally {
    await Promise.all(instances.map((sql) => sql.end({ timeout: 1 })));
  }
};

/**
 * A library's runner over the scenario's callers: knex and Sequelize make an instance per caller, their
 * connections gated as they open; slonik, pg-promise and kysely gate node-postgres through their own
 * public API; drizzle and Prisma Client (through `@prisma/adapter-pg`) take a gated node-postgres pool.
 */
const onCallers =
  (run: ClientRunner): Runner =>
  (databaseUrl, scenario, scheduler, operation) =>
    run(databaseUrl, scenario.callers, (index) => scenario.args(index), scheduler, operation);

/** TypeORM: each caller is its own data source over the entities the variant exports, its pool gated. */
const withTypeorm: Runner = (databaseUrl, scenario, scheduler, operation, module) =>
  runWithTypeorm(
    databaseUrl,
    scenario.callers,
    (index) => scenario.args(index),
    scheduler,
    operation,
    (module['entities'] as never[] | undefined) ?? [],
  );

const RUNNERS: Record<Library, Runner> = {
  pg: withPg,
  postgres: withPostgresJs,
  knex: onCallers(runWithKnex),
  slonik: onCallers(runWithSlonik),
  'pg-promise': onCallers(runWithPgPromise),
  kysely: onCallers(runWithKysely),
  drizzle: onCallers(runWithDrizzle),
  sequelize: onCallers(runWithSequelize),
  typeorm: withTypeorm,
  prisma: onCallers(runWithPrisma),
};

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
