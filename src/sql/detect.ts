/** Cheap tests for "is this SQL?", run before any tokenizing or parsing. */

/**
 * May this source FILE contain embedded SQL? A statement keyword followed by what follows it in SQL.
 * False positives are fine (the file is then scanned properly); a real statement must never be missed.
 * Every repetition is bounded, so a 5 MB file costs one linear pass.
 */
export const SQL_HINT =
  /\b(?:select\s+(?:[*$'"`(@\d-]|(?:distinct|all|case|not|exists|cast|coalesce)\b|[\w".]{1,128}\s*(?:[(,]|::|\bas\b)|[\s\S]{0,1000}?\bfrom\b)|(?:insert|replace)\s+[\s\S]{0,300}?\b(?:into|values?|select|set|default)\b|update\s+[\s\S]{0,600}?\bset\b|delete\s+[\s\S]{0,300}?\bfrom\b|with\s+(?:recursive\s+)?[^\s(]{1,128}\s*(?:\([^)]{0,500}\)\s*)?as\s*(?:not\s+)?(?:materialized\s*)?\(|(?:begin|commit|rollback|abort|savepoint)\b|start\s+transaction\b|end\s*(?:;|(?:work|transaction)\b|["'`])|release\s+(?:savepoint\b|\w{1,64}\s*["'`;])|set\s+(?:(?:session|global|local)\s+)?(?:characteristics\s+as\s+)?transaction\b|lock\s+(?:tables?\b|[\w".]{1,128}\s+in\b)|unlock\s+tables?\b|for\s+(?:no\s+key\s+update|key\s+share|update|share)\b|merge\s+into\b)/i;

/** Leading space, comments and `(` that may precede a statement's first keyword. */
const LEADING = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/|\()*/;

const STATEMENT_START =
  /^(select|insert|update|delete|with|begin|start\s+transaction|commit|rollback|abort|savepoint|release|set\s+(?:session\s+characteristics\s+as\s+)?transaction|set\s+(?:session|global|local)\s+transaction|lock|unlock|merge|end|replace)\b/i;

/** A name, possibly qualified; `$n` is a name spliced in (`UPDATE ${table} SET ...`). */
const IDENT = String.raw`(?:"[^"]+"|\x60[^\x60]+\x60|[A-Za-z_][\w$]*|\$\d+)(?:\s*\.\s*(?:"[^"]+"|\x60[^\x60]+\x60|[A-Za-z_][\w$]*|\$\d+))*`;
const ENGLISH_AFTER =
  /^(?:the|your|my|our|their|this|that|these|those|his|her|its|a|an|some|any|one|all|to|on|in|by|with|for|from|of|at|and|or|it|you|me|us|them|later)\b/i;

const BEGIN_REST = /^(?:;|$|(?:work|transaction|isolation\s+level|read\s+(?:write|only)|not\s+deferrable|deferrable)\b)/i;
const END_REST = /^(?:;|$|(?:work|transaction|and\s+(?:no\s+)?chain|prepared|to\s+(?:savepoint\s+)?\w)\b)/i;

/**
 * Is this JavaScript string a SQL statement? It must start (after space, comments and `(`) with a
 * statement keyword, and that keyword must be followed the way SQL follows it: `UPDATE t SET c =`,
 * `DELETE FROM t`, `INSERT INTO t (`/`VALUES`/`SELECT`, `SELECT <expression>` or `SELECT ... FROM t`,
 * `BEGIN` alone or with transaction options. "Update your profile" and "select a seat" are not SQL.
 */
export function looksLikeSql(text: string): boolean {
  if (typeof text !== 'string') return false;
  const head = text.slice(0, 4000);
  const body = head.slice(LEADING.exec(head)?.[0].length ?? 0);
  const start = STATEMENT_START.exec(body);
  if (!start) return false;
  const keyword = (start[1] ?? '').toLowerCase().replace(/\s+/g, ' ');
  const rest = body.slice(start[0].length).trimStart();
  const title = /^[A-Z][a-z]+$/.test(start[1] ?? '');
  if (title && !/[=*(),;$?:]/.test(rest) && !/^[A-Z]/.test(rest)) return false;
  switch (keyword) {
    case 'select':
      return looksLikeSelect(rest);
    case 'insert':
    case 'replace':
      return (
        new RegExp(
          String.raw`^(?:(?:low_priority|delayed|high_priority|ignore)\s+)*(?:into\s+)?${IDENT}\s*(?:\(|values?\b|select\b|with\b|default\s+values\b|set\b|overriding\b|as\s+\w+\s*\()`,
          'i',
        ).test(rest) && !ENGLISH_AFTER.test(rest.replace(/^into\s+/i, ''))
      );
    case 'update':
      return (
        new RegExp(String.raw`^(?:only\s+)?${IDENT}[\s\S]{0,2000}?\bset\s+(?:${IDENT}|\()\s*[=,)]`, 'i').test(rest) &&
        !ENGLISH_AFTER.test(rest)
      );
    case 'delete':
      return (
        new RegExp(
          String.raw`^(?:(?:low_priority|quick|ignore)\s+)*(?:${IDENT}(?:\s*,\s*${IDENT})*\s+)?from\s+(?:only\s+)?${IDENT}\s*(?:$|;|\)|\b(?:where|using|returning|as|join|inner|left|order|limit)\b|[A-Za-z_]\w*\s*(?:$|;|\bwhere\b|\busing\b|\breturning\b))`,
          'i',
        ).test(rest) && !ENGLISH_AFTER.test(rest.replace(/^from\s+/i, ''))
      );
    case 'with':
      return new RegExp(String.raw`^(?:recursive\s+)?${IDENT}\s*(?:\([^)]*\)\s*)?as\s*(?:not\s+)?(?:materialized\s*)?\(`, 'i').test(rest);
    case 'begin':
    case 'start transaction':
      return keyword === 'start transaction' || BEGIN_REST.test(rest);
    case 'commit':
    case 'rollback':
    case 'abort':
    case 'end':
      return END_REST.test(rest);
    case 'savepoint':
      return new RegExp(String.raw`^${IDENT}\s*(?:;|$)`).test(rest);
    case 'release':
      return new RegExp(String.raw`^(?:savepoint\s+)?${IDENT}\s*(?:;|$)`, 'i').test(rest);
    case 'lock':
      return (
        /^tables?\b/i.test(rest) ||
        new RegExp(String.raw`^(?:only\s+)?${IDENT}(?:\s*,\s*${IDENT})*\s*(?:;|$|\bin\s+[a-z ]+\bmode\b|\bnowait\b)`, 'i').test(rest)
      );
    case 'unlock':
      return /^tables?\s*(?:;|$)/i.test(rest);
    case 'merge':
      return new RegExp(String.raw`^into\s+${IDENT}[\s\S]*\busing\b`, 'i').test(rest);
    default:
      // set transaction / set session characteristics as transaction
      return true;
  }
}

function looksLikeSelect(rest: string): boolean {
  if (rest === '' || ENGLISH_AFTER.test(rest)) return false;
  // An expression: `SELECT 1`, `SELECT *`, `SELECT $1`, `SELECT now()`, `SELECT 'x'`, `SELECT (...)`.
  if (/^(?:[*$'(\d-]|(?:distinct|case|not|exists|null|true|false|current_\w+)\b)/i.test(rest)) return true;
  if (new RegExp(String.raw`^${IDENT}\s*(?:\(|::|,|\*|[-+/|<>=]|$|;)`, 'i').test(rest)) return true;
  // `SELECT a AS b FROM t`, `SELECT t.a FROM t`: a select list, then FROM and a table.
  const from = /\bfrom\s+(\S+)/i.exec(rest);
  if (!from) return false;
  const list = rest.slice(0, from.index).trim();
  const plainWords = /^[A-Za-z_]\w*(?:\s+[A-Za-z_]\w*)+$/.test(list) && !/\bas\b/i.test(list);
  return !plainWords && !ENGLISH_AFTER.test(rest.slice(from.index + 4).trimStart());
}

/** A quote or backtick, then (after space, comments, `(`) a statement keyword: where SQL text starts. */
const STRING_START =
  /(["'`])(?=\s*(?:--[^\n]*\n\s*)*(?:\(\s*)*(?:select|insert|update|delete|with|begin|start\s+transaction|commit|rollback|abort|end|savepoint|release|set\s+(?:session\s+)?(?:characteristics\s+as\s+)?transaction|set\s+(?:session|global|local)\s+transaction|lock|unlock|merge|replace)\b)/gi;
const MAX_STRING = 4000;

/**
 * May this source FILE hold embedded SQL? First the cheap SQL_HINT, then a look at each string or
 * template that starts with a statement keyword: is its text SQL (`${}` holes read as names), or is
 * it the first piece of a `+` concatenation? A file whose SQL-looking words are all in prose,
 * comments or i18n strings ("Update your profile") is then never parsed: on logto this halves the
 * files the audit parses (404 to 193) and misses none of the 162 that hold query sites.
 */
export function mightContainSql(text: string): boolean {
  if (text.search(SQL_HINT) === -1) return false;
  STRING_START.lastIndex = 0;
  for (let match = STRING_START.exec(text); match !== null; match = STRING_START.exec(text)) {
    const quote = match[1];
    const from = match.index + 1;
    const limit = Math.min(text.length, from + MAX_STRING);
    let end = from;
    while (end < limit) {
      const c = text[end];
      if (c === '\\') end += 2;
      else if (c === quote || (quote !== '`' && c === '\n')) break;
      else end++;
    }
    if (end >= limit || /^\s*\+/.test(text.slice(end + 1, end + 40))) return true;
    if (looksLikeSql(text.slice(from, end).replace(/\$\{[^}]*\}/g, 'x'))) return true;
  }
  return false;
}
