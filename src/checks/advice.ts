/**
 * The parts of the checks' messages that depend on the database and the library in use, derived from
 * what the query site carries: the dialect its SQL is read in, the library's placeholder, count name
 * and transaction API. PostgreSQL and MySQL differ in what a fix can use: MySQL has no `RETURNING`,
 * no data-modifying CTE and no `ON CONFLICT`, and names its errors differently.
 */
import type { QuerySite } from '../extract/types.js';
import type { SqlDialect } from '../sql/facts.js';

interface DialectAdvice {
  /** Insert-or-refuse on a unique key, the write that enforces "only one". */
  upsert: string;
  /** Insert only when absent, with an affected count of 0 when the row was there. */
  insertIfAbsent: string;
  /** The error a unique violation raises. */
  duplicateError: string;
  /** The error SERIALIZABLE raises on the loser of a race, to retry on. */
  serializationFailure: string;
  /** The error a violated CHECK constraint raises. */
  checkViolation: string;
  /** A way to make a write depend on a guarded write's outcome besides testing its count (after "or"). */
  coupleWrites: (kind: string) => string;
  /** Reading the changed row back instead of the count, where the database can (a parenthesis, or nothing). */
  rowBack: string;
  /** Merging a value into a stored JSON document in SQL. */
  mergeJson: (column: string, value: string) => string;
  /** Appending a value to a stored array (MySQL: a JSON array) in SQL. */
  appendArray: (column: string, value: string) => string;
}

const ADVICE: Record<SqlDialect, DialectAdvice> = {
  postgres: {
    upsert: '`INSERT ... ON CONFLICT`',
    insertIfAbsent: '`INSERT ... ON CONFLICT DO NOTHING`',
    duplicateError: 'error 23505',
    serializationFailure: 'error 40001',
    checkViolation: 'error 23514',
    coupleWrites: (kind) =>
      `couple them in one statement (\`WITH changed AS (${kind} ... RETURNING ...) INSERT ... SELECT ... FROM changed\`)`,
    rowBack: ' (or add RETURNING and test the row)',
    mergeJson: (column, value) => `\`SET ${column} = ${column} || ${value}::jsonb\` or \`jsonb_set(${column}, ...)\``,
    appendArray: (column, value) => `\`SET ${column} = array_append(${column}, ${value})\``,
  },
  mysql: {
    upsert: '`INSERT ... ON DUPLICATE KEY UPDATE`',
    insertIfAbsent: '`INSERT IGNORE`',
    duplicateError: 'ER_DUP_ENTRY, error 1062',
    // InnoDB's SERIALIZABLE turns the reads into shared locks: the loser of the race deadlocks.
    serializationFailure: 'a deadlock (ER_LOCK_DEADLOCK, error 1213)',
    checkViolation: 'error 3819, from MySQL 8.0.16',
    coupleWrites: () => 'lock the row first (`SELECT ... FOR UPDATE` in the transaction) and test it before both writes',
    rowBack: '',
    mergeJson: (column, value) => `\`SET ${column} = JSON_MERGE_PATCH(${column}, ${value})\` or \`JSON_SET(${column}, ...)\``,
    appendArray: (column, value) => `\`SET ${column} = JSON_ARRAY_APPEND(${column}, '$', ${value})\``,
  },
};

export function dialectAdvice(site: QuerySite): DialectAdvice {
  return ADVICE[site.sql.dialect];
}

/**
 * How a value is written in the site's SQL text, for SQL a message suggests: the library's own
 * (`?` for knex), else `${value}` in a tagged template, else `?` in MySQL text and `$1` otherwise.
 */
export function placeholder(site: QuerySite): string {
  if (site.placeholder !== undefined) return site.placeholder;
  const tagged = site.node.type === 'TaggedTemplateExpression' || site.sql.literal?.parent?.type === 'TaggedTemplateExpression';
  if (tagged) return '${value}';
  return site.sql.dialect === 'mysql' ? '?' : '$1';
}

/** Where to run statements that must share one transaction: the library's own API when it has one. */
export function inOneTransaction(site: QuerySite): string {
  return site.transactionHint !== undefined
    ? `in one transaction: use ${site.transactionHint}`
    : 'after BEGIN on the same client, before COMMIT';
}

/**
 * SQLite has no row lock (`FOR UPDATE` is a syntax error there) and one writer at a time: the fix for
 * a read and a write racing outside a transaction is to put them in one, where the stale writer fails.
 */
export function sqliteTransaction(site: QuerySite): string {
  return `run the read and the write in one transaction, which SQLite serializes (the stale writer fails with SQLITE_BUSY; retry it)${
    site.transactionHint !== undefined ? `: use ${site.transactionHint}` : ''
  }`;
}
