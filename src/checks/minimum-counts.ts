/**
 * A count that must reach a minimum: `if (requiredAdmins > adminCount + invitationCount) throw`, then an
 * INSERT into the rows counted. Rows inserted by concurrent requests only raise the count, so what a
 * second request's INSERT can do is make the test pass more surely: two requests that both pass add two
 * rows to a set the test wants large enough, which is no overrun. A ceiling (`if (count >= limit) throw`)
 * is the check-then-insert a concurrent INSERT breaks, and stays reported; so do a sum, a minimum or a
 * maximum, which a new row can lower or leave anywhere, and a count a called function makes unless it hands
 * it back as it came (what it returns of it may be `quota - count`). The mirror: a ceiling, then a DELETE
 * (see `deleteUnderCeiling`). Which bound a test holds is src/flow/count-bounds.ts's question.
 */
import type { TSESTree } from '@typescript-eslint/types';
import { contains } from '../extract/ast.js';
import type { Resolver } from '../extract/scope.js';
import type { Step } from '../flow/index.js';
import { countBound } from '../flow/count-bounds.js';
import { kindOn } from './shared.js';

/** The test leaves when the read's row count is below a bound: the INSERT after it only raises that count. */
export function demandsMinimumCount(read: Step, test: TSESTree.Node, write: Step, resolver: Resolver): boolean {
  return !contains(test, write.site.node) && countBound(read, test, resolver) === 'floor';
}

/**
 * The test leaves when the read's row count reaches a bound (`if (schedulesCount >= limit) throw`), made here
 * or by the called function that counts (`checkSchedule(...)`, which throws at its limit), and the write
 * DELETEs: a DELETE only lowers the count, so it keeps the ceiling however many rows concurrent requests
 * added or removed. A floor (`if (admins <= 1) throw`, then a DELETE of an admin) is the check a
 * concurrent DELETE breaks, and stays reported.
 */
export function deleteUnderCeiling(read: Step, test: TSESTree.Node, write: Step, table: string, resolver: Resolver): boolean {
  if (kindOn(write, table) !== 'delete') return false;
  if (test === read.site.node) return read.site.derived?.capsCount === true;
  return !contains(test, write.site.node) && countBound(read, test, resolver) === 'ceiling';
}
