/** Facts read straight off the tokens, the same whichever way the statement is parsed. */

import type { StatementFacts } from './facts.js';
import type { Token } from './tokenize.js';

/** Every `$n` used, ascending and unique. */
export function paramsOf(tokens: readonly Token[]): number[] {
  const found = new Set<number>();
  for (const t of tokens) {
    if (t.type === 'param') {
      const n = Number(t.value);
      if (Number.isSafeInteger(n) && n > 0) found.add(n);
    }
  }
  return [...found].sort((a, b) => a - b);
}

const ADVISORY = new Map<string, 'xact' | 'session' | 'unlock'>(
  Object.entries({
    pg_advisory_xact_lock: 'xact',
    pg_try_advisory_xact_lock: 'xact',
    pg_advisory_xact_lock_shared: 'xact',
    pg_try_advisory_xact_lock_shared: 'xact',
    pg_advisory_lock: 'session',
    pg_try_advisory_lock: 'session',
    pg_advisory_lock_shared: 'session',
    pg_try_advisory_lock_shared: 'session',
    get_lock: 'session',
    pg_advisory_unlock: 'unlock',
    pg_advisory_unlock_shared: 'unlock',
    pg_advisory_unlock_all: 'unlock',
    release_lock: 'unlock',
    release_all_locks: 'unlock',
  } as const),
);

/**
 * The advisory lock the statement takes: any call to a PostgreSQL advisory lock function (or MySQL
 * `GET_LOCK` / `RELEASE_LOCK`, which are session-level). A lock call wins over an unlock call, and a
 * transaction-level lock over a session-level one.
 */
export function advisoryLockOf(tokens: readonly Token[]): StatementFacts['advisoryLock'] {
  const rank = { xact: 3, session: 2, unlock: 1 } as const;
  let best: StatementFacts['advisoryLock'] = null;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t?.type !== 'word') continue;
    const kind = ADVISORY.get(t.value);
    if (kind === undefined) continue;
    let j = i + 1;
    while (tokens[j]?.type === 'space' || tokens[j]?.type === 'comment') j++;
    if (tokens[j]?.type !== 'open') continue;
    if (best === null || rank[kind] > rank[best]) best = kind;
  }
  return best;
}
