/**
 * Query sites: where code runs SQL, on which connection, with which text.
 *
 * A client library is one adapter (`src/extract/libraries/<library>.ts`) implementing LibraryAdapter.
 * Nothing outside that file knows the library exists: the flow layer only sees QuerySite,
 * TransactionScope and TransactionCall.
 */
import type { TSESTree } from '@typescript-eslint/types';
import type { Isolation, SqlDialect, StatementFacts } from '../sql/facts.js';
import type { PlaceholderStyle } from '../sql/placeholders.js';
import type { FunctionNode } from './ast.js';

export type ConnectionKind = 'pool' | 'client' | 'transaction' | 'unknown';

/** SQL text as the database will see it, with every placeholder and unknown part as `$n`. */
export interface SqlText {
  text: string;
  /** The expression bound to `$n` is params[n - 1]; null where it cannot be known. */
  params: (TSESTree.Node | null)[];
  /** The literal that holds the whole text when it is written in place at the site (for fixes). */
  literal: TSESTree.StringLiteral | TSESTree.TemplateLiteral | null;
  /** Every part of the text was known statically (no unknown `${}` fragment spliced in). */
  complete: boolean;
  dialect: SqlDialect;
  /**
   * Names spliced in (as the text writes them, unquoted) whose value is made afresh for each run
   * (`` `work_${randomUUID()}` ``): tables no one else can name, so nothing on them races.
   */
  scratch?: string[];
}

export type QueryNode = TSESTree.CallExpression | TSESTree.TaggedTemplateExpression;

