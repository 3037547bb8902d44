/**
 * A compensating write: a statement in a `catch` that throws again, undoing what was written to the same
 * table before the failure (`update({ paused: true })`, then `try { await applyLimits() } catch (error) {
 * await update({ paused: previous.paused }); throw error }`). It runs only when a later step failed, and
 * only after that earlier write: the earlier write is the act a test before it decides.
 */
import type { TSESTree } from '@typescript-eslint/types';
import { contains, inExclusiveBranches } from '../extract/ast.js';
import { isWrite } from '../sql/facts.js';
import type { Step, Unit } from './types.js';

/** Whether `write` undoes, in a rethrowing `catch`, a write of the same table its `try` made (here or in the called function). */
export function compensates(unit: Unit, write: Step): boolean {
  if (write.site.compensation === true) return true;
  if (!isWrite(write.facts)) return false;
  for (let parent: TSESTree.Node | undefined = write.site.node.parent; parent && parent !== unit.node; parent = parent.parent) {
    if (parent.type !== 'CatchClause' || parent.parent?.type !== 'TryStatement') continue;
    const handler = parent;
    const tables = write.facts.tablesWritten;
    // The write it undoes ran before the failure: in the `try`, or before it on the way there.
    const undone = unit.steps.some(
      (s) =>
        s.index < write.index &&
        s.site.node.range[1] <= handler.range[0] &&
        !contains(handler, s.site.node) &&
        isWrite(s.facts) &&
        !inExclusiveBranches(s.site.node, write.site.node) &&
        s.facts.tablesWritten.some((t) => tables.includes(t)),
    );
    return undone && rethrows(parent.body);
  }
  return false;
}

/** The `catch` ends by throwing (`throw error`): the failure goes on to the caller once the write is undone. */
function rethrows(block: TSESTree.BlockStatement): boolean {
  return block.body.at(-1)?.type === 'ThrowStatement';
}
