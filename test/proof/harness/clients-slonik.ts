/**
 * slonik callers. Each caller gets its own pool (`createPool`, at most two connections, so a query
 * sent through the pool inside a transaction callback still gets one), gated with slonik's public
 * interceptors: `afterPoolConnection` learns the backend of each connection the pool hands out, and
 * `beforeQueryExecution` makes every query the variant sends wait at the scheduler's barrier.
 * slonik's own START TRANSACTION / COMMIT / ROLLBACK bypass interceptors and so run ungated, in the
 * same turn as the caller's JavaScript around them; neither ever waits on a lock. The variants get a
 * plain `DatabasePool` and never know.
 */
import { createPool, sql, type DatabasePool, type Interceptor } from 'slonik';
import type { ClientRunner } from './clients.js';
import type { Caller, Scheduler } from './scheduler.js';

const BACKEND_PID = 'SELECT pg_backend_pid()';

function label(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}

function gate(scheduler: Scheduler, caller: Caller): Interceptor {
  const pids = new Map<string, number>();
  const ran = (): null => {
    scheduler.ran(caller);
    return null;
  };
  return {
    name: 'proof-scheduler',
    async afterPoolConnection(context, connection) {
      if (!pids.has(context.connectionId)) {
        pids.set(context.connectionId, Number(await connection.oneFirst(sql.unsafe`SELECT pg_backend_pid()`)));
      }
      return null;
    },
    async beforeQueryExecution(context, query) {
      if (query.sql === BACKEND_PID) return null;
      await scheduler.before(caller, label(query.sql));
      scheduler.running(caller, pids.get(context.connectionId) ?? null);
      return null;
    },
    afterQueryExecution: (_context, query) => (query.sql === BACKEND_PID ? null : ran()),
    queryExecutionError: (_context, query) => (query.sql === BACKEND_PID ? null : ran()),
  };
}

export const runWithSlonik: ClientRunner = async (databaseUrl, callers, args, scheduler, operation) => {
  const pools: DatabasePool[] = [];
  try {
    return await scheduler.run(callers, async (caller: Caller) => {
      const pool = await createPool(databaseUrl, { maximumPoolSize: 2, interceptors: [gate(scheduler, caller)] });
      pools.push(pool);
      return operation(pool, ...args(caller.index));
    });
  } finally {
    await Promise.all(pools.map((pool) => pool.end()));
  }
};
