import type { StatementFacts, StatementKind } from './facts.js';

/** Facts with every list empty and every optional fact absent. */
export function blankFacts(kind: StatementKind, origin: StatementFacts['origin'], text: string): StatementFacts {
  return {
    kind,
    origin,
    text,
    tablesRead: [],
    tablesWritten: [],
    lock: null,
    where: [],
    set: [],
    returning: null,
    onConflict: null,
    insertSource: null,
    insertColumns: null,
    cteWrites: [],
    subqueryClaim: null,
    selectedColumns: [],
    aggregate: false,
    advisoryLock: null,
    transaction: null,
    params: [],
  };
}

export function unique<T>(items: Iterable<T>): T[] {
  return [...new Set(items)];
}
