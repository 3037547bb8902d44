import { describe, expect, it } from 'vitest';
import type { TSESTree } from '@typescript-eslint/types';
import { parse } from '@typescript-eslint/typescript-estree';
import { walk } from '../src/extract/ast.js';
import { parseProgram } from '../src/parse.js';

/** Every node in source order: type, range, start and end line and column, parent's type. */
function shape(program: TSESTree.Program): string[] {
  const rows: string[] = [];
  walk(program, (node, parent) => {
    const { start, end } = node.loc;
    rows.push(`${node.type} ${node.range.join('-')} ${start.line}:${start.column}-${end.line}:${end.column} in ${parent?.type ?? '-'}`);
    expect(node.parent).toBe(parent ?? undefined);
  });
  return rows;
}

function typescriptEstree(text: string, filePath: string): TSESTree.Program {
  const program = parse(text, { range: true, loc: true, comment: true, tokens: false, jsx: !/\.(c|m)?ts$/i.test(filePath), filePath });
  walk(program, (node, parent) => void (parent && ((node as { parent: TSESTree.Node }).parent = parent)));
  return program;
}

const CODE = [
  '// eslint-disable-next-line sql-race/no-lost-update',
  'export async function pay(pool: Pool, id: number): Promise<void> {\r',
  "  const { rows } = await pool.query<{ n: number }>('SELECT n FROM t WHERE id = $1', [id]);\r",
  '  /* 😀 astral */ const label = `🎉 ${rows[0]!.n as number}`;\u2028',
  "  await pool.query('UPDATE t SET n = $1 WHERE id = $2', [rows[0].n - 1, id]); /* eslint-enable */",
  '}',
  'export const View = () => <div>{(1 + 2) satisfies number}</div>;',
].join('\n');

describe('parseProgram', () => {
  it('reads with oxc where it can (its nodes carry offsets typescript-estree does not give)', () => {
    expect(parseProgram(CODE, 'pay.tsx')).toHaveProperty('start', 0);
  });

  it('gives the tree typescript-estree gives: types, ranges, lines and columns (CRLF, LS, astral characters), parents', () => {
    for (const file of ['pay.tsx', 'pay.js']) {
      expect(shape(parseProgram(CODE, file))).toEqual(shape(typescriptEstree(CODE, file)));
    }
    const ts = CODE.split('\n').slice(0, -1).join('\n');
    expect(shape(parseProgram(ts, 'pay.ts'))).toEqual(shape(typescriptEstree(ts, 'pay.ts')));
  });

  it('gives comments with their lines and columns when asked', () => {
    const strip = (c: TSESTree.Comment) => ({ type: c.type, value: c.value, range: c.range, start: c.loc.start, end: c.loc.end });
    expect(parseProgram(CODE, 'pay.tsx', { comment: true }).comments!.map(strip)).toEqual(
      typescriptEstree(CODE, 'pay.tsx').comments!.map(strip),
    );
  });

  it("throws typescript-estree's located error on a syntax error", () => {
    const broken = "const q = 'SELECT 1';\nfunction (";
    let expected: unknown;
    try {
      typescriptEstree(broken, 'broken.ts');
    } catch (error) {
      expected = error;
    }
    expect(expected).toBeDefined();
    expect(() => parseProgram(broken, 'broken.ts')).toThrow((expected as Error).message);
    expect(() => parseProgram(broken, 'broken.ts')).toThrow(expect.objectContaining({ lineNumber: 2 }) as Error);
  });

  it('reads with typescript-estree what oxc rejects and TypeScript accepts (type annotations in a .js file)', () => {
    const program = parseProgram('export function f(pool: Pool) { return pool; }', 'f.js');
    expect(program).not.toHaveProperty('start');
    expect(program.body[0]!.parent).toBe(program);
    expect(program.body[0]!.loc.start).toEqual({ line: 1, column: 0 });
  });
});
