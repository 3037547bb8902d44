/**
 * What the declared schema (src/schema) changes about a check-then-act: a key that already refuses the
 * duplicate INSERT, a CHECK that makes an unguarded decrement fail instead of crossing its bound.
 */
import type { Step } from '../flow/index.js';
import { columnName } from '../sql/keys.js';
import {
  columnKind,
  coveringKey,
  coveringKeys,
  declaresKeys,
  lowerBound,
  type CheckBound,
  type CoveringKey,
  type Schema,
} from '../schema/index.js';
import type { JsValueKind } from '../flow/provenance.js';

/**
 * The primary key or unique constraint on the values the check looked up that the INSERT's column
 * list covers: the database refuses the duplicate, so the check-then-insert cannot make a second row.
 */
export function insertKey(read: Step, write: Step, table: string, schema: Schema): CoveringKey | null {
  const { facts } = write;
  if (facts.kind !== 'insert' || facts.tablesWritten[0] !== table) return null;
  // Only a key on the values the check looked up refuses the duplicate it feared: a primary key on a
  // fresh id the INSERT generates (`id: createId()`) lets two rows with the same email, or a 6th row
  // past a limit of 5, in.
  const looked = lookedUp(read);
  // Columns the code cannot tell (`{ id, ...input }`, no column list): the row feared is the one looked
  // up, so it holds the values looked up.
  const inserted = facts.insertColumns === null ? null : new Set(facts.insertColumns.map(columnName));
  const either = anyOfKeys(read, looked, inserted, table, schema);
  if (either !== null) return either;
  const columns = [...new Set(looked)].filter((c) => inserted === null || inserted.has(c));
  if (columns.length === 0) return null;
  // A partial unique index holds for the row when its WHERE is what the INSERT writes (`status: 'pending'`).
  const literals = facts.insertLiterals ?? {};
  const key = coveringKey(schema, table, columns, literals);
  if (key !== null || inserted === null || read.facts.aggregate || columns.length < looked.length) return key;
  // An existence check by part of a key the INSERT sets whole (`providerAccountId` looked up, `@@unique([provider,
  // providerAccountId])` set): the row it fears holds the values looked up, and the key refuses a second one.
  // Not a count: a limit of 5 rows per workspace is no key on `(workspace_id, slug)`.
  // Of the keys the INSERT sets whole, the one holding every column looked up (not a fresh `id` it also sets).
  const holds = (key: CoveringKey): boolean => columns.every((c) => key.columns.some((k) => columnName(k) === c));
  return coveringKeys(schema, table, [...inserted], literals).find(holds) ?? null;
}

/**
 * The check looked a row up by a key (`findUnique({ where: { envId_externalId } })`) and the INSERT, whose
 * columns are known, leaves a column of that key unset: its row holds the column's default (NULL, a fresh
 * id), never the value looked up. It adds another row, not the one the check feared, so two requests that
 * both see nothing cannot insert the same row.
 */
export function insertsOutsideLookedUpKey(read: Step, write: Step, table: string, schema: Schema): boolean {
  const { facts } = write;
  if (facts.kind !== 'insert' || facts.tablesWritten[0] !== table || facts.insertColumns === null || read.facts.aggregate) return false;
  // Only a row object written in the call says every column the row gets (its values are seen: `insertParams`,
  // `insertLiterals`); the fields assigned before `instance.save()` are not the whole row (`build(data)` set the rest).
  if (facts.insertParams === undefined && facts.insertLiterals === undefined) return false;
  const inserted = new Set(facts.insertColumns.map(columnName));
  const key = coveringKey(schema, table, lookedUp(read));
  return key !== null && key.columns.some((c) => !inserted.has(columnName(c)));
}

/**
 * A row looked up by any of several lookups (`OR: [{ email }, { username }]`), each of whose values the
 * INSERT sets and a key covers: whichever the duplicate shares, a key refuses it. Not a count.
 */
