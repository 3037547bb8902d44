import type { Step } from '../flow/index.js';
import { dependsOn } from '../flow/results.js';
import type { Resolver } from '../extract/scope.js';
import { isRead, laterWrites, line, readProtection, retestsReadValue, sharedTable, type CheckInput, findingAt } from './shared.js';
import type { Finding, RuleMessages } from './types.js';

export const messages = {
  lostUpdate:
    '`{{table}}.{{column}}` is read on line {{readLine}} without a lock, changed in JavaScript, and written back as an absolute value on line {{writeLine}}: an update committed in between is lost. Write it relative to the stored value (`SET {{column}} = {{column}} + $1`), lock the row with `SELECT ... FOR UPDATE` in the transaction, or add a version check to the WHERE and check the affected count.',
} as const satisfies RuleMessages;

export type MessageId = keyof typeof messages;

export const description = 'Disallow writing back a value read without a lock and changed in JavaScript';

/** The column the write sets to an absolute value computed from what the read returned, if any. */
export function lostColumn(read: Step, write: Step, resolver: Resolver): string | null {
  if (write.facts.kind !== 'update' || sharedTable(read, write) === null) return null;
  const assignment = write.facts.set.find(
    (a) => a.shape === 'value' && a.params.some((n) => dependsOn(write.site.sql.params[n - 1] ?? null, read.result, resolver)),
  );
  return assignment?.column ?? null;
}

export function isLostUpdate(read: Step, write: Step, resolver: Resolver): boolean {
  return lostColumn(read, write, resolver) !== null && !retestsReadValue(read, write, resolver);
}

export function noLostUpdate({ units, resolver }: CheckInput): Finding<'no-lost-update'>[] {
  const findings: Finding<'no-lost-update'>[] = [];
  const reported = new Set<Step>();
  for (const unit of units) {
    for (const read of unit.steps) {
      if (!isRead(read)) continue;
      for (const write of laterWrites(unit, read)) {
        if (reported.has(write) || readProtection(read, write, true) !== null || !isLostUpdate(read, write, resolver)) continue;
        reported.add(write);
        findings.push(findingAt(unit, write, 'no-lost-update', 'lostUpdate', { table: sharedTable(read, write)!, column: lostColumn(read, write, resolver)!, readLine: line(read.site.node), writeLine: line(write.site.node) }, [{ label: 'read', node: read.site.node }]));
      }
    }
  }
  return findings;
}
