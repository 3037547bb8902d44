/**
 * The callers' connections, wrapped so that every statement passes the scheduler's barrier first.
 * The variants get the library's own objects (a `pg.Pool`, a postgres.js `Sql`) and never know.
 */
import pg from 'pg';
import type { PendingQuery, Row, Sql } from 'postgres';
import type { Caller, Outcome, Scheduler } from './scheduler.js';

type QueryFunction = (...args: unknown[]) => Promise<unknown>;
/** A variant's operation: its connection object first, then the scenario's arguments. */
export type Operation = (connection: unknown, ...args: unknown[]) => Promise<unknown>;

/**
 * Runs `operation` once per caller, each on its own connection of one library, under `scheduler`: the
 * caller's index picks its arguments. Each `clients-*.ts` exports one.
 */
export type ClientRunner = (
  databaseUrl: string,
  callers: number,
  args: (index: number) => unknown[],
  scheduler: Scheduler,
  operation: Operation,
) => Promise<Outcome<unknown>[]>;

/**
 * The callers of a library that runs on node-postgres and takes a `pg.Pool` (node-postgres itself,
 * drizzle, kysely, Prisma's `@prisma/adapter-pg`): all share one pool, as the request handlers of one
 * server do, with a connection for every caller and as many spare, so no caller waits for one. Each
 * caller is handed what `connect` makes of its gated view of the pool (see `gatedPool`); `close`, when
 * given, is called on each of those after the run, before the pool ends.
 */
export async function runOnGatedPool<C>(
  databaseUrl: string,
  callers: number,
  args: (index: number) => unknown[],
  scheduler: Scheduler,
  operation: Operation,
  connect: (pool: pg.Pool) => C,
  close?: (connection: C) => Promise<unknown>,
): Promise<Outcome<unknown>[]> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: callers * 2 });
  // pg logs "there is already a transaction in progress" notices on the console otherwise.
  pool.on('connect', (client) => client.on('notice', () => {}));
  // After a stuck schedule the scheduler disconnects every backend, idle ones included.
  pool.on('error', () => {});
  const made: C[] = [];
  try {
    return await scheduler.run(callers, (caller: Caller) => {
      const connection = connect(gatedPool(pool, scheduler, caller));
      made.push(connection);
      return operation(connection, ...args(caller.index));
    });
  } finally {
    if (close) await Promise.all(made.map((connection) => close(connection).catch(() => {})));
    await pool.end();
  }
}

/** Short text naming a statement in schedule failures. */
function label(text: unknown): string {
  const raw = typeof text === 'string' ? text : String((text as { text?: unknown } | null)?.text ?? text);
  const flat = raw.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}

function processId(client: pg.PoolClient): number | null {
  return (client as unknown as { processID: number | null }).processID;
}

/**
 * A view of the shared pool for one caller. `pool.query` passes the barrier before it takes a
 * connection (as pg-pool does: connect, query, release), so which idle connection a statement lands
 * on is decided by the schedule; `pool.connect()` hands out a client whose statements are gated.
 */
export function gatedPool(pool: pg.Pool, scheduler: Scheduler, caller: Caller): pg.Pool {
  const send: QueryFunction = async (...args) => {
    await scheduler.before(caller, label(args[0]));
    const client = await pool.connect();
    scheduler.running(caller, processId(client));
    let failure: Error | undefined;
    try {
      return await (client.query as QueryFunction).apply(client, args);
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      scheduler.ran(caller);
      // As pg-pool does: a connection whose query failed is discarded.
      client.release(failure);
    }
  };
  const query = withCallback(send);
  const connectAsync = async (): Promise<pg.PoolClient> => gatedClient(await pool.connect(), scheduler, caller);
  // `pool.connect((err, client, release) => ...)`, as pg's callback API hands out a client.
  const connect = (
    callback?: (error: Error | null, client?: pg.PoolClient, release?: (error?: Error) => void) => void,
  ): Promise<pg.PoolClient> | undefined => {
    if (!callback) return connectAsync();
    connectAsync().then(
      (client) => callback(null, client, (error?: Error) => client.release(error)),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
    return undefined;
  };
  return new Proxy(pool, {
    get(target, property) {
      if (property === 'query') return query;
      if (property === 'connect') return connect;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as QueryFunction).bind(target) : value;
    },
  });
}

