import { describe, expect, it } from 'vitest';
import { analyzeSql, fallbackCounts, type StatementFacts } from '../../src/sql/index.js';
import { lexicalFacts } from '../../src/sql/lexical.js';
import { noExtras } from '../../src/sql/normalize.js';

/** The single statement of `text`. */
function one(text: string, dialect: 'postgres' | 'mysql' = 'postgres'): StatementFacts {
  const { statements } = analyzeSql(text, dialect);
  expect(statements).toHaveLength(1);
  return statements[0] as StatementFacts;
}

describe('seed statements', () => {
  it('splits the BEGIN / UPDATE / INSERT / COMMIT script into four statements with their facts', () => {
    const { statements, parseError } = analyzeSql(`BEGIN TRANSACTION;
UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = 'weeknd_tour' AND available_seats > 0;
INSERT INTO tickets (user_id, concert_id, seat_number) VALUES ('user123', 'weeknd_tour', 'A15');
COMMIT;`);
    expect(parseError).toBeNull();
    expect(statements.map((s) => s.kind)).toEqual(['transaction', 'update', 'insert', 'transaction']);
    const [begin, update, insert, commit] = statements;
    expect(begin?.transaction).toEqual({ action: 'begin', isolation: null });
    expect(commit?.transaction).toEqual({ action: 'commit', isolation: null });
    expect(update?.origin).toBe('parser');
    expect(update?.tablesWritten).toEqual(['concerts']);
    expect(update?.tablesRead).toEqual([]);
    expect(update?.set).toEqual([
      { column: 'available_seats', shape: 'relative', constant: false, params: [], text: 'available_seats = available_seats - 1' },
    ]);
    expect(update?.where).toEqual([
      { column: 'concert_id', operator: '=', role: 'key', isKey: true, params: [], text: "concert_id = 'weeknd_tour'" },
      { column: 'available_seats', operator: '>', role: 'guard', isKey: false, params: [], text: 'available_seats > 0' },
    ]);
    expect(insert?.tablesWritten).toEqual(['tickets']);
    expect(insert?.insertSource).toBe('values');
    expect(insert?.onConflict).toBeNull();
  });

  it('reads the reserve-then-insert CTE as an insert coupled to a guarded, consumed update', () => {
    const facts = one(`WITH reserved AS (
UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = 'weeknd_tour' AND available_seats > 0 RETURNING concert_id
)
INSERT INTO tickets (user_id, concert_id, seat_number) SELECT 'user123', concert_id, 'A15' FROM reserved;`);
    expect(facts.kind).toBe('insert');
    expect(facts.origin).toBe('parser');
    expect(facts.insertSource).toBe('select');
    expect(facts.tablesWritten.sort()).toEqual(['concerts', 'tickets']);
    expect(facts.tablesRead).not.toContain('reserved');
    expect(facts.cteWrites).toHaveLength(1);
    expect(facts.cteWrites[0]).toMatchObject({ name: 'reserved', kind: 'update', table: 'concerts', guarded: true, consumed: true });
    expect(facts.cteWrites[0]?.guards.map((g) => g.text)).toEqual(['available_seats > 0']);
  });

  it('reads SELECT ... FOR UPDATE as a locking read by key', () => {
    const facts = one('SELECT balance FROM account WHERE account_id = 7 FOR UPDATE;');
    expect(facts.kind).toBe('select');
    expect(facts.lock).toEqual({ strength: 'update', wait: 'wait' });
    expect(facts.where).toEqual([{ column: 'account_id', operator: '=', role: 'key', isKey: true, params: [], text: 'account_id = 7' }]);
    expect(facts.selectedColumns).toEqual(['balance']);
    expect(facts.tablesRead).toEqual(['account']);
  });
});

