/** Column names that identify a row rather than describe its state. */

const KEY_NAMES = new Set(['id', 'uuid', 'guid', 'pk', 'key', 'slug', 'email', 'username']);
const KEY_SUFFIX = /_(?:id|uuid|guid|key|pk)$/;
/** camelCase `userId`, `orderUUID`, `apiKey`: only visible when the identifier was quoted. */
const CAMEL_KEY_SUFFIX = /[a-z0-9](?:Id|ID|Uuid|UUID|Guid|GUID|Key)$/;

/**
 * True for key-like column names: `id`, `uuid`, `guid`, `pk`, `key`, `slug`, `email`, `username`,
 * `*_id`, `*_uuid`, `*_guid`, `*_key`, `*_pk`, and camelCase `userId` / `apiKey` as written in quotes.
 * `paid`, `valid`, `status`, `version`, `available_seats` are not keys.
 */
export function isKeyColumn(column: string): boolean {
  const lower = column.toLowerCase();
  return KEY_NAMES.has(lower) || KEY_SUFFIX.test(lower) || CAMEL_KEY_SUFFIX.test(column);
}

/**
 * Columns that hold state rather than identity: an equality on one of them is a compare-and-set
 * guard (`version = $3`, `status = $2`, `updated_at = $4`), whatever the value compared.
 */
const STATE_COLUMN =
  /^(?:version|lock_version|row_version|revision|rev|etag|status|state|stage|phase|step|locked|claimed|available|remaining|balance|stock|quantity|qty|seats|count|total|.*_(?:version|status|state|at|on|count|total|balance|stock|quantity|qty|seats|left|remaining))$/;

/** Soft-delete markers: `deleted_at IS NULL` filters what exists, as a key lookup does. */
export const SOFT_DELETE = /^(?:is_?)?(?:deleted|archived|removed|trashed)(?:_?at|_?on)?$/;

/** Whether a column holds state a request changes (`status`, `version`, `stock`, `*_at`), by its name. */
export function isStateColumn(column: string): boolean {
  return STATE_COLUMN.test(columnName(column));
}

/**
 * The column a name stands for, however the code spells it: lower-case snake_case
 * (`availableSeats` -> `available_seats`, `userID` -> `user_id`, `stock` -> `stock`). A model field,
 * a row property read in JavaScript and an SQL column are compared through it.
 */
export function columnName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}
