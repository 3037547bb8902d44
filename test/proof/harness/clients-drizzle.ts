/**
 * drizzle callers. drizzle runs on node-postgres (`drizzle-orm/node-postgres`), which takes a
 * `pg.Pool`: each caller gets its own drizzle database over the gated view of one shared pool (see
 * `runOnGatedPool`), so every statement drizzle sends — its builder's queries and its own BEGIN / COMMIT /
 * ROLLBACK — first waits at the scheduler's barrier. The variants get a plain `NodePgDatabase`.
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import { runOnGatedPool, type ClientRunner } from './clients.js';

export const runWithDrizzle: ClientRunner = (databaseUrl, callers, args, scheduler, operation) => {
  return runOnGatedPool(databaseUrl, callers, args, scheduler, operation, (pool) => drizzle(pool));
};