describe('pgsql-ast-parser gaps', () => {
  it('an INSERT with no rows (MySQL `INSERT t`, which reads as `INSERT INTO t`) is a parser complaint, not a crash inside the facts', () => {
    for (const dialect of ['mysql', 'postgres'] as const) {
      const result = analyzeSql('INSERT INTO transaction', dialect);
      expect(result.parseError).toMatch(/neither VALUES nor a query|Syntax error/);
      expect(result.parseError).not.toMatch(/cannot read/i);
      expect(result.statements.map((s) => s.kind)).toEqual(['insert']);
    }
  });

  it('FOR UPDATE OF t ... SKIP LOCKED before LIMIT is cut out before parsing', () => {
    const facts = one("SELECT * FROM jobs WHERE status = 'queued' FOR UPDATE OF jobs SKIP LOCKED LIMIT 1");
    expect(facts.origin).toBe('parser');
    expect(facts.lock).toEqual({ strength: 'update', wait: 'skip locked' });
    expect(facts.where[0]).toMatchObject({ column: 'status', isKey: false });
  });

  it('FOR NO KEY UPDATE NOWAIT and FOR KEY SHARE', () => {
    expect(one('SELECT a FROM t WHERE id = $1 FOR NO KEY UPDATE NOWAIT').lock).toEqual({ strength: 'no key update', wait: 'nowait' });
    expect(one('SELECT a FROM t FOR KEY SHARE').lock).toEqual({ strength: 'key share', wait: 'wait' });
    expect(one('SELECT a FROM t FOR SHARE OF t NOWAIT').lock).toEqual({ strength: 'share', wait: 'nowait' });
  });

  it('repeated locking clauses keep the strongest', () => {
    const facts = one('SELECT * FROM a JOIN b ON a.id = b.a_id FOR SHARE OF b FOR UPDATE OF a');
    expect(facts.origin).toBe('parser');
    expect(facts.lock).toEqual({ strength: 'update', wait: 'wait' });
    expect(facts.tablesRead).toEqual(['a', 'b']);
  });

  it('a FOR UPDATE SKIP LOCKED inside the subquery of a queue UPDATE leaves lock null', () => {
    const facts = one(
      "UPDATE jobs SET status = 'running', worker_id = $1 WHERE id = (SELECT id FROM jobs WHERE status = 'queued' ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING *",
    );
    expect(facts.origin).toBe('parser');
    expect(facts.kind).toBe('update');
    expect(facts.lock).toBeNull();
    expect(facts.tablesRead).toEqual(['jobs']);
    expect(facts.tablesWritten).toEqual(['jobs']);
    expect(facts.where).toHaveLength(1);
    expect(facts.where[0]).toMatchObject({ column: 'id', operator: '=', isKey: false });
    expect(facts.where[0]?.text).toContain('FOR UPDATE SKIP LOCKED');
    expect(facts.returning).toEqual(['*']);
    expect(facts.params).toEqual([1]);
  });

  it('SAVEPOINT, RELEASE and ROLLBACK TO are transaction control', () => {
    const { statements, parseError } = analyzeSql(
      'SAVEPOINT a; RELEASE SAVEPOINT a; RELEASE b; ROLLBACK TO SAVEPOINT a; ROLLBACK WORK TO c',
    );
    expect(parseError).toBeNull();
    expect(statements.map((s) => s.transaction?.action)).toEqual([
      'savepoint',
      'release',
      'release',
      'rollback-to-savepoint',
      'rollback-to-savepoint',
    ]);
    expect(statements.every((s) => s.kind === 'transaction' && s.origin === 'parser')).toBe(true);
  });

  it('LOCK TABLE is a lock-table statement with its tables and mode', () => {
    expect(one('LOCK TABLE public.accounts IN SHARE ROW EXCLUSIVE MODE')).toMatchObject({
      kind: 'lock-table',
      lockTable: { tables: ['accounts'], mode: 'share row exclusive' },
    });
    expect(one('LOCK a, b').lockTable).toEqual({ tables: ['a', 'b'], mode: 'access exclusive' });
  });

  it('isolation levels of BEGIN, START TRANSACTION and SET TRANSACTION', () => {
    const cases: [string, string, string | null][] = [
      ['BEGIN', 'begin', null],
      ['BEGIN WORK', 'begin', null],
      ['BEGIN ISOLATION LEVEL SERIALIZABLE', 'begin', 'serializable'],
      ['BEGIN ISOLATION LEVEL SERIALIZABLE READ WRITE', 'begin', 'serializable'],
      ['BEGIN TRANSACTION READ ONLY, ISOLATION LEVEL READ UNCOMMITTED', 'begin', 'read uncommitted'],
      ['START TRANSACTION', 'begin', null],
      ['START TRANSACTION ISOLATION LEVEL REPEATABLE READ', 'begin', 'repeatable read'],
      ['SET TRANSACTION ISOLATION LEVEL SERIALIZABLE', 'set-isolation', 'serializable'],
      ['SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED', 'set-isolation', 'read committed'],
      ['COMMIT', 'commit', null],
      ['END', 'commit', null],
      ['end transaction', 'commit', null],
      ['ROLLBACK', 'rollback', null],
      ['ABORT', 'rollback', null],
    ];
    for (const [text, action, isolation] of cases) {
      expect(one(text).transaction, text).toEqual({ action, isolation });
    }
  });

  it('MERGE falls back to the lexical scan and says so', () => {
    const analysis = analyzeSql(
      'MERGE INTO stock s USING deliveries d ON s.item_id = d.item_id WHEN MATCHED THEN UPDATE SET qty = s.qty + d.qty',
    );
    expect(analysis.parseError).toMatch(/MERGE/);
    const [facts] = analysis.statements;
    expect(facts).toMatchObject({ kind: 'merge', origin: 'lexical', tablesWritten: ['stock'], tablesRead: ['deliveries'] });
  });

  it('DELETE ... USING is parsed without its USING list, whose tables are read', () => {
    const facts = one('DELETE FROM sessions s USING users u WHERE s.user_id = u.id AND u.banned RETURNING s.id');
    expect(facts.origin).toBe('parser');
    expect(facts.tablesWritten).toEqual(['sessions']);
    expect(facts.tablesRead).toEqual(['users']);
    expect(facts.where.map((p) => p.text)).toEqual(['s.user_id = u.id', 'u.banned']);
    expect(facts.returning).toEqual(['id']);
  });

  it('UPDATE ONLY ... FROM a, b is parsed with the FROM list read separately', () => {
    const facts = one('UPDATE ONLY t SET n = n + 1 FROM a, b WHERE t.id = a.id');
    expect(facts.origin).toBe('parser');
    expect(facts.tablesRead).toEqual(['a', 'b']);
    expect(facts.tablesWritten).toEqual(['t']);
  });

  it('a leftover ? placeholder is read as $n, with the same facts', () => {
    const analysis = analyzeSql('SELECT * FROM users WHERE id = ? AND deleted_at IS NULL FOR UPDATE');
    expect(analysis.parseError).toBeNull();
    const [facts] = analysis.statements;
    expect(facts).toMatchObject({
      kind: 'select',
      origin: 'parser',
      tablesRead: ['users'],
      lock: { strength: 'update', wait: 'wait' },
      params: [1],
    });
    expect(facts?.where.map((p) => [p.column, p.operator, p.isKey])).toEqual([
      ['id', '=', true],
      ['deleted_at', 'is null', true],
    ]);
  });

  it('INSERT ... DEFAULT VALUES', () => {
    const facts = one('INSERT INTO counters DEFAULT VALUES RETURNING id');
    expect(facts).toMatchObject({ origin: 'parser', kind: 'insert', insertSource: 'default', returning: ['id'] });
  });

  it('an INSERT of one row of VALUES under a column list says which $n each column is given', () => {
    expect(one('INSERT INTO markers (root, height, fee_rate) VALUES ($1, $2, 0)').insertParams).toEqual({ root: 1, height: 2 });
    expect(one('INSERT INTO markers (root, height) VALUES ($1, $2), ($3, $4)').insertParams).toBeUndefined();
    expect(one('INSERT INTO markers VALUES ($1, $2)').insertParams).toBeUndefined();
  });

  it("E'' strings with backslash escapes", () => {
    const facts = one("SELECT id FROM t WHERE name = E'it\\'s' AND id = $1");
    expect(facts.origin).toBe('parser');
    expect(facts.where).toHaveLength(2);
  });
});

