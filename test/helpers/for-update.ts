/** `code` with ` FOR UPDATE` appended after `sql`, which must occur exactly once in it: the output of the addForUpdate suggestion. */
export function withForUpdate(code: string, sql: string): string {
  const at = code.indexOf(sql);
  if (at === -1 || code.indexOf(sql, at + 1) !== -1) throw new Error(`expected exactly one occurrence of ${sql}`);
  const end = at + sql.length;
  return `${code.slice(0, end)} FOR UPDATE${code.slice(end)}`;
}
