import { describe, expect, it } from 'vitest';
import { analyzeSql } from '../../src/sql/index.js';
import { extractFrom } from '../helpers/model.js';

const texts = (code: string): string[] => extractFrom(code).sites.map((s) => s.sql.text);
const written = (code: string): string[][] =>
  extractFrom(code).sites.map((s) =>
    analyzeSql(s.sql.text, s.sql.dialect).statements.flatMap((f) => [...f.tablesRead, ...f.tablesWritten]),
  );

describe('extract: identifiers spliced into SQL text', () => {
  it('names a table the file shows: class field, constructor assignment, const object, enum member', () => {
    const code = `
      import { Pool } from 'pg';
      const T = { users: 'app_users', nested: { jobs: 'queue.jobs' } } as const;
      enum Tables { Orders = 'orders' }
      class Repo {
        table = 'accounts';
        other: string;
        constructor(private pool: Pool) { this.other = 'ledger'; }
        async f(id: number) {
          await this.pool.query(\`SELECT * FROM \${this.table} WHERE id = $1\`, [id]);
          await this.pool.query(\`UPDATE \${this.other} SET n = n + 1 WHERE id = $1\`, [id]);
          await this.pool.query(\`DELETE FROM \${T.users} WHERE id = $1\`, [id]);
          await this.pool.query(\`SELECT * FROM \${T.nested.jobs} WHERE id = $1\`, [id]);
          await this.pool.query(\`INSERT INTO \${Tables.Orders} (id) VALUES ($1)\`, [id]);
        }
      }`;
    expect(texts(code)).toEqual([
      'SELECT * FROM accounts WHERE id = $1',
      'UPDATE ledger SET n = n + 1 WHERE id = $1',
      'DELETE FROM app_users WHERE id = $1',
      'SELECT * FROM queue.jobs WHERE id = $1',
      'INSERT INTO orders (id) VALUES ($1)',
    ]);
  });

  it('names a table it cannot resolve as the code writes it, the same for every statement', () => {
    const code = `
      export async function f(db: Pool, table: string, schema: string, id: number) {
        await db.query(\`SELECT n FROM \${table} WHERE id = $1\`, [id]);
        await db.query(\`UPDATE \${table} SET n = $1 WHERE id = $2\`, [1, id]);
        await db.query(\`SELECT * FROM \${schema}.users\`);
      }`;
    expect(texts(code)).toEqual([
      'SELECT n FROM "${table}" WHERE id = $1',
      'UPDATE "${table}" SET n = $1 WHERE id = $2',
      'SELECT * FROM "${schema}".users',
    ]);
    expect(written(code)).toEqual([['${table}'], ['${table}'], ['users']]);
  });

  it("reads slonik's sql.identifier with parts from constants", () => {
    const code = `
      import { sql } from 'slonik';
      const SCHEMA = 'billing';
      export const f = (pool: DatabasePool, table: string) => pool.query(sql.unsafe\`SELECT * FROM \${sql.identifier([SCHEMA, 'invoices'])} JOIN \${sql.identifier([table])} ON true\`);`;
    expect(texts(code)).toEqual(['SELECT * FROM billing.invoices JOIN "${sql.identifier([table])}" ON true']);
  });

  it('drops a spliced clause and wraps spliced rows, so the statement parses', () => {
    const code = `
      export async function f(db: Pool, where: string, rows: string) {
        await db.query(\`SELECT * FROM jobs \${where}\`);
        await db.query(\`INSERT INTO jobs (a, b) VALUES \${rows}\`);
      }`;
    const sites = extractFrom(code).sites;
    expect(sites.map((s) => s.sql.text)).toEqual(['SELECT * FROM jobs ', 'INSERT INTO jobs (a, b) VALUES ($1)']);
    expect(sites[0]?.sql.complete).toBe(false);
    expect(sites.every((s) => analyzeSql(s.sql.text).parseError === null)).toBe(true);
  });

  it('reads ? and :name through a receiver no adapter knows, as MySQL for ?', () => {
    const code = `
      import db from './db';
      export async function f(id: number) {
        await db.query('UPDATE stock SET n = n - 1 WHERE id = ? AND n > 0', [id]);
        await db.query('SELECT n FROM stock WHERE id = :id', { id });
      }`;
    const sites = extractFrom(code).sites;
    expect(sites.map((s) => [s.sql.text, s.sql.dialect, s.sql.params.map((p) => p?.type ?? null)])).toEqual([
      ['UPDATE stock SET n = n - 1 WHERE id = $1 AND n > 0', 'mysql', ['Identifier']],
      ['SELECT n FROM stock WHERE id = $1', 'postgres', ['Identifier']],
    ]);
  });
});
