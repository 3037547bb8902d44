import {
  reportedInCallee,
  claimGuards,
  countChecked,
  guardText,
  isHarmlessWrite,
  laterWrites,
  reportsAfter,
  upper,
  firstTable,
  type CheckInput,
  findingAt,
} from './shared.js';
import type { Finding, RuleMessages } from './types.js';
import { dialectAdvice } from './advice.js';
import { doneAnsweredAlike, guardColumns } from './same-answer.js';

export const messages = {
  ignoredRowCount:
    'The {{kind}} of `{{table}}` is guarded by `{{guard}}` and matches no row when a concurrent request got there first, but its affected count is never read: the caller is told it succeeded either way. Check {{countHint}}{{rowBack}} before reporting success.',
} as const satisfies RuleMessages;

export type MessageId = keyof typeof messages;

export const description = 'Require checking the affected-row count of a guarded UPDATE or DELETE';

export function noIgnoredRowcount({ units, options, schema, resolver }: CheckInput): Finding<'no-ignored-rowcount'>[] {
  const findings: Finding<'no-ignored-rowcount'>[] = [];
  for (const unit of units) {
    for (const step of unit.steps) {
      if (reportedInCallee(step)) continue;
      const guard = claimGuards(step, options, schema);
      if (guard.length === 0 || countChecked(step)) continue;
      // A later write makes it no-decoupled-insert's finding.
      if (laterWrites(unit, step).length > 0) continue;
      // A touch, a soft delete, a mark-as-read, a set-once of what the row itself determines: the same
      // value whoever wins, and nothing reported but the row as read back.
      if (isHarmlessWrite(unit, step, { reread: true, resolver })) continue;
      // Every call of the function swallows its failure and goes on the same whatever it did (`await
      // refund(id).catch(log)`, then a throw): the count has no one to tell.
      if (unit.indifferentCallers !== null && !reportsAfter(unit, step)) continue;
      // Done already was answered as done now (`if (session.closedAt) return ok('Already closed')`): the
      // loser of the race is told what is true, and a constant on the guarded column claims nothing.
      if (doneAnsweredAlike(unit, step, guardColumns(guard))) continue;
      findings.push(
        findingAt(unit, step, 'no-ignored-rowcount', 'ignoredRowCount', {
          kind: upper(step.facts.kind),
          table: firstTable(step.facts.tablesWritten),
          guard: guardText(guard),
          countHint: step.site.countHint,
          rowBack: dialectAdvice(step.site).rowBack,
        }),
      );
    }
  }
  return findings;
}
