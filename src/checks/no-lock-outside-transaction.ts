import { firstTable, type CheckInput, findingAt } from './shared.js';
import type { Finding, RuleMessages } from './types.js';
import type { Step } from '../flow/types.js';
import { inOneTransaction } from './advice.js';

export const messages = {
  lockOutsideTransaction:
    '`FOR {{strength}}` on `{{table}}` runs outside a transaction{{where}}: the lock is released as soon as the statement ends, before anything acts on what was read. Run it, and what acts on what it reads, {{inTransaction}}.',
  lockWithoutItsTransaction:
    '`FOR {{strength}}` on `{{table}}` runs outside the transaction `{{transaction}}`: its `lock` names `{{transaction}}`, but the call does not pass `transaction: {{transaction}}`, so it runs on another connection, in autocommit, and the lock is released as soon as the statement ends. Pass `transaction: {{transaction}}` in the same options.',
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
      const named = step.site.lockNamesTransaction;
      if (named !== undefined) {
        findings.push(
          findingAt(unit, step, 'no-lock-outside-transaction', 'lockWithoutItsTransaction', {
            strength: lock.strength.toUpperCase(),
            table: firstTable(step.facts.tablesRead),
            transaction: named,
          }),
        );
        continue;
      }
      findings.push(
        findingAt(unit, step, 'no-lock-outside-transaction', 'lockOutsideTransaction', {
          strength: lock.strength.toUpperCase(),
          table: firstTable(step.facts.tablesRead),
          where: whereItRuns(unit.name, step),
          inTransaction: inOneTransaction(step.site),
        }),
      );
    }
  }
  return findings;
}

function whereItRuns(functionName: string, step: Step): string {
  if (step.connection.kind === 'pool') return ` (it is sent through the pool \`${step.connection.name}\`)`;
  const callers = step.transaction.callers;
  if (!callers) return '';
  const at = `${callers.example.file.split(/[\\/]/).pop()}:${callers.example.line}`;
  return callers.calls === 1
    ? ` (the one call of \`${functionName}\` in the project, at ${at}, passes it a connection outside a transaction)`
    : ` (all ${callers.calls} calls of \`${functionName}\` in the project pass it a connection outside a transaction, as at ${at})`;
}
