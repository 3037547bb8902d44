/**
 * TypeORM callers. Each caller gets its own `DataSource` (PostgreSQL, the entities the variant
 * exports as `entities`), initialized before the run. TypeORM builds its pool with the `pg` module
 * handed to it in the `driver` option: the harness hands it node-postgres with a `Pool` whose
 * `connect` and `query`, once the run starts, go through the gated view of that pool (see
 * `gatedPool`), so every statement TypeORM sends — the repository's and manager's SELECT / UPDATE /
 * INSERT, and its own START TRANSACTION / COMMIT / ROLLBACK — first waits at the scheduler's barrier.
 * The variants get a plain `DataSource` and never know.
 */
import pg from 'pg';
import { DataSource, type EntitySchema } from 'typeorm';
import { gatedPool } from './clients.js';
import type { Caller, Outcome, Scheduler } from './scheduler.js';

type Operation = (connection: unknown, ...args: unknown[]) => Promise<unknown>;

interface Gate {
  scheduler: Scheduler;
  caller: Caller;
}

/** node-postgres, with a `Pool` that is gated once `gate.current` is set. */
function gatedDriver(gate: { current: Gate | null }): typeof pg {
  function Pool(options: pg.PoolConfig): pg.Pool {
    const pool = new pg.Pool(options);
    pool.on('connect', (client) => client.on('notice', () => {}));
    let gated: pg.Pool | null = null;
    return new Proxy(pool, {
      get(target, property) {
        if (gate.current && (property === 'connect' || property === 'query')) {
          gated ??= gatedPool(pool, gate.current.scheduler, gate.current.caller);
          return Reflect.get(gated, property, gated);
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
  return new Proxy(pg, { get: (target, property) => (property === 'Pool' ? Pool : Reflect.get(target, property, target)) });
}

export async function runWithTypeorm(
  databaseUrl: string,
  callers: number,
  args: (index: number) => unknown[],
  scheduler: Scheduler,
  operation: Operation,
  entities: readonly (EntitySchema | (new () => unknown))[],
): Promise<Outcome<unknown>[]> {
  const gates = Array.from({ length: callers }, () => ({ current: null as Gate | null }));
  const sources = gates.map(
    (gate) =>
      new DataSource({
        type: 'postgres',
        url: databaseUrl,
        entities: [...entities],
        driver: gatedDriver(gate),
        poolSize: 2,
        logging: false,
        installExtensions: false,
      }),
  );
  try {
    await Promise.all(sources.map((source) => source.initialize()));
    return await scheduler.run(callers, (caller: Caller) => {
      gates[caller.index]!.current = { scheduler, caller };
      return operation(sources[caller.index]!, ...args(caller.index));
    });
  } finally {
    await Promise.all(sources.filter((source) => source.isInitialized).map((source) => source.destroy()));
  }
}