describe('guards and keys', () => {
  const where = (text: string) =>
    one(text).where.map((p) => ({ column: p.column, operator: p.operator, isKey: p.isKey, params: p.params }));

  it('key equality, IN and = ANY identify rows', () => {
    expect(where('SELECT 1 FROM t WHERE id = $1 AND user_id IN ($2, $3) AND "orderId" = ANY($4::int[]) AND email = lower($5)')).toEqual([
      { column: 'id', operator: '=', isKey: true, params: [1] },
      { column: 'user_id', operator: 'in', isKey: true, params: [2, 3] },
      { column: 'orderId', operator: 'in', isKey: true, params: [4] },
      { column: 'email', operator: '=', isKey: true, params: [5] },
    ]);
  });

  it('state comparisons, versions, NULL tests, subqueries and ORs are guards', () => {
    const preds = where(
      "UPDATE t SET a = 1 WHERE status = 'pending' AND version = $1 AND worker_id IS NULL AND id = (SELECT max(id) FROM t) AND (a = 1 OR b = 2) AND paid AND NOT EXISTS (SELECT 1 FROM u) AND qty BETWEEN 1 AND 5",
    );
    expect(preds.every((p) => !p.isKey)).toBe(true);
    expect(preds.map((p) => p.operator)).toEqual(['=', '=', 'is null', '=', 'other', 'other', 'other', 'other']);
    expect(preds.map((p) => p.column)).toEqual(['status', 'version', 'worker_id', 'id', null, 'paid', null, 'qty']);
  });

  it('a join on keys of two tables selects rows; a key compared to another column of its own row is a guard', () => {
    expect(where('SELECT 1 FROM a, b WHERE a.id = b.a_id')[0]).toMatchObject({ column: null, isKey: true });
    expect(where('SELECT 1 FROM a WHERE id = other_id')[0]).toMatchObject({ isKey: false });
    expect(where('SELECT 1 FROM a, b WHERE a.status = b.status')[0]).toMatchObject({ isKey: false });
  });

  // The parser and the lexical fallback describe what they read; classify.ts judges it, once.
  const byBoth = (text: string) => ({ parsed: one(text), lexical: lexicalFacts(text, noExtras()) });

  it.each([
    ['a join key of a set-based update', 'UPDATE c SET n = fix.n FROM fix WHERE c.id = fix.id', [[null, '=', 'filter']]],
    [
      'IN over a constant list of ids',
      "DELETE FROM t WHERE id IN (1, 2, 3) AND code IN ('a', 'b')",
      [
        ['id', 'in', 'filter'],
        ['code', 'in', 'filter'],
      ],
    ],
    ['IN over a subquery of keys', 'DELETE FROM t WHERE user_id IN (SELECT id FROM u WHERE banned)', [['user_id', 'in', 'filter']]],
    [
      'LIKE and <> over what is not state',
      "DELETE FROM t WHERE id LIKE 'm-%' AND name NOT LIKE 'x:%' AND name <> 'admin' AND code NOT IN ('a')",
      [
        ['id', 'like', 'filter'],
        ['name', 'not like', 'filter'],
        ['name', '<>', 'filter'],
        ['code', 'not in', 'filter'],
      ],
    ],
    [
      'a range over keys',
      'DELETE FROM t WHERE id >= $1 AND id < $2',
      [
        ['id', '>=', 'filter'],
        ['id', '<', 'filter'],
      ],
    ],
    ['IN with values passed in aims at rows', 'UPDATE t SET a = 1 WHERE id IN ($1, $2)', [['id', 'in', 'key']]],
    [
      'a soft-delete marker',
      'UPDATE t SET a = 1 WHERE id = $1 AND deleted_at IS NULL',
      [
        ['id', '=', 'key'],
        ['deleted_at', 'is null', 'filter'],
      ],
    ],
    [
      'state a concurrent writer flips',
      "UPDATE t SET a = 1 WHERE status <> 'done' AND stock >= $1 AND status IN ('a', 'b') AND owner IS NULL AND active = true",
      [
        ['status', '<>', 'guard'],
        ['stock', '>=', 'guard'],
        ['status', 'in', 'guard'],
        ['owner', 'is null', 'guard'],
        ['active', '=', 'guard'],
      ],
    ],
  ])('%s: the parser and the lexical scan agree', (_name, text, expected) => {
    const { parsed, lexical } = byBoth(text);
    expect(parsed.origin).toBe('parser');
    expect(lexical.origin).toBe('lexical');
    expect(parsed.where.map((p) => [p.column, p.operator, p.role])).toEqual(expected);
    expect(lexical.where.map((p) => [p.column, p.operator, p.role])).toEqual(expected);
    expect(parsed.where.every((p) => p.isKey === (p.role !== 'guard'))).toBe(true);
  });

  it.each([
    ['a flag', 'UPDATE t SET read = true WHERE id = $1', true],
    ['a clock', 'UPDATE t SET deleted_at = now(), seen_at = CURRENT_TIMESTAMP WHERE id = $1', true],
    ['a value passed in', 'UPDATE t SET owner = $1 WHERE id = $2', false],
    ['another column', 'UPDATE t SET a = b WHERE id = $1', false],
    ['a fresh id', 'UPDATE t SET token = gen_random_uuid() WHERE id = $1', false],
  ])('an assignment of %s is constant or not, whichever read it', (_name, text, constant) => {
    const { parsed, lexical } = byBoth(text);
    expect(parsed.set.every((a) => a.constant === constant)).toBe(true);
    expect(lexical.set.map((a) => [a.column, a.shape, a.constant])).toEqual(parsed.set.map((a) => [a.column, a.shape, a.constant]));
  });

  it('an UPDATE without WHERE has no conjuncts', () => {
    expect(one('UPDATE t SET a = 1').where).toEqual([]);
  });

  it('parenthesised conjunctions are split', () => {
    expect(one('SELECT 1 FROM t WHERE (id = $1 AND qty > 0) AND x <> 2').where.map((p) => p.text)).toEqual([
      'id = $1',
      'qty > 0',
      'x <> 2',
    ]);
  });
});

