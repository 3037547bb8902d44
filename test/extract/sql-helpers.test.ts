import { describe, expect, it } from 'vitest';
import { extractFrom } from '../helpers/model.js';

const sites = (code: string) =>
  extractFrom(code).sites.map((s) => ({
    text: s.sql.text,
    params: s.sql.params.map((p) => (p?.type === 'Identifier' ? p.name : (p?.type ?? null))),
    hint: s.countHint,
  }));

describe('extract: SQL built by helpers', () => {
  it('mysql.format(text, values) and pgp.as.format(text, values): the text, with the values bound', () => {
    const code = `
      import mysql from 'mysql';
      import db from './db';
      const pool = mysql.createPool({});
      export async function f(id: number, n: number) {
        const sql = mysql.format('UPDATE stock SET n = ? WHERE id = ?', [n, id]);
        await pool.queryAsync(sql);
        await db.query(pgp.as.format('DELETE FROM jobs WHERE id = $1', [id]));
      }`;
    expect(sites(code).map(({ text, params }) => ({ text, params }))).toEqual([
      { text: 'UPDATE stock SET n = $1 WHERE id = $2', params: ['n', 'id'] },
      { text: 'DELETE FROM jobs WHERE id = $1', params: ['id'] },
    ]);
  });

  it('a function of the file that returns text or a { text, values } object', () => {
    const code = `
      import { Pool } from 'pg';
      const pool = new Pool();
      function claimSql(table: string) { return \`UPDATE \${table} SET owner = $1 WHERE owner IS NULL\`; }
      const byId = (id: number) => ({ text: 'SELECT * FROM jobs WHERE id = $1', values: [id] });
      export async function f(id: number) {
        await pool.query(claimSql('jobs'), [id]);
        await pool.query(byId(id));
      }`;
    expect(sites(code).map(({ text, params }) => ({ text, params }))).toEqual([
      { text: 'UPDATE "${table}" SET owner = $1 WHERE owner IS NULL', params: ['id', 'table'] },
      { text: 'SELECT * FROM jobs WHERE id = $1', params: ['id'] },
    ]);
  });

  it("names MySQL's count when the library is guessed from ? placeholders", () => {
    const code = `
      import db from './db';
      export async function f(id: number) {
        await db.query('UPDATE stock SET n = n - 1 WHERE id = ? AND n > 0', [id]);
        await db.query('UPDATE stock SET n = n - 1 WHERE id = $1 AND n > 0', [id]);
      }`;
    expect(sites(code).map((s) => s.hint)).toEqual(['`result.affectedRows`', '`result.rowCount`']);
  });
});
