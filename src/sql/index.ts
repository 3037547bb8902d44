/**
 * SQL text -> statement facts. Each distinct text is analysed once (memoized); a statement
 * pgsql-ast-parser cannot read degrades to facts from a lexical scan; nothing here throws.
 */

import { blankFacts } from './blank.js';
import { controlFacts } from './control.js';
import type { SqlAnalysis, SqlDialect, StatementFacts } from './facts.js';
import { lexicalFacts } from './lexical.js';
import { mainKeyword, noExtras, prepareForParser, rewriteMysql } from './normalize.js';
import { factsFromAst, parseStatement } from './parse.js';
import { advisoryLockOf, paramsOf } from './scan.js';
import { splitStatements } from './split.js';
import { join, significant, tokenize, type Token } from './tokenize.js';

export type * from './facts.js';
export { isKeyColumn } from './keys.js';
export { looksLikeSql, SQL_HINT } from './detect.js';
export { parameterRoles } from './holes.js';
export { detectPlaceholderStyle, toDollarPlaceholders, type PlaceholderStyle } from './placeholders.js';
import { detectPlaceholderStyle, toDollarPlaceholders } from './placeholders.js';

/** Longest statement handed to pgsql-ast-parser; longer ones get the lexical scan. */
const PARSER_LIMIT = 50_000;
const MEMO_LIMIT = 5_000;
/** Texts longer than this are analysed every time rather than kept in memory. */
const MEMO_TEXT_LIMIT = 256 * 1024;

const memo = new Map<string, SqlAnalysis>();

/** Statements whose facts the checks use; anything else is kind 'other' without being parsed. */
const DATA_KEYWORDS = new Set(['select', 'insert', 'update', 'delete', 'with', 'merge', 'values', 'table', 'replace']);

/** `FROM $2`, `JOIN $3`, `UPDATE $1`, `INTO $1`, `TABLE $1`: a parameter where a table name goes. */
const IDENTIFIER_PARAMETER =
  /(?<!\b(?:distinct|year|month|week|day|hour|minute|second|epoch|dow|doy|quarter|both|leading|trailing)\s+)\b(?:from|join|update|into|table|using)\s+\$\d+/i;

/** How many statements the lexical fallback had to read, per dialect (for measurement and tests). */
export const fallbackCounts: Record<SqlDialect, number> = { postgres: 0, mysql: 0 };

/**
 * The facts of every statement of `text` (whose placeholders are already `$n`), in order. The result
 * is shared between callers with the same text: treat it as read-only.
 */
export function analyzeSql(text: string, dialect: SqlDialect = 'postgres'): SqlAnalysis {
  if (typeof text !== 'string') return { statements: [], parseError: 'not a string' };
  const key = `${dialect}\u0000${text}`;
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  let result: SqlAnalysis;
  try {
    result = analyze(normalizePlaceholders(text), dialect === 'mysql' && !ansiQuoted(text) ? 'mysql' : 'postgres');
  } catch (error) {
    result = { statements: [], parseError: oneLine(error) };
  }
  if (text.length <= MEMO_TEXT_LIMIT) {
    if (memo.size >= MEMO_LIMIT) {
      const oldest = memo.keys().next();
      if (oldest.done !== true) memo.delete(oldest.value);
    }
    memo.set(key, result);
  }
  return result;
}

function analyze(text: string, dialect: SqlDialect): SqlAnalysis {
  let parseError: string | null = null;
  const statements: StatementFacts[] = [];
  for (const tokens of splitStatements(text, dialect)) {
    let { facts, error } = analyzeStatement(tokens, dialect);
    // A text sent through a receiver no adapter knows, with no placeholder to tell its driver, may be
    // MySQL (`INTERVAL 7 DAY`, `DELETE ... LIMIT 1`, `INSERT ... VALUE (...)`): read it so before giving up.
    if (error !== null && dialect === 'postgres' && !tokens.some((t) => t.type === 'qident' || t.type === 'dollar')) {
      const [asMysql] = splitStatements(join(tokens), 'mysql');
      const retry = asMysql && asMysql.length > 0 ? analyzeStatement(asMysql, 'mysql') : null;
      if (retry && retry.error === null) ({ facts, error } = retry);
    }
    statements.push(facts);
    if (error !== null) {
      fallbackCounts[dialect]++;
      parseError ??= error;
    }
  }
  return { statements, parseError };
}

