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