describe('SET shapes', () => {
  const shapes = (text: string) => one(text).set.map((a) => [a.column, a.shape, a.params]);

  it('relative, computed and value', () => {
    expect(
      shapes(
        "UPDATE accounts SET balance = balance + $1, seats = greatest(seats - 1, 0), updated_at = now(), status = 'done', owner = $2::int, copied = other_col, at = current_timestamp WHERE id = $3",
      ),
    ).toEqual([
      ['balance', 'relative', [1]],
      ['seats', 'relative', []],
      ['updated_at', 'computed', []],
      ['status', 'value', []],
      ['owner', 'value', [2]],
      ['copied', 'computed', []],
      ['at', 'computed', []],
    ]);
  });

  it('ON CONFLICT DO UPDATE: t.count + 1 is relative, EXCLUDED.count is a value', () => {
    const facts = one(
      'INSERT INTO counters AS t (k, count) VALUES ($1, 1) ON CONFLICT (k) DO UPDATE SET count = t.count + 1, last = EXCLUDED.last RETURNING count',
    );
    expect(facts.onConflict).toBe('update');
    expect(facts.set.map((a) => [a.column, a.shape])).toEqual([
      ['count', 'relative'],
      ['last', 'value'],
    ]);
    expect(facts.returning).toEqual(['count']);
  });

  it('ON CONFLICT DO NOTHING', () => {
    expect(one('INSERT INTO likes (user_id, post_id) VALUES ($1, $2) ON CONFLICT DO NOTHING')).toMatchObject({
      onConflict: 'nothing',
      set: [],
    });
  });

  it('the lexical scan detects the same shapes', () => {
    // pgsql-ast-parser does not read `IN (VALUES ... LIMIT n)`.
    const facts = one('UPDATE t SET n = n - $1, m = now(), o = $2 WHERE id = $3 AND k IN (VALUES (1) LIMIT 1)');
    expect(facts.origin).toBe('lexical');
    expect(facts.set.map((a) => a.shape)).toEqual(['relative', 'computed', 'value']);
  });
});

