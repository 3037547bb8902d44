/**
 * Rows an INSERT writes that are made of the rows a read found, one element at a time: `found.map((r)
 * => ({ ... }))`, `.flatMap`, `.filter` of those, through constants. With no row found, it writes none,
 * so a test that only asks whether rows came back decides nothing the INSERT does not.
 */
import type { TSESTree } from '@typescript-eslint/types';
import { propertyName, unwrap } from '../extract/ast.js';
import type { Resolver } from '../extract/scope.js';
import { constantInit } from './created-rows.js';
import type { Step } from './types.js';

const MAX_DEPTH = 6;

/** Methods that give no element for an empty list, each of their elements made from one of its. */
const PER_ELEMENT = new Set(['map', 'flatMap', 'filter']);

/** The INSERT's rows are `read`'s rows, element by element (see the module's comment). */
export function insertsPerRowFound(write: Step, read: Step, resolver: Resolver): boolean {
  return write.facts.kind === 'insert' && write.site.insertedRows !== undefined && madeOfRows(write.site.insertedRows, read, resolver, 0);
}

function madeOfRows(node: TSESTree.Node, read: Step, resolver: Resolver, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  const value = unwrap(node);
  if (value === read.site.node || value === read.site.resultNode) return true;
  switch (value.type) {
    case 'AwaitExpression':
      return madeOfRows(value.argument, read, resolver, depth + 1);
    case 'Identifier': {
      const init = constantInit(value, resolver);
      return init !== null && madeOfRows(init, read, resolver, depth + 1);
    }
    case 'CallExpression': {
      const callee = value.callee;
      if (callee.type !== 'MemberExpression' || !PER_ELEMENT.has(propertyName(callee) ?? '')) return false;
      return value.arguments.length > 0 && madeOfRows(callee.object, read, resolver, depth + 1);
    }
    default:
      return false;
  }
}
