/**
 * The database harness fails loudly and starts where it can: every way it cannot provide PostgreSQL
 * is a PostgresUnavailable that names DATABASE_URL (in process, and as the exit code of a Vitest run),
 * and it starts in the setups that used to break it: run as root with the binaries or TMPDIR in a
 * folder only its owner can enter (the server then runs as a `postgres` user that cannot enter it).
 */
import { spawnSync } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, test } from 'vitest';
import { embeddedNativeDir } from './harness/embedded-cluster.js';
import { PostgresUnavailable, startPostgres } from './harness/postgres.js';

const NO_DATABASE_URL = { ...process.env, DATABASE_URL: '' };
const UNREACHABLE = 'postgres://postgres:secret@127.0.0.1:1/postgres';
const made: string[] = [];

async function scratchDir(mode: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sql-race-harness-test-'));
  await chmod(dir, mode);
  made.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function selectOne(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ one: number }>('SELECT 1 AS one');
    return result.rows[0]?.one ?? 0;
  } finally {
    await client.end();
  }
}

describe('startPostgres fails loudly', () => {
  test('an unreachable DATABASE_URL rejects with PostgresUnavailable naming it, without its password', async () => {
    const failure = startPostgres({ DATABASE_URL: UNREACHABLE });
    await expect(failure).rejects.toBeInstanceOf(PostgresUnavailable);
    await expect(failure).rejects.toThrow(/DATABASE_URL \(postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/postgres\)/);
    await expect(failure).rejects.not.toThrow(/secret/);
  });

  test('a server that cannot start rejects with its own log line, and leaves nothing behind', async () => {
    const tempRoot = await scratchDir(0o755);
    const failure = startPostgres(NO_DATABASE_URL, { tempRoot, settings: { no_such_setting: 'on' } });
    await expect(failure).rejects.toBeInstanceOf(PostgresUnavailable);
    await expect(failure).rejects.toThrow(/postgres stopped while starting/);
    await expect(failure).rejects.toThrow(/unrecognized configuration parameter "no_such_setting"/);
    await expect(failure).rejects.toThrow(/set DATABASE_URL/);
    expect(await readdir(tempRoot)).toEqual([]);
  });

  test('a server binary that cannot be executed rejects instead of crashing the run', async () => {
    const nativeDir = await scratchDir(0o755);
    await mkdir(join(nativeDir, 'bin'));
    await writeFile(join(nativeDir, 'bin', 'initdb'), '', { mode: 0o644 });
    const failure = startPostgres(NO_DATABASE_URL, { nativeDir });
    await expect(failure).rejects.toBeInstanceOf(PostgresUnavailable);
    await expect(failure).rejects.toThrow(/initdb could not be run \(spawn .* EACCES\)/);
    await expect(failure).rejects.toThrow(/set DATABASE_URL/);
  });

  test('a Vitest run of the proof project exits non-zero, saying why, when PostgreSQL is unavailable', () => {
    const run = spawnSync(
      process.execPath,
      ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/vitest.config.ts', '--project', 'proof', 'test/proof/scheduler.test.ts'],
      { encoding: 'utf8', env: { ...process.env, DATABASE_URL: UNREACHABLE, NO_COLOR: '1', FORCE_COLOR: '0' } },
    );
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status).not.toBe(0);
    expect(run.status).not.toBeNull();
    expect(output).toContain('PostgresUnavailable');
    expect(output).toContain('cannot reach the PostgreSQL named by DATABASE_URL');
    expect(output).not.toMatch(/Tests\s+\d+ passed/);
  });
});

describe("startPostgres starts where the server user cannot enter the caller's folders", () => {
  // Meaningful when run as root (CI, containers): the server then runs as `postgres`.
  test('TMPDIR is a folder only its owner can enter', async () => {
    const tempRoot = await scratchDir(0o700);
    const server = await startPostgres(NO_DATABASE_URL, { tempRoot });
    try {
      expect(await selectOne(server.url)).toBe(1);
    } finally {
      await server.stop();
    }
  });

  test('the binaries are in a folder only its owner can enter, like a checkout under /root', async () => {
    const checkout = await scratchDir(0o700);
    const nativeDir = join(checkout, 'node_modules', 'native');
    await cp(embeddedNativeDir(), nativeDir, { recursive: true, verbatimSymlinks: true });
    const server = await startPostgres(NO_DATABASE_URL, { nativeDir });
    try {
      expect(await selectOne(server.url)).toBe(1);
    } finally {
      await server.stop();
    }
  });
});
