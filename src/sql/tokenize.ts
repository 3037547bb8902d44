/**
 * A small SQL tokenizer shared by the statement splitter, the MySQL rewrites and the lexical scan.
 *
 * It never throws: an unterminated string, quoted identifier, comment or dollar-quoted body runs to
 * the end of the text. Token texts concatenated give back the input exactly.
 */

import type { SqlDialect } from './facts.js';

export type TokenType =
  | 'word' // keyword or unquoted identifier; `value` is lower-case
  | 'qident' // "quoted" (or MySQL `backtick`) identifier; `value` is its content as written
  | 'string' // string literal; `value` is its decoded content
  | 'dollar' // $tag$ ... $tag$ body
  | 'param' // $n; `value` is n
  | 'number'
  | 'op'
  | 'open'
  | 'close'
  | 'comma'
  | 'dot'
  | 'semicolon'
  | 'comment'
  | 'space';

export interface Token {
  type: TokenType;
  /** The exact source text of the token. */
  text: string;
  value: string;
  /** Offsets in the tokenized text; -1 for tokens a rewrite made up. */
  start: number;
  end: number;
}

const OPERATORS = ['::', '->>', '#>>', '<=', '>=', '<>', '!=', '||', '->', '#>', '@>', '<@', '?|', '?&', '&&', ':=', '=>'];

const isWordStart = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c >= '\u0080';
const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isWordChar = (c: string): boolean => isWordStart(c) || isDigit(c) || c === '$';
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';

/** Decode backslash escapes of a PostgreSQL E'' string or a MySQL string. */
function unescapeBackslashes(s: string): string {
  return s.replace(/\\(.)/gs, (_m, c: string) => {
    switch (c) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case '0':
        return '\0';
      case 'b':
        return '\b';
      case 'Z':
        return '\x1a';
      default:
        return c;
    }
  });
}

/** Scan a quoted run starting at `i` (on the opening quote); returns the index after the closing quote. */
function scanQuoted(text: string, i: number, quote: string, backslash: boolean): number {
  let j = i + 1;
  while (j < text.length) {
    const c = text[j];
    if (backslash && c === '\\') {
      j += 2;
      continue;
    }
    if (c === quote) {
      if (text[j + 1] === quote) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return text.length;
}

function quotedContent(raw: string, quote: string, backslash: boolean): string {
  const closed = raw.length >= 2 && raw.endsWith(quote);
  const inner = raw.slice(1, closed ? -1 : undefined);
  const doubled = inner.split(quote + quote).join(quote);
  return backslash ? unescapeBackslashes(doubled) : doubled;
}

export function tokenize(text: string, dialect: SqlDialect = 'postgres'): Token[] {
  const mysql = dialect === 'mysql';
  const tokens: Token[] = [];
  let i = 0;
  const push = (type: TokenType, end: number, value?: string): void => {
    const raw = text.slice(i, end);
    tokens.push({ type, text: raw, value: value ?? raw, start: i, end });
    i = end;
  };
  while (i < text.length) {
    const c = text[i] ?? '';
    const next = text[i + 1] ?? '';
    if (isSpace(c)) {
      let j = i + 1;
      while (j < text.length && isSpace(text[j] ?? '')) j++;
      push('space', j);
    } else if ((c === '-' && next === '-') || (mysql && c === '#')) {
      const nl = text.indexOf('\n', i);
      push('comment', nl === -1 ? text.length : nl);
    } else if (c === '/' && next === '*') {
      let depth = 1;
      let j = i + 2;
      while (j < text.length && depth > 0) {
        if (text[j] === '/' && text[j + 1] === '*') {
          depth += mysql ? 0 : 1;
          j += 2;
        } else if (text[j] === '*' && text[j + 1] === '/') {
          depth--;
          j += 2;
        } else j++;
      }
      push('comment', Math.min(j, text.length));
    } else if (c === "'") {
      const end = scanQuoted(text, i, "'", mysql);
      push('string', end, quotedContent(text.slice(i, end), "'", mysql));
    } else if ((c === 'E' || c === 'e') && next === "'") {
      const end = scanQuoted(text, i + 1, "'", true);
      push('string', end, quotedContent(text.slice(i + 1, end), "'", true));
    } else if (c === '"') {
      const end = scanQuoted(text, i, '"', mysql);
      const content = quotedContent(text.slice(i, end), '"', mysql);
      push(mysql ? 'string' : 'qident', end, content);
    } else if (c === '`' && mysql) {
      const end = scanQuoted(text, i, '`', false);
      push('qident', end, quotedContent(text.slice(i, end), '`', false));
    } else if (c === '$') {
      if (isDigit(next)) {
        let j = i + 1;
        while (j < text.length && isDigit(text[j] ?? '')) j++;
        push('param', j, text.slice(i + 1, j));
      } else {
        const tag = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(text.slice(i, i + 130));
        if (tag && !mysql) {
          const close = text.indexOf(tag[0], i + tag[0].length);
          const end = close === -1 ? text.length : close + tag[0].length;
          push('dollar', end, text.slice(i + tag[0].length, close === -1 ? end : close));
        } else push('op', i + 1);
      }
    } else if (isDigit(c) || (c === '.' && isDigit(next))) {
      const m = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
      push('number', i + (m ? m[0].length : 1));
    } else if (isWordStart(c)) {
      let j = i + 1;
      while (j < text.length && isWordChar(text[j] ?? '')) j++;
      push('word', j, text.slice(i, j).toLowerCase());
    } else if (c === '(' || c === '[') push('open', i + 1);
    else if (c === ')' || c === ']') push('close', i + 1);
    else if (c === ',') push('comma', i + 1);
    else if (c === '.') push('dot', i + 1);
    else if (c === ';') push('semicolon', i + 1);
    else {
      const op = OPERATORS.find((o) => text.startsWith(o, i));
      push('op', i + (op ? op.length : 1));
    }
  }
  return tokens;
}

/** Tokens that carry meaning (no spaces, no comments). */
export function significant(tokens: readonly Token[]): Token[] {
  return tokens.filter((t) => t.type !== 'space' && t.type !== 'comment');
}

/** Renders tokens back to text, turning comments into spaces and collapsing runs of space. */
export function render(tokens: readonly Token[]): string {
  let out = '';
  for (const t of tokens) {
    if (t.type === 'space' || t.type === 'comment') {
      if (out !== '' && !out.endsWith(' ')) out += ' ';
    } else out += t.text;
  }
  return out.trim();
}

/** Joins significant tokens, with a space wherever the source had space or a comment between them. */
export function join(tokens: readonly Token[]): string {
  let out = '';
  let prev: Token | undefined;
  for (const t of tokens) {
    if (prev !== undefined && (prev.end !== t.start || t.start < 0)) out += ' ';
    out += t.text;
    prev = t;
  }
  return out;
}

/** A token a rewrite adds. */
export function made(type: TokenType, text: string): Token {
  return { type, text, value: type === 'word' ? text.toLowerCase() : text, start: -1, end: -1 };
}

/** A PostgreSQL standard string literal for `value`. */
export function quoteString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A PostgreSQL quoted identifier for `value`. */
export function quoteIdent(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

/** Identifier name as facts report it: unquoted words lower-case, quoted identifiers as written. */
export function identName(t: Token): string {
  return t.type === 'qident' ? t.value : t.value.toLowerCase();
}
