import { describe, expect, it } from 'vitest';
import { runChecks } from '../../src/analyze.js';
import { ruleMessage } from '../../src/checks/index.js';
import { RULE_IDS } from '../../src/checks/types.js';
import { modelOf } from '../helpers/model.js';

const findings = (code: string, options = {}) =>
  runChecks(modelOf(code), RULE_IDS, options).map((f) => ({ rule: f.ruleId, id: f.messageId, line: f.node.loc.start.line, data: f.data }));

const inTransaction = (body: string) => `
  import { Pool } from 'pg';
  const pool = new Pool();
  export async function op(id: number, amount: number) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
${body}
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  }`;

describe('checks', () => {
  it('check-then-act names the table and the lines of read, check and write', () => {
    const result = findings(
      inTransaction(`
      const { rows } = await client.query('SELECT stock FROM products WHERE id = $1', [id]);
      if (rows[0].stock < amount) throw new Error('out of stock');
      await client.query('UPDATE products SET stock = stock - $1 WHERE id = $2', [amount, id]);`),
    );
    expect(result).toEqual([
      {
        rule: 'no-check-then-act',
        id: 'checkThenAct',
        line: 9,
        data: expect.objectContaining({ table: 'products', readLines: 'line 9', checkLines: 'line 10', writeLines: 'line 11' }),
      },
    ]);
  });

  it('check-then-act on an INSERT recommends a unique constraint or SERIALIZABLE', () => {
    const result = findings(
      inTransaction(`
      const existing = await client.query('SELECT 1 FROM bookings WHERE slot_id = $1', [id]);
      if (existing.rowCount > 0) return false;
      await client.query('INSERT INTO bookings (slot_id) VALUES ($1)', [id]);`),
    );
    expect(result.map((f) => f.id)).toEqual(['checkThenInsert']);
  });

  it('is quiet when the write re-tests the read column in its WHERE (conditional write)', () => {
    const result = findings(
      inTransaction(`
      const { rows } = await client.query('SELECT stock FROM products WHERE id = $1', [id]);
      if (rows[0].stock < amount) throw new Error('out of stock');
      const r = await client.query('UPDATE products SET stock = stock - $1 WHERE id = $2 AND stock >= $1', [amount, id]);
      if (r.rowCount === 0) throw new Error('out of stock');`),
    );
    expect(result).toEqual([]);
  });

  it('reports a lost update instead of check-then-act for an absolute write-back', () => {
    const result = findings(
      inTransaction(`
      const { rows } = await client.query('SELECT balance FROM accounts WHERE id = $1', [id]);
      if (rows[0].balance < amount) throw new Error('insufficient');
      await client.query('UPDATE accounts SET balance = $1 WHERE id = $2', [rows[0].balance - amount, id]);`),
    );
    expect(result).toEqual([
      {
        rule: 'no-lost-update',
        id: 'lostUpdate',
        line: 11,
        data: expect.objectContaining({ table: 'accounts', column: 'balance', readLines: 'line 9' }),
      },
    ]);
  });

  it('a value computed from several columns and tested against the one it replaces is one lost update, naming that column', () => {
    const result = findings(
      inTransaction(`
      const { rows } = await client.query('SELECT first_seen, created1, created2 FROM nodes WHERE id = $1', [id]);
      const lowest = Math.min(rows[0].created1, rows[0].created2, rows[0].first_seen);
      if (lowest < rows[0].first_seen) {
        await client.query('UPDATE nodes SET first_seen = $1 WHERE id = $2', [lowest, id]);
      }`),
    );
    expect(result).toEqual([
      {
        rule: 'no-lost-update',
        id: 'lostUpdate',
        line: 12,
        data: expect.objectContaining({ table: 'nodes', column: 'first_seen', into: '' }),
      },
    ]);
  });

  it('repeatable read protects against the lost update but not against check-then-insert', () => {
    const lost = findings(`
      export async function f(client: PoolClient, id: number) {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
        const { rows } = await client.query('SELECT n FROM t WHERE id = $1', [id]);
        await client.query('UPDATE t SET n = $1 WHERE id = $2', [rows[0].n + 1, id]);
        await client.query('COMMIT');
      }`);
    expect(lost).toEqual([]);
    const insert = findings(`
      export async function f(client: PoolClient, id: number) {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
        const { rowCount } = await client.query('SELECT 1 FROM t WHERE id = $1', [id]);
        if (rowCount) return;
        await client.query('INSERT INTO t (id) VALUES ($1)', [id]);
        await client.query('COMMIT');
      }`);
    expect(insert.map((f) => f.rule)).toEqual(['no-check-then-act']);
  });

  it('a guarded UPDATE is decoupled when a write follows, ignored when none does, never both', () => {
    const decoupled = findings(
      "export async function f(c: PoolClient) { await c.query(\"UPDATE jobs SET status = 'done' WHERE id = 1 AND status = 'running'\"); await c.query('INSERT INTO log (m) VALUES (1)'); }",
    );
    const ignored = findings(
      "export async function f(c: PoolClient) { await c.query(\"UPDATE jobs SET status = 'done' WHERE id = 1 AND status = 'running'\"); }",
    );
    expect(decoupled.map((f) => f.rule)).toEqual(['no-decoupled-insert']);
    expect(ignored.map((f) => f.rule)).toEqual(['no-ignored-rowcount']);
  });

  it('keyColumns makes equality on a named column identify the row instead of guarding it', () => {
    const code =
      "export async function f(c: PoolClient, bucket: Date) { await c.query('DELETE FROM hits WHERE site_id = 1 AND bucket_at = $1', [bucket]); }";
    expect(findings(code).map((f) => f.rule)).toEqual(['no-ignored-rowcount']);
    expect(findings(code, { keyColumns: ['bucket_at'] })).toEqual([]);
  });

  it('a lookup by a natural key passed in is no guard; a state column or a literal state is', () => {
    const guardsOf = (where: string) =>
      findings(`export async function f(c: PoolClient, v: string) { await c.query("DELETE FROM t WHERE ${where}", [v]); }`).map(
        (f) => f.rule,
      );
    expect(guardsOf('sku = $1')).toEqual([]);
    expect(guardsOf('id = $1 AND deleted_at IS NULL')).toEqual([]);
    expect(guardsOf('sku = $1 AND version = 3')).toEqual(['no-ignored-rowcount']);
    expect(guardsOf("sku = $1 AND status = 'pending'")).toEqual(['no-ignored-rowcount']);
    expect(guardsOf('sku = $1 AND active = true')).toEqual(['no-ignored-rowcount']);
    expect(guardsOf('sku = $1 AND worker_id IS NULL')).toEqual(['no-ignored-rowcount']);
  });

  it('a guarded CTE the statement never reads is decoupled inside one statement', () => {
    const result = findings(`export async function f(pool: Pool) {
      await pool.query("WITH r AS (UPDATE concerts SET seats = seats - 1 WHERE id = 1 AND seats > 0 RETURNING id) INSERT INTO tickets (concert_id) VALUES (1)");
    }`);
    expect(result.map((f) => [f.rule, f.id])).toEqual([['no-decoupled-insert', 'decoupledCte']]);
  });

  it('an UPDATE is a claim only when it changes what it tests, and only when aimed at rows', () => {
    const rules = (sql: string) =>
      findings(`export async function f(c: PoolClient, id: number) { await c.query("${sql}", [id]); }`).map((f) => f.rule);
    expect(rules('UPDATE jobs SET worker_id = $1 WHERE id = $1 AND worker_id IS NULL')).toEqual(['no-ignored-rowcount']);
    expect(rules('UPDATE coupons SET used = 1 WHERE code = $1 AND used = 0')).toEqual(['no-ignored-rowcount']);
    // Set once, nothing reported after: harmless; the same with a value passed in is a claim.
    expect(rules('UPDATE coupons SET used_at = now() WHERE code = $1 AND used_at IS NULL')).toEqual([]);
    expect(rules('UPDATE coupons SET used_by = $1 WHERE code = $1 AND used_by IS NULL')).toEqual(['no-ignored-rowcount']);
    expect(rules('UPDATE users SET name = $1 WHERE id = $1 AND deleted_at IS NULL')).toEqual([]);
    expect(rules("UPDATE orders SET note = $1 WHERE id = $1 AND status = 'paid'")).toEqual([]);
    expect(rules("UPDATE roles SET tenant_id = 'x' WHERE tenant_id != 'admin' AND name LIKE '%:admin'")).toEqual([]);
    expect(rules('DELETE FROM sessions WHERE user_id = $1 AND expires_at < now()')).toEqual([]);
    expect(rules('DELETE FROM holds WHERE id = $1 AND expires_at > now()')).toEqual(['no-ignored-rowcount']);
    expect(rules('DELETE FROM scopes USING resources WHERE resources.id = scopes.resource_id')).toEqual([]);
    expect(rules('DELETE FROM insights WHERE document_id >= $1 AND document_id <= $2 AND deletedAt IS NULL')).toEqual([]);
  });

  it('a write aimed at rows a later locked read picked by the tested column again is no check-then-act', () => {
    const replace = (pickedBy: string) =>
      findings(
        inTransaction(`
      const { rows } = await client.query('SELECT type FROM rules WHERE id = $1', [id]);
      if (rows[0].type !== 'contribution') throw new Error('not a contribution rule');
      const picked = await client.query("SELECT id FROM rules WHERE account_id = $1 AND ${pickedBy} FOR UPDATE", [amount]);
      await client.query('DELETE FROM rules WHERE id = $1', [picked.rows[0].id]);`),
      ).filter((f) => f.rule === 'no-check-then-act');
    expect(replace("type = 'contribution'")).toEqual([]);
    expect(replace("name = 'x'").map((f) => f.line)).toEqual([9]);
  });

  it('every message formats without leftover placeholders', () => {
    const code = inTransaction(`
      const { rows } = await client.query('SELECT stock FROM products WHERE id = $1', [id]);
      if (rows[0].stock < amount) throw new Error('out of stock');
      await client.query('UPDATE products SET stock = stock - 1 WHERE id = $1', [id]);`);
    for (const finding of runChecks(modelOf(code))) {
      const text = ruleMessage(finding.ruleId, finding.messageId, finding.data);
      expect(text).not.toMatch(/\{\{/);
    }
  });

  it('returns nothing for a model without query sites', () => {
    expect(findings('export const x = 1;')).toEqual([]);
  });
});
