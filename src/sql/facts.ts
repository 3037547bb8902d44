/**
 * Statement facts: what the rest of the core knows about one SQL statement.
 *
 * They are independent of where they came from (pgsql-ast-parser, the lexical fallback, or one day a
 * query-builder adapter that has no SQL text at all), so `src/flow` and `src/checks` never look at SQL.
 * Table and column names are lower-case and unqualified (`public.Concerts` -> `concerts`) unless they
 * were quoted.
 */

export type StatementKind = 'select' | 'insert' | 'update' | 'delete' | 'merge' | 'transaction' | 'lock-table' | 'other';

export type LockStrength = 'update' | 'no key update' | 'share' | 'key share';
export type LockWait = 'wait' | 'nowait' | 'skip locked';
export type Isolation = 'serializable' | 'repeatable read' | 'read committed' | 'read uncommitted';

export type TransactionAction = 'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollback-to-savepoint' | 'set-isolation';

/** What a conjunct does to the rows a statement touches (see `predicateRole` in classify.ts). */
export type PredicateRole = 'key' | 'filter' | 'guard';

/** One AND-ed conjunct of a WHERE clause, judged by `classifyPredicate` (classify.ts). */
export interface Predicate {
  /** The column the conjunct tests, when it tests exactly one column of the target table. */
  column: string | null;
  /** `=`, `<>`, `>`, `>=`, `<`, `<=`, `is null`, `is not null`, `in`, `like`, `exists`, `other`. */
  operator: string;
  /**
   * - `key`: it aims the statement at particular rows (`id = $1`, `concert_id = 'weeknd_tour'`);
   * - `filter`: it selects a batch or a scope no concurrent writer moves rows in or out of (`c.id =
   *   fix.id`, `id IN (1, 2)`, `id LIKE 'm-%'`, `id >= $1`, `deleted_at IS NULL`);
   * - `guard`: a concurrent writer can flip it, so the statement may match 0 rows because someone else
   *   wrote first (`available_seats > 0`, `status = 'pending'`, `version = $3`, `worker_id IS NULL`).
   */
  role: PredicateRole;
  /** `role !== 'guard'`: the conjunct only identifies or selects rows. */
  isKey: boolean;
  /** `$n` parameters the conjunct uses, 1-based. */
  params: number[];
  /** The conjunct as SQL text, for messages (`available_seats > 0`). */
  text: string;
  /**
   * An `OR` of lookups (`OR: [{ email }, { username }]`): the columns each alternative compares by
   * equality, a row being found by any of them. Absent on other conjuncts.
   */
  alternatives?: string[][];
  /**
   * Built from a model or builder call, the value compared is the clock (`expiresAt: { lt: new Date() }`):
   * its text shows the code, not `now()`.
   */
  againstClock?: boolean;
}

/** One `SET column = expression` of an UPDATE (or of `ON CONFLICT DO UPDATE`). */
export interface Assignment {
  column: string;
  /**
   * - `relative`: the expression reads the column it sets (`seats = seats - 1`, `n = n + $1`);
   * - `computed`: it reads other columns or calls functions, but uses no parameter (`updated_at = now()`);
   * - `value`: it is made only of parameters and literals, an absolute value from the client
   *   (`balance = $1`).
   */
  shape: 'relative' | 'computed' | 'value';
  /**
   * The same value whatever the row and the request: literals and clock functions only
   * (`read = true`, `deleted_at = now()`, `status = 'archived'`), no column, no parameter.
   */
  constant: boolean;
  /** `$n` parameters the expression uses. */
  params: number[];
  text: string;
}

/** A data-modifying CTE (`WITH reserved AS (UPDATE ... RETURNING ...)`). */
export interface CteWrite {
  name: string;
  kind: 'insert' | 'update' | 'delete';
  table: string;
  /** Its WHERE has a guard (see Predicate.isKey). */
  guarded: boolean;
  guards: Predicate[];
  /** The main statement (or another CTE it consumes) reads this CTE: a row is only written after it. */
  consumed: boolean;
}

/**
 * An UPDATE or DELETE that picks its rows with a subquery or a CTE reading its own table by a state
 * condition: a claim in one statement (`WITH m AS (SELECT id FROM pool WHERE owner IS NULL LIMIT 1)
 * UPDATE pool SET owner = $1 WHERE id IN (SELECT id FROM m)`). Under READ COMMITTED the subquery's
 * snapshot is not read again when the row it picked turns out to be changed by a concurrent claim:
 * the UPDATE waits for that claim, then re-checks only its own WHERE, so two callers are handed the
 * same row unless the subquery locks it (`FOR UPDATE SKIP LOCKED`) or the outer WHERE re-tests the state.
 */
export interface SubqueryClaim {
  /** The table both the subquery and the outer statement name. */
  table: string;
  /** The CTE's name, or null for a subquery written in the WHERE. */
  cte: string | null;
  /** The state conditions the subquery picks by (its WHERE's guards: `owner IS NULL`). */
  guards: Predicate[];
  /** The subquery takes a row lock (`FOR UPDATE`, `FOR UPDATE SKIP LOCKED`, `FOR NO KEY UPDATE NOWAIT`, ...). */
  locked: boolean;
  /** The outer statement's WHERE re-tests a column the subquery's guards test (`... AND owner IS NULL`). */
  retested: boolean;
}

