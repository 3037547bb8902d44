/**
 * kysely callers. kysely runs on node-postgres through `PostgresDialect`, which takes a `pg.Pool`:
 * each caller gets its own `Kysely` over the gated view of one shared pool (see `gatedPool`), so every
 * statement kysely sends — ``sql`...`.execute(db)``, and its own BEGIN / COMMIT / ROLLBACK — first
 * waits at the scheduler's barrier. The variants get a plain `Kysely` and never know.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { gatedPool } from './clients.js';
import type { Caller, Outcome, Scheduler } from './scheduler.js';

type Operation = (connection: unknown, ...args: unknown[]) => Promise<unknown>;

export async function runWithKysely(
  databaseUrl: string,
  callers: number,
  args: (index: number) => unknown[],
  scheduler: Scheduler,
  operation: Operation,
): Promise<Outcome<unknown>[]> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: callers * 2 });
  pool.on('connect', (client) => client.on('notice', () => {}));
  try {
    return await scheduler.run(callers, (caller: Caller) => {
      // Not destroyed after: `db.destroy()` would end the shared pool, which is ended below.
      const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: gatedPool(pool, scheduler, caller) }) });
      return operation(db, ...args(caller.index));
    });
  } finally {
    await pool.end();
  }
}
