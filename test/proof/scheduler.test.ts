/**
 * The scheduler itself, on a real PostgreSQL: it passes over callers blocked on a lock, and a schedule
 * that stops moving fails with the run, the caller, its step and its statement instead of hanging.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { gatedPool } from './harness/clients.js';
import { dropDatabase, freshDatabase } from './harness/postgres.js';
import { Scheduler, ScheduleStuck } from './harness/scheduler.js';

const serverUrl = inject('postgresUrl');
const name = 'proof_scheduler';
let databaseUrl = '';
let observer: pg.Client;
let pool: pg.Pool;

beforeAll(async () => {
  databaseUrl = await freshDatabase(serverUrl, name);
  observer = new pg.Client({ connectionString: databaseUrl });
  await observer.connect();
  await observer.query('CREATE TABLE counter (id integer PRIMARY KEY, n integer NOT NULL); INSERT INTO counter VALUES (1, 0)');
  pool = new pg.Pool({ connectionString: databaseUrl, max: 8 });
  // The stuck-schedule test disconnects every backend on the database, idle ones included.
  pool.on('error', () => {});
});

afterAll(async () => {
  await pool.end();
  await observer.end();
  await dropDatabase(serverUrl, name);
});

describe('Scheduler', () => {
  test('runs callers in rounds: every first statement before any second one', async () => {
    const scheduler = new Scheduler({ label: 'rounds', observer });
    const order: string[] = [];
    await scheduler.run(3, async (caller) => {
      const db = gatedPool(pool, scheduler, caller);
      await db.query('SELECT 1');
      order.push(`${caller.index}:read`);
      await db.query('SELECT 2');
      order.push(`${caller.index}:write`);
    });
    expect(order).toEqual(['0:read', '1:read', '2:read', '0:write', '1:write', '2:write']);
  });

  test('passes over a caller blocked on a row lock and lets the holder finish', async () => {
    const scheduler = new Scheduler({ label: 'locks', observer, timeoutMs: 5_000 });
    const outcomes = await scheduler.run(4, async (caller) => {
      const client = await gatedPool(pool, scheduler, caller).connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT n FROM counter WHERE id = 1 FOR UPDATE');
        await client.query('UPDATE counter SET n = n + 1 WHERE id = 1');
        await client.query('COMMIT');
        return caller.index;
      } finally {
        client.release();
      }
    });
    expect(outcomes.map((outcome) => outcome.error)).toEqual([undefined, undefined, undefined, undefined]);
    const { rows } = await observer.query<{ n: number }>('SELECT n FROM counter WHERE id = 1');
    expect(rows[0]?.n).toBe(4);
  });

  test('a schedule that stops moving fails, naming the run, the caller, its step and statement', async () => {
    const scheduler = new Scheduler({ label: '99-example / unsafe.pg', observer, timeoutMs: 300 });
    const run = scheduler.run(2, async (caller) => {
      const db = gatedPool(pool, scheduler, caller);
      await db.query('SELECT 1');
      if (caller.index === 1) await new Promise(() => {}); // never reaches its next statement
      await db.query('SELECT 2');
    });
    await expect(run).rejects.toThrow(ScheduleStuck);
    await expect(run).rejects.toThrow(/99-example \/ unsafe\.pg: .*caller 1 running statement 1 \(SELECT 1\)/);
  });
});
