/**
 * Splits a SQL text into statements on `;`, respecting strings, quoted identifiers, comments and
 * dollar-quoted bodies (the tokenizer already keeps those whole).
 */

import type { SqlDialect } from './facts.js';
import { tokenize, type Token } from './tokenize.js';

/** Token lists of the non-empty statements of `text`, without their `;` and outer space or comments. */
export function splitStatements(text: string, dialect: SqlDialect = 'postgres'): Token[][] {
  const statements: Token[][] = [];
  let current: Token[] = [];
  const flush = (): void => {
    let from = 0;
    let to = current.length;
    while (from < to && isBlank(current[from])) from++;
    while (to > from && isBlank(current[to - 1])) to--;
    if (to > from) statements.push(current.slice(from, to));
    current = [];
  };
  for (const token of tokenize(text, dialect)) {
    if (token.type === 'semicolon') flush();
    else current.push(token);
  }
  flush();
  return statements;
}

function isBlank(t: Token | undefined): boolean {
  return t === undefined || t.type === 'space' || t.type === 'comment';
}
