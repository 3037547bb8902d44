/** What several checks ask of a step: is it a protected read, is its count checked, does a test guard a write. */
import type { TSESTree } from '@typescript-eslint/types';
import {
  contains,
  enclosingFunction,
  inExclusiveBranches,
  isFunction,
  leavesBefore,
  propertyName,
  startedTogether,
  walk,
} from '../extract/ast.js';
import { guardsOf, isWrite, type Predicate } from '../sql/facts.js';
import { columnName, isKeyColumn } from '../sql/keys.js';
import type { Step, Unit } from '../flow/index.js';
import { dependsOn } from '../flow/results.js';
import { determinedByRead } from '../flow/provenance.js';
import { caughtAround } from '../flow/summaries.js';
import { isResponseCall, reportsAfter } from '../flow/answers.js';

export { isResponseCall, reportsAfter };
import type { Resolver } from '../extract/scope.js';
import { coveringKey, declaresKeys, tableDatabase, type Schema } from '../schema/index.js';
import type { CheckOptions, Finding, MessageIds, RelatedLocation, RuleId, Suggestion } from './types.js';

export interface CheckInput {
  units: readonly Unit[];
  resolver: Resolver;
  options: CheckOptions;
  /** The schema the project declares (empty when none was found): keys, CHECK bounds, column types. */
  schema: Schema;
}

export function line(node: TSESTree.Node): string {
  return String(node.loc.start.line);
}

/**
 * The step is a statement a called function runs on its own connection (a module-level pool, `this.db`):
 * what it does alone (a BEGIN on a pool, a lock, an unchecked count it does not return) is reported once,
 * in that function, not again at every call.
 */
export function reportedInCallee(step: Step): boolean {
  return step.site.derived !== undefined && (step.site.connection === null || step.site.resultDiscarded === true);
}

/** A plain read: a SELECT that is not an advisory-lock call. */
export function isRead(step: Step): boolean {
  return (
    step.facts.kind === 'select' &&
    step.facts.advisoryLock === null &&
    step.facts.tablesRead.length > 0 &&
    !step.facts.tablesRead.every(isMigrationBookkeeping)
  );
}

/**
 * Tables only a migration runner writes (`schema_version`, `knex_migrations`, `_prisma_migrations`):
 * reading the version and writing the next one is the runner's job, done once at start-up, alone.
 */
const MIGRATION_TABLES =
  /^(?:schema|schema_?versions?|schema_migrations|schema_info|migrations?|migration_?versions?|knex_migrations|typeorm_migrations|sequelizemeta|_prisma_migrations|pgmigrations|kysely_migration|__drizzle_migrations|flyway_schema_history)$/i;

export function isMigrationBookkeeping(table: string): boolean {
  return MIGRATION_TABLES.test(table);
}

/**
 * Why a read cannot race with a later write, if it cannot: both run in one transaction on one
 * connection and that transaction locked the rows read, is SERIALIZABLE (or REPEATABLE READ, where
 * PostgreSQL refuses to overwrite a row changed since the snapshot), runs on SQLite (see `onSqlite`), or holds a lock that serializes
 * everyone (an advisory lock, LOCK TABLE) from the read to the write. Where the read's transaction state
 * is unknown (a client handed in), a row lock is trusted: the caller's transaction may hold it. A
 * `FOR UPDATE` known to run outside any transaction is no-lock-outside-transaction's finding, so it
 * also counts as handled here.
 */
export function readProtection(read: Step, write: Step, acceptRepeatableRead: boolean, schema: Schema): string | null {
  const { transaction, facts } = read;
  if (facts.lock && transaction.state !== 'open') return 'row lock';
  const together = write.connection.key === read.connection.key && write.transaction.id === transaction.id && transaction.state !== 'none';
  if (together && facts.lock) return 'row lock';
  if (together && transaction.isolation === 'serializable') return 'serializable';
  if (together && transaction.state === 'open' && onSqlite(read, schema) && onSqlite(write, schema)) return 'serializable';
  // PostgreSQL refuses to update a row changed since the snapshot; MySQL's REPEATABLE READ does not.
  if (together && acceptRepeatableRead && transaction.isolation === 'repeatable read' && read.site.sql.dialect === 'postgres')
    return 'repeatable read';
  const lock = appLockAround(read.site.node);
  if (lock !== null && lock === appLockAround(write.site.node)) return 'app lock';
  const held =
    write.connection.key === read.connection.key &&
    transaction.serializedBy !== null &&
    write.transaction.serializedBy === transaction.serializedBy;
  return held ? transaction.serializedBy : null;
}

