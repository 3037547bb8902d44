/**
 * Prisma Client callers. Prisma 7 runs its queries through a driver adapter; `@prisma/adapter-pg`
 * takes a node-postgres `Pool`. Each caller gets its own `PrismaClient` (generated from
 * fixtures/prisma/schema.prisma) over the gated view of one shared pool (see `runOnGatedPool`), so every
 * statement Prisma sends — the model calls' SELECT / UPDATE / INSERT, and the BEGIN / COMMIT / ROLLBACK
 * of `$transaction` — first waits at the scheduler's barrier. The variants get a plain `PrismaClient`.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../../fixtures/.prisma-client/client.js';
import { runOnGatedPool, type ClientRunner } from './clients.js';

export const runWithPrisma: ClientRunner = (databaseUrl, callers, args, scheduler, operation) => {
  const connect = (pool: ConstructorParameters<typeof PrismaPg>[0]): PrismaClient => {
    const adapter = new PrismaPg(pool);
    // The adapter uses a pool it is given only when it is a `pg.Pool`; anything else it reads as
    // options and opens a pool of its own, which the scheduler would not see.
    if ((adapter as unknown as { externalPool: unknown }).externalPool === null) throw new Error('PrismaPg did not take the gated pool');
    return new PrismaClient({ adapter });
  };
  return runOnGatedPool(databaseUrl, callers, args, scheduler, operation, connect, (client) => client.$disconnect());
};
