import type { TSESTree } from '@typescript-eslint/types';
import { visitorKeys } from '@typescript-eslint/visitor-keys';
import { describe, expect, it } from 'vitest';
import { walk } from '../../src/extract/ast.js';
import { parseProgram } from '../helpers/model.js';

const CODE = `import { Pool } from 'pg';
const pool = new Pool();
export async function book(id: string, seats: number[]) {
  const { rows } = await pool.query('SELECT free FROM slots WHERE id = $1', [id]);
  if (rows[0].free > seats.length) await pool.query(\`UPDATE slots SET free = free - \${seats.length} WHERE id = $1\`, [id]);
  return class { run = () => ({ a: 1, b: [2, 3] }); };
}
`;

/** The order the walk promises, written the plain recursive way. */
function reference(node: TSESTree.Node, parent: TSESTree.Node | null, out: [TSESTree.Node, TSESTree.Node | null][]): void {
  out.push([node, parent]);
  for (const key of visitorKeys[node.type] ?? []) {
    const value = (node as unknown as Record<string, unknown>)[key];
    for (const child of Array.isArray(value) ? value : [value]) {
      if (typeof child === 'object' && child !== null && typeof (child as { type?: unknown }).type === 'string')
        reference(child as TSESTree.Node, node, out);
    }
  }
}

describe('walk', () => {
  it('visits every node, each before its children and in the order of its visitor keys, with its parent', () => {
    const { program } = parseProgram(CODE);
    const expected: [TSESTree.Node, TSESTree.Node | null][] = [];
    reference(program, null, expected);
    const visited: [TSESTree.Node, TSESTree.Node | null][] = [];
    walk(program, (node, parent) => {
      visited.push([node, parent]);
    });
    expect(visited.length).toBe(expected.length);
    expect(visited.every(([node, parent], i) => node === expected[i]![0] && parent === expected[i]![1])).toBe(true);
  });

  it('skips the children of a node its callback returns false for', () => {
    const { program } = parseProgram(CODE);
    const types: string[] = [];
    walk(program, (node) => {
      types.push(node.type);
      if (node.type === 'FunctionDeclaration') return false;
    });
    expect(types).toContain('FunctionDeclaration');
    expect(types).not.toContain('AwaitExpression');
    expect(types).toContain('NewExpression');
  });
});
