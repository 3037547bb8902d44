import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../src/analyze.js';
import { extractFrom } from '../helpers/model.js';

describe('extract: query calls whose SQL cannot be evaluated', () => {
  it('counts imported and computed texts, not the ones read, not config objects, not other calls', () => {
    const code = `
      import { Pool } from 'pg';
      import { FIND_USER } from './queries';
      const pool = new Pool();
      export async function f(id: number, build: () => string, params: URLSearchParams) {
        await pool.query(FIND_USER, [id]);
        await pool.query(build());
        await pool.query(id > 0 ? FIND_USER : build());
        await pool.query('SELECT 1 FROM t WHERE id = $1', [id]);
        await pool.query({ text: 'SELECT 1 FROM t', values: [] });
        params.get('query');
        await fetch(build());
      }`;
    const extraction = extractFrom(code);
    expect(extraction.sites).toHaveLength(2);
    expect(extraction.unresolved).toBe(3);
  });

  it('reaches the file stats', () => {
    const code =
      "import { Pool } from 'pg';\nimport { SQL } from './sql';\nexport const f = (pool: Pool) => Promise.all([pool.query(SQL), pool.query('SELECT 1 FROM t')]);\n";
    expect(analyzeText(code, 'f.ts').stats).toMatchObject({ querySites: 1, unresolved: 1 });
  });
});