describe('data-modifying CTEs', () => {
  it('a CTE that is not referenced is not consumed', () => {
    const facts = one("WITH gone AS (DELETE FROM carts WHERE user_id = $1 AND status = 'open') INSERT INTO orders (user_id) VALUES ($1)");
    expect(facts.cteWrites).toEqual([
      expect.objectContaining({ name: 'gone', kind: 'delete', table: 'carts', guarded: true, consumed: false }),
    ]);
  });

  it('consumption is transitive through CTEs the main statement reads', () => {
    const facts = one(
      'WITH a AS (UPDATE x SET n = n - 1 WHERE id = $1 RETURNING id), b AS (SELECT id FROM a), c AS (INSERT INTO log (v) VALUES (1) RETURNING v) SELECT * FROM b',
    );
    expect(facts.kind).toBe('select');
    expect(facts.cteWrites.map((w) => [w.name, w.kind, w.consumed, w.guarded])).toEqual([
      ['a', 'update', true, false],
      ['c', 'insert', false, false],
    ]);
    expect(facts.tablesRead).toEqual([]);
    expect(facts.tablesWritten.sort()).toEqual(['log', 'x']);
  });

  it('a reference in a WHERE subquery consumes the CTE', () => {
    const facts = one('WITH r AS (UPDATE s SET n = n - 1 WHERE n > 0 RETURNING id) DELETE FROM q WHERE id IN (SELECT id FROM r)');
    expect(facts.cteWrites[0]?.consumed).toBe(true);
  });

  it('a top-level FOR UPDATE after a CTE belongs to the SELECT', () => {
    const facts = one(
      'WITH c AS (SELECT id FROM accounts WHERE owner = $1) SELECT * FROM accounts WHERE id IN (SELECT id FROM c) FOR UPDATE',
    );
    expect(facts.lock).toEqual({ strength: 'update', wait: 'wait' });
    expect(facts.tablesRead).toEqual(['accounts']);
  });

  it('the lexical scan finds CTE writes too', () => {
    const facts = one(
      'WITH r AS (UPDATE c SET s = s - 1 WHERE id = $1 AND s > 0 AND k IN (VALUES (1) LIMIT 1) RETURNING id) INSERT INTO t (c) SELECT id FROM r',
    );
    expect(facts.origin).toBe('lexical');
    expect(facts.kind).toBe('insert');
    expect(facts.cteWrites).toEqual([expect.objectContaining({ name: 'r', kind: 'update', table: 'c', guarded: true, consumed: true })]);
    expect(facts.tablesRead).toEqual([]);
  });
});