/**
 * The statement runs on SQLite as far as the project's schema says: every table it names is declared
 * for SQLite alone (drizzle's `sqliteTable`, a Prisma datasource with `provider = "sqlite"`). SQLite has
 * one writer at a time, so a transaction there is serializable: one that read a row and writes after
 * another writer committed fails (SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT in WAL mode) instead of writing
 * over the change. Two statements outside a transaction still interleave with other requests.
 */
export function onSqlite(step: Step, schema: Schema): boolean {
  const tables = [...step.facts.tablesRead, ...step.facts.tablesWritten];
  return tables.length > 0 && tables.every((table) => tableDatabase(schema, table) === 'sqlite');
}

/**
 * The call of an application-level lock whose callback the node runs in: `lockExpense(id, async () =>
 * ...)`, `order.lock(async () => ...)`, `lockUntilResolved(key, fn)`, `withLock(...)`, `mutex.runExclusive(fn)`,
 * `redlock.using(keys, ttl, fn)`, `lock.acquire(key, fn)`. The application serializes what runs in it
 * (a flag row, Redis, an in-process mutex): two requests for the same key do not interleave there.
 */
export function appLockAround(node: TSESTree.Node): TSESTree.Node | null {
  for (let child = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (runsInLockCall(child, parent)) return parent;
    if (parent.type === 'MethodDefinition' && parent.value === child && calledOnlyUnderLock(parent)) return parent;
  }
  return null;
}

/** `child` is a function handed to `parent`, a call of an application-level lock. */
function runsInLockCall(child: TSESTree.Node, parent: TSESTree.Node): parent is TSESTree.CallExpression {
  return (
    parent.type === 'CallExpression' && isFunction(child) && parent.arguments.includes(child as TSESTree.Expression) && isLockCall(parent)
  );
}

/**
 * A private method (`private async refresh()`, `#refresh()`) that every reference in its class calls
 * inside an application lock's callback (`this.withRefreshLock(key, () => this.refresh(id))`): only
 * its class can call it, so its body always runs under that lock.
 */
function calledOnlyUnderLock(method: TSESTree.MethodDefinition): boolean {
  const key = method.key;
  if (method.computed || method.static || method.kind !== 'method') return false;
  if (key.type !== 'PrivateIdentifier' && !(key.type === 'Identifier' && method.accessibility === 'private')) return false;
  const body = method.parent;
  let calls = 0;
  let other = false;
  walk(body, (node) => {
    if (other) return false;
    if (node.type !== 'MemberExpression' || node.object.type !== 'ThisExpression' || node.property.type !== key.type) return true;
    if ((node.property as TSESTree.Identifier | TSESTree.PrivateIdentifier).name !== key.name || node.computed) return true;
    const call = node.parent;
    if (call.type === 'CallExpression' && call.callee === node && lockCallAround(call) !== null) calls++;
    else other = true;
    return true;
  });
  return calls > 0 && !other;
}

/** The lock call whose callback the node is written in, if any. */
function lockCallAround(node: TSESTree.Node): TSESTree.CallExpression | null {
  for (let child = node, parent = node.parent; parent; child = parent, parent = parent.parent)
    if (runsInLockCall(child, parent)) return parent;
  return null;
}

/** Words of a name that say it takes a lock: `lock`, `locked`, `mutex`, `semaphore`, `exclusive` (camelCase or snake_case parts). */
const LOCK_WORD = /^(?:lock|locked|locking|mutex|semaphore|exclusive|exclusively|redlock)$/;
/** What a lock object's method is called to run a function under it. */
const LOCK_RUN = /^(?:acquire|using|run|runExclusive|withLock|lock)$/;

