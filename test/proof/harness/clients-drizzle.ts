/**
 * drizzle callers. drizzle runs on node-postgres (`drizzle-orm/node-postgres`), which takes a
 * `pg.Pool`: each caller gets its own drizzle database over the gated view of one shared pool (see
 * `gatedPool`), so every statement drizzle sends — its builder's queries and its own BEGIN / COMMIT /
 * ROLLBACK — first waits at the scheduler's barrier. The variants get a plain `NodePgDatabase`.
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { gatedPool } from './clients.js';
import type { Caller, Outcome, Scheduler } from './scheduler.js';

type Operation = (connection: unknown, ...args: unknown[]) => Promise<unknown>;

export async function runWithDrizzle(
  databaseUrl: string,
  callers: number,
  args: (index: number) => unknown[],
  scheduler: Scheduler,
  operation: Operation,
): Promise<Outcome<unknown>[]> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: callers * 2 });
  pool.on('connect', (client) => client.on('notice', () => {}));
  try {
    return await scheduler.run(callers, (caller: Caller) => operation(drizzle(gatedPool(pool, scheduler, caller)), ...args(caller.index)));
  } finally {
    await pool.end();
  }
}