describe('tables, columns and aggregates', () => {
  it('tables are lower-case and unqualified unless quoted', () => {
    const facts = one('SELECT * FROM Public.Concerts c JOIN "Users" u ON u.id = c.owner WHERE c.id IN (SELECT concert_id FROM tickets)');
    expect(facts.tablesRead).toEqual(['concerts', 'Users', 'tickets']);
  });

  it('selected column names, aliases and stars', () => {
    expect(one('SELECT t.id, name AS n, count(*) OVER () total, t.*, $1::int FROM t').selectedColumns).toEqual([
      'id',
      'n',
      'total',
      '*',
      'int',
    ]);
  });

  it('aggregates, GROUP BY and DISTINCT', () => {
    expect(one('SELECT count(*) FROM t').aggregate).toBe(true);
    expect(one('SELECT a FROM t GROUP BY a').aggregate).toBe(true);
    expect(one('SELECT DISTINCT a FROM t').aggregate).toBe(true);
    expect(one('SELECT count(*) OVER () FROM t').aggregate).toBe(false);
    expect(one('SELECT a FROM t WHERE b = (SELECT max(b) FROM t)').aggregate).toBe(false);
  });

  it('VALUES, SET and DDL are other', () => {
    expect(one('VALUES (1), (2)').kind).toBe('other');
    expect(one('SET search_path TO app').kind).toBe('other');
    expect(one('CREATE TABLE t (id int)').kind).toBe('other');
  });

  it('collects every $n, ascending and unique', () => {
    expect(one("UPDATE t SET a = $3, b = $1 WHERE id = $3 AND s = '$9' -- $8\n").params).toEqual([1, 3]);
  });
});

describe('advisory locks', () => {
  it.each([
    ['SELECT pg_advisory_xact_lock($1)', 'xact'],
    ['SELECT pg_try_advisory_xact_lock(hashtext($1))', 'xact'],
    ['SELECT pg_advisory_xact_lock_shared(1, 2)', 'xact'],
    ['SELECT pg_advisory_lock($1)', 'session'],
    ['SELECT pg_try_advisory_lock_shared($1)', 'session'],
    ['SELECT pg_advisory_unlock($1)', 'unlock'],
    ['UPDATE t SET a = 1 WHERE pg_try_advisory_xact_lock(id)', 'xact'],
    ["SELECT 'pg_advisory_lock(1)'", null],
  ] as const)('%s', (text, kind) => {
    expect(one(text).advisoryLock).toBe(kind);
  });
});

