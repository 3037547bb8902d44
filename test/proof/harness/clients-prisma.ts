/**
 * Prisma Client callers. Prisma 7 runs its queries through a driver adapter; `@prisma/adapter-pg`
 * takes a node-postgres `Pool`. Each caller gets its own `PrismaClient` (generated from
 * fixtures/prisma/schema.prisma) over the gated view of one shared pool (see `gatedPool`), so every
 * statement Prisma sends — the model calls' SELECT / UPDATE / INSERT, and the BEGIN / COMMIT / ROLLBACK
 * of `$transaction` — first waits at the scheduler's barrier. The variants get a plain `PrismaClient`.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../../../fixtures/.prisma-client/client.js';
import { gatedPool } from './clients.js';
import type { Caller, Outcome, Scheduler } from './scheduler.js';

type Operation = (connection: unknown, ...args: unknown[]) => Promise<unknown>;

export async function runWithPrisma(
  databaseUrl: string,
  callers: number,
  args: (index: number) => unknown[],
  scheduler: Scheduler,
  operation: Operation,
): Promise<Outcome<unknown>[]> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: callers * 2 });
  pool.on('connect', (client) => client.on('notice', () => {}));
  pool.on('error', () => {});
  const clients: PrismaClient[] = [];
  try {
    return await scheduler.run(callers, (caller: Caller) => {
      const adapter = new PrismaPg(gatedPool(pool, scheduler, caller));
      // The adapter uses a pool it is given only when it is a `pg.Pool`; anything else it reads as
      // options and opens a pool of its own, which the scheduler would not see.
      if ((adapter as unknown as { externalPool: unknown }).externalPool === null) throw new Error('PrismaPg did not take the gated pool');
      const client = new PrismaClient({ adapter });
      clients.push(client);
      return operation(client, ...args(caller.index));
    });
  } finally {
    await Promise.all(clients.map((client) => client.$disconnect().catch(() => {})));
    await pool.end();
  }
}
