/**
 * knex callers. Each caller gets its own knex instance (`client: 'pg'`, a pool of at most two
 * connections, so a query sent through the instance inside a transaction callback still gets a
 * connection), and every node-postgres connection that pool creates is gated in `afterCreate`: each
 * statement knex sends on it — `knex.raw`, and knex's own BEGIN / COMMIT / ROLLBACK — first waits at
 * the scheduler's barrier. The variants get a plain `Knex` and never know.
 */
import knex, { type Knex } from 'knex';
import type pg from 'pg';
import type { ClientRunner } from './clients.js';
import type { Caller, Scheduler } from './scheduler.js';

type Callback = (error: Error | null, result?: unknown) => void;

function label(config: unknown): string {
  const raw = typeof config === 'string' ? config : String((config as { text?: unknown } | null)?.text ?? config);
  const flat = raw.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}

/** knex's pg dialect sends every statement as `connection.query(config, callback)`. */
function gateConnection(connection: pg.Client, scheduler: Scheduler, caller: Caller): void {
  const send = connection.query.bind(connection) as (config: unknown, callback: Callback) => void;
  const processId = (): number | null => (connection as unknown as { processID: number | null }).processID;
  (connection as unknown as { query: unknown }).query = (config: unknown, callback: unknown): void => {
    if (typeof callback !== 'function') throw new Error("The proof harness gates knex's callback-style queries only");
    const done = callback as Callback;
    scheduler.before(caller, label(config)).then(
      () => {
        scheduler.running(caller, processId());
        send(config, (error, result) => {
          scheduler.ran(caller);
          done(error, result);
        });
      },
      (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
    );
  };
}

export function gatedKnex(databaseUrl: string, scheduler: Scheduler, caller: Caller): Knex {
  return knex({
    client: 'pg',
    connection: databaseUrl,
    pool: {
      min: 0,
      max: 2,
      afterCreate(connection: pg.Client, done: (error: Error | null, connection: pg.Client) => void) {
        // pg logs notices otherwise; after a stuck schedule the scheduler disconnects every backend.
        connection.on('notice', () => {});
        connection.on('error', () => {});
        gateConnection(connection, scheduler, caller);
        done(null, connection);
      },
    },
  });
}

/** Runs the callers, each with its own gated knex instance, and destroys the instances after. */
export const runWithKnex: ClientRunner = async (databaseUrl, callers, args, scheduler, operation) => {
  const instances: Knex[] = [];
  try {
    return await scheduler.run(callers, (caller: Caller) => {
      const instance = gatedKnex(databaseUrl, scheduler, caller);
      instances.push(instance);
      return operation(instance, ...args(caller.index));
    });
  } finally {
    await Promise.all(instances.map((instance) => instance.destroy()));
  }
};
