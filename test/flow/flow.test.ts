import { describe, expect, it } from 'vitest';
import { modelOf, stepsOf } from '../helpers/model.js';

describe('flow: transaction state per connection', () => {
  it('follows BEGIN / COMMIT / ROLLBACK on a client connected in the function', () => {
    const model = modelOf(`
      import { Pool } from 'pg';
      const pool = new Pool();
      export async function f() {
        const client = await pool.connect();
        try {
          await client.query('SELECT 1 FROM a');
          await client.query('BEGIN');
          await client.query('SELECT 1 FROM b');
          await client.query('COMMIT');
        } catch (e) {
          await client.query('ROLLBACK');
        } finally {
          client.release();
        }
      }`);
    expect(stepsOf(model, 'f').map((s) => [s.kind, s.transaction])).toEqual([
      ['select', 'none'],
      ['transaction', 'none'],
      ['select', 'open'],
      ['transaction', 'open'],
      ['transaction', 'none'],
    ]);
  });

  it('records the isolation level from BEGIN and from SET TRANSACTION', () => {
    const model = modelOf(`
      export async function a(client: PoolClient) {
        await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
        await client.query('SELECT 1 FROM t');
      }
      export async function b(client: PoolClient) {
        await client.query('BEGIN');
        await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
        await client.query('SELECT 1 FROM t');
      }`);
    expect(stepsOf(model, 'a')[1]).toMatchObject({ transaction: 'open', isolation: 'serializable' });
    expect(stepsOf(model, 'b')[2]).toMatchObject({ transaction: 'open', isolation: 'repeatable read' });
  });

  it('a ROLLBACK in a branch that returns leaves the state after the branch open', () => {
    const model = modelOf(`
      export async function f(client: PoolClient) {
        await client.query('BEGIN');
        const { rows } = await client.query('SELECT n FROM t WHERE id = 1 FOR UPDATE');
        if (rows[0].n < 1) {
          await client.query('ROLLBACK');
          return false;
        }
        await client.query('UPDATE t SET n = n - 1 WHERE id = 1');
        await client.query('COMMIT');
      }`);
    const steps = stepsOf(model, 'f');
    expect(steps.map((s) => [s.line, s.transaction])).toEqual([
      [3, 'unknown'],
      [4, 'open'],
      [6, 'open'],
      [9, 'open'],
      [10, 'open'],
    ]);
  });

  it('leaves the state of a client handed in as a parameter unknown', () => {
    const model = modelOf("export async function f(client: PoolClient) { await client.query('SELECT 1 FROM t FOR UPDATE'); }");
    expect(stepsOf(model, 'f')[0]?.transaction).toBe('unknown');
  });

  it('keeps every pool query outside a transaction, except statements sent together', () => {
    const model = modelOf(`
      import { Pool } from 'pg';
      const pool = new Pool();
      export async function f() {
        await pool.query('BEGIN');
        await pool.query('SELECT 1 FROM t FOR UPDATE');
        await pool.query('BEGIN; SELECT 1 FROM t FOR UPDATE; COMMIT');
      }`);
    expect(stepsOf(model, 'f').map((s) => s.transaction)).toEqual(['none', 'none', 'none', 'open', 'open']);
  });

  it('notes what serializes a connection: advisory locks and LOCK TABLE', () => {
    const model = modelOf(`
      export async function f(client: PoolClient) {
        await client.query('BEGIN');
        await client.query('SELECT 1 FROM t');
        await client.query('SELECT pg_advisory_xact_lock($1)', [1]);
        await client.query('SELECT 1 FROM t');
        await client.query('COMMIT');
        await client.query('BEGIN');
        await client.query('LOCK TABLE t IN EXCLUSIVE MODE');
        await client.query('SELECT 1 FROM t');
      }`);
    expect(stepsOf(model, 'f').map((s) => s.serializedBy)).toEqual([
      null,
      null,
      null,
      'advisory lock',
      'advisory lock',
      null,
      null,
      'LOCK TABLE',
    ]);
  });
});