function anyOfKeys(read: Step, looked: string[], inserted: ReadonlySet<string> | null, table: string, schema: Schema): CoveringKey | null {
  const alternatives = read.facts.where.find((p) => p.alternatives !== undefined)?.alternatives;
  if (alternatives === undefined || inserted === null || read.facts.aggregate) return null;
  const keys = alternatives.map((alternative) => {
    const columns = [...new Set([...looked, ...alternative.map(columnName)])];
    return columns.every((c) => inserted.has(c)) ? coveringKey(schema, table, columns) : null;
  });
  return keys.every((k) => k !== null) ? keys[0]! : null;
}

/**
 * The INSERT runs where a unique violation is handled (a `catch` naming P2002, 23505, ER_DUP_ENTRY, a
 * `UniqueConstraintError`; here or in the helper that runs it): the code relies on a key to refuse the
 * duplicate and answers the loser. Believed where the schema cannot decide: the lookup is not stated
 * whole (a `where` handed in, an `OR`, a relation filter) or the table's keys are not declared. Not for a
 * count (a limit, which no key enforces); and where the schema decides, it alone does (`insertKey`): a
 * catch of the duplicate slug does not make one email domain per program a key.
 */
export function handledDuplicate(read: Step, write: Step, table: string, schema: Schema): boolean {
  if (!write.catchesUniqueViolation || read.facts.aggregate) return false;
  const looked = lookedUp(read);
  const whole = looked.length > 0 && looked.length === read.facts.where.length;
  return !whole || !declaresKeys(schema, table);
}

/**
 * A unique key (or primary key) on `column`, alone or with other columns the check looked the value up
 * by (`@@unique([name, ownerId])` for a check `WHERE name = $1 AND owner_id = $2`): the database refuses
 * a second row holding the same value in that scope.
 */
export function uniqueOn(schema: Schema, table: string, column: string, read: Step): CoveringKey | null {
  const scope = lookedUp(read);
  const key = coveringKey(schema, table, [column, ...scope]);
  return key && key.columns.some((c) => columnName(c) === columnName(column)) ? key : null;
}

/**
 * The columns a read looks a row up by: equal to a value passed in (`email = $1`) or written in place
 * (`provider = 'google'`, `{ provider: "google", providerAccountId }`), not to another column (`c.id = fix.id`).
 */
export function lookedUp(read: Step): string[] {
  return read.facts.where
    .filter((p) => p.operator === '=' && p.column !== null && (p.params.length > 0 || LITERAL_OPERAND.test(p.text)))
    .map((p) => columnName(p.column!));
}

const LITERAL_OPERAND = /(?:=|:)\s*(?:'(?:[^']|'')*'|"[^"]*"|-?\d+(?:\.\d+)?|true|false)\s*\)?\s*$/i;

/** `SET stock = stock - $1` on a column a CHECK bounds from below (`stock >= 0`): the bound and the column. */
export function boundedDecrement(write: Step, table: string, schema: Schema): { column: string; check: CheckBound } | null {
  if (write.facts.kind !== 'update' || write.facts.tablesWritten[0] !== table) return null;
  for (const assignment of write.facts.set) {
    if (assignment.shape !== 'relative' || !/-/.test(assignment.text.replace(/^[^=]*=/, ''))) continue;
    const check = lowerBound(schema, table, assignment.column);
    if (check) return { column: assignment.column, check };
  }
  return null;
}

/**
 * The fix a written column takes by its declared type: `number` (`x = x + $1`), `json` (`||`,
 * `jsonb_set`), `array` (`array_append`), `other` (a lock or a version column); null when the schema
 * does not declare the column.
 */
export function columnFixKind(schema: Schema, table: string, column: string): JsValueKind | null {
  const kind = columnKind(schema, table, column);
  if (kind === null) return null;
  return kind === 'number' || kind === 'json' || kind === 'array' ? kind : 'other';
}
