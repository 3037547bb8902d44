import { describe, expect, it } from 'vitest';
import { analyzePrescannedText, analyzeText, mightContainSql } from '../src/analyze.js';

describe('analyzeText', () => {
  it('skips a file without SQL-like text without parsing it', () => {
    const result = analyzeText('export const add = (a: number, b: number) => a + b; const broken = (', 'math.ts');
    expect(result).toMatchObject({ scanned: false, fatal: null, findings: [] });
  });

  it('analyzePrescannedText skips the pre-scan a front end already ran, and finds the same', () => {
    const code = "export const f = (pool: Pool) => pool.query(\"UPDATE jobs SET status = 'done' WHERE id = 1 AND status = 'running'\");";
    expect(analyzePrescannedText(code, 'f.ts')).toEqual(analyzeText(code, 'f.ts'));
    expect(analyzePrescannedText('export const x = 1;', 'x.ts')).toMatchObject({ scanned: true, findings: [] });
  });

  it('reports a file that does not parse as a fatal message and does not throw', () => {
    const result = analyzeText("const q = 'SELECT 1 FROM t'; function (", 'broken.ts');
    expect(result.fatal).toMatchObject({ line: 1 });
    expect(result.fatal?.message).toMatch(/^Parsing error: /);
  });

  it('parses JSX in .tsx and .js files', () => {
    const code = "export const C = () => <div onClick={() => pool.query('UPDATE t SET n = n - 1 WHERE id = 1 AND n > 0')} />;";
    expect(analyzeText(code, 'c.tsx').fatal).toBeNull();
    expect(analyzeText(code, 'c.js').fatal).toBeNull();
  });

  it('counts query sites, statements, and statements the SQL parser could not read', () => {
    const code = `export async function f(c: PoolClient) {
      await c.query('BEGIN; UPDATE t SET n = n + 1 WHERE id = 1; COMMIT');
      await c.query('MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET n = s.n');
    }`;
    const { stats } = analyzeText(code, 'f.ts');
    expect(stats.querySites).toBe(2);
    expect(stats.statements).toBe(4);
    expect(stats.unparsed).toEqual([expect.objectContaining({ line: 3 })]);
  });

  it('counts the calls of a model or query-builder API among the query sites', () => {
    const code = `import { PrismaClient } from '@prisma/client';
    const prisma = new PrismaClient();
    export async function f(id: string) {
      const product = await prisma.product.findUnique({ where: { id } });
      await prisma.product.update({ where: { id }, data: { stock: { decrement: 1 } } });
      await prisma.$executeRaw\`UPDATE t SET n = n + 1\`;
      return product;
    }`;
    const { stats } = analyzeText(code, 'f.ts');
    expect(stats.querySites).toBe(3);
    expect(stats.modelSites).toBe(2);
  });

  it('never throws on binary-looking or pathological input', () => {
    const junk = 'SELECT \u0000\u0001\uFFFD ' + '('.repeat(5000) + ' update x.query(`' + '${'.repeat(100);
    expect(() => analyzeText(junk, 'junk.js')).not.toThrow();
    const deep = `const q = pool.query('SELECT 1 FROM t'); const x = ${'['.repeat(3000)}${']'.repeat(3000)};`;
    expect(() => analyzeText(deep, 'deep.js')).not.toThrow();
  });

  it('pre-scan: SQL keywords in code count, plain prose does not', () => {
    expect(mightContainSql("db.query('select id from users')")).toBe(true);
    expect(mightContainSql('const x = 1; // nothing here')).toBe(false);
  });
});
