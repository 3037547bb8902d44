/** The SubqueryClaim fact: an UPDATE or DELETE that picks its rows by state in a subquery or CTE on its own table. */
import { describe, expect, it } from 'vitest';
import { analyzeSql } from '../../src/sql/index.js';

const claimOf = (text: string) => analyzeSql(text, 'postgres').statements[0]?.subqueryClaim ?? null;

describe('subqueryClaim', () => {
  it('reads a CTE that picks by a state condition, unlocked and not re-tested', () => {
    expect(
      claimOf(
        'WITH m AS (SELECT id FROM pool WHERE owner IS NULL LIMIT 1) UPDATE pool SET owner = $1 WHERE id IN (SELECT id FROM m) RETURNING id',
      ),
    ).toMatchObject({
      table: 'pool',
      cte: 'm',
      guards: [{ column: 'owner', operator: 'is null', text: 'owner IS NULL' }],
      locked: false,
      retested: false,
    });
  });

  it('sees FOR UPDATE SKIP LOCKED inside the CTE, which the parser never reads', () => {
    expect(
      claimOf(
        'WITH m AS (SELECT id FROM pool WHERE owner IS NULL LIMIT 1 FOR UPDATE SKIP LOCKED) UPDATE pool SET owner = $1 WHERE id IN (SELECT id FROM m)',
      ),
    ).toMatchObject({ locked: true, retested: false });
  });

  it('reads a subquery in the WHERE, and the state re-tested by the outer WHERE', () => {
    expect(
      claimOf(
        "UPDATE jobs SET status = 'running' WHERE id = (SELECT id FROM jobs WHERE status = 'pending' LIMIT 1) AND status = 'pending'",
      ),
    ).toMatchObject({
      cte: null,
      guards: [{ column: 'status' }],
      locked: false,
      retested: true,
    });
  });

  it('is absent for a key lookup, a subquery on another table, and a plain UPDATE', () => {
    expect(claimOf('UPDATE pool SET owner = $1 WHERE id = (SELECT id FROM pool WHERE id = $2)')).toBeNull();
    expect(claimOf("UPDATE pool SET owner = $1 WHERE id IN (SELECT item_id FROM reservations WHERE status = 'open')")).toBeNull();
    expect(claimOf('UPDATE pool SET owner = $1 WHERE id = $2 AND owner IS NULL')).toBeNull();
  });
});

describe('SELECT EXISTS (...)', () => {
  it('takes the WHERE of the probed rows', () => {
    const [facts] = analyzeSql('SELECT EXISTS (SELECT 1 FROM users WHERE username = $1) AS taken', 'postgres').statements;
    expect(facts?.where).toMatchObject([{ column: 'username', operator: '=', params: [1], text: 'username = $1' }]);
    expect(facts?.tablesRead).toEqual(['users']);
  });
});
