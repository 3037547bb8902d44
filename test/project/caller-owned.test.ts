/**
 * Caller-owned transaction state: a function whose row lock runs on a connection parameter is in a
 * transaction when every call of it in the project passes a transaction's connection, and outside one
 * when every call passes a pool or a connection outside a transaction. Mixed callers, and a function
 * no module of the project calls, stay unknown (quiet). The CLI and ESLint must agree.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../src/analyze.js';
import { project } from '../cli/cli-process.js';
import { cliFindings, eslintFindings } from '../helpers/project-findings.js';

const DB = `import { Pool, type PoolClient } from 'pg';
export const pool = new Pool();

export async function withTransaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
`;

const SEATS = `import type { Pool, PoolClient } from 'pg';

export async function lockForBooking(client: PoolClient, id: string) {
  const { rows } = await client.query('SELECT id, taken FROM seats WHERE id = $1 FOR UPDATE', [id]);
  return rows[0];
}

export async function lockForDisplay(db: Pool | PoolClient, id: string) {
  const { rows } = await db.query('SELECT id, taken FROM seats WHERE id = $1 FOR UPDATE', [id]);
  return rows[0];
}

export async function lockEither(db: Pool | PoolClient, id: string) {
  const { rows } = await db.query('SELECT id, taken FROM seats WHERE id = $1 FOR UPDATE', [id]);
  return rows[0];
}

export async function lockUncalled(client: PoolClient, id: string) {
  const { rows } = await client.query('SELECT id, taken FROM seats WHERE id = $1 FOR UPDATE', [id]);
  return rows[0];
}

// Hands its parameter on: its own callers decide what lockForBooking gets here.
export async function reserve(client: PoolClient, id: string) {
  const seat = await lockForBooking(client, id);
  if (seat.taken) throw new Error('taken');
  await client.query('UPDATE seats SET taken = true WHERE id = $1', [id]);
}
`;

const BOOK = `import { pool, withTransaction } from './db.js';
import { lockForBooking, lockForDisplay, lockEither, reserve } from './seats.js';

export async function book(id: string) {
  await withTransaction(async (client) => {
    const seat = await lockForBooking(client, id);
    if (seat.taken) throw new Error('taken');
    await client.query('UPDATE seats SET taken = true WHERE id = $1', [id]);
  });
}

export async function bookAgain(id: string) {
  await withTransaction((client) => reserve(client, id));
}

export async function show(id: string) {
  return lockForDisplay(pool, id);
}

export async function either(id: string) {
  await lockEither(pool, id);
  return withTransaction((client) => lockEither(client, id));
}
`;

const ADMIN = `import { pool } from './db.js';
import { lockForDisplay } from './seats.js';

export async function inspect(id: string) {
  const client = await pool.connect();
  try {
    return await lockForDisplay(client, id);
  } finally {
    client.release();
  }
}
`;

const FILES = { 'src/db.ts': DB, 'src/seats.ts': SEATS, 'src/book.ts': BOOK, 'src/admin.ts': ADMIN };

const LOCK = 'sql-race/no-lock-outside-transaction';

// Where the lock rule speaks: at the calls that pass the pool or a bare client (as before), and at
// lockForDisplay's own FOR UPDATE (line 9), which every call runs outside a transaction. Not at
// lockForBooking (line 4: every call, through reserve too, is in a transaction), lockEither (line 14:
// mixed) or lockUncalled (line 19: no call in the project).
const EXPECTED = [
  { file: 'src/admin.ts', line: 7, ruleId: LOCK },
  { file: 'src/book.ts', line: 17, ruleId: LOCK },
  { file: 'src/book.ts', line: 21, ruleId: LOCK },
  { file: 'src/seats.ts', line: 9, ruleId: LOCK },
];

describe('caller-owned transaction state', () => {
  it('the CLI reports a lock every caller runs outside a transaction, and only that one', () => {
    const root = project(FILES);
    const found = cliFindings(root);
    expect(found.map(({ file, line, ruleId }) => ({ file, line, ruleId }))).toEqual(EXPECTED);
    expect(found.find((f) => f.file === 'src/seats.ts')?.message).toContain(
      '(all 2 calls of `lockForDisplay` in the project pass it a connection outside a transaction, as at',
    );
  });

  it('ESLint reports the same findings, with the same message', async () => {
    const root = project(FILES);
    const [eslint, cli] = [await eslintFindings(root), cliFindings(root)];
    expect(eslint).toEqual(cli);
    expect(eslint.find((f) => f.file === 'src/seats.ts')?.message).toMatch(/as at (admin|book)\.ts:(7|17)\)/);
  });

  it('names the one caller when there is one', () => {
    const root = project({ ...FILES, 'src/admin.ts': `export const unused = 1;\n` });
    const found = cliFindings(root).find((f) => f.file === 'src/seats.ts');
    expect(found?.message).toContain(
      '(the one call of `lockForDisplay` in the project, at book.ts:17, passes it a connection outside a transaction)',
    );
  });

  it('stays quiet when every caller is in a transaction, the callers are mixed, or there is no caller', () => {
    const root = project(FILES);
    const seats = cliFindings(root).filter((f) => f.file === 'src/seats.ts');
    expect(seats.map((f) => f.line)).toEqual([9]);
  });

  it('stays quiet when a caller hands the function to other code as a value', () => {
    const root = project({
      ...FILES,
      'src/jobs.ts': `import { withTransaction } from './db.js';\nimport { lockForDisplay } from './seats.js';\nexport const run = (lock: typeof lockForDisplay) => lock;\nrun(lockForDisplay);\nexport const again = () => withTransaction(async (c) => c);\n`,
    });
    expect(cliFindings(root).filter((f) => f.file === 'src/seats.ts')).toEqual([]);
  });

  it('knows a function of the file alone only from the calls in that file', () => {
    const code = `import { Pool, type PoolClient } from 'pg';
const pool = new Pool();
async function lockRow(db: Pool | PoolClient, id: string) {
  return db.query('SELECT * FROM seats WHERE id = $1 FOR UPDATE', [id]);
}
export async function a(id: string) {
  await lockRow(pool, id);
}
`;
    const root = project({ 'one.ts': code });
    const result = analyzeText(code, path.join(root, 'one.ts'), { projectRoots: [root] });
    expect(result.findings.map((f) => f.line)).toEqual([4, 7]);
    // Without the project's roots, other modules may call it: its lock stays unknown (the call is still reported).
    expect(analyzeText(code, path.join(root, 'one.ts')).findings.map((f) => f.line)).toEqual([7]);
  });
});
