/**
 * Two nodes in different branches of one `if` or `?:`, or in a branch that returns and after its `if`,
 * never both run in one call of the function.
 */
import { describe, expect, it } from 'vitest';
import { parse, simpleTraverse, type TSESTree } from '@typescript-eslint/typescript-estree';
import { inExclusiveBranches, leavesBefore } from '../../src/extract/ast.js';

/** The calls `read()` and `write()` of the code, in a tree with parents set. */
function calls(code: string): { read: TSESTree.Node; write: TSESTree.Node } {
  const program = parse(code, { range: true });
  const found: Record<string, TSESTree.Node> = {};
  simpleTraverse(
    program,
    {
      enter(node) {
        if (node.type === 'CallExpression' && node.callee.type === 'Identifier') found[node.callee.name] = node;
      },
    },
    true,
  );
  return { read: found.read!, write: found.write! };
}

describe('inExclusiveBranches', () => {
  it('consequent and alternate of one if', () => {
    const { read, write } = calls(`async function f(i) { if (i === 'a') { await read(); } else if (i === 'b') { await write(); } }`);
    expect(inExclusiveBranches(read, write)).toBe(true);
  });
  it('the two arms of a conditional expression', () => {
    const { read, write } = calls(`async function f(i) { return i ? await read() : await write(); }`);
    expect(inExclusiveBranches(read, write)).toBe(true);
  });
  it('two cases of one switch, the first ending in return', () => {
    const { read, write } = calls(
      `async function f(i) { switch (i) { case 'a': { await read(); return 1; } case 'b': await write(); break; } }`,
    );
    expect(inExclusiveBranches(read, write)).toBe(true);
  });
  it('not two cases of one switch when the first falls through into the second', () => {
    const { read, write } = calls(`async function f(i) { switch (i) { case 'a': await read(); case 'b': await write(); break; } }`);
    expect(inExclusiveBranches(read, write)).toBe(false);
  });
  it('not two cases of one switch in a loop that can take the other on a later turn', () => {
    const { read, write } = calls(
      `async function f(xs) { for (const i of xs) { switch (i) { case 'a': await read(); break; default: await write(); } } }`,
    );
    expect(inExclusiveBranches(read, write)).toBe(false);
  });
  it('not a read before the if and a write in a branch', () => {
    const { read, write } = calls(`async function f(i) { const r = await read(); if (r) { await write(); } }`);
    expect(inExclusiveBranches(read, write)).toBe(false);
  });
  it('not the test of the if and its branch', () => {
    const { read, write } = calls(`async function f() { if (await read()) { await write(); } }`);
    expect(inExclusiveBranches(read, write)).toBe(false);
  });
  it('not when a loop around the if can take the other branch on a later turn', () => {
    const { read, write } = calls(`async function f(xs) { for (const i of xs) { if (i) { await read(); } else { await write(); } } }`);
    expect(inExclusiveBranches(read, write)).toBe(false);
  });
  it('a loop inside a branch does not join the branches', () => {
    const { read, write } = calls(`async function f(i, xs) { if (i) { for (const x of xs) await read(); } else { await write(); } }`);
    expect(inExclusiveBranches(read, write)).toBe(true);
  });
  it('a branch that ends by returning, and a write after its if', () => {
    const { read, write } = calls(
      `async function f(action) { if (action === 'connect') { const r = await read(); if (!r) return 404; return 200; } if (action === 'disconnect') await write(); }`,
    );
    expect(inExclusiveBranches(read, write)).toBe(true);
  });
  it('not a branch that can end without returning, then a write after its if', () => {
    const { read, write } = calls(
      `async function f(action) { if (action === 'connect') { const r = await read(); if (!r) return 404; } await write(); }`,
    );
    expect(inExclusiveBranches(read, write)).toBe(false);
  });
  it('not a branch that returns last but can continue the loop around it first', () => {
    const { read, write } = calls(
      `async function f(xs) { for (const x of xs) { if (x) { const r = await read(); if (!r) continue; return r; } await write(); } }`,
    );
    expect(inExclusiveBranches(read, write)).toBe(false);
  });
  it('not across functions: a callback defined in one branch may run later', () => {
    const { read, write } = calls(`function f(i) { if (i) { later(() => read()); } else { write(); } }`);
    expect(inExclusiveBranches(read, write)).toBe(false);
  });
});

describe('leavesBefore', () => {
  it('a return right after the first call, before the second', () => {
    const { read, write } = calls(`async function f(x) { if (x) { await read(); return; } await write(); }`);
    expect(leavesBefore(read, write)).toBe(true);
  });
  it('a return right after the call in a try: its catch is entered only by a throw of the call itself', () => {
    const { read, write } = calls(`async function f(x) { try { if (x) { await read(); return; } } catch (e) { await write(); } }`);
    expect(leavesBefore(read, write)).toBe(true);
  });
  it('an inner catch that returns after the call, before the next statements and the outer catch', () => {
    const { read, write } = calls(
      `async function f(x) { try { if (x) { try { x = 1; } catch (e) { await read(); return; } } await write(); } catch (e) { await write(); } }`,
    );
    expect(leavesBefore(read, write)).toBe(true);
  });
  it('not when the statements between the call and the return may throw into a catch that writes', () => {
    const { read, write } = calls(`async function f(x) { try { await read(); x.go(); return; } catch (e) { await write(); } }`);
    expect(leavesBefore(read, write)).toBe(false);
  });
  it('not a throw inside a try: its catch runs next', () => {
    const { read, write } = calls(`async function f(x) { try { await read(); throw new Error('x'); } catch (e) { await write(); } }`);
    expect(leavesBefore(read, write)).toBe(false);
  });
  it('not a finally that writes', () => {
    const { read, write } = calls(`async function f(x) { try { await read(); return; } finally { await write(); } }`);
    expect(leavesBefore(read, write)).toBe(false);
  });
  it('not when no exit follows the call', () => {
    const { read, write } = calls(`async function f(x) { if (x) { await read(); } await write(); }`);
    expect(leavesBefore(read, write)).toBe(false);
  });
  it('not a continue before the return', () => {
    const { read, write } = calls(`async function f(xs) { for (const x of xs) { await read(); if (x) continue; return; } await write(); }`);
    expect(leavesBefore(read, write)).toBe(false);
  });
  it('not a return of a callback: the code after the call that runs it goes on', () => {
    const { read, write } = calls(`async function f(t) { await t(async () => { await read(); return; }); await write(); }`);
    expect(leavesBefore(read, write)).toBe(false);
  });
});