describe('MySQL', () => {
  const mysql: string[] = [];
  const my = (text: string): StatementFacts => {
    mysql.push(text);
    return one(text, 'mysql');
  };

  it('backticks, double-quoted strings and backslash escapes', () => {
    const facts = my("SELECT `id` FROM `orders` WHERE `user_id` = $1 AND note = \"it's\" AND code = 'a\\'b'");
    expect(facts.origin).toBe('parser');
    expect(facts.tablesRead).toEqual(['orders']);
    expect(facts.where.map((p) => [p.column, p.isKey])).toEqual([
      ['user_id', true],
      ['note', true],
      ['code', true],
    ]);
  });

  it('LIMIT a, b', () => {
    const facts = my('SELECT * FROM t ORDER BY id LIMIT 10, 20');
    expect(facts.origin).toBe('parser');
    expect(facts.text).toBe('SELECT * FROM t ORDER BY id LIMIT 20 OFFSET 10');
  });

  it('INSERT IGNORE is ON CONFLICT DO NOTHING', () => {
    expect(my('INSERT IGNORE INTO likes (user_id, post_id) VALUES ($1, $2)')).toMatchObject({
      origin: 'parser',
      onConflict: 'nothing',
      insertSource: 'values',
    });
  });

  it('ON DUPLICATE KEY UPDATE', () => {
    const facts = my(
      'INSERT INTO stock (sku, qty) VALUES ($1, $2) ON DUPLICATE KEY UPDATE qty = qty + VALUES(qty), price = VALUES(price), seen = $3',
    );
    expect(facts.origin).toBe('parser');
    expect(facts.onConflict).toBe('update');
    expect(facts.set.map((a) => [a.column, a.shape])).toEqual([
      ['qty', 'relative'],
      ['price', 'value'],
      ['seen', 'value'],
    ]);
    expect(facts.params).toEqual([1, 2, 3]);
    expect(facts.text).toContain('ON DUPLICATE KEY UPDATE');
  });

  it('LOCK IN SHARE MODE and FOR UPDATE', () => {
    expect(my('SELECT * FROM t WHERE id = $1 LOCK IN SHARE MODE').lock).toEqual({ strength: 'share', wait: 'wait' });
    expect(my('SELECT * FROM t WHERE id = $1 FOR UPDATE NOWAIT').lock).toEqual({ strength: 'update', wait: 'nowait' });
  });

  it('single-table UPDATE with ORDER BY / LIMIT', () => {
    const facts = my('UPDATE jobs SET owner = $1 WHERE owner IS NULL ORDER BY id LIMIT 1');
    expect(facts.origin).toBe('parser');
    expect(facts.where[0]).toMatchObject({ column: 'owner', operator: 'is null' });
  });

  it('START TRANSACTION, SET TRANSACTION, LOCK TABLES', () => {
    expect(my('START TRANSACTION WITH CONSISTENT SNAPSHOT').transaction).toEqual({ action: 'begin', isolation: null });
    expect(my('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED').transaction).toEqual({
      action: 'set-isolation',
      isolation: 'read committed',
    });
    expect(my('LOCK TABLES t WRITE, u READ').lockTable).toEqual({ tables: ['t', 'u'], mode: 'write' });
    expect(my('UNLOCK TABLES').lockTable).toEqual({ tables: [], mode: 'unlock' });
  });

  it('multi-table UPDATE is read by the parser as UPDATE ... FROM', () => {
    const facts = my('UPDATE a JOIN b ON a.id = b.a_id SET a.n = a.n + 1 WHERE b.k = $1');
    expect(facts.origin).toBe('parser');
    expect(facts.tablesRead).toEqual(['b']);
    expect(facts.tablesWritten).toEqual(['a']);
    expect(facts.set).toEqual([expect.objectContaining({ column: 'n', shape: 'relative' })]);
  });

  it('GET_LOCK is a session advisory lock', () => {
    expect(my("SELECT GET_LOCK('job', 10)").advisoryLock).toBe('session');
  });

  // None of the MySQL statements above needs the lexical fallback (the multi-table UPDATE did, before it was rewritten).
  it('counts the MySQL statements that needed the fallback', () => {
    const before = fallbackCounts.mysql;
    const fresh = mysql.map((t) => `${t} -- recount`);
    const lexical = fresh.filter((t) => analyzeSql(t, 'mysql').statements.some((s) => s.origin === 'lexical'));
    expect(lexical).toHaveLength(0);
    expect(fallbackCounts.mysql - before).toBe(0);
  });
});

