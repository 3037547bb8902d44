/**
 * Tag libraries build SQL from fragments: a `${}` hole may hold SQL text (`sql.raw('...')`), a nested
 * tagged template, or nothing, rather than a bound value. The adapter says which; this splices them
 * into the text in place of the `$n` the hole was given, so the statement parses as it will be sent.
 */
import type { TSESTree } from '@typescript-eslint/types';
import type { ExtractContext, SqlText } from './types.js';

/** What a hole holds: SQL text, a nested template, SQL that cannot be known, or (null) a value. */
export type HoleReading = { text: string } | { template: TSESTree.TemplateLiteral } | { unknown: true } | null;

const MAX_DEPTH = 5;

export function spliceFragments(sql: SqlText, read: (hole: TSESTree.Node) => HoleReading, ctx: ExtractContext, depth = 0): SqlText {
  let { text, complete } = sql;
  const params = [...sql.params];
  for (let n = sql.params.length; n >= 1; n--) {
    const hole = params[n - 1];
    const reading = hole ? read(hole) : null;
    if (!reading) continue;
    if ('unknown' in reading) {
      complete = false;
      continue;
    }
    let replacement: string;
    if ('text' in reading) {
      replacement = reading.text;
    } else {
      const inner = ctx.sqlText(reading.template, 'dollar', sql.dialect);
      if (!inner || depth >= MAX_DEPTH) {
        complete = false;
        continue;
      }
      const nested = spliceFragments(inner, read, ctx, depth + 1);
      const offset = params.length;
      replacement = nested.text.replace(/\$(\d+)/g, (_, k: string) => `$${Number(k) + offset}`);
      params.push(...nested.params);
      complete &&= nested.complete;
    }
    text = text.replace(new RegExp(`\\$${n}(?!\\d)`, 'g'), () => replacement);
    params[n - 1] = null;
  }
  return { ...sql, text, params, complete };
}
