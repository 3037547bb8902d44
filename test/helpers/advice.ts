/**
 * What the messages of a node-postgres site say beside the facts of the finding: the count to check
 * and the PostgreSQL fixes (src/checks/advice.ts), spelled out here so a change to them shows in the
 * tests. Spread into a RuleTester case's `data`; a message only reads the keys it names.
 */
export const pgAdvice = {
  countHint: '`result.rowCount`',
  placeholder: '$1',
  rowBack: ' (or add RETURNING and test the row)',
  upsert: '`INSERT ... ON CONFLICT`',
  insertIfAbsent: '`INSERT ... ON CONFLICT DO NOTHING`',
  duplicateError: 'error 23505',
  serializationFailure: 'error 40001',
  checkViolation: 'error 23514',
  inTransaction: 'after BEGIN on the same client, before COMMIT',
} as const;

/** no-decoupled-insert's PostgreSQL way to make the next write depend on a guarded `kind`. */
export function pgCouple(kind: 'UPDATE' | 'DELETE'): string {
  return `couple them in one statement (\`WITH changed AS (${kind} ... RETURNING ...) INSERT ... SELECT ... FROM changed\`)`;
}