function analyzeStatement(tokens: readonly Token[], dialect: SqlDialect): { facts: StatementFacts; error: string | null } {
  const original = significant(tokens);
  const reported = join(original);
  const control = controlFacts(original, reported);
  if (control !== null) return { facts: control, error: null };

  const extras = noExtras();
  let pgText = reported;
  let display = reported;
  let facts: StatementFacts;
  let error: string | null = null;
  try {
    if (dialect === 'mysql') ({ text: pgText, display } = rewriteMysql(tokens, extras));
    const keyword = mainKeyword(dialect === 'mysql' ? significant(tokenize(pgText)) : original);
    if (keyword !== null && !DATA_KEYWORDS.has(keyword)) {
      // DDL and the like (CREATE, ALTER, GRANT, COMMENT, SET ...) read and write no rows the checks
      // look at; migrations are full of them, and parsing them is the slowest thing the core does.
      facts = blankFacts('other', 'lexical', pgText);
    } else if (keyword === 'merge') {
      error = 'MERGE is not supported by pgsql-ast-parser';
      facts = lexicalFacts(pgText, extras);
    } else if (IDENTIFIER_PARAMETER.test(pgText)) {
      // A table spliced in as a value (`FROM ${table}` became `FROM $2`) never parses; the parser is
      // the slowest step, and failing takes it longest, so go to the lexical scan at once.
      error = 'a parameter stands where a table name goes';
      facts = lexicalFacts(pgText, extras);
    } else if (pgText.length > PARSER_LIMIT) {
      error = `statement longer than ${PARSER_LIMIT} characters was not parsed`;
      facts = lexicalFacts(pgText, extras);
    } else {
      const prepared = prepareForParser(pgText, extras);
      try {
        const [ast] = parseStatement(prepared);
        facts = ast === undefined ? blankFacts('other', 'parser', pgText) : factsFromAst(ast, pgText, extras);
      } catch (parserError) {
        error = oneLine(parserError);
        facts = lexicalFacts(pgText, extras);
      }
    }
  } catch (unexpected) {
    error = oneLine(unexpected);
    facts = lexicalFacts(pgText, extras);
  }
  facts.text = display;
  facts.params = paramsOf(original);
  facts.advisoryLock = advisoryLockOf(original);
  return { facts, error };
}

/**
 * `$n` for a text that still carries `?`, `:name` or `@name` placeholders (a caller that did not rewrite
 * them): the parser reads only `$n`. Positional `?` become `$1..$n` in order, as every driver binds them.
 */
function normalizePlaceholders(text: string): string {
  const style = detectPlaceholderStyle(text);
  if (style === 'question') return toDollarPlaceholders(text, 'question').text;
  if (style === 'named') return toDollarPlaceholders(text, 'sequelize').text;
  if (style === 'at') return toDollarPlaceholders(text, 'at').text;
  return text;
}

/**
 * A text read as MySQL that quotes identifiers with double quotes (`UPDATE "report" SET ...`, `"t"."c"`)
 * is written for SQLite or ANSI mode, where `"x"` is a name, not a string: read it as PostgreSQL.
 */
function ansiQuoted(text: string): boolean {
  return !text.includes('`') && (/\b(?:from|join|update|into|table)\s+"/i.test(text) || /"\s*\.\s*"/.test(text));
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n').find((l) => l.trim() !== '') ?? 'unknown parse error';
  return line.trim().slice(0, 300);
}
