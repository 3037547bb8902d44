/**
 * kysely callers. kysely runs on node-postgres through `PostgresDialect`, which takes a `pg.Pool`:
 * each caller gets its own `Kysely` over the gated view of one shared pool (see `runOnGatedPool`), so every
 * statement kysely sends — ``sql`...`.execute(db)``, and its own BEGIN / COMMIT / ROLLBACK — first
 * waits at the scheduler's barrier. The variants get a plain `Kysely` and never know.
 */
import { Kysely, PostgresDialect } from 'kysely';
import { runOnGatedPool, type ClientRunner } from './clients.js';

export const runWithKysely: ClientRunner = (databaseUrl, callers, args, scheduler, operation) => {
  // Not destroyed after: `db.destroy()` would end the shared pool, which `runOnGatedPool` ends.
  return runOnGatedPool(
    databaseUrl,
    callers,
    args,
    scheduler,
    operation,
    (pool) => new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) }),
  );
};
