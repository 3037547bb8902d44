/**
 * Context the flow must keep to tell a race from a correct pattern: a re-check under the lock
 * (double-checked locking), a claim made under a row lock, a set-once read back, a DELETE by its whole
 * declared key, and a count tested in a neverthrow chain.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import checkThenAct from '../../rules/no-check-then-act.js';
import decoupledInsert from '../../rules/no-decoupled-insert.js';
import ignoredRowcount from '../../rules/no-ignored-rowcount.js';
import { pgAdvice } from '../helpers/advice.js';
import { ruleTester } from '../helpers/rule-tester.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const lifecycles = { 'sql-race': { schema: [path.join(here, 'schema', 'lifecycles.sql')], schemaDiscovery: false } };

/** Look for the account, take a per-host lock, then (with `recheck`) look again before creating it. */
const getOrCreateAccount = (recheck: string) => `
import type { PoolClient } from 'pg';

export async function getOrCreateAccount(client: PoolClient, hostId: number) {
  const found = await client.query('SELECT id FROM accounts WHERE host_id = $1', [hostId]);
  if (found.rows.length > 0) return found.rows[0];
  await client.query('SELECT pg_advisory_xact_lock($1)', [hostId]);
  ${recheck}
  const created = await client.query('INSERT INTO accounts (host_id) VALUES ($1) RETURNING id', [hostId]);
  return created.rows[0];
}
`;

/** Take a job under a row lock (with `claim`: mark it busy in that transaction), run the work, free it. */
const runExclusive = (claim: string) => `
import { Pool } from 'pg';
const pool = new Pool();

export async function runExclusive(jobId: number, work: () => Promise<void>) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query('SELECT busy FROM jobs WHERE id = $1 FOR UPDATE', [jobId]);
    if (rows[0].busy) throw new Error('busy');
    ${claim}
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
  try {
    await work();
  } finally {
    await pool.query('UPDATE jobs SET busy = false WHERE id = $1', [jobId]);
  }
}
`;

/** The project's own transaction helper, called with `options` beside the callback. */
const selectProject = (options: string) => `
import { PrismaClient } from '@prisma/client';
import { runInTransaction } from './db';
const prisma = new PrismaClient();

export async function selectProject(projectId: string, name: string) {
  return runInTransaction(
    prisma,
    async (tx) => {
      const existing = await tx.integration.findFirst({ where: { projectId } });
      if (existing) return tx.integration.update({ where: { id: existing.id }, data: { name } });
      return tx.integration.create({ data: { projectId, name } });
    },
    ${options},
  );
}
`;

/** A private method that renews a token, and the class's calls of it (`calls`). */
const tokenService = (calls: string) => `
import { Pool } from 'pg';
const pool = new Pool();
declare function withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;

export class TokenService {
  ${calls}

  private async renew(id: number) {
    const { rows } = await pool.query('SELECT expires_at FROM tokens WHERE id = $1', [id]);
    if (rows[0].expires_at > Date.now()) return rows[0];
    await pool.query("UPDATE tokens SET value = 'fresh', expires_at = now() + interval '1 hour' WHERE id = $1", [id]);
  }
}
`;

ruleTester.run('no-check-then-act', checkThenAct, {
  valid: [
    {
      name: 'a private method its class only calls under an application lock',
      code: tokenService('async get(id: number) {\n    return withLock(`token:${id}`, () => this.renew(id));\n  }'),
    },
    {
      name: "a helper's callback run with isolationLevel Serializable: the helper hands it to the library's transaction",
      code: selectProject("{ isolationLevel: 'Serializable' }"),
    },
    {
      name: 'double-checked locking: the lookup repeated under the advisory lock decides the insert',
      code: getOrCreateAccount(`const again = await client.query('SELECT id FROM accounts WHERE host_id = $1', [hostId]);
  if (again.rows.length > 0) return again.rows[0];`),
    },
    {
      name: 'a claim made under the row lock: only its winner reaches the release',
      code: runExclusive("await client.query('UPDATE jobs SET busy = true WHERE id = $1', [jobId]);"),
    },
  ],
  invalid: [
    {
      name: 'a private method its class also calls without the lock',
      code: tokenService(
        'async get(id: number) {\n    return withLock(`token:${id}`, () => this.renew(id));\n  }\n\n  async force(id: number) {\n    return this.renew(id);\n  }',
      ),
      errors: [{ messageId: 'checkThenAct', line: 16 }],
    },
    {
      name: "a helper's callback run with isolationLevel ReadCommitted: both requests see nothing and create",
      code: selectProject("{ isolationLevel: 'ReadCommitted' }"),
      errors: [{ messageId: 'checkThenInsertModel', line: 10 }],
    },
    {
      name: 'a lock taken after the check, with no second look: both requests insert, one after the other',
      code: getOrCreateAccount(''),
      errors: [{ messageId: 'checkThenInsert', line: 5 }],
    },
    {
      name: 'a locked read whose transaction claims nothing: the lock ends at COMMIT, before the work',
      code: runExclusive(''),
      errors: [{ messageId: 'checkThenAct', line: 9 }],
    },
  ],
});