describe('flow: result usage', () => {
  it('follows a result through destructuring and derived variables into a condition', () => {
    const model = modelOf(`
      export async function f(client: PoolClient) {
        const { rows } = await client.query('SELECT seats FROM c WHERE id = $1', [1]);
        const [first] = rows;
        const left = first.seats - 1;
        if (left < 0) throw new Error('sold out');
      }`);
    expect(stepsOf(model, 'f')[0]?.tested).toEqual([6]);
  });

  it('takes apart what Promise.all resolves to: each element is the result of its own query, as it is', () => {
    const model = modelOf(`
      export async function f(client: PoolClient) {
        const [a, b] = await Promise.all([
          client.query('SELECT type FROM s WHERE id = $1', [1]),
          client.query('SELECT type FROM s WHERE id = $1', [2]),
        ]);
        if (!b) throw new Error('missing');
        if (a.rows[0].type === 'x') throw new Error('x');
      }`);
    const [first, second] = model.units.find((u) => u.name === 'f')?.steps ?? [];
    expect(first?.result.tests.map((t) => t.loc.start.line)).toEqual([8]);
    expect(first?.result.valueTests.map((t) => t.columns)).toEqual([['type']]);
    expect(second?.result.tests.map((t) => t.loc.start.line)).toEqual([7]);
    expect(second?.result.valueTests).toEqual([]);
  });

  it("reads the path lodash's get names on the row, as a property access would", () => {
    const model = modelOf(`
      import { get } from 'lodash';
      export async function f(client: PoolClient, hostId: number) {
        const { rows } = await client.query('SELECT * FROM orders WHERE id = $1', [1]);
        const order = rows[0];
        if (get(order, 'fromCollective.HostCollectiveId', null) !== hostId) throw new Error('other host');
        if (transform(order) !== hostId) throw new Error('other');
      }`);
    const [step] = model.units.find((u) => u.name === 'f')?.steps ?? [];
    expect(step?.result.valueTests.map((t) => t.columns)).toEqual([['fromCollective', 'HostCollectiveId'], null]);
  });

  it('reads what a function of the module reads of the row it is given, when it only reads properties of it', () => {
    const model = modelOf(`
      const isAddedFund = (order) => order.paymentMethod?.service === 'oc' && order.paymentMethod.type === 'host';
      function isLate(order) { return order.dueAt < Date.now() || order.status === 'late'; }
      const describe = (order) => format(order);
      export async function f(client: PoolClient) {
        const { rows } = await client.query('SELECT * FROM orders WHERE id = $1', [1]);
        const order = rows[0];
        if (isAddedFund(order)) throw new Error('added funds');
        if (isLate(order)) throw new Error('late');
        if (describe(order)) throw new Error('other');
      }`);
    const [step] = model.units.find((u) => u.name === 'f')?.steps ?? [];
    expect(step?.result.valueTests.map((t) => t.columns)).toEqual([['paymentMethod', 'service', 'type'], ['dueAt', 'status'], null]);
  });

  it('a value stored in a variable after a test does not reach that test, unless a loop goes round to it', () => {
    const model = modelOf(`
      export async function f(client: PoolClient, id: number) {
        const list = await client.query('SELECT position FROM s ORDER BY position LIMIT 1');
        const position = list.rows.length ? list.rows[0].position : 0;
        let found = await client.query('SELECT id FROM t WHERE id = $1', [id]);
        if (found.rowCount) {
          await client.query('UPDATE t SET seen = true WHERE id = $1', [id]);
        } else {
          found = await wrap(position);
        }
        for (let i = 0; i < 2; i++) {
          if (found.rowCount) break;
          found = await wrap(position);
        }
      }`);
    const [first] = model.units.find((u) => u.name === 'f')?.steps ?? [];
    // Line 6 tests what line 5 read, before line 9 stores a value made from line 3's read; line 12 runs
    // again after line 13 stored one.
    expect(first?.result.tests.map((t) => t.loc.start.line)).toEqual([4, 12]);
  });

  it('follows .then callbacks and sees a result returned to the caller', () => {
    const model = modelOf(`
      export function f(pool: Pool) {
        return pool.query('UPDATE t SET n = n - 1 WHERE id = $1 AND n > 0', [1]).then((r) => r.rowCount === 1);
      }
      export async function g(pool: Pool) {
        const r = await pool.query('UPDATE t SET n = n - 1 WHERE id = $1 AND n > 0', [1]);
        return r;
      }`);
    expect(stepsOf(model, 'f')[0]?.returned).toBe(true);
    expect(stepsOf(model, 'g')[0]?.returned).toBe(true);
  });

  it("a value built in an array method's callback is the array's, not the function's return value", () => {
    const model = modelOf(`
      export async function f(pool: Pool, ids: string[]) {
        const { rows } = await pool.query('SELECT id, version FROM t WHERE id = ANY($1)', [ids]);
        const byId = keyBy(rows, 'id');
        const list = ids.map((id) => ({ id, version: byId[id].version }));
        const kept = ids.filter((id) => { return byId[id].version > 0; });
        await pool.query('UPDATE t SET n = 0 WHERE id = ANY($1)', [list.map((d) => d.id)]);
      }
      export async function g(pool: Pool, ids: string[]) {
        const { rows } = await pool.query('SELECT id, version FROM t WHERE id = ANY($1)', [ids]);
        return ids.map((id) => { return rows.find((r) => r.id === id); });
      }`);
    expect(stepsOf(model, 'f')[0]?.returned).toBe(false);
    expect(stepsOf(model, 'g')[0]?.returned).toBe(true);
  });

  it('does not treat the result of the next query as derived from a value passed to it', () => {
    const model = modelOf(`
      export async function f(client: PoolClient) {
        const { rows } = await client.query('SELECT n FROM t WHERE id = 1');
        const w = await client.query('UPDATE t SET n = $1 WHERE id = 1', [rows[0].n + 1]);
        if (w.rowCount === 0) throw new Error('x');
      }`);
    const [read, write] = stepsOf(model, 'f');
    expect(read?.tested).toEqual([]);
    expect(write?.tested).toEqual([5]);
  });

  it('inlines .then and transaction-like callbacks into the enclosing function, not route handlers', () => {
    const model = modelOf(`
      app.post('/a', async (req, res) => { await pool.query('SELECT 1 FROM a'); });
      app.post('/b', async (req, res) => { await pool.query('SELECT 1 FROM b'); });
      export function f(pool: Pool) { return pool.query('SELECT 1 FROM c').then(() => pool.query('SELECT 1 FROM d')); }`);
    expect(model.units.map((u) => [u.name, u.steps.length])).toEqual(
      expect.arrayContaining([
        ['post(/a) callback', 1],
        ['post(/b) callback', 1],
        ['f', 2],
      ]),
    );
  });
});