describe('memoization and robustness', () => {
  it('returns the same object for the same text and dialect', () => {
    const text = 'SELECT * FROM memo_t WHERE id = $1';
    expect(analyzeSql(text)).toBe(analyzeSql(text));
    expect(analyzeSql(text, 'mysql')).not.toBe(analyzeSql(text));
  });

  it('empty and comment-only texts have no statements', () => {
    expect(analyzeSql('')).toEqual({ statements: [], parseError: null });
    expect(analyzeSql(' ; -- nothing\n /* at all */ ;').statements).toEqual([]);
  });

  it('quotes, comments and dollar quotes do not split statements', () => {
    const { statements } = analyzeSql('SELECT \';\' AS a; -- ; not here\nDO $$ BEGIN PERFORM 1; END $$; SELECT "a;b" FROM t');
    expect(statements).toHaveLength(3);
  });

  it('never throws on junk and reads a megabyte', () => {
    const junk = ['\u0000\u0001\uffff', "'unterminated", '/* open', '$$ open', ')))(((', 'SELECT', 'WITH a AS (', "E'\\"];
    for (const text of junk) expect(() => analyzeSql(text)).not.toThrow();
    const big = 'SELECT a FROM t WHERE b = 1 AND '.repeat(40_000);
    const result = analyzeSql(big);
    expect(result.statements[0]?.kind).toBe('select');
    // @ts-expect-error: JavaScript callers may pass anything.
    expect(analyzeSql(undefined).statements).toEqual([]);
  });

  it('fuzz: a few hundred random token soups never throw', () => {
    const words = [
      'SELECT',
      'INSERT',
      'INTO',
      'UPDATE',
      'DELETE',
      'FROM',
      'WHERE',
      'AND',
      'OR',
      'SET',
      'WITH',
      'AS',
      '(',
      ')',
      ',',
      ';',
      '=',
      '>',
      'FOR',
      'UPDATE',
      'SKIP',
      'LOCKED',
      'NOWAIT',
      'OF',
      'ON',
      'CONFLICT',
      'DO',
      'NOTHING',
      'RETURNING',
      '*',
      '$1',
      '?',
      "'x'",
      '"Q"',
      '`b`',
      '--c\n',
      '/*',
      '*/',
      '$$',
      'BEGIN',
      'COMMIT',
      'LOCK',
      'TABLE',
      'IN',
      'MODE',
      'NULL',
      'IS',
      'NOT',
      'EXISTS',
      'DUPLICATE',
      'KEY',
      'LIMIT',
      '1',
      't',
      'id',
      'count',
      'pg_advisory_lock',
      'USING',
      'MERGE',
      'DEFAULT',
      'VALUES',
      'ONLY',
      '::int',
      "E'\\'",
      'BETWEEN',
    ];
    let seed = 20240601;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let i = 0; i < 300; i++) {
      const length = 1 + Math.floor(random() * 30);
      const text = Array.from({ length }, () => words[Math.floor(random() * words.length)]).join(random() < 0.5 ? ' ' : '');
      for (const dialect of ['postgres', 'mysql'] as const) {
        let result: ReturnType<typeof analyzeSql> | undefined;
        expect(() => (result = analyzeSql(text, dialect)), text).not.toThrow();
        expect(Array.isArray(result?.statements)).toBe(true);
      }
    }
  });
});

describe('a parameter where a table name goes', () => {
  it('goes to the lexical scan at once, with the same facts', () => {
    const analysis = analyzeSql('SELECT $1 FROM $2 WHERE $3 = $4 FOR UPDATE');
    expect(analysis.parseError).toBe('a parameter stands where a table name goes');
    expect(analysis.statements[0]).toMatchObject({ kind: 'select', origin: 'lexical', lock: { strength: 'update', wait: 'wait' } });
  });

  it('leaves FROM inside expressions to the parser', () => {
    // pgsql-ast-parser cannot read IS DISTINCT FROM at all, but it is given the chance.
    expect(analyzeSql('SELECT 1 FROM t WHERE a IS DISTINCT FROM $1').parseError).not.toBe('a parameter stands where a table name goes');
    expect(analyzeSql('SELECT extract(year from $1::date) FROM t').parseError).toBeNull();
  });
});

describe('statements the checks do not read', () => {
  it('DDL and grants are kind other without going through the parser', () => {
    for (const text of [
      'CREATE TABLE t (id int)',
      'ALTER TABLE t ADD COLUMN n int',
      'GRANT SELECT ON t TO app',
      'COMMENT ON TABLE t IS $1',
    ]) {
      const analysis = analyzeSql(text);
      expect(analysis.parseError, text).toBeNull();
      expect(analysis.statements[0], text).toMatchObject({ kind: 'other', origin: 'lexical' });
    }
  });
});
