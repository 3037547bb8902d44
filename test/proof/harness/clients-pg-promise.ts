/**
 * pg-promise callers. Each caller gets its own database object (`pgp(connection, caller)`, a pool of
 * at most two connections, so a query sent through the database object inside a `tx` callback still
 * gets one). pg-promise reports every connection it takes from a pool to the `connect` event of its
 * initialization options, with the database context (here: the caller); the harness gates that
 * node-postgres client there, so every statement pg-promise sends on it — the variant's queries and
 * its own BEGIN / COMMIT / ROLLBACK — first waits at the scheduler's barrier. The variants get a
 * plain database object and never know.
 */
import pgPromise from 'pg-promise';
import type pg from 'pg';
import type { ClientRunner } from './clients.js';
import type { Caller, Scheduler } from './scheduler.js';

type Callback = (error: Error | null, result?: unknown) => void;

function label(query: unknown): string {
  const raw = typeof query === 'string' ? query : String((query as { text?: unknown } | null)?.text ?? query);
  const flat = raw.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}

const GATED = Symbol('gated');

/** pg-promise sends every statement as `client.query(text, values, callback)`. */
function gateClient(client: pg.Client, scheduler: Scheduler, caller: Caller): void {
  const marked = client as unknown as { [GATED]?: true; query: unknown; processID: number | null };
  if (marked[GATED]) return;
  marked[GATED] = true;
  client.on('notice', () => {});
  const send = client.query.bind(client) as (...args: unknown[]) => unknown;
  marked.query = (...args: unknown[]): void => {
    const done = args.pop();
    if (typeof done !== 'function') throw new Error("The proof harness gates pg-promise's callback-style queries only");
    scheduler.before(caller, label(args[0])).then(
      () => {
        scheduler.running(caller, marked.processID);
        send(...args, (error: Error | null, result?: unknown) => {
          scheduler.ran(caller);
          (done as Callback)(error, result);
        });
      },
      (error: unknown) => (done as Callback)(error instanceof Error ? error : new Error(String(error))),
    );
  };
}

export const runWithPgPromise: ClientRunner = async (databaseUrl, callers, args, scheduler, operation) => {
  const pgp = pgPromise({
    // Every caller connects to the same database on purpose.
    noWarnings: true,
    connect({ client, dc }) {
      gateClient(client as unknown as pg.Client, scheduler, dc as Caller);
    },
  });
  try {
    return await scheduler.run(callers, (caller: Caller) => {
      const db = pgp({ connectionString: databaseUrl, max: 2 }, caller);
      return operation(db, ...args(caller.index));
    });
  } finally {
    pgp.end();
  }
};
