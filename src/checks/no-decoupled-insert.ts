import {
  auditsOnly,
  claimGuards,
  countChecked,
  guardText,
  laterWrites,
  stepLine,
  upper,
  firstTable,
  type CheckInput,
  findingAt,
  insideOneCall,
} from './shared.js';
import type { Step } from '../flow/index.js';
import type { Finding, RuleMessages } from './types.js';
import { dialectAdvice } from './advice.js';

export const messages = {
  decoupledWrite:
    'The {{kind}} of `{{table}}` on line {{line}} is guarded by `{{guard}}` and may match no row, but its affected count is not checked before the {{nextKind}} on line {{nextLine}}, which runs either way. Check {{countHint}} and stop when it is 0, or {{couple}}.',
  decoupledCte:
    'The data-modifying CTE `{{cte}}` ({{kind}} of `{{table}}`, guarded by `{{guard}}`) is not read by the statement it belongs to, so the rest of the statement runs even when it matched no row. Select from `{{cte}}` (`INSERT ... SELECT ... FROM {{cte}}`) to make the write depend on it.',
} as const satisfies RuleMessages;

export type MessageId = keyof typeof messages;

export const description = 'Disallow a write that runs whether or not the guarded UPDATE or DELETE before it matched a row';

function insertsBeside(facts: Step['facts'], cte: Step['facts']['cteWrites'][number]): boolean {
  return facts.kind === 'insert' || facts.cteWrites.some((other) => other !== cte && other.kind === 'insert');
}

export function noDecoupledInsert({ units, options, schema }: CheckInput): Finding<'no-decoupled-insert'>[] {
  const findings: Finding<'no-decoupled-insert'>[] = [];
  for (const unit of units) {
    for (const step of unit.steps) {
      for (const cte of step.facts.cteWrites) {
        // A guarded CTE beside an INSERT that does not read it: the row is inserted whether or not the
        // guard held. Beside another UPDATE or DELETE it is one more batch in the same statement
        // (`WITH j AS (UPDATE jobs ... WHERE locked_at < ...) UPDATE queues ...`), nothing decoupled.
        if (!cte.guarded || cte.consumed || !insertsBeside(step.facts, cte)) continue;
        findings.push(
          findingAt(unit, step, 'no-decoupled-insert', 'decoupledCte', {
            cte: cte.name,
            kind: upper(cte.kind),
            table: cte.table,
            guard: guardText(cte.guards),
          }),
        );
      }
      const guard = claimGuards(step, options, schema);
      if (guard.length === 0 || countChecked(step)) continue;
      // An entry in an audit table records what the request did (the reminder already emailed), and
      // belongs whether or not the guarded write matched: the write that depends on it is the next one.
      const next = laterWrites(unit, step).find((w) => !auditsOnly(w) && !insideOneCall(step, w));
      if (!next) continue;
      findings.push(
        findingAt(
          unit,
          step,
          'no-decoupled-insert',
          'decoupledWrite',
          {
            kind: upper(step.facts.kind),
            table: firstTable(step.facts.tablesWritten),
            line: stepLine(step),
            guard: guardText(guard),
            nextKind: `${upper(next.facts.kind)} of \`${firstTable(next.facts.tablesWritten)}\``,
            nextLine: stepLine(next),
            countHint: step.site.countHint,
            couple: dialectAdvice(step.site).coupleWrites(upper(step.facts.kind)),
          },
          [{ label: 'write', node: next.site.node }],
        ),
      );
    }
  }
  return findings;
}
