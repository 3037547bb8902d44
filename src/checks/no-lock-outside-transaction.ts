import { firstTable, type CheckInput, findingAt } from './shared.js';
import type { Finding, RuleMessages } from './types.js';
import { inOneTransaction } from './advice.js';

export const messages = {
  lockOutsideTransaction:
    '`FOR {{strength}}` on `{{table}}` runs outside a transaction{{where}}: the lock is released as soon as the statement ends, before anything acts on what was read. Run it, and what acts on what it reads, {{inTransaction}}.',
} as const satisfies RuleMessages;

export type MessageId = keyof typeof messages;

export const description = 'Disallow row locks (`FOR UPDATE`, `FOR SHARE`) outside a transaction';

export function noLockOutsideTransaction({ units }: CheckInput): Finding<'no-lock-outside-transaction'>[] {
  const findings: Finding<'no-lock-outside-transaction'>[] = [];
  for (const unit of units) {
    for (const step of unit.steps) {
      const { lock } = step.facts;
      if (
        step.facts.kind !== 'select' ||
        !lock ||
        step.transaction.state !== 'none' ||
        (step.site.derived && step.site.connection === null)
      )
        continue;
      findings.push(
        findingAt(unit, step, 'no-lock-outside-transaction', 'lockOutsideTransaction', {
          strength: lock.strength.toUpperCase(),
          table: firstTable(step.facts.tablesRead),
          where: step.connection.kind === 'pool' ? ` (it is sent through the pool \`${step.connection.name}\`)` : '',
          inTransaction: inOneTransaction(step.site),
        }),
      );
    }
  }
  return findings;
}
