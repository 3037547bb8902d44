/** Running the built CLI (`dist/src/cli/bin.js`, compiled by the test command's `tsc`) in a child process. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(REPO, 'dist/src/cli/bin.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  uid?: number;
  gid?: number;
}

export function sqlRace(args: string[], options: CliOptions): CliResult {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, FORCE_COLOR: undefined, NO_COLOR: undefined, ...options.env })) {
    if (value !== undefined) env[key] = value;
  }
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env,
    encoding: 'utf8',
    timeout: 60_000,
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid ?? options.uid }),
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function project(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'sql-race-e2e-'));
  writeFiles(root, files);
  return root;
}

export function writeFiles(root: string, files: Record<string, string | Buffer>): void {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

/** Check-then-act on a pool (no-check-then-act at line 5, column 26; check on line 6, insert on 7). */
export const RACY = `import type { Pool } from 'pg';

/** Book a slot if it is free. */
export async function bookSlot(pool: Pool, doctor: string, startsAt: string, patient: string) {
  const existing = await pool.query('SELECT 1 FROM bookings WHERE doctor = $1 AND starts_at = $2', [doctor, startsAt]);
  if (existing.rows.length > 0) return { ok: false };
  await pool.query('INSERT INTO bookings (doctor, starts_at, patient) VALUES ($1, $2, $3)', [doctor, startsAt, patient]);
  return { ok: true };
}
`;

/** Lost update (no-lost-update at line 6): read, change in JavaScript, write back. */
export const LOST_UPDATE = `import type { Pool } from 'pg';

export async function deposit(pool: Pool, accountId: string, amount: number) {
  const { rows } = await pool.query('SELECT balance FROM accounts WHERE account_id = $1', [accountId]);
  const balance = rows[0].balance + amount;
  await pool.query('UPDATE accounts SET balance = $1 WHERE account_id = $2', [balance, accountId]);
}
`;

/** Safe: one conditional statement whose result is checked. */
export const SAFE = `import type { Pool } from 'pg';

export async function take(pool: Pool, code: string) {
  const result = await pool.query('UPDATE coupons SET uses_left = uses_left - 1 WHERE code = $1 AND uses_left > 0', [code]);
  return result.rowCount === 1;
}
`;

export const NO_SQL = `export function add(a: number, b: number) {\n  return a + b;\n}\n`;

export interface JsonResult {
  filePath: string;
  messages: { ruleId: string | null; severity: number; message: string; line: number; column: number; fatal?: boolean }[];
  suppressedMessages: unknown[];
  notices?: { ruleId: string | null; severity: number; message: string; line: number; column: number }[];
  errorCount: number;
  warningCount: number;
  fatalErrorCount: number;
}

export function parseJson(stdout: string): JsonResult[] {
  return JSON.parse(stdout) as JsonResult[];
}