export interface QuerySite {
  library: string;
  /** The node that runs the query; findings are reported on it. */
  node: QueryNode;
  /**
   * The expression whose (awaited) value is the query's result. Usually `node`; for
   * ``sql`...`.execute(db)`` it is the outer call.
   */
  resultNode: TSESTree.Expression;
  /** The connection the query runs on (pool, client, transaction object, postgres.js `sql`). */
  connection: TSESTree.Expression | null;
  /**
   * The Node-style callback the library calls with `(error, result)` (`client.query(text, values, cb)`):
   * its second parameter is the result, and the call's own value is not. See src/extract/callbacks.ts.
   */
  callback?: FunctionNode | null;
  /** Set when the adapter knows the connection's kind from the call alone. */
  connectionKind?: ConnectionKind;
  /**
   * The connection is a property of `connection`, an options object the code passes on whole
   * (Sequelize `Model.create(values, options)`, `{ ...options, where }`): its name (`transaction`). The
   * analysis cannot tell the connection here; a caller that writes the object (`{ transaction }`) can.
   */
  connectionVia?: string;
  /**
   * What the call runs on when its options carry no connection (Sequelize: the pool). A called
   * function's statement is on it when its caller leaves the connection out of the options object.
   */
  connectionWhenOmitted?: ConnectionKind;
  /**
   * The connection's identity when `connection` is null: a statement a called function runs on its own
   * connection (src/flow/summaries.ts) is on no connection of the caller's.
   */
  connectionKey?: string;
  /**
   * The site stands for a statement a called function runs (src/flow/summaries.ts): `node` is the call
   * in the caller's code; this says which function runs it, in which file (null: this file), on which line,
   * the line that declares that function, and which of its parameters the statement's connection is.
   */
  derived?: {
    function: string;
    file: string | null;
    line: number;
    declaredAt: number;
    connectionParam: number | null;
    /**
     * A read the called function tests itself and leaves on when the test fails (`if (!row) throw`, `if
     * (row.status !== 'PENDING') return`): the columns those tests read ([] for a test of presence only);
     * absent when it does not, or when a test reads through a call and its columns cannot be told.
     */
    recheckedColumns?: readonly string[];
    /**
     * The called function hands back none of the row, only its own answer to whether a row was found
     * (`return !!row`, `if (exists) return { error: 'taken' }`): a caller's test of what it returns asks
     * that, whatever property it reads (`valid.error`).
     */
    answersPresence?: boolean;
    /**
     * A row count the called function hands back as it came (`return prisma.schedule.count(...)`): the
     * caller's value is the count itself, not something computed from it (`quota - count`).
     */
    countReturned?: boolean;
    /**
     * A row count the called function tests itself, leaving only when it reaches a bound (`if (count >=
     * limit) throw`), with no other test of it that leaves (src/flow/count-bounds.ts): past the call, the
     * count was below a ceiling.
     */
    capsCount?: boolean;
    /**
     * A read the called function throws on when it finds no row (`if (!row) throw new NotFound()`, or
     * `if (!row && throwIfMissing) throw` with the call setting the flag): the caller runs on only with the row.
     */
    throwsWhenMissing?: boolean;
    /**
     * The called function runs the statement on a connection of its own choosing (a module's pool, a
     * call it makes without the connection it was given), not on one its caller hands it.
     */
    ownConnection?: boolean;
    /**
     * Once the statement has run, the called function returns a value on every path (`return
     * respond('canceled')`), and on no path without it (it returns nothing, or falls off its end): a
     * caller that leaves on that answer (`if (response) return response`) goes on only when it did not run.
     */
    answersWhenRun?: boolean;
    /**
     * Once the statement has run, the called function leaves by throwing on every path (`catch (error) {
     * await markDisconnected(id); throw error; }`): nothing the caller does after the call runs after the
     * statement, unless the caller catches the error.
     */
    throwsAfter?: boolean;
    /**
     * The called function, or one it calls, tests the statement's affected-row count (`if
     * (updated.count === 0) return`, `if (claim.count > 0) await send()`): what to do when it matched
     * nothing was decided there.
     */
    countTested?: boolean;
    /**
     * An UPDATE or DELETE aimed at a row the called function finds from some of its parameters (a row it
     * reads itself by `params.memberId`): the caller's arguments for those, and the property read of
     * each (src/flow/row-keys.ts). Absent when that cannot be told.
     */
    rowKeyArguments?: readonly { of: TSESTree.Expression; property: string | null }[];
    /**
     * An UPDATE or DELETE: the caller's arguments every key value of its WHERE comes from, whether the
     * called function finds the row itself or is handed its key, and the property read of each
     * (src/flow/row-keys.ts `keyOrigins`). Absent when that cannot be told.
     */
    keyArguments?: readonly { of: TSESTree.Expression; property: string | null }[];
    /**
     * An UPDATE or DELETE whose every key value is an element of a list the caller hands in (`where: {
     * id: linkId }` in `linkIds.map((linkId) => ...)`, `id: { in: linkIds }`): the caller's argument for
     * that list, and the property read of it. Given an empty list, the statement names no row
     * (src/flow/row-keys.ts).
     */
    rowsOfArgument?: { of: TSESTree.Expression; property: string | null };
    /**
     * The called function does nothing the analysis does not see: every call it makes is a statement,
     * a call of such a function, or one that only reads, takes away, logs, computes or answers
     * (src/flow/outside-calls.ts). Absent when it may email, charge, queue or call anything else.
     */
    effectsSeen?: boolean;
    /** An UPDATE that stores a recount the called function made (src/flow/recounts.ts). */
    recount?: boolean;
  };
  /**
   * The statement as SQL text. For a model or query-builder call (`built` set) there is no SQL: `text`
   * is the call as the user wrote it (`prisma.product.update`), for messages and fingerprints, and
   * `params[n - 1]` is the expression the built facts' `$n` stand for (a `where` value, a `data` value).
   */
  sql: SqlText;
  /**
   * Statement facts built by the adapter from a model or query-builder call (Prisma `update`, knex
   * `.where().update()`), origin 'builder': the SQL layer is not asked, and the checks see the same
   * facts they would for the SQL the library sends.
   */
  built?: StatementFacts[];
  /** The library drops the result, so the affected count cannot be read (pg-promise `none`). */
  resultDiscarded?: boolean;
  /**
   * The call makes a query builder's value (a knex select chain), which runs only where it is awaited: a
   * function that returns it unawaited hands the query to its caller, who may add to it and run another.
   */
  builder?: boolean;
  /**
   * The library rejects when the statement returns no row (pg-promise `one`/`many`, slonik
   * `one`/`oneFirst`/`many`), so code after it runs only when a row came back: the count is checked.
   */
  rowsRequired?: boolean;
  /** A call of a summarised function: the statement it runs rejects when it matches no row, and the function lets the error out. */
  throwsWhenNoRow?: boolean;
  /**
   * The library resolves to the value of the first selected column, not to rows (slonik `oneFirst`,
   * `maybeOneFirst`, `manyFirst`, `anyFirst`): a test of the value reads that column.
   */
  firstColumn?: boolean;
  /** The value the call resolves to is this column of the row (a function returning `rows[0].stock`). */
  resultColumn?: string;
  /**
   * For a derived site, where `$n` is a property of a parameter of the called function (`where: { id:
   * environment.id }`): the caller's argument for that parameter and the property (`params[n - 1]` is
   * null there, as no expression of the caller's is the value itself).
   */
  paramProperties?: ({ of: TSESTree.Expression; property: string } | null)[];
  /**
   * The value the call resolves to is an object holding the row itself under these properties (a function
   * returning `{ row, pageData }` where `row` is the row read): `resolved.row.unsubscribedAt` reads the
   * column `unsubscribedAt`, not `row`.
   */
  rowProperties?: readonly string[];
  /**
   * Properties the object the call resolves to (see `rowProperties`) holds a constant under in every
   * return (`{ status: 'missing' }`, `{ status: 'visible', schedule: row }`): the function's own answer,
   * decided by its own tests of the row, not a column of it.
   */
  answerProperties?: readonly string[];
  /**
   * The row lock names a transaction the call does not join (Sequelize `{ lock: t.LOCK.UPDATE }` without
   * `transaction: t`): the name of that transaction, for the message.
   */
  lockNamesTransaction?: string;
  /** The called function runs the statement in a `try` whose `catch` handles a unique violation (a derived site). */
  uniqueViolationCaught?: boolean;
  /**
   * A write a called function runs in a `catch` that throws again, undoing what was written to the same
   * table before the failure (src/flow/compensation.ts): it runs only when a later step failed.
   */
  compensation?: boolean;
  /**
   * A builder INSERT's row or rows as the code passes them (Prisma `data`,
   * Sequelize `create(values)` / `bulkCreate(rows)`, knex `.insert(rows)`): the values each new row takes.
   */
  insertedRows?: TSESTree.Node;
  /**
   * Rows the statement's transaction inserted before it ran, as the code holds them: the instance a
   * Sequelize `afterCreate` hook receives, when the statement runs on the hook's `options.transaction`.
   */
  createdBefore?: TSESTree.Identifier[];
  /** How this library's result reports affected rows, for messages (`result.rowCount`). */
  countHint: string;
  /** How this library runs a transaction on one connection, for messages (`knex.transaction(async (trx) => ...)`). */
  transactionHint?: string;
  /** How this library writes a value in SQL text, for SQL suggested in messages (`?`); see src/checks/advice.ts. */
  placeholder?: string;
  /**
   * A model or builder API's own words (calls with no SQL text: Prisma, Sequelize and TypeORM models,
   * knex, kysely and drizzle builders): messages name the model or table and its fields as the code
   * writes them and give the fix in the library's API.
   */
  model?: ModelWords;
}