function isLockCall(call: TSESTree.CallExpression): boolean {
  const callee = call.callee.type === 'ChainExpression' ? call.callee.expression : call.callee;
  const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? propertyName(callee) : null;
  if (name === null) return false;
  if (nameWords(name).some((w) => LOCK_WORD.test(w))) return true;
  if (callee.type !== 'MemberExpression' || !LOCK_RUN.test(name)) return false;
  const object =
    callee.object.type === 'MemberExpression'
      ? propertyName(callee.object)
      : callee.object.type === 'Identifier'
        ? callee.object.name
        : null;
  return object !== null && nameWords(object).some((w) => LOCK_WORD.test(w));
}

function nameWords(name: string): string[] {
  return name
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .split(/[\s_$]+/)
    .map((w) => w.toLowerCase())
    .filter((w) => w.length > 0);
}

/** Guards of a write on one table: its own WHERE, or that of the data-modifying CTE that writes it. */
export function guardsOn(write: Step, table: string, options: CheckOptions): Predicate[] {
  const cte = write.facts.cteWrites.find((c) => c.table === table);
  if (cte && write.facts.tablesWritten[0] !== table) return guardsOf(cte.guards, options.keyColumns ?? []);
  return guards(write, options);
}

/** What the write does to one table: its own kind, or that of the data-modifying CTE that writes it. */
export function kindOn(write: Step, table: string): string {
  const cte = write.facts.cteWrites.find((c) => c.table === table);
  return cte && write.facts.tablesWritten[0] !== table ? cte.kind : write.facts.kind;
}

/**
 * An INSERT into an audit table only (`audit_log`, `auditLogs`): it records what the request did (the
 * state written, the email sent), and decides nothing. Two requests leave two entries, which is no
 * double-applied act (an activity or history table can drive notifications, and is not this).
 */
export function auditsOnly(step: Step): boolean {
  return step.facts.kind === 'insert' && step.facts.tablesWritten.length > 0 && step.facts.tablesWritten.every((t) => /audit/i.test(t));
}

/**
 * Both statements run inside one call of a summarised function, on that function's own connection
 * (a module-level client, `this.prisma`): the guarded UPDATE and the INSERT after it are the callee's
 * code, and the callee's own analysis reports them where they are written. Reporting them again at
 * every call adds nothing the caller wrote (on inbox-zero one helper's UPDATE and INSERT were reported
 * at 59 call sites). A connection the caller hands in is another matter: the caller decides whether
 * the two share a transaction. (A read and its write inside one call never pair at the caller: the
 * caller's test cannot sit between them.)
 */
export function insideOneCall(a: Step, b: Step): boolean {
  return a.site.node === b.site.node && a.site.derived?.ownConnection === true && b.site.derived?.ownConnection === true;
}

/**
 * The writes that can run after the step in one run of the unit: not those of an exclusive branch, nor
 * those a `return` or `throw` after the step leaves behind (`await refund(); return;`, then more writes).
 */
export function laterWrites(unit: Unit, after: Step): Step[] {
  // The called function always throws once the statement ran: the caller's code after the call does not
  // run after it, unless the caller catches the error.
  if (after.site.derived?.throwsAfter === true && !caughtAround(unit.node, after.site.node)) return [];
  const answer = after.site.derived?.answersWhenRun === true ? leavesOnAnswer(after.site.node) : null;
  return unit.steps.filter(
    (s) =>
      s.index > after.index &&
      isWrite(s.facts) &&
      !inExclusiveBranches(after.site.node, s.site.node) &&
      !leavesBefore(after.site.node, s.site.node) &&
      !(answer !== null && s.site.node.range[0] > answer.range[1] && contains(answer.parent ?? answer, s.site.node)),
  );
}

/**
 * `const response = await cancelIfInvalid(campaign); if (response) return response;`: the statement that
 * leaves when the call's answer is a value. Past it, a statement after which the called function always
 * answers (`derived.answersWhenRun`) has not run.
 */