describe('flow: row counts handed back and capped by called functions', () => {
  const derivedOf = (code: string, unitName: string) =>
    modelOf(code)
      .units.find((u) => u.name === unitName)!
      .steps.map((s) => ({ countReturned: s.site.derived?.countReturned, capsCount: s.site.derived?.capsCount }));

  it('a count returned as it came, then tested against a ceiling by the caller that calls it', () => {
    const code = `
      import { PrismaClient } from '@prisma/client';
      const prisma = new PrismaClient();
      async function used(projectId: string) {
        return await prisma.schedule.count({ where: { projectId } });
      }
      async function checkLimit(projectId: string, limit: number) {
        const n = await used(projectId);
        if (n >= limit) throw new Error('limit');
      }
      export async function sync(projectId: string) {
        await checkLimit(projectId, 10);
      }`;
    expect(derivedOf(code, 'checkLimit')).toEqual([{ countReturned: true, capsCount: undefined }]);
    expect(derivedOf(code, 'sync')).toEqual([{ countReturned: undefined, capsCount: true }]);
  });

  it('neither what is left of a count, nor a floor on it', () => {
    const code = `
      import { PrismaClient } from '@prisma/client';
      const prisma = new PrismaClient();
      async function left(projectId: string, limit: number) {
        const n = await prisma.schedule.count({ where: { projectId } });
        return limit - n;
      }
      async function checkMinimum(projectId: string) {
        const n = await prisma.schedule.count({ where: { projectId } });
        if (n < 2) throw new Error('too few');
      }
      export async function sync(projectId: string) {
        await left(projectId, 10);
        await checkMinimum(projectId);
      }`;
    expect(derivedOf(code, 'sync')).toEqual([
      { countReturned: undefined, capsCount: undefined },
      { countReturned: undefined, capsCount: undefined },
    ]);
  });
});
