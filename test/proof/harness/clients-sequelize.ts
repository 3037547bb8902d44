/**
 * Sequelize callers. Each caller gets its own `Sequelize` instance (PostgreSQL through node-postgres,
 * a pool of at most two connections, so a model call made without `transaction: t` inside a
 * transaction callback still gets a connection). Every connection the instance opens is gated in
 * Sequelize's public `afterConnect` hook, after its own session setup: each statement Sequelize sends
 * on it — the model API's SELECT / UPDATE / INSERT, and its own START TRANSACTION / COMMIT /
 * ROLLBACK — first waits at the scheduler's barrier. The variants get a plain `Sequelize` and never know.
 */
import type pg from 'pg';
import { Sequelize } from 'sequelize';
import type { ClientRunner } from './clients.js';
import type { Caller, Scheduler } from './scheduler.js';

type Callback = (error: Error | null, result?: unknown) => void;

function label(text: unknown): string {
  const flat = String(text).replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}

/** Sequelize's PostgreSQL dialect sends every statement as `connection.query(text, [values,] callback)`. */
function gateConnection(connection: pg.Client, scheduler: Scheduler, caller: Caller): void {
  const send = connection.query.bind(connection) as (...args: unknown[]) => void;
  const processId = (): number | null => (connection as unknown as { processID: number | null }).processID;
  (connection as unknown as { query: unknown }).query = (...args: unknown[]): void => {
    const done = args.pop();
    if (typeof done !== 'function') throw new Error("The proof harness gates Sequelize's callback-style queries only");
    scheduler.before(caller, label(args[0])).then(
      () => {
        scheduler.running(caller, processId());
        send(...args, (error: Error | null, result?: unknown) => {
          scheduler.ran(caller);
          (done as Callback)(error, result);
        });
      },
      (error: unknown) => (done as Callback)(error instanceof Error ? error : new Error(String(error))),
    );
  };
}

export const runWithSequelize: ClientRunner = async (databaseUrl, callers, args, scheduler, operation) => {
  const instances: Sequelize[] = [];
  try {
    return await scheduler.run(callers, (caller: Caller) => {
      const sequelize = new Sequelize(databaseUrl, {
        dialect: 'postgres',
        logging: false,
        pool: { min: 0, max: 2 },
        hooks: {
          afterConnect(connection: unknown) {
            const client = connection as pg.Client;
            client.on('notice', () => {});
            gateConnection(client, scheduler, caller);
          },
        },
      });
      instances.push(sequelize);
      return operation(sequelize, ...args(caller.index));
    });
  } finally {
    await Promise.all(instances.map((instance) => instance.close()));
  }
};