/** Set `initialized_at` once, then answer with `answer`. */
const initProject = (answer: string) => `
import { Pool } from 'pg';
const pool = new Pool();

export async function initProject(projectId: number) {
  await pool.query('UPDATE projects SET initialized_at = now() WHERE id = $1 AND initialized_at IS NULL', [projectId]);
  ${answer}
}
`;

/** Start a pending job through neverthrow, with `chain` on the ResultAsync, then log it. */
const startJob = (chain: string) => `
import { Pool } from 'pg';
import { errAsync, fromPromise, okAsync } from 'neverthrow';
const pool = new Pool();

export function startJob(jobId: number) {
  return fromPromise(pool.query("UPDATE jobs SET status = 'running' WHERE id = $1 AND status = 'pending'", [jobId]), (e) => e)${chain};
}
`;

ruleTester.run('no-ignored-rowcount', ignoredRowcount, {
  valid: [
    {
      name: 'set-once, then read back: the caller is told the value stored, whoever stored it',
      code: initProject(`const { rows } = await pool.query('SELECT initialized_at FROM projects WHERE id = $1', [projectId]);
  return { initializedAt: rows[0].initialized_at };`),
    },
    {
      name: 'a DELETE naming the whole declared key: 0 rows means the row is gone already',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function dropStage(feature: string, stage: string) {
  await pool.query('DELETE FROM lifecycles WHERE feature = $1 AND stage = $2', [feature, stage]);
}
`,
      settings: lifecycles,
    },
    {
      name: 'the count tested in the neverthrow chain',
      code: startJob(".andThen((result) => (result.rowCount === 0 ? errAsync('taken') : okAsync(jobId)))"),
    },
    {
      name: 'the count tested in the neverthrow chain, after mapErr',
      code: startJob(".mapErr(() => 'failed').andThen((result) => (result.rowCount === 0 ? errAsync('taken') : okAsync(jobId)))"),
    },
  ],
  invalid: [
    {
      name: 'set-once answered without reading it back',
      code: initProject('return { initialized: true };'),
      errors: [
        {
          messageId: 'ignoredRowCount',
          line: 6,
          data: { kind: 'UPDATE', table: 'projects', guard: 'initialized_at IS NULL', ...pgAdvice },
        },
      ],
    },
    {
      name: 'set-once answered before the value is read back',
      code: initProject(`if (projectId > 0) return { initialized: true };
  const { rows } = await pool.query('SELECT initialized_at FROM projects WHERE id = $1', [projectId]);
  return { initializedAt: rows[0].initialized_at };`),
      errors: [{ messageId: 'ignoredRowCount', line: 6 }],
    },
    {
      name: 'a DELETE by the whole key and a state outside it: the state is a guard',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function dropActiveStage(feature: string, stage: string) {
  await pool.query('DELETE FROM lifecycles WHERE feature = $1 AND stage = $2 AND active = true', [feature, stage]);
}
`,
      settings: lifecycles,
      errors: [
        { messageId: 'ignoredRowCount', line: 6, data: { kind: 'DELETE', table: 'lifecycles', guard: 'active = true', ...pgAdvice } },
      ],
    },
    {
      name: 'a DELETE by part of the key and a state-named column without a schema: a guard',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function dropStage(feature: string, stage: string) {
  await pool.query('DELETE FROM lifecycles WHERE feature = $1 AND stage = $2', [feature, stage]);
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 6 }],
    },
    {
      name: 'the neverthrow chain drops the count and answers success',
      code: startJob('.map(() => jobId)'),
      errors: [{ messageId: 'ignoredRowCount', line: 7 }],
    },
  ],
});

ruleTester.run('no-decoupled-insert', decoupledInsert, {
  valid: [
    {
      name: 'a helper whose neverthrow chain stops on 0 rows, then the caller inserts',
      code: `
import { Pool } from 'pg';
import { errAsync, fromPromise, okAsync } from 'neverthrow';
const pool = new Pool();

function startJob(jobId: number) {
  return fromPromise(pool.query("UPDATE jobs SET status = 'running' WHERE id = $1 AND status = 'pending'", [jobId]), (e) => e).andThen(
    (result) => (result.rowCount === 0 ? errAsync('taken') : okAsync(jobId)),
  );
}

export async function run(jobId: number) {
  const started = await startJob(jobId);
  await pool.query('INSERT INTO job_log (job_id) VALUES ($1)', [jobId]);
  return started;
}
`,
    },
  ],
  invalid: [
    {
      name: 'a helper whose neverthrow chain drops the count, then the caller inserts',
      code: `
import { Pool } from 'pg';
import { fromPromise } from 'neverthrow';
const pool = new Pool();

function startJob(jobId: number) {
  return fromPromise(pool.query("UPDATE jobs SET status = 'running' WHERE id = $1 AND status = 'pending'", [jobId]), (e) => e).map(() => jobId);
}

export async function run(jobId: number) {
  await startJob(jobId);
  await pool.query('INSERT INTO job_log (job_id) VALUES ($1)', [jobId]);
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 11 }],
    },
  ],
});