function leavesOnAnswer(call: TSESTree.Node): TSESTree.IfStatement | null {
  let node = call;
  if (node.parent?.type === 'AwaitExpression') node = node.parent;
  const declarator = node.parent;
  if (declarator?.type !== 'VariableDeclarator' || declarator.init !== node || declarator.id.type !== 'Identifier') return null;
  const name = declarator.id.name;
  const declaration = declarator.parent;
  const block = declaration?.parent;
  if (!declaration || block?.type !== 'BlockStatement') return null;
  for (const next of block.body.slice(block.body.indexOf(declaration as TSESTree.Statement) + 1)) {
    if (next.type !== 'IfStatement' || next.alternate !== null) continue;
    if (next.test.type !== 'Identifier' || next.test.name !== name) continue;
    const exit = next.consequent.type === 'BlockStatement' ? next.consequent.body.at(-1) : next.consequent;
    if (exit?.type === 'ReturnStatement' || exit?.type === 'ThrowStatement') return next;
  }
  return null;
}

export function sharedTable(read: Step, write: Step): string | null {
  return write.facts.tablesWritten.find((t) => read.facts.tablesRead.includes(t)) ?? null;
}

/**
 * The write's WHERE re-tests a value the read returned (`version = $3` with `$3` from the read). An
 * equality on a column the write itself sets is a compare-and-swap whatever the column's name
 * (`WHERE alert_types = $old ... SET alert_types = $new`, Prisma's `alertTypes: { equals: channel.alertTypes }`):
 * a concurrent change of it makes the write match no row.
 */
export function retestsReadValue(read: Step, write: Step, resolver: Resolver): boolean {
  const assigned = new Set(write.facts.set.map((a) => a.column));
  return write.facts.where.some(
    (p) =>
      (!p.isKey || (p.operator === '=' && p.column !== null && assigned.has(p.column))) &&
      p.params.some((n) => dependsOn(write.site.sql.params[n - 1] ?? null, read.result, resolver)),
  );
}

/** Its affected-row count reaches code that can act on it. */
export function countChecked(step: Step): boolean {
  // A called function tested it, and decided there what to do when it matched nothing.
  if (step.site.derived?.countTested === true) return true;
  const { result } = step;
  if (result.discarded || !step.lastInSite) return false;
  return result.tests.length > 0 || result.returned || result.handedOff;
}

export function guards(step: Step, options: CheckOptions): Predicate[] {
  if (step.facts.kind !== 'update' && step.facts.kind !== 'delete') return [];
  return guardsOf(step.facts.where, options.keyColumns ?? []);
}

