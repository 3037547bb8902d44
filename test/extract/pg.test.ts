import { describe, expect, it } from 'vitest';
import { extractFrom } from '../helpers/model.js';

const sites = (code: string) =>
  extractFrom(code).sites.map((s) => ({ text: s.sql.text, params: s.sql.params.map((p) => p?.type ?? null), complete: s.sql.complete }));

describe('extract: node-postgres query sites', () => {
  it('reads a string literal and its values array', () => {
    expect(sites("import { Pool } from 'pg'; const pool = new Pool(); pool.query('SELECT * FROM t WHERE id = $1', [id]);")).toEqual([
      { text: 'SELECT * FROM t WHERE id = $1', params: ['Identifier'], complete: true },
    ]);
  });

  it('turns template holes into parameters after the written ones', () => {
    const [site] = sites(
      'export async function f(client: PoolClient, a: number, b: number) { await client.query(`UPDATE t SET n = $1 WHERE id = ${b}`, [a]); }',
    );
    expect(site).toEqual({ text: 'UPDATE t SET n = $1 WHERE id = $2', params: ['Identifier', 'Identifier'], complete: true });
  });

  it('inlines module constants and concatenations', () => {
    const code = `
      const TABLE = 'concerts';
      const BASE = 'SELECT available_seats FROM ' + TABLE;
      export const f = (db: Pool) => db.query(BASE + ' WHERE concert_id = $1', ['x']);`;
    expect(sites(code)[0]?.text).toBe('SELECT available_seats FROM concerts WHERE concert_id = $1');
  });

  it('reads the { text, values } config form, inline and through a const', () => {
    const code = `
      export async function f(client: PoolClient) {
        await client.query({ text: 'DELETE FROM t WHERE id = $1', values: [1] });
        const config = { text: 'SELECT 1 FROM t', values: [] };
        await client.query(config);
      }`;
    expect(sites(code).map((s) => s.text)).toEqual(['DELETE FROM t WHERE id = $1', 'SELECT 1 FROM t']);
  });

  it('marks text spliced from an unknown expression as incomplete', () => {
    expect(sites("export const f = (pool: Pool, where: string) => pool.query('SELECT * FROM t ' + where);")[0]?.complete).toBe(false);
  });

  it('ignores .query calls whose text is not SQL', () => {
    expect(sites("document.query('Select a seat'); url.query('page=2'); $('x').query(selector);")).toEqual([]);
  });

  it('applies to files that do not import pg (clients handed in from elsewhere)', () => {
    expect(sites("export const f = (db) => db.query('UPDATE t SET n = n + 1 WHERE id = $1', [1]);")).toHaveLength(1);
  });

  it('classifies connections by construction and type, not by name', () => {
    const code = `
      import pg from 'pg';
      const pool = new pg.Pool();
      export async function f(param: PoolClient, untyped, appPool) {
        const client = await pool.connect();
        await pool.query('SELECT 1 FROM t');
        await client.query('SELECT 1 FROM t');
        await param.query('SELECT 1 FROM t');
        await untyped.query('SELECT 1 FROM t');
        await appPool.query('SELECT 1 FROM t');
      }`;
    const { sites: found, context } = extractFrom(code);
    expect(found.map((s) => context.connectionKind(s.connection!))).toEqual(['pool', 'client', 'client', 'unknown', 'unknown']);
  });

  it('never throws on odd shapes', () => {
    expect(() =>
      extractFrom('x.query(); x.query(...args); x.query(`${a}`); new Pool().query(1 + 2); a?.query?.("SELECT 1 FROM t")'),
    ).not.toThrow();
  });
});