/**
 * How a library fixes each race, in its own API, for messages on its model and builder calls;
 * `{field}` stands for the field written.
 */
export interface LibraryFixes {
  /** How to keep the row from changing between the read and the write (a library without a lock API says so). */
  lock: string;
  /** How to make the write re-test what the code tested, and check that it matched; `{atomic}` is where `atomic` goes. */
  conditional: string;
  /** How to make a change of a quantity atomic (`{ decrement: n }`), said when the test compares a quantity. */
  atomic: string;
  /** How to write `{field}` relative to the stored value. */
  relative: string;
  /** How to re-test a version and check the write matched. */
  version: string;
  /** How to create a row only once when a check looked for it first. */
  createOnce: string;
}

/** What a message says about a model or builder call, in the library's language. */
export interface ModelWords extends LibraryFixes {
  /** The model or table as the code names it (`product` in `prisma.product.update`, `accounts` in `db('accounts')`). */
  name: string;
  /** The call's receiver and model, for messages (`prisma.product`, `Product`, `accounts`). */
  display: string;
  /** Fields as the code writes them, by column (`available_seats` -> `availableSeats`). */
  fields: Readonly<Record<string, string>>;
}

/**
 * The function a library's transaction method runs in the transaction: written out (`async (tx) =>
 * ...`), or a parameter of the function around the call, handed on whole (`withTx(fn) { return
 * db.transaction(fn) }`): that function is then a transaction helper (src/flow/summaries.ts).
 */
export type TransactionCallback = TSESTree.ArrowFunctionExpression | TSESTree.FunctionExpression | TSESTree.Identifier;

/** A transaction opened by a callback API: `pool.transaction(async (tx) => ...)`. */
export interface TransactionScope {
  library: string;
  node: TSESTree.CallExpression;
  callback: TransactionCallback;
  /** The callback parameter that is the transaction connection (null when it takes none, or is a name handed on). */
  connectionParam: TSESTree.Parameter | null;
  /** The connection the transaction was opened on. */
  outer: TSESTree.Expression | null;
  isolation: Isolation | null;
}