/** `expires_at < now()`, `now() > created_at + interval '1 day'`: a DELETE of what expired is housekeeping. */
const EXPIRED = /^\s*[\w."]+\s*<=?\s*(?:now\b|current_|localtimestamp|clock_timestamp)|(?:now\s*\(\s*\)|current_\w+|localtimestamp)\s*>=?/i;

/** A DELETE's guard on what expired: `expires_at < now()`, or a model API's `expiresAt: { lt: new Date() }`. */
function expired(p: Predicate): boolean {
  return EXPIRED.test(p.text) || (p.againstClock === true && (p.operator === '<' || p.operator === '<='));
}

/**
 * The write is aimed at one row, so 0 rows means someone else changed it first. A key-named column or a
 * key equality with a value passed in (`sku = $1`) identifies a row; with the table in the declared
 * schema, the columns compared by equality must cover its primary or a unique key. Without a schema, a
 * foreign key alone (`program_id = $1`, `userId`) selects a scope of many rows (a bulk `updateMany` of a
 * program's campaigns, where 0 rows is normal), unless it is the table's own key (`concert_id` on
 * `concerts`) or another equality narrows it to a row (`doctor_id = $1 AND starts_at = $2`).
 */
function aimsAtOneRow(facts: Step['facts'], schema: Schema, keys: readonly string[]): boolean {
  const aimed = facts.where
    .filter((p) => p.role === 'key' && p.column !== null && (isKeyColumn(p.column) || p.params.length > 0))
    .map((p) => p.column!);
  if (aimed.length === 0) return false;
  if (aimed.some((c) => keys.includes(c))) return true;
  const equal = [
    ...new Set(
      facts.where
        .filter((p) => p.operator === '=' && p.column !== null && (p.params.length > 0 || isKeyColumn(p.column)))
        .map((p) => p.column!),
    ),
  ];
  const table = facts.tablesWritten[0];
  if (table !== undefined && declaresKeys(schema, table)) return coveringKey(schema, table, equal) !== null;
  return aimed.some((c) => !FOREIGN_KEY.test(columnName(c)) || ownKey(columnName(c), table)) || equal.length >= 2;
}

/** `program_id`, `user_uuid` (and `userId`, as columnName writes it): a reference to another table's row. */
const FOREIGN_KEY = /^.+_(?:id|uuid|guid)$/;

/** `concert_id` on `concerts`, `category_id` on `categories`, `order_id` on `shop_orders`: the table's own key, named after it. */
export function ownKey(column: string, table: string | undefined): boolean {
  if (table === undefined) return false;
  const name = columnName(table.split('.').at(-1)!.replace(/"/g, ''));
  const stem = column.replace(/_(?:id|uuid|guid)$/, '');
  const singular = name.endsWith('ies') ? `${name.slice(0, -3)}y` : name.replace(/(?<=[sx])es$|s$/, '');
  return stem === name || stem === singular || singular.endsWith(`_${stem}`);
}

/**
 * The guards of a write that is a claim, whose outcome the caller needs (empty when it is not one):
 * an UPDATE that changes what it tests (compare-and-set: `SET seats = seats - 1 WHERE seats > 0`,
 * `SET worker_id = $1 WHERE worker_id IS NULL`, `SET version = version + 1 WHERE version = $3`), or
 * a DELETE under a condition on the row's state (`AND expires_at > now()`); either aimed at
 * particular rows by a key (`id = $1`, `sku = $2`: a predicate of role 'key'). A bulk UPDATE of a
 * migration (`WHERE name LIKE '%:admin'`), a batch by id range or constant id list, a join condition,
 * a scope an UPDATE does not set (`SET a = 1 WHERE id = $1 AND entity_urn IS NULL`), or a cleanup of
 * what expired (`expires_at < now()`) is not a claim.
 */
export function claimGuards(step: Step, options: CheckOptions, schema: Schema): Predicate[] {
  const { facts } = step;
  const keys = options.keyColumns ?? [];
  if (!aimsAtOneRow(facts, schema, keys)) return [];
  const stateGuards = guardsOf(facts.where, keys).filter((p) => p.column !== null);
  if (facts.kind === 'delete') {
    const key = deletedByKey(facts, schema);
    return stateGuards.filter((p) => !expired(p) && !(key !== null && p.operator === '=' && key.has(columnName(p.column!))));
  }
  if (facts.kind !== 'update') return [];
  const assigned = new Set(facts.set.map((a) => a.column));
  const released = releasedByValue(facts);
  const tested = facts.where.filter(
    // `SET folder_id = NULL WHERE folder_id IN (...)` clears references to rows by their keys: no claim.
    (p) =>
      p.column !== null &&
      assigned.has(p.column) &&
      !((p.operator === '=' || p.operator === 'in') && (isKeyColumn(p.column) || keys.includes(p.column))) &&
      !(p.operator === '=' && released.has(p.column)),
  );
  return tested.length === 0
    ? []
    : [...new Set([...stateGuards, ...tested])].sort((a, b) => facts.where.indexOf(a) - facts.where.indexOf(b));
}

/**
 * The columns an UPDATE empties (`SET token = NULL`) when it finds its rows by those columns' values
 * alone and leaves one holder out (`WHERE token = $1 AND NOT user_id = $2`): it takes a value back
 * from whichever other row holds it, before giving it to the one left out. 0 rows means no other row
 * held it, not that someone else got there first. Empty when another condition aims at the row (`id =
 * $1 AND owner = $2`), or when no holder is left out: `SET reset_token = NULL WHERE reset_token = $1`
 * uses the token up, and its 0 rows means someone else used it first.
 */
function releasedByValue(facts: Step['facts']): Set<string> {
  const cleared = new Set(facts.set.filter((a) => a.constant && NULL_VALUE.test(a.text)).map((a) => a.column));
  const aimedElsewhere = facts.where.some((p) => p.role === 'key' && (p.column === null || !cleared.has(p.column)));
  const leavesOneOut = facts.where.some(
    (p) => p.operator === '<>' || p.operator === 'not in' || (p.operator === 'other' && /^NOT\b/i.test(p.text)),
  );
  return aimedElsewhere || !leavesOneOut ? new Set() : cleared;
}

/** The SQL `col = NULL` or a model API's `col: null`. */
const NULL_VALUE = /(?:=|:)\s*null\s*$/i;

/**
 * The columns of the declared primary or unique key a DELETE names in full by equality (`WHERE feature
 * = $1 AND stage = $2` on `PRIMARY KEY (feature, stage)`): it removes that one row, and a column of the
 * key is its identity there, whatever its name (`stage`, `version`). 0 rows means the row is gone
 * already. A condition on another column (`AND active = true`) is still a guard.
 */
function deletedByKey(facts: Step['facts'], schema: Schema): Set<string> | null {
  const table = facts.tablesWritten[0];
  if (table === undefined || !declaresKeys(schema, table)) return null;
  const equal = facts.where.filter((p) => p.operator === '=' && p.column !== null).map((p) => p.column!);
  const key = coveringKey(schema, table, equal);
  return key === null ? null : new Set(key.columns.map(columnName));
}

export function guardText(predicates: readonly Predicate[]): string {
  return predicates.map((p) => p.text).join(' AND ');
}

/** Code that runs once the step's result is there: after the query, or inside its Node-style callback. */
export function seesResult(step: Step, node: TSESTree.Node): boolean {
  return (
    node.range[0] >= step.site.node.range[1] ||
    (step.site.callback != null && contains(step.site.callback, node)) ||
    // A condition with the query in it (`if ((await getStock(id)) < 1)`) is evaluated once it resolves.
    (node !== step.site.node && contains(node, step.site.node) && step.result.tests.includes(node))
  );
}

/**
 * Whether the condition `test` decides if `target` runs: target is inside it, or it exits early. A
 * `return` (or `break`, `continue`) in a callback (`sequelize.transaction(async (t) => { if (...) return;
 * ... })`) leaves only that callback: what runs after the call runs either way, so only a `throw` there
 * decides it.
 */
export function controls(test: TSESTree.Node, target: TSESTree.Node): boolean {
  if (test.range[0] >= target.range[0]) return false;
  if (contains(test, target)) return true;
  if (inExclusiveBranches(test, target) || startedTogether(test, target)) return false;
  switch (test.type) {
    case 'IfStatement': {
      const throwsOnly = !sameFunction(test, target);
      return exits(test.consequent, throwsOnly) || (test.alternate !== null && exits(test.alternate, throwsOnly));
    }
    case 'CallExpression': // assert(...) throws
      return true;
    default:
      return false;
  }
}

/** The function `test` is written in also holds `target` (or both are at the top level). */
function sameFunction(test: TSESTree.Node, target: TSESTree.Node): boolean {
  const fn = enclosingFunction(test);
  return fn === null || contains(fn, target);
}

function exits(block: TSESTree.Node, throwsOnly = false): boolean {
  let found = false;
  walk(block, (node) => {
    if (found || isFunction(node)) return false;
    if (
      node.type === 'ThrowStatement' ||
      (!throwsOnly && (node.type === 'ReturnStatement' || node.type === 'BreakStatement' || node.type === 'ContinueStatement'))
    ) {
      found = true;
      return false;
    }
    return true;
  });
  return found;
}

export function upper(kind: string): string {
  return kind.toUpperCase();
}

export function firstTable(tables: readonly string[]): string {
  return tables[0] ?? 'the table';
}

/** A finding reported on a step's query site, in the unit it was found in. */
export function findingAt<R extends RuleId>(
  unit: Unit,
  step: Step,
  ruleId: R,
  messageId: MessageIds[R],
  data: Record<string, string>,
  related: RelatedLocation[] = [],
  suggestions: Suggestion<MessageIds[R]>[] = [],
): Finding<R> {
  return {
    ruleId,
    messageId,
    data,
    node: step.site.node,
    related,
    suggestions,
    functionName: unit.name,
    sql: step.facts.text,
  } as Finding<R>;
}

/** `line 6`, `lines 6 and 9`, `lines 6, 9 and 12`: where the steps of an act are, for messages. */
export function lines(steps: readonly Step[]): string {
  return linesOf(steps.map((s) => s.site.node)) + elsewhere(steps);
}

/** The line of a step, and where its statement is when a called function runs it. */
export function stepLine(step: Step): string {
  return line(step.site.node) + elsewhere([step]);
}

/**
 * ` (in getVoucher, vouchers.ts:5)` for statements that called functions run: the finding is reported
 * on the call, and the message says where the SQL is.
 */
function elsewhere(steps: readonly Step[]): string {
  const places = [
    ...new Set(
      steps.flatMap((s) => {
        const d = s.site.derived;
        if (!d) return [];
        return [`${d.function}, ${d.file !== null ? `${d.file.split(/[\\/]/).at(-1)}:` : 'line '}${d.line}`];
      }),
    ),
  ];
  return places.length === 0 ? '' : ` (in ${places.join('; ')})`;
}

export function linesOf(nodes: readonly TSESTree.Node[]): string {
  const numbers = [...new Set(nodes.map((n) => n.loc.start.line))].sort((a, b) => a - b).map(String);
  if (numbers.length === 1) return `line ${numbers[0]}`;
  return `lines ${numbers.slice(0, -1).join(', ')} and ${numbers.at(-1)}`;
}

/** One act: the reads and the writes joined by the pairs a check found between them, in source order. */
export interface Act<P extends { read: Step; write: Step }> {
  reads: Step[];
  writes: Step[];
  pairs: P[];
}

/**
 * Joins (read, write) pairs into acts: several reads feeding one write, or one read feeding several
 * writes, are one act, reported once with every location.
 */
export function groupActs<P extends { read: Step; write: Step }>(pairs: readonly P[]): Act<P>[] {
  const parent = new Map<Step, Step>();
  const find = (s: Step): Step => {
    let root = s;
    while (parent.get(root) !== undefined && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(s, root);
    return root;
  };
  for (const { read, write } of pairs) {
    if (!parent.has(read)) parent.set(read, read);
    if (!parent.has(write)) parent.set(write, write);
    const [a, b] = [find(read), find(write)];
    if (a !== b) parent.set(b, a);
  }
  const acts = new Map<Step, Act<P>>();
  for (const pair of pairs) {
    const root = find(pair.read);
    let act = acts.get(root);
    if (!act) acts.set(root, (act = { reads: [], writes: [], pairs: [] }));
    act.pairs.push(pair);
    if (!act.reads.includes(pair.read)) act.reads.push(pair.read);
    if (!act.writes.includes(pair.write)) act.writes.push(pair.write);
  }
  for (const act of acts.values()) {
    act.reads.sort((a, b) => a.index - b.index);
    act.writes.sort((a, b) => a.index - b.index);
  }
  return [...acts.values()];
}

/**
 * A write nobody's outcome depends on: an UPDATE whose every SET item is a constant or the clock,
 * and whose conditions on what it sets only ask whether it was done yet (`deleted_at IS NULL`,
 * `read_at IS NULL`) or how long ago (`last_active < now() - interval '5 minutes'`), after which the
 * function reports nothing. Two requests that both "win" write the same value; 0 rows only means it
 * was already done. A value passed in (`owner = $1`), a state transition (`status = 'running'`, a
 * boolean flag: only a name would tell mark-as-read from a claim), or a later write or answer keeps it
 * a claim.
 */
export function isHarmlessWrite(
  unit: Unit,
  step: Step,
  { reread = false, resolver }: { reread?: boolean; resolver?: Resolver } = {},
): boolean {
  const { facts } = step;
  if (facts.kind !== 'update' || facts.set.length === 0) return false;
  if (!facts.set.every((a) => a.constant) && !(resolver && setFromRowRead(unit, step, resolver))) return false;
  const assigned = new Set(facts.set.map((a) => a.column));
  const onAssigned = facts.where.filter((p) => p.column !== null && assigned.has(p.column));
  if (!onAssigned.every((p) => p.operator === 'is null' || CLOCK_RANGE.has(p.operator))) return false;
  return !reportsAfter(unit, step) || (reread && rereadsWritten(unit, step));
}

/**
 * Every SET item is a constant or a value computed from what an earlier read of the same row returned,
 * with nothing of the request in it (see `determinedByRead`): `schedulePhase = phaseOf(secret,
 * instance.environmentId)` after `findFirst({ where: { id } })`. Two requests that read the row write the
 * same value, like a constant: the loser of a set-once stores nothing new.
 */
function setFromRowRead(unit: Unit, step: Step, resolver: Resolver): boolean {
  const { facts, site } = step;
  const table = facts.tablesWritten[0];
  const keys = facts.where.filter((p) => p.role === 'key' && p.operator === '=' && p.column !== null);
  if (table === undefined || keys.length === 0) return false;
  const param = (n: number): TSESTree.Node | null => site.sql.params[n - 1] ?? null;
  return unit.steps.some(
    (read) =>
      read.index < step.index &&
      isRead(read) &&
      read.facts.tablesRead.includes(table) &&
      keys.every(
        (k) =>
          k.params.some((n) => dependsOn(param(n), read.result, resolver)) ||
          read.facts.where.some((p) => p.operator === '=' && p.column !== null && columnName(p.column) === columnName(k.column!)),
      ) &&
      facts.set.every(
        (a) =>
          a.constant ||
          (a.shape === 'value' && a.params.length > 0 && a.params.every((n) => determinedByRead(param(n), read.result, resolver))),
      ),
  );
}

/**
 * Set-once, then read back: `UPDATE projects SET initialized_at = now() WHERE id = $1 AND initialized_at
 * IS NULL`, then `SELECT initialized_at FROM projects WHERE id = $1`, and the answer is what that read
 * found (returned or tested), with no answer given between the two. Whoever set the value, the caller
 * is told the value stored, so the count has nothing to add.
 */
function rereadsWritten(unit: Unit, step: Step): boolean {
  const table = step.facts.tablesWritten[0];
  if (table === undefined) return false;
  const keys = step.facts.where
    .filter((p) => p.role === 'key' && p.operator === '=' && p.column !== null)
    .map((p) => columnName(p.column!));
  if (keys.length === 0) return false;
  const again = unit.steps.find(
    (r) =>
      r.index > step.index &&
      isRead(r) &&
      r.facts.tablesRead.includes(table) &&
      keys.every((k) => r.facts.where.some((p) => p.operator === '=' && p.column !== null && columnName(p.column) === k)) &&
      (r.result.returned || r.result.tests.length > 0),
  );
  return again !== undefined && !answersBetween(unit, step.site.node, again.site.node);
}

/** A `return` of a value or an HTTP answer after `from` and before `to`. */
function answersBetween(unit: Unit, from: TSESTree.Node, to: TSESTree.Node): boolean {
  let found = false;
  walk(unit.node, (node) => {
    if (found || (node !== unit.node && isFunction(node) && !contains(node, from))) return false;
    if (node.range[0] > from.range[1] && node.range[1] < to.range[0]) {
      if (node.type === 'ReturnStatement' && node.argument !== null) found = true;
      if (isResponseCall(node)) found = true;
    }
    return !found;
  });
  return found;
}

const CLOCK_RANGE = new Set(['<', '<=']);