export interface StatementFacts {
  kind: StatementKind;
  /**
   * Who produced the facts: the SQL parser, the lexical fallback, or a query-builder adapter.
   * Transaction control and `LOCK TABLE` are recognised by an exact keyword grammar without the parser;
   * they count as 'parser' because nothing about them is guessed.
   */
  origin: 'parser' | 'lexical' | 'builder';
  /** This statement's normalized text. */
  text: string;
  /** Tables read anywhere in the statement (FROM, JOIN, subqueries), excluding CTE names. */
  tablesRead: string[];
  /** Tables written by the main statement and by data-modifying CTEs. */
  tablesWritten: string[];
  /** Row lock of a top-level SELECT (`FOR UPDATE`, `FOR SHARE SKIP LOCKED`, ...). */
  lock: { strength: LockStrength; wait: LockWait } | null;
  /** Conjuncts of the main statement's WHERE (SELECT, UPDATE, DELETE). */
  where: Predicate[];
  /** `SET` of an UPDATE, or of `ON CONFLICT DO UPDATE` / `ON DUPLICATE KEY UPDATE`. */
  set: Assignment[];
  /** RETURNING columns (`['*']` for `RETURNING *`), null when there is no RETURNING. */
  returning: string[] | null;
  /** `ON CONFLICT DO NOTHING` / `INSERT IGNORE` -> 'nothing'; `DO UPDATE` / `ON DUPLICATE KEY` -> 'update'. */
  onConflict: 'nothing' | 'update' | null;
  /** Where an INSERT's rows come from. */
  insertSource: 'values' | 'select' | 'default' | null;
  /** The column list of an INSERT (`INSERT INTO t (a, b)` -> `['a', 'b']`); null when it has none. */
  insertColumns: string[] | null;
  /**
   * The values an INSERT's row writes in place, by column (`status: 'pending'` -> `{ status: 'pending' }`),
   * where a query builder says them; absent otherwise. They tell which rows a partial unique index covers.
   */
  insertLiterals?: Record<string, string | number | boolean>;
  /** The other values of a builder's INSERT row that are a variable or a property (`teamId: team.id`), by column: the `$n` each is. */
  insertParams?: Record<string, number>;
  /** Data-modifying CTEs. */
  cteWrites: CteWrite[];
  /** The UPDATE or DELETE picks its rows by a state condition in a subquery or CTE on its own table. */
  subqueryClaim: SubqueryClaim | null;
  /** Top-level select-list output names (`*` for a star), lower-case. */
  selectedColumns: string[];
  /**
   * Properties of each row returned that hold rows of other tables the call loads with it, as a model
   * call names them (Sequelize `include: [{ association: 'host' }]`, `{ model: Collective, as:
   * 'collective' }`): absent when the call loads none. Prisma's relations come from the schema.
   */
  loaded?: string[];
  /** The top-level SELECT aggregates, groups or is DISTINCT: `FOR UPDATE` is not allowed on it. */
  aggregate: boolean;
  /** Calls `pg_advisory_xact_lock` ('xact'), `pg_advisory_lock`/`pg_try_advisory_lock` ('session'), `pg_advisory_unlock` ('unlock'). */
  advisoryLock: 'xact' | 'session' | 'unlock' | null;
  /** Transaction control, including `BEGIN ISOLATION LEVEL ...` and `SET TRANSACTION ISOLATION LEVEL ...`. */
  transaction: { action: TransactionAction; isolation: Isolation | null } | null;
  /** Every `$n` the statement uses, ascending. */
  params: number[];
  /**
   * For kind 'lock-table': the tables of `LOCK [TABLE] a, b IN <mode> MODE` (PostgreSQL, mode defaults
   * to 'access exclusive') or MySQL `LOCK TABLES a WRITE` (mode 'write' / 'read'); `UNLOCK TABLES` has
   * no tables and mode 'unlock'. Absent for every other kind.
   */
  lockTable?: { tables: string[]; mode: string };
  /**
   * Built from a model call whose data holds more than `set` says: a nested write of another table
   * (Prisma's `events: { create: ... }`), a JSON value written whole, a spread the adapter cannot
   * follow. What such a write stores cannot all be told from `set`.
   */
  unseenWrites?: boolean;
}

/** The result of analysing one SQL text (which may hold several statements). */
export interface SqlAnalysis {
  statements: StatementFacts[];
  /** Set when pgsql-ast-parser could not read the text and the lexical scan produced the facts. */
  parseError: string | null;
}

export type SqlDialect = 'postgres' | 'mysql';

/** The guards of a WHERE: every conjunct that does more than identify the row. */
export function guardsOf(where: readonly Predicate[], extraKeyColumns: readonly string[] = []): Predicate[] {
  return where.filter((p) => !p.isKey && !(p.column !== null && p.operator === '=' && extraKeyColumns.includes(p.column)));
}

export function isWrite(facts: StatementFacts): boolean {
  return facts.kind === 'insert' || facts.kind === 'update' || facts.kind === 'delete' || facts.kind === 'merge';
}