/** Method-style transaction control: `conn.beginTransaction()`, `queryRunner.commitTransaction()`. */
export interface TransactionCall {
  library: string;
  node: TSESTree.CallExpression;
  connection: TSESTree.Expression;
  action: 'begin' | 'commit' | 'rollback';
  isolation: Isolation | null;
}

/** What an identifier resolves to. */
export interface Definition {
  kind: 'variable' | 'parameter' | 'import' | 'function' | 'class' | 'other';
  /** The declared name node. */
  name: TSESTree.Identifier;
  /** For `const x = init` (and destructuring: the whole init). */
  init: TSESTree.Expression | null;
  /** `const`, `let`, `var` for variables. */
  declarationKind: 'const' | 'let' | 'var' | null;
  /** For imports: module specifier and imported name ('default', '*' or the export name). */
  importFrom: { module: string; imported: string } | null;
  /** The type annotation written on the declaration, if any (`client: PoolClient`). */
  typeAnnotation: TSESTree.TypeNode | null;
  /** The declaring node (VariableDeclarator, function, ImportSpecifier, ...). */
  node: TSESTree.Node;
}

/** Services the extractor offers adapters. */
export interface ExtractContext {
  /** Resolve an identifier to its definition (scope-aware); null for globals and unknown names. */
  resolve(id: TSESTree.Identifier): Definition | null;
  /** The module and export a name was imported from, following `const { Pool } = pg` and namespaces. */
  importOf(node: TSESTree.Expression): { module: string; path: string[] } | null;
  /** Whether the file imports (or requires) this module. */
  imports(module: string): boolean;
  /** Evaluate an expression to SQL text: literals, templates (holes -> `$n`), consts, concatenation. */
  sqlText(node: TSESTree.Node, style: PlaceholderStyle, dialect: SqlDialect, values?: TSESTree.Node | null): SqlText | null;
  /** Follow identifiers to the expression that produced a value (`const c = await pool.connect()` -> the call). */
  origin(node: TSESTree.Expression): TSESTree.Expression;
  /** The connection kind of an expression, as far as every adapter can tell. */
  connectionKind(node: TSESTree.Expression): ConnectionKind;
  /** The method name of `x.m(...)` / `x['m'](...)`, or the name of a called identifier. */
  calleeName(node: TSESTree.CallExpression): string | null;
  /** The object of a `x.m(...)` call. */
  calleeObject(node: TSESTree.CallExpression): TSESTree.Expression | null;
}

/** A test of a file's whole text (a RegExp is one). */
export interface TextTest {
  test(text: string): boolean;
}

export interface LibraryAdapter {
  /** Same as the file name: `pg`, `postgres`, `knex`, ... */
  name: string;
  /** Module specifiers whose import or require activates the adapter for a file. */
  modules: readonly string[];
  /**
   * What a file's text must match to hold this library's model or builder calls (no SQL text of
   * their own): the pre-scan admits such a file (see src/extract/prescan.ts). Keep it specific — it
   * decides which files are parsed at all — and cheap: it runs on every file (`allOf`/`anyOf` in the
   * adapter kit put a cheap necessary test before a costly one).
   */
  hints?: TextTest;
  /** The library's own way to run statements in one transaction, named in messages. */
  transactionHint?: string;
  /**
   * How the library writes a value in SQL text, for SQL suggested in messages, when it is not what
   * the text's shape says (`${value}` in a tagged template, else `?` for MySQL, `$1` for PostgreSQL).
   */
  placeholder?: string;
  /**
   * Whether the adapter also applies to files that do not import its modules (a client passed in from
   * another file). Only the node-postgres adapter does: `x.query('SQL', ...)` is its shape.
   */
  fallback?: boolean;
  /** The connection kind an expression produces (`new Pool()` -> pool, `await pool.connect()` -> client). */
  connectionFromExpression?(node: TSESTree.Expression, ctx: ExtractContext): ConnectionKind | null;
  /** The connection kind of a declared type name (`PoolClient` -> client). */
  connectionFromTypeName?(name: string): ConnectionKind | null;
  matchQuery(node: QueryNode, ctx: ExtractContext): QuerySite | null;
  matchTransaction?(node: TSESTree.CallExpression, ctx: ExtractContext): TransactionScope | null;
  matchTransactionCall?(node: TSESTree.CallExpression, ctx: ExtractContext): TransactionCall | null;
}

export interface Extraction {
  sites: QuerySite[];
  transactions: TransactionScope[];
  transactionCalls: TransactionCall[];
}
