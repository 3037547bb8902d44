/**
 * An UPDATE that sets every column it writes to what an aggregate read of the same function computed
 * before it (`const total = await tx.commission.aggregate(...)`, then `totalCommissions:
 * total._sum.earnings || 0`): a recount, made of nothing but what the rows hold when it runs. Whenever it
 * runs, and whatever a caller tested before, it stores what a recount gives then.
 */
import type { Resolver } from '../extract/scope.js';
import { determinedByRead } from './provenance.js';
import type { Step, Unit } from './types.js';

/** `after`: the aggregate must be read after that step (a recount made since it), when given. */
export function setsRecount(unit: Unit, write: Step, resolver: Resolver, after: Step | null = null): boolean {
  const { facts, site } = write;
  if (facts.kind !== 'update' || facts.set.length === 0) return false;
  if (site.derived !== undefined) return site.derived.recount === true;
  const param = (n: number) => site.sql.params[n - 1] ?? null;
  const counts = unit.steps.filter(
    (s) =>
      s.index < write.index &&
      (after === null || s.index > after.index) &&
      s.facts.kind === 'select' &&
      s.facts.aggregate &&
      s.site.derived === undefined,
  );
  return (
    counts.length > 0 &&
    facts.set.every(
      (a) =>
        a.shape === 'value' &&
        a.params.length > 0 &&
        counts.some((count) => a.params.every((n) => determinedByRead(param(n), count.result, resolver))),
    )
  );
}