function gatedClient(client: pg.PoolClient, scheduler: Scheduler, caller: Caller): pg.PoolClient {
  const send: QueryFunction = async (...args) => {
    await scheduler.before(caller, label(args[0]));
    scheduler.running(caller, processId(client));
    try {
      return await (client.query as QueryFunction).apply(client, args);
    } finally {
      scheduler.ran(caller);
    }
  };
  const query = withCallback(send);
  return new Proxy(client, {
    get(target, property) {
      if (property === 'query') return query;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as QueryFunction).bind(target) : value;
    },
  });
}

/**
 * pg's callback API over a gated promise query: `query(text, values, (err, result) => ...)` sends the
 * same statement through the barrier and calls back with its outcome.
 */
function withCallback(send: QueryFunction): (...args: unknown[]) => Promise<unknown> | undefined {
  return (...args) => {
    const last = args[args.length - 1];
    if (typeof last !== 'function') return send(...args);
    const callback = last as (error: Error | null, result?: unknown) => void;
    send(...args.slice(0, -1)).then(
      (result) => callback(null, result),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
    return undefined;
  };
}

/**
 * A caller's postgres.js instance (one connection, backend `pid`) with its queries gated.
 * postgres.js queries are lazy: a query is sent when first awaited (`then`), so the barrier sits in
 * front of that first `then`. Queries used as fragments of another query are never awaited and so
 * never gated. What `sql.begin` hands its callback is wrapped the same way.
 */
export function gatedSql(sql: Sql, scheduler: Scheduler, caller: Caller, pid: number): Sql {
  const gate = <T>(query: T): T => {
    if (!isThenable(query)) return query;
    const send = query.then.bind(query);
    let sent: Promise<unknown> | null = null;
    const text = label((query as { strings?: readonly string[] }).strings?.join('$n') ?? '');
    Object.defineProperty(query, 'then', {
      configurable: true,
      value: (onFulfilled?: (value: unknown) => unknown, onRejected?: (reason: unknown) => unknown) => {
        sent ??= scheduler.before(caller, text).then(() => {
          scheduler.running(caller, pid);
          return send(
            (value) => {
              scheduler.ran(caller);
              return value;
            },
            (error: unknown) => {
              scheduler.ran(caller);
              throw error;
            },
          );
        });
        return sent.then(onFulfilled, onRejected);
      },
    });
    return query;
  };

  return new Proxy(sql, {
    apply(target, thisArg, args: unknown[]) {
      const result: unknown = Reflect.apply(target as unknown as QueryFunction, thisArg, args);
      // Only a tagged template runs SQL; `sql(identifiers)` and the like build fragments.
      return isTemplateStrings(args[0]) ? gate(result) : result;
    },
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property === 'unsafe' && typeof value === 'function') {
        return (...args: unknown[]) => gate((value as QueryFunction).apply(target, args));
      }
      if (property === 'begin' && typeof value === 'function') {
        return (...args: unknown[]) => {
          const callback = args.pop() as (tx: Sql) => unknown;
          return (value as QueryFunction).apply(target, [...args, (tx: Sql) => callback(gatedSql(tx, scheduler, caller, pid))]);
        };
      }
      return value;
    },
  }) as Sql;
}

function isThenable(value: unknown): value is PendingQuery<Row[]> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function isTemplateStrings(value: unknown): value is TemplateStringsArray {
  return Array.isArray(value) && Array.isArray((value as { raw?: unknown }).raw);
}
