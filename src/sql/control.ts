/**
 * Transaction control and table locks, recognised from their keywords. Their grammar is tiny and
 * pgsql-ast-parser reads only part of it (no SAVEPOINT, RELEASE, ROLLBACK TO, END, ABORT, LOCK,
 * SET TRANSACTION, or START TRANSACTION with options), so they never reach the parser.
 */

import { blankFacts } from './blank.js';
import type { Isolation, StatementFacts, TransactionAction } from './facts.js';
import { identName, type Token } from './tokenize.js';

const ISOLATIONS: readonly (readonly [string, Isolation])[] = [
  ['serializable', 'serializable'],
  ['repeatable read', 'repeatable read'],
  ['read committed', 'read committed'],
  ['read uncommitted', 'read uncommitted'],
];

function isolationIn(words: string): Isolation | null {
  const m = /\bisolation level (serializable|repeatable read|read committed|read uncommitted)\b/.exec(words);
  if (!m) return null;
  return ISOLATIONS.find(([w]) => w === m[1])?.[1] ?? null;
}

function tx(action: TransactionAction, isolation: Isolation | null, text: string): StatementFacts {
  return { ...blankFacts('transaction', 'parser', text), transaction: { action, isolation } };
}

/** Facts of a transaction-control or table-lock statement, or null when `tokens` is something else. */
export function controlFacts(tokens: readonly Token[], text: string): StatementFacts | null {
  const first = tokens[0];
  if (first?.type !== 'word' || tokens.length > 200) return null;
  const words = tokens.map((t) => (t.type === 'word' ? t.value : t.type === 'comma' ? ',' : t.text)).join(' ');
  const is = (re: RegExp): boolean => re.test(words);
  switch (first.value) {
    case 'begin':
      // `BEGIN` opening a PL/pgSQL or MySQL compound block is not transaction control.
      if (!is(/^begin(?: (?:work|transaction))?(?: (?:isolation level [a-z ]+|read (?:write|only)|not deferrable|deferrable|,))*$/)) {
        return null;
      }
      return tx('begin', isolationIn(words), text);
    case 'start':
      return is(/^start transaction\b/) ? tx('begin', isolationIn(words), text) : null;
    case 'commit':
    case 'end':
      return is(/^(?:commit|end)(?: (?:work|transaction))?(?: and (?:no )?chain)?$|^commit prepared\b/) ? tx('commit', null, text) : null;
    case 'abort':
    case 'rollback':
      if (is(/^rollback(?: (?:work|transaction))? to\b/)) return tx('rollback-to-savepoint', null, text);
      return is(/^(?:rollback|abort)(?: (?:work|transaction))?(?: and (?:no )?chain)?$|^rollback prepared\b/)
        ? tx('rollback', null, text)
        : null;
    case 'savepoint':
      return tokens.length === 2 ? tx('savepoint', null, text) : null;
    case 'release':
      return is(/^release (?:savepoint )?\S+$/) ? tx('release', null, text) : null;
    case 'set':
      return is(/^set (?:(?:session|global|local) )?(?:characteristics as )?transaction\b/)
        ? tx('set-isolation', isolationIn(words), text)
        : null;
    case 'lock':
      return lockTableFacts(tokens, text);
    case 'unlock':
      return is(/^unlock tables?$/) ? { ...blankFacts('lock-table', 'parser', text), lockTable: { tables: [], mode: 'unlock' } } : null;
    default:
      return null;
  }
}

/** `LOCK [TABLE] [ONLY] a [*], b IN <mode> MODE [NOWAIT]`, MySQL `LOCK TABLES a [AS x] READ|WRITE, ...`. */
function lockTableFacts(tokens: readonly Token[], text: string): StatementFacts | null {
  let i = 1;
  const word = (k: number): string | undefined => (tokens[k]?.type === 'word' ? tokens[k]?.value : undefined);
  const mysqlTables = word(1) === 'tables';
  if (word(i) === 'table' || word(i) === 'tables') i++;
  const tables: string[] = [];
  let mode: string | null = null;
  while (i < tokens.length) {
    if (word(i) === 'only') i++;
    const t = tokens[i];
    if (t?.type !== 'word' && t?.type !== 'qident') return null;
    let name = identName(t);
    i++;
    while (tokens[i]?.type === 'dot' && (tokens[i + 1]?.type === 'word' || tokens[i + 1]?.type === 'qident')) {
      name = identName(tokens[i + 1] as Token);
      i += 2;
    }
    tables.push(name);
    if (tokens[i]?.text === '*') i++;
    if (mysqlTables) {
      if (word(i) === 'as') i += 2;
      else if (word(i) !== undefined && word(i) !== 'read' && word(i) !== 'write' && word(i) !== 'low_priority') i++;
      const rest: string[] = [];
      while (i < tokens.length && tokens[i]?.type !== 'comma') rest.push(tokens[i++]?.text.toLowerCase() ?? '');
      mode ??= rest.join(' ').replace('low_priority ', '');
    }
    if (tokens[i]?.type !== 'comma') break;
    i++;
  }
  if (tables.length === 0) return null;
  if (!mysqlTables) {
    const rest = tokens
      .slice(i)
      .map((t) => t.text.toLowerCase())
      .join(' ');
    if (rest !== '' && !/^(?:in [a-z ]+ mode)?(?: ?nowait)?$/.test(rest)) return null;
    mode = /^in ([a-z ]+) mode/.exec(rest)?.[1] ?? 'access exclusive';
  }
  return { ...blankFacts('lock-table', 'parser', text), lockTable: { tables, mode: mode ?? 'write' } };
}
