/**
 * Races across functions and modules: the read, the test, the write, the BEGIN or the lock in another
 * function or module. The CLI (through the built binary) and ESLint (through its API, on the same
 * files on disk) must report the same findings.
 */
import { readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeText, defaultProject, heldParseFiles, holdParses, summarizeModule } from '../../src/analyze.js';
import { fileSystemHost, Project, sameValue } from '../../src/project/index.js';
import { RECHECK_AFTER_MS } from '../../src/project/host.js';
import { holdsDatabaseCode, knownVerdict } from '../../src/project/prescan.js';
import { project, sqlRace, writeFiles } from '../cli/cli-process.js';
import {
  cliFindings as cliProjectFindings,
  eslintFindings as eslintProjectFindings,
  located,
  type Found as ProjectFound,
} from '../helpers/project-findings.js';

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

const VOUCHERS = `import { pool } from '../db.js';
import type { PoolClient } from 'pg';

export async function getVoucher(code: string) {
  const { rows } = await pool.query('SELECT id, uses_left FROM vouchers WHERE code = $1', [code]);
  return rows[0];
}

export async function setUsesLeft(id: number, usesLeft: number) {
  await pool.query('UPDATE vouchers SET uses_left = $2 WHERE id = $1', [id, usesLeft]);
}

export async function lockVoucher(client: PoolClient, code: string) {
  const { rows } = await client.query('SELECT id, uses_left FROM vouchers WHERE code = $1 FOR UPDATE', [code]);
  return rows[0];
}

export async function decrement(client: PoolClient, id: number) {
  await client.query('UPDATE vouchers SET uses_left = uses_left - 1 WHERE id = $1', [id]);
}
`;

// No SQL text of its own: the pre-scan must admit it for what it imports.
const REDEEM = `import { getVoucher, setUsesLeft, lockVoucher, decrement } from './repo/vouchers.js';
import { pool, withTransaction } from './db.js';

export async function redeem(code: string) {
  const voucher = await getVoucher(code);
  if (!voucher || voucher.uses_left < 1) throw new Error('used up');
  await setUsesLeft(voucher.id, voucher.uses_left - 1);
}

export async function redeemLocked(code: string) {
  await withTransaction(async (client) => {
    const voucher = await lockVoucher(client, code);
    if (!voucher || voucher.uses_left < 1) throw new Error('used up');
    await decrement(client, voucher.id);
  });
}

export async function lockWithoutBegin(code: string) {
  const client = await pool.connect();
  const voucher = await lockVoucher(client, code);
  if (voucher.uses_left < 1) throw new Error('used up');
  await decrement(client, voucher.id);
  client.release();
}
`;

// A user-written transaction helper with FOR UPDATE written in the callback: correct.
const HELPER_CALLBACK = `import { withTransaction } from './db.js';

export async function buy(concertId: string) {
  await withTransaction(async (client) => {
    const { rows } = await client.query('SELECT available_seats FROM concerts WHERE concert_id = $1 FOR UPDATE', [concertId]);
    if (rows[0].available_seats < 1) throw new Error('sold out');
    await client.query('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1', [concertId]);
  });
}
`;

// A NestJS service with its repository injected through the constructor.
const REPOSITORY = `import { Injectable } from '@nestjs/common';
import { pool } from './db.js';

@Injectable()
export class WalletRepository {
  async findById(id: string) {
    const { rows } = await pool.query('SELECT id, balance FROM wallets WHERE id = $1', [id]);
    return rows[0];
  }

  async setBalance(id: string, balance: number) {
    await pool.query('UPDATE wallets SET balance = $2 WHERE id = $1', [id, balance]);
  }
}
`;

const SERVICE = `import { Injectable } from '@nestjs/common';
import { WalletRepository } from './wallet.repository';

@Injectable()
export class WalletService {
  constructor(private readonly walletRepository: WalletRepository) {}

  async withdraw(id: string, amount: number) {
    const wallet = await this.walletRepository.findById(id);
    if (wallet.balance < amount) throw new Error('insufficient funds');
    await this.walletRepository.setBalance(id, wallet.balance - amount);
  }
}
`;

const FILES = {
  'src/db.ts': DB,
  'src/repo/vouchers.ts': VOUCHERS,
  'src/redeem.ts': REDEEM,
  'src/helper-callback.ts': HELPER_CALLBACK,
  'src/wallet.repository.ts': REPOSITORY,
  'src/wallet.service.ts': SERVICE,
  'src/index.ts': `export * from './repo/vouchers.js';\n`,
};

type Found = Omit<ProjectFound, 'message'>;

const cliFindings = (root: string): Found[] => located(cliProjectFindings(root));
const eslintFindings = async (root: string): Promise<Found[]> => located(await eslintProjectFindings(root));

const EXPECTED: Found[] = [
  { file: 'src/redeem.ts', line: 7, ruleId: 'sql-race/no-lost-update' },
  { file: 'src/redeem.ts', line: 20, ruleId: 'sql-race/no-lock-outside-transaction' },
  { file: 'src/wallet.service.ts', line: 11, ruleId: 'sql-race/no-lost-update' },
];

/** One step of a chain of calls through modules: `step` calls the next module's `step`. */
const chain = (next: string): string =>
  `import { step as next } from './${next}.js';\nexport async function step(id: number) {\n  await next(id);\n}\n`;

/**
 * src/a.ts -> b.ts -> c.ts -> d.ts, d.ts three imports from a.ts (a file the analysis reads: it holds
 * database code of its own), and src/e.ts -> d.ts. The test gives d.ts.
 */
const CHAIN_TO_D = {
  'src/c.ts': chain('d'),
  'src/b.ts': chain('c'),
  'src/a.ts': `${chain('b')}import { pool } from './db.js';\nexport const ping = () => pool.query('SELECT 1');\n`,
  'src/e.ts': chain('d'),
};

/** A project that lists the modules it summarises, relative to `root`, in order. */
function countingProject(root: string): { counting: Project; summarised: string[] } {
  const summarised: string[] = [];
  const counting = new Project(fileSystemHost(), (module, text, link, inventory) => {
    summarised.push(path.relative(root, module));
    return summarizeModule(module, text, link, inventory);
  });
  return { counting, summarised };
}

describe('races across functions and modules', () => {
  it('the CLI reports the read in one module and the write in another, at the calls', () => {
    const root = project(FILES);
    expect(cliFindings(root)).toEqual(EXPECTED);
  });

  it('ESLint reports the same findings on the same files', async () => {
    const root = project(FILES);
    expect(await eslintFindings(root)).toEqual(EXPECTED);
  });

  it('gives the statement in the other module its file in JSON and SARIF', () => {
    const root = project(FILES);
    const json = JSON.parse(sqlRace(['audit', 'src/redeem.ts', '--format', 'json', '--no-progress'], { cwd: root }).stdout) as {
      messages: { related?: { label: string; line: number; file?: string }[] }[];
    }[];
    const related = json[0]!.messages[0]!.related ?? [];
    expect(related.filter((r) => r.file !== undefined).map((r) => [r.label, path.relative(root, r.file!), r.line])).toEqual([
      ['statement in setUsesLeft', 'src/repo/vouchers.ts', 10],
      ['read in getVoucher', 'src/repo/vouchers.ts', 5],
    ]);
    const sarif = JSON.parse(sqlRace(['audit', 'src/redeem.ts', '--format', 'sarif', '--no-progress'], { cwd: root }).stdout) as {
      runs: { results: { relatedLocations?: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    const uris = sarif.runs[0]!.results[0]!.relatedLocations!.map((l) => l.physicalLocation.artifactLocation.uri);
    expect(uris).toContain('src/repo/vouchers.ts');
    expect(uris).toContain('src/redeem.ts');
  });

  it('follows an import of a workspace package to its directory, by its name and a path inside it', () => {
    const workspace = (workspaces: string[]) =>
      project({
        'package.json': JSON.stringify({ name: 'shop', private: true, workspaces }),
        'packages/db/package.json': JSON.stringify({ name: '@shop/db', main: './dist/index.js' }),
        'packages/db/src/db.ts': DB,
        'packages/db/src/vouchers.ts': VOUCHERS.replace("'../db.js'", "'./db.js'"),
        'packages/db/src/index.ts': `export * from './db.js';\n`,
        'apps/web/package.json': JSON.stringify({ name: '@shop/web' }),
        'apps/web/src/redeem.ts': `import { pool } from '@shop/db';
import { setUsesLeft } from '@shop/db/vouchers';

export async function redeem(code: string) {
  const { rows } = await pool.query('SELECT id, uses_left FROM vouchers WHERE code = $1', [code]);
  const voucher = rows[0];
  if (!voucher || voucher.uses_left < 1) throw new Error('used up');
  await setUsesLeft(voucher.id, voucher.uses_left - 1);
}
`,
      });
    const found = (root: string) =>
      (
        JSON.parse(sqlRace(['audit', 'apps', '--format', 'json', '--no-progress', '--no-schema-discovery'], { cwd: root }).stdout) as {
          messages: { line: number; ruleId: string }[];
        }[]
      ).flatMap((r) => r.messages.map((m) => [m.line, m.ruleId]));
    expect(found(workspace(['apps/*', 'packages/*']))).toEqual([[8, 'sql-race/no-lost-update']]);
    // Not a workspace package (the root lists none): a library the project does not hold.
    expect(found(workspace([]))).toEqual([]);
  });

  it('--no-follow-imports analyses each file alone', () => {
    const root = project(FILES);
    const result = sqlRace(['audit', 'src', '--format', 'json', '--no-progress', '--no-follow-imports'], { cwd: root });
    const parsed = JSON.parse(result.stdout) as { messages: unknown[] }[];
    expect(parsed.flatMap((r) => r.messages)).toEqual([]);
  });

  it('follows functions of the same file, and a helper that begins the transaction', () => {
    const code = `import { Pool, type PoolClient } from 'pg';
const pool = new Pool();

async function getStock(db: Pool | PoolClient, sku: string): Promise<number> {
  const { rows } = await db.query('SELECT stock FROM products WHERE sku = $1', [sku]);
  return rows[0].stock;
}

async function takeOne(db: Pool | PoolClient, sku: string) {
  await db.query('UPDATE products SET stock = stock - 1 WHERE sku = $1', [sku]);
}

export async function buy(sku: string) {
  if ((await getStock(pool, sku)) < 1) throw new Error('sold out');
  await takeOne(pool, sku);
}

async function begin(client: PoolClient) {
  await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
}

export async function buySerializable(sku: string) {
  const client = await pool.connect();
  await begin(client);
  if ((await getStock(client, sku)) < 1) throw new Error('sold out');
  await takeOne(client, sku);
  await client.query('COMMIT');
  client.release();
}
`;
    const result = analyzeText(code, '/nonexistent/buy.ts', { project: false });
    expect(result.findings.map((f) => [f.ruleId, f.line])).toEqual([['no-check-then-act', 14]]);
    expect(result.findings[0]!.message).toContain('(in getStock, line 5)');
  });

  it('leaves a migration runner reading and writing its schema version alone', () => {
    const code = `import { Pool } from 'pg';
const pool = new Pool();
async function getSchemaVersion(): Promise<number> {
  const { rows } = await pool.query('SELECT version FROM schema');
  return rows[0].version;
}
async function updateSchemaVersion(version: number) {
  await pool.query('UPDATE schema SET version = $1', [version]);
}
export async function ensureSchema(latest: number) {
  let current = await getSchemaVersion();
  while (current < latest) {
    current++;
    await updateSchemaVersion(current);
  }
}
`;
    expect(analyzeText(code, '/nonexistent/store.ts', { project: false }).findings).toEqual([]);
    // The same read-modify-write on an application table is a lost update.
    const accounts = code.replaceAll('schema', 'accounts').replace('ensureSchema', 'bump');
    expect(analyzeText(accounts, '/nonexistent/store.ts', { project: false }).findings.map((f) => f.ruleId)).toContain('no-lost-update');
  });

  it('runs the callback of a declared transaction helper in a transaction', () => {
    const code = `import { Pool } from 'pg';
import { withTransaction } from '@acme/db';
const pool = new Pool();

export async function buy(concertId: string, userId: string) {
  await withTransaction(async (client) => {
    const { rows } = await client.query('SELECT available_seats FROM concerts WHERE concert_id = $1 FOR UPDATE', [concertId]);
    if (rows[0].available_seats < 1) throw new Error('sold out');
    await client.query('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1', [concertId]);
    await pool.query('INSERT INTO tickets (concert_id, user_id) VALUES ($1, $2)', [concertId, userId]);
  });
}
`;
    // Undeclared, a helper from a dependency is unknown: nothing is known about the transaction.
    expect(analyzeText(code, '/nonexistent/buy.ts', { project: false }).findings).toEqual([]);
    // Declared, the INSERT through the pool is seen to run outside the helper's transaction.
    const declared = analyzeText(code, '/nonexistent/buy.ts', { project: false, transactionHelpers: ['withTransaction'] });
    expect(declared.findings.map((f) => [f.ruleId, f.line])).toEqual([['no-transaction-on-pool', 10]]);
  });

  it('takes a row found by a helper that throws when it finds none as found, when the caller asks it to throw', async () => {
    const files = {
      'src/db.ts': DB,
      'src/accounts.ts': `import { pool } from './db.js';
export class NotFound extends Error {}
export async function fetchAccount(slug: string, { throwIfMissing = false }: { throwIfMissing?: boolean } = {}) {
  const { rows } = await pool.query('SELECT id, slug, owner_id FROM accounts WHERE slug = $1', [slug]);
  const account = rows[0];
  if (!account && throwIfMissing) throw new NotFound('account');
  return account;
}
export async function getAccountOrFail(slug: string) {
  const { rows } = await pool.query('SELECT id, slug, owner_id FROM accounts WHERE slug = $1', [slug]);
  if (rows[0] === undefined) throw new NotFound('account');
  return rows[0];
}
`,
      'src/sub-accounts.ts': `import { pool } from './db.js';
import { fetchAccount, getAccountOrFail } from './accounts.js';
declare function canAdmin(account: unknown, userId: number): boolean;
export async function addChild(parent: string, slug: string, userId: number) {
  const found = await fetchAccount(parent, { throwIfMissing: true });
  if (!canAdmin(found, userId)) throw new Error('forbidden');
  await pool.query('INSERT INTO accounts (slug, owner_id) VALUES ($1, $2)', [slug, userId]);
}
export async function addSibling(parent: string, slug: string, userId: number) {
  const found = await getAccountOrFail(parent);
  if (!canAdmin(found, userId)) throw new Error('forbidden');
  await pool.query('INSERT INTO accounts (slug, owner_id) VALUES ($1, $2)', [slug, userId]);
}
export async function addLoose(parent: string, slug: string, userId: number) {
  const found = await fetchAccount(parent);
  if (!canAdmin(found, userId)) throw new Error('forbidden');
  await pool.query('INSERT INTO accounts (slug, owner_id) VALUES ($1, $2)', [slug, userId]);
}
`,
    };
    // Asked to throw (or throwing always), the helper lets the INSERT run only once it found its row:
    // two requests cannot both see nothing. Not asked, a missing row reaches the caller's test.
    const expected: Found[] = [{ file: 'src/sub-accounts.ts', line: 15, ruleId: 'sql-race/no-check-then-act' }];
    const root = project(files);
    expect(cliFindings(root)).toEqual(expected);
    expect(await eslintFindings(root)).toEqual(expected);
  });

  it('takes rows found by a helper that throws unless every value asked for has a row as found, when asked to throw', async () => {
    const files = {
      'src/db.ts': DB,
      'src/accounts.ts': `import { pool } from './db.js';
export class NotFound extends Error {}
export async function fetchAccounts(slugs: string[], { throwIfMissing = false }: { throwIfMissing?: boolean } = {}) {
  const { rows } = await pool.query('SELECT id, slug, owner_id FROM accounts WHERE slug = ANY($1)', [slugs]);
  const loaded = (slug: string) => rows.some((row) => row.slug === slug);
  if (throwIfMissing && !slugs.every(loaded)) throw new NotFound('accounts');
  return rows;
}
`,
      'src/vendors.ts': `import { pool } from './db.js';
import { fetchAccounts } from './accounts.js';
declare function canAdmin(account: unknown, userId: number): boolean;
export async function addVendor(hosts: string[], slug: string, userId: number) {
  const found = await fetchAccounts(hosts, { throwIfMissing: true });
  if (!found.every((a) => canAdmin(a, userId))) throw new Error('forbidden');
  await pool.query('INSERT INTO accounts (slug, owner_id) VALUES ($1, $2)', [slug, userId]);
}
export async function addLoose(hosts: string[], slug: string, userId: number) {
  const found = await fetchAccounts(hosts);
  if (!found.every((a) => canAdmin(a, userId))) throw new Error('forbidden');
  await pool.query('INSERT INTO accounts (slug, owner_id) VALUES ($1, $2)', [slug, userId]);
}
`,
    };
    // Asked to throw, the helper lets the INSERT run only once every host asked for was found: the row
    // created is another one. Not asked, a missing host reaches the caller's test.
    const expected: Found[] = [{ file: 'src/vendors.ts', line: 10, ruleId: 'sql-race/no-check-then-act' }];
    const root = project(files);
    expect(cliFindings(root)).toEqual(expected);
    expect(await eslintFindings(root)).toEqual(expected);
  });

  it('leaves a plain read a helper makes on its own connection, when the caller hands it the transaction', async () => {
    const files = {
      'src/models.ts': `import { Sequelize, Model } from 'sequelize';
export const sequelize = new Sequelize('postgres://localhost/ledger');
export class Vendor extends Model {}
export class Entry extends Model {}
Vendor.init({}, { sequelize, tableName: 'Vendors' });
Entry.init({}, { sequelize, tableName: 'Entries' });
`,
      'src/ledger.ts': `import { Entry, Vendor } from './models';
export async function record(amount: number, { transaction }: { transaction?: unknown } = {}) {
  const vendor = await Vendor.findOne({ where: { slug: 'fees' } });
  return Entry.create({ amount, VendorId: vendor?.id }, { transaction });
}
export async function feesVendor() {
  return Vendor.findOne({ where: { slug: 'fees' } });
}
`,
      'src/pay.ts': `import { sequelize, Vendor } from './models';
import { record, feesVendor } from './ledger';
export async function pay(amount: number) {
  await sequelize.transaction(async (transaction) => {
    await Vendor.create({ slug: 'payee' }, { transaction });
    await record(amount, { transaction });
    await feesVendor();
  });
}
`,
    };
    // Handed the transaction, record() chose to read the vendor outside it; feesVendor() was handed nothing.
    const expected: Found[] = [{ file: 'src/pay.ts', line: 7, ruleId: 'sql-race/no-transaction-on-pool' }];
    const root = project(files);
    expect(cliFindings(root)).toEqual(expected);
    expect(await eslintFindings(root)).toEqual(expected);
  });

  it('does not take a row a called function finds from other arguments for the row its caller tested', async () => {
    const files = {
      'src/models.ts': `import { Sequelize, Model } from 'sequelize';
export const sequelize = new Sequelize('postgres://localhost/app');
export class Collective extends Model {}
Collective.init({}, { sequelize, tableName: 'Collectives' });
`,
      'src/invite.ts': `import { Collective } from './models';
export async function invite(account: Collective, params: { memberId: number; role: string }) {
  const invitee = await Collective.findByPk(params.memberId);
  if (invitee) await invitee.update({ data: { invited: true } });
}
export async function inviteAll(account: Collective, inputs: { slug: string }[]) {
  for (const input of inputs) {
    const member = await Collective.findOne({ where: { slug: input.slug } });
    await invite(account, { memberId: member.id, role: 'ADMIN' });
  }
}
`,
      'src/mutations.ts': `import { Collective } from './models';
import { invite, inviteAll } from './invite';
declare function canAdmin(account: Collective): boolean;
export async function inviteOne(args: { accountId: number; memberSlug: string }) {
  const member = await Collective.findOne({ where: { slug: args.memberSlug } });
  const account = await Collective.findByPk(args.accountId);
  if (!canAdmin(account)) throw new Error('forbidden');
  await invite(account, { memberId: member.id, role: 'ADMIN' });
}
export async function inviteMany(args: { accountId: number; members: { slug: string }[] }) {
  const account = await Collective.findByPk(args.accountId);
  if (!canAdmin(account)) throw new Error('forbidden');
  await inviteAll(account, args.members);
}
export async function inviteSelf(args: { accountId: number }) {
  const account = await Collective.findByPk(args.accountId);
  if (!canAdmin(account)) throw new Error('forbidden');
  await invite(account, { memberId: account.id, role: 'ADMIN' });
}
export async function inviteById(args: { accountId: number }) {
  const account = await Collective.findByPk(args.accountId);
  if (!canAdmin(account)) throw new Error('forbidden');
  await invite(account, { memberId: args.accountId, role: 'ADMIN' });
}
export async function inviteParent(args: { accountId: number; memberSlug: string }) {
  const member = await Collective.findOne({ where: { slug: args.memberSlug } });
  const account = await Collective.findByPk(args.accountId);
  if (!canAdmin(account)) throw new Error('forbidden');
  await invite(account, { memberId: member.parentId, role: 'ADMIN' });
}
`,
    };
    // The member's row (found from its own arguments, one or two calls down) is written, not the account
    // tested; handed the account's id, the value the account was looked up by, or a column that points
    // at a row (the member's parent, which may be the account), the function may write the row tested.
    const expected: Found[] = [16, 21, 27].map((line) => ({ file: 'src/mutations.ts', line, ruleId: 'sql-race/no-check-then-act' }));
    const root = project(files);
    expect(cliFindings(root)).toEqual(expected);
    expect(await eslintFindings(root)).toEqual(expected);
  });

  it('keeps a quota whose count a called function makes: what it returns may be the room left', async () => {
    const files = {
      'src/db.ts': `import { PrismaClient } from '@prisma/client';
export const prisma = new PrismaClient();
`,
      'src/limits.ts': `import { prisma } from './db';
export async function getLimits(teamId: number) {
  const [documents] = await Promise.all([prisma.document.count({ where: { teamId } })]);
  const remaining = { documents: 5 };
  remaining.documents = Math.max(remaining.documents - documents, 0);
  return { remaining };
}
`,
      'src/create.ts': `import { prisma } from './db';
import { getLimits } from './limits';
export async function createDocument(teamId: number, title: string) {
  const { remaining } = await getLimits(teamId);
  if (remaining.documents <= 0) throw new Error('quota reached');
  await prisma.document.create({ data: { teamId, title } });
}
`,
    };
    const expected: Found[] = [{ file: 'src/create.ts', line: 4, ruleId: 'sql-race/no-check-then-act' }];
    const root = project(files);
    expect(cliFindings(root)).toEqual(expected);
  });

  it('leaves an idempotent act alone when the module writing it does nothing unseen, and not when it sends an email', async () => {
    const files = {
      'src/db.ts': `import { PrismaClient } from '@prisma/client';
export const prisma = new PrismaClient();
`,
      'src/bans.ts': `import { prisma } from './db';
declare function sendEmail(to: string): Promise<void>;
export async function applyBan(userId: string) {
  await prisma.user.update({ where: { id: userId }, data: { banned: true, bannedAt: new Date() } });
  await prisma.session.deleteMany({ where: { userId } });
  console.info('banned', userId);
}
export async function applyBanAndTell(userId: string) {
  await prisma.user.update({ where: { id: userId }, data: { banned: true, bannedAt: new Date() } });
  await sendEmail(userId);
}
`,
      'src/ban.ts': `import { prisma } from './db';
import { applyBan, applyBanAndTell } from './bans';
declare function action(fn: (userId: string) => Promise<void>): unknown;
export const ban = action(async (userId) => {
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user) throw new Error('not found');
  if (user.banned) throw new Error('already banned');
  await applyBan(user.id);
});
export const banAndTell = action(async (userId) => {
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user) throw new Error('not found');
  if (user.banned) throw new Error('already banned');
  await applyBanAndTell(user.id);
});
`,
    };
    // Banning twice leaves one ban; the email the second helper sends goes out twice.
    const expected: Found[] = [{ file: 'src/ban.ts', line: 11, ruleId: 'sql-race/no-check-then-act' }];
    const root = project(files);
    expect(cliFindings(root)).toEqual(expected);
    expect(await eslintFindings(root)).toEqual(expected);
  });

  it('takes a test through an imported function that only reads properties of the row as a test of those properties', async () => {
    const files = {
      'src/db.ts': `import { PrismaClient } from '@prisma/client';
export const prisma = new PrismaClient();
`,
      // No database code: the module is read only for what its functions read of their parameters.
      'src/utils/recipients.ts': `export const isEmailValid = (recipient: { email: string }) => /^[^@]+@[^@]+$/.test(recipient.email);
export function isOverdue(recipient: { remindedAt: Date | null }) {
  return recipient.remindedAt === null || recipient.remindedAt.getTime() < Date.now() - 86400000;
}
`,
      'src/utils/index.ts': `export * from './recipients';
`,
      'src/send.ts': `import { prisma } from './db';
import { isEmailValid, isOverdue } from './utils';
export async function send(recipientId: number) {
  const recipient = await prisma.recipient.findFirstOrThrow({ where: { id: recipientId } });
  if (isEmailValid(recipient)) {
    await prisma.recipient.update({ where: { id: recipient.id }, data: { nextReminderAt: new Date() } });
  }
}
export async function remind(recipientId: number) {
  const recipient = await prisma.recipient.findFirstOrThrow({ where: { id: recipientId } });
  if (isOverdue(recipient)) {
    await prisma.recipient.update({ where: { id: recipient.id }, data: { remindedAt: new Date() } });
  }
}
`,
    };
    // The email tested is not what the first write sets; the reminder time tested is what the second one sets.
    const expected: Found[] = [{ file: 'src/send.ts', line: 10, ruleId: 'sql-race/no-check-then-act' }];
    const root = project(files);
    expect(cliFindings(root)).toEqual(expected);
    expect(await eslintFindings(root)).toEqual(expected);
  });

  it('follows a static method of a model class reached through an imported object of models', async () => {
    const files = {
      'src/models/index.ts': `import { sequelize } from './sequelize';
import PayoutMethod from './PayoutMethod';
import Expense from './Expense';
const models = { PayoutMethod, Expense };
export default models;
export { sequelize, PayoutMethod, Expense };
`,
      'src/models/sequelize.ts': `import { Sequelize } from 'sequelize';
export const sequelize = new Sequelize('postgres://localhost/app');
`,
      'src/models/PayoutMethod.ts': `import { Model } from 'sequelize';
import { sequelize } from './sequelize';
class PayoutMethod extends Model {
  static async getOrCreate(data: { name: string }, transaction?: unknown) {
    return PayoutMethod.create({ name: data.name }, { transaction });
  }
}
PayoutMethod.init({}, { sequelize, tableName: 'PayoutMethods' });
export default PayoutMethod;
`,
      'src/models/Expense.ts': `import { Model } from 'sequelize';
import { sequelize } from './sequelize';
class Expense extends Model {}
Expense.init({}, { sequelize, tableName: 'Expenses' });
export default Expense;
`,
      'src/edit.ts': `import models, { sequelize } from './models';
export async function edit(id: number) {
  await sequelize.transaction(async (transaction) => {
    await models.Expense.update({ description: 'x' }, { where: { id }, transaction });
    await models.PayoutMethod.getOrCreate({ name: 'bank' }, transaction);
    await models.PayoutMethod.getOrCreate({ name: 'paypal' }, null);
  });
}
`,
    };
    // Given the transaction, the method's create is part of it; given null, it commits on its own.
    const expected: Found[] = [{ file: 'src/edit.ts', line: 6, ruleId: 'sql-race/no-transaction-on-pool' }];
    const root = project(files);
    expect(cliFindings(root)).toEqual(expected);
    expect(await eslintFindings(root)).toEqual(expected);
  });

  it('binds a Sequelize transaction handed to a helper in an options object', async () => {
    const files = {
      'src/models.ts': `import { Sequelize, Model } from 'sequelize';
export const sequelize = new Sequelize('postgres://localhost/shop');
export class PaymentMethod extends Model {}
export class Order extends Model {}
PaymentMethod.init({}, { sequelize, tableName: 'PaymentMethods' });
Order.init({}, { sequelize, tableName: 'Orders' });
`,
      'src/payment-methods.ts': `import { PaymentMethod } from './models';
export async function createPaymentMethod(data: { name: string }, createOptions?: object) {
  return await PaymentMethod.create({ name: data.name }, createOptions);
}
export async function rename(id: number, options = {}) {
  return await PaymentMethod.update({ name: 'card' }, { ...options, where: { id } });
}
export async function disable(id: number, { transaction }: { transaction?: unknown } = {}) {
  return await PaymentMethod.update({ disabled: true }, { where: { id }, transaction });
}
`,
      'src/webhook.ts': `import { sequelize, Order } from './models';
import { createPaymentMethod, rename, disable } from './payment-methods';
export async function handle(id: number) {
  await sequelize.transaction(async (transaction) => {
    await Order.findByPk(id, { transaction });
    await createPaymentMethod({ name: 'a' }, { transaction });
    await rename(id, { transaction });
    await disable(id, { transaction });
    await createPaymentMethod({ name: 'b' });
    await disable(id);
    await rename(id, { hooks: false });
  });
}
`,
    };
    // Passed in place, the transaction is the helper's connection; left out, the helper runs on the pool.
    const expected: Found[] = [9, 10, 11].map((line) => ({ file: 'src/webhook.ts', line, ruleId: 'sql-race/no-transaction-on-pool' }));
    const root = project(files);
    expect(cliFindings(root)).toEqual(expected);
    expect(await eslintFindings(root)).toEqual(expected);
  });

  it('binds a connection the helper destructures from its options argument in its body', async () => {
    const files = {
      'src/db.ts': `import { drizzle } from 'drizzle-orm/node-postgres';
export const db = drizzle(process.env.DATABASE_URL!);
`,
      'src/pages.ts': `import { eq } from 'drizzle-orm';
import { pages } from './schema';
export async function getPage(args: { tx: any; id: number }) {
  const { tx, id } = args;
  const [page] = await tx.select().from(pages).where(eq(pages.id, id));
  if (!page) throw new Error('Not found');
  return page;
}
`,
      'src/views.ts': `import { eq } from 'drizzle-orm';
import { db } from './db';
import { pages } from './schema';
import { getPage } from './pages';
export async function countView(id: number) {
  await db.transaction(async (tx) => {
    const page = await getPage({ tx, id });
    await tx.update(pages).set({ views: page.views + 1 }).where(eq(pages.id, id));
  }, { isolationLevel: 'serializable' });
  const page = await getPage({ tx: db, id });
  await db.update(pages).set({ views: page.views + 1 }).where(eq(pages.id, id));
}
`,
    };
    // In the SERIALIZABLE transaction the read runs on \`tx\`; outside it, on the pool.
    const expected: Found[] = [{ file: 'src/views.ts', line: 11, ruleId: 'sql-race/no-lost-update' }];
    const root = project(files);
    expect(cliFindings(root)).toEqual(expected);
    expect(await eslintFindings(root)).toEqual(expected);
  });

  it('runs a callback in the transaction of a helper of another module that runs no statement of its own', async () => {
    const files = {
      'src/context.ts': `import { drizzle } from 'drizzle-orm/node-postgres';
import { withRetry } from './retry';
export const db = drizzle(process.env.DATABASE_URL!);
type DB = typeof db;
declare function isTransaction(db: DB): boolean;
export async function withTransaction<T>(ctx: { db?: DB }, fn: (tx: DB) => Promise<T>): Promise<T> {
  const conn = ctx.db ?? db;
  if (isTransaction(conn)) return fn(conn);
  return withRetry(() => conn.transaction(fn));
}
`,
      'src/retry.ts': `export async function withRetry<T>(run: () => Promise<T>): Promise<T> {
  return run();
}
`,
      'src/transfer.ts': `import { sql } from 'drizzle-orm';
import { db, withTransaction } from './context';
export async function transfer(ctx: { db?: any }, from: number, to: number, amount: number) {
  await withTransaction(ctx, async (tx) => {
    await tx.execute(sql\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`);
    await db.execute(sql\`UPDATE accounts SET balance = balance + \${amount} WHERE id = \${to}\`);
  });
}
`,
    };
    // The helper hands its parameter to \`transaction\` whole: the callback's \`tx\` is that transaction.
    const expected: Found[] = [{ file: 'src/transfer.ts', line: 6, ruleId: 'sql-race/no-transaction-on-pool' }];
    const root = project(files);
    expect(cliFindings(root)).toEqual(expected);
    expect(await eslintFindings(root)).toEqual(expected);
  });

  it('is quiet without the modules it cannot see (each file alone)', () => {
    const root = project(FILES);
    const alone = analyzeText(REDEEM, path.join(root, 'src/redeem.ts'), { project: false });
    expect(alone.findings).toEqual([]);
  });

  it('names the function and file of a read made elsewhere', () => {
    const root = project(FILES);
    const result = analyzeText(REDEEM, path.join(root, 'src/redeem.ts'));
    const lost = result.findings.find((f) => f.ruleId === 'no-lost-update');
    expect(lost?.message).toContain('getVoucher');
  });

  it('hands the modules one project summarised to another, which then finds the same without parsing them', () => {
    const root = project(FILES);
    const file = path.join(root, 'src/redeem.ts');
    const counted = (): { project: Project; summarised: string[] } => {
      const summarised: string[] = [];
      const made = new Project(fileSystemHost(), (module, text, link, inventory) => {
        summarised.push(path.relative(root, module));
        return summarizeModule(module, text, link, inventory);
      });
      return { project: made, summarised };
    };
    const first = counted();
    first.project.share();
    const alone = analyzeText(REDEEM, file, { project: first.project });
    expect(first.summarised).toEqual(expect.arrayContaining(['src/repo/vouchers.ts', 'src/db.ts']));
    const second = counted();
    // What a worker thread receives: a structured clone.
    second.project.adopt(structuredClone(first.project.takeFresh()));
    expect(analyzeText(REDEEM, file, { project: second.project }).findings).toEqual(alone.findings);
    expect(second.summarised).toEqual([]);
    expect(first.project.takeFresh()).toEqual([]);
  });

  it('parses a module that is analysed later once, and its own analysis finds what a fresh parse finds', () => {
    // Found only with the option the file's own analysis is given, not when summarised as a module.
    const buy = `import { Pool } from 'pg';
import { withTransaction } from '@acme/db';
const pool = new Pool();

export async function buy(concertId: string, userId: string) {
  await withTransaction(async (client) => {
    await client.query('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1', [concertId]);
    await pool.query('INSERT INTO tickets (concert_id, user_id) VALUES ($1, $2)', [concertId, userId]);
  });
}
`;
    const route = `import { buy } from './buy.js';\nexport const order = (concertId: string, userId: string) => buy(concertId, userId);\n`;
    const root = project({ 'src/buy.ts': buy, 'src/route.ts': route });
    const file = path.join(root, 'src/buy.ts');
    const options = { transactionHelpers: ['withTransaction'], projectRoots: [root] };
    const analyse = (): ReturnType<typeof analyzeText> =>
      analyzeText(buy, file, { ...options, project: new Project(fileSystemHost(), summarizeModule) });
    const fresh = analyse();
    expect(fresh.findings.map((f) => [f.ruleId, f.line])).toEqual([['no-transaction-on-pool', 8]]);
    const pending = new Set([file]);
    try {
      holdParses((held) => pending.has(held));
      const first = analyzeText(route, path.join(root, 'src/route.ts'), {
        ...options,
        project: new Project(fileSystemHost(), summarizeModule),
      });
      expect(heldParseFiles()).toEqual([file]);
      // Another project summarising the module from the held parse gives the importer the same findings.
      const again = analyzeText(route, path.join(root, 'src/route.ts'), {
        ...options,
        project: new Project(fileSystemHost(), summarizeModule),
      });
      expect(again).toEqual(first);
      expect(heldParseFiles()).toEqual([file]);
      // The file's own analysis takes the held parse and builds its model with its own options.
      pending.delete(file);
      expect(analyse()).toEqual(fresh);
      expect(heldParseFiles()).toEqual([]);
    } finally {
      holdParses(null);
    }
  });

  it('does not summarise a module again nearer when what it left unfollowed at the depth limit holds no database code', () => {
    const root = project({
      ...FILES,
      'src/format.ts': `export const money = (n: number) => n.toFixed(2);\n`,
      // Three imports away from src/a.ts, d.ts calls a package's function and a utility without database code.
      'src/d.ts': `import { Pool } from 'pg';
import { format } from 'date-fns';
import { money } from './format.js';
const pool = new Pool();
export async function step(id: number) {
  const { rows } = await pool.query('SELECT price FROM items WHERE id = $1', [id]);
  return format(new Date(), 'yyyy') + money(rows[0].price);
}
`,
      ...CHAIN_TO_D,
    });
    const { counting, summarised } = countingProject(root);
    for (const name of ['a', 'e']) {
      const file = path.join(root, `src/${name}.ts`);
      analyzeText(readFileSync(file, 'utf8'), file, { project: counting });
    }
    expect(summarised).toEqual(expect.arrayContaining(['src/b.ts', 'src/c.ts']));
    expect(summarised.filter((module) => module === 'src/d.ts')).toHaveLength(1);
  });

  it('keeps what it made beyond the depth limit when, asked nearer, the lookups it made answer the same', () => {
    const root = project({
      ...FILES,
      // A module with database code that also exports a function without any: what d.ts calls of it.
      'src/money.ts': `import { pool } from './db.js';
export const money = (n: number) => n.toFixed(2);
export const rates = () => pool.query('SELECT * FROM rates');
`,
      'src/d.ts': `import { Pool } from 'pg';
import { money } from './money.js';
const pool = new Pool();
export async function step(id: number) {
  const { rows } = await pool.query('SELECT price FROM items WHERE id = $1', [id]);
  return money(rows[0].price);
}
`,
      ...CHAIN_TO_D,
    });
    const { counting, summarised } = countingProject(root);
    const findings = ['a', 'e'].map((name) => {
      const file = path.join(root, `src/${name}.ts`);
      return analyzeText(readFileSync(file, 'utf8'), file, { project: counting }).findings;
    });
    // d.ts, three imports from a.ts, could not follow money() there; from e.ts it can, and money() runs no statement.
    expect(summarised.filter((module) => module === 'src/d.ts')).toHaveLength(1);
    expect(summarised).toContain('src/money.ts');
    const fresh = path.join(root, 'src/e.ts');
    expect(findings[1]).toEqual(
      analyzeText(readFileSync(fresh, 'utf8'), fresh, { project: new Project(fileSystemHost(), summarizeModule) }).findings,
    );
  });

  it('compares summaries as plain data', () => {
    const summary = { name: 'f', steps: [{ facts: { tables: new Set(['t']) }, line: 3 }], byKey: new Map([['a', [1, null]]]) };
    expect(sameValue(summary, structuredClone(summary))).toBe(true);
    expect(sameValue(summary, { ...summary, steps: [{ facts: { tables: new Set(['u']) }, line: 3 }] })).toBe(false);
    expect(sameValue(summary, { ...summary, byKey: new Map([['a', [1, 0]]]) })).toBe(false);
    expect(sameValue([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(sameValue({ a: undefined }, {})).toBe(false);
    expect(sameValue(null, null)).toBe(true);
  });

  it('does not parse an imported module when neither it nor anything it imports holds database code', () => {
    const root = project({
      ...FILES,
      'src/format.ts': `export const money = (n: number) => n.toFixed(2);\n`,
      'src/util.ts': `import { money } from './format.js';\nexport * from './format.js';\nexport function label(n: number) { return 'EUR ' + money(n); }\n`,
    });
    const { counting, summarised } = countingProject(root);
    const text = `import { label } from './util.js';\n${REDEEM}\nexport const shown = (n: number) => label(n);\n`;
    const file = path.join(root, 'src/redeem.ts');
    const findings = analyzeText(text, file, { project: counting }).findings;
    expect(summarised).toEqual(expect.arrayContaining(['src/repo/vouchers.ts']));
    expect(summarised).not.toContain('src/util.ts');
    expect(summarised).not.toContain('src/format.ts');
    expect(findings).toEqual(analyzeText(text, file, { project: new Project(fileSystemHost(), summarizeModule) }).findings);
    expect(findings.map((f) => f.line)).toContain(8);
  });

  it('finds the same whichever file reached an imported module first, nearer or beyond the depth limit', () => {
    const race = `import { pool } from './db.js';
import { setUsesLeftVia } from './repo/via.js';
export async function redeem(code: string) {
  const { rows } = await pool.query('SELECT id, uses_left FROM vouchers WHERE code = $1', [code]);
  const voucher = rows[0];
  if (!voucher || voucher.uses_left < 1) throw new Error('used up');
  await setUsesLeftVia(voucher.id, voucher.uses_left - 1);
}
`;
    const deep = `import { pool } from './db.js';
import { one } from './one.js';
export async function deep(code: string) {
  await pool.query('SELECT 1');
  await one(code);
}
`;
    const root = project({
      ...FILES,
      // What setUsesLeftVia writes, via.ts says only by asking vouchers.ts.
      'src/repo/via.ts': `import { setUsesLeft } from './vouchers.js';
export async function setUsesLeftVia(id: number, usesLeft: number) {
  await setUsesLeft(id, usesLeft);
}
`,
      // src/deep.ts -> one.ts -> two.ts -> repo/via.ts: via.ts is three imports away, vouchers.ts beyond.
      'src/two.ts': race,
      'src/one.ts': `import { redeem } from './two.js';\nexport async function one(code: string) {\n  await redeem(code);\n}\n`,
      'src/deep.ts': deep,
      'src/near.ts': race,
    });
    const near = path.join(root, 'src/near.ts');
    const fresh = analyzeText(race, near, { project: new Project(fileSystemHost(), summarizeModule) }).findings;
    expect(fresh.map((f) => [f.ruleId, f.line])).toEqual([['no-lost-update', 7]]);
    // The same project first summarises via.ts for deep.ts, where it may not follow its imports.
    const shared = new Project(fileSystemHost(), summarizeModule);
    analyzeText(deep, path.join(root, 'src/deep.ts'), { project: shared });
    expect(analyzeText(race, near, { project: shared }).findings).toEqual(fresh);
  });

  it('sees an edit of an imported module on the next analysis', () => {
    const root = project(FILES);
    const file = path.join(root, 'src/redeem.ts');
    expect(analyzeText(REDEEM, file).findings.map((f) => f.line)).toContain(7);
    // The write becomes relative: no lost update any more.
    writeFiles(root, {
      'src/repo/vouchers.ts': VOUCHERS.replace(
        'SET uses_left = $2 WHERE id = $1',
        'SET uses_left = uses_left - 1 WHERE id = $1 AND $2::int IS NOT NULL',
      ),
    });
    // What was read from disk is trusted for RECHECK_AFTER_MS, then compared with the disk again.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, RECHECK_AFTER_MS + 50);
    expect(analyzeText(REDEEM, file).findings.filter((f) => f.ruleId === 'no-lost-update')).toEqual([]);
  });

  it('compares what it read with the disk again once RECHECK_AFTER_MS passed, not at every read', async () => {
    const root = project(FILES);
    const from = path.join(root, 'src/redeem.ts');
    const host = fileSystemHost({ recheckAfterMs: 1000 });
    const module = host.resolve('./repo/vouchers.js', from)!;
    expect(host.read(module)).toBe(VOUCHERS);
    expect(host.resolve('./repo/new-module.js', from)).toBeNull();
    const edited = `${VOUCHERS}\nexport const edited = true;\n`;
    writeFiles(root, { 'src/repo/vouchers.ts': edited, 'src/repo/new-module.ts': 'export const added = 1;\n' });
    // Within the window (a lint run over many files): the disk is not asked again.
    expect(host.read(module)).toBe(VOUCHERS);
    expect(host.resolve('./repo/new-module.js', from)).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(host.read(module)).toBe(edited);
    expect(host.resolve('./repo/new-module.js', from)).toBe(path.join(root, 'src/repo/new-module.ts'));
  });

  it('reads and resolves each module once when the files are said not to change (the audit), and again otherwise', () => {
    const root = project(FILES);
    const from = path.join(root, 'src/redeem.ts');
    const editing = fileSystemHost({ recheckAfterMs: 0 });
    const snapshot = fileSystemHost({ unchanging: true });
    const module = snapshot.resolve('./repo/vouchers.js', from);
    expect(module).toBe(path.join(root, 'src/repo/vouchers.ts'));
    expect(editing.read(module!)).toBe(VOUCHERS);
    expect(snapshot.read(module!)).toBe(VOUCHERS);
    // Listed before the edit, its directory is listed again once it changed.
    expect(editing.resolve('./repo/vouchers.js', from)).toBe(module);
    expect(editing.resolve('./repo/new-module.js', from)).toBeNull();
    expect(editing.resolve('./repo/folder', from)).toBeNull();
    const edited = `${VOUCHERS}\nexport const edited = true;\n`;
    writeFiles(root, { 'src/repo/vouchers.ts': edited, 'src/repo/new-module.ts': 'export const added = 1;\n' });
    expect(editing.read(module!)).toBe(edited);
    expect(editing.resolve('./repo/new-module.js', from)).toBe(path.join(root, 'src/repo/new-module.ts'));
    writeFiles(root, { 'src/repo/folder/index.ts': 'export const indexed = 1;\n' });
    expect(editing.resolve('./repo/folder', from)).toBe(path.join(root, 'src/repo/folder/index.ts'));
    // A candidate that is a symbolic link is stat'ed: followed to a file, not to a directory or nothing.
    symlinkSync(path.join(root, 'src/repo/vouchers.ts'), path.join(root, 'src/repo/linked.ts'));
    symlinkSync(path.join(root, 'src/repo/missing.ts'), path.join(root, 'src/repo/dangling.ts'));
    expect(editing.resolve('./repo/linked.js', from)).toBe(path.join(root, 'src/repo/linked.ts'));
    expect(editing.resolve('./repo/dangling.js', from)).toBeNull();
    rmSync(path.join(root, 'src/repo/new-module.ts'));
    expect(editing.resolve('./repo/new-module.js', from)).toBeNull();
    expect(snapshot.resolve('./repo/new-module.js', from)).toBeNull();
    expect(snapshot.read(module!)).toBe(VOUCHERS);
    expect(snapshot.resolve('./repo/vouchers.js', from)).toBe(module);
  });

  it('keeps the pre-scan verdict of an imported module for the lint of that module, without keeping other files', () => {
    const file = path.join(tmpdir(), 'sql-race-verdict', 'stock.ts');
    const text = "export const q = 'UPDATE stock SET n = n - 1 WHERE id = $1';\n";
    expect(knownVerdict(file, text)).toBeUndefined();
    expect(holdsDatabaseCode(file, text)).toBe(true);
    expect(knownVerdict(file, text)).toBe(true);
    expect(knownVerdict(file, 'export const x = 1;\n')).toBeUndefined();
    expect(knownVerdict(path.join(tmpdir(), 'sql-race-verdict', 'other.ts'), text)).toBeUndefined();
  });

  it('never hangs or throws on import cycles, self-recursion and missing modules', () => {
    const root = project({
      'a.ts': `import { b } from './b';\nimport { gone } from './missing';\nimport { pool } from './db';\nexport async function a(n: number): Promise<void> { await b(n); await a(n - 1); await gone(); await pool.query('UPDATE t SET x = 1 WHERE id = $1', [n]); }\n`,
      'b.ts': `import { a } from './a';\nexport async function b(n: number): Promise<void> { if (n > 0) await a(n); }\n`,
      'db.ts': `import { Pool } from 'pg';\nexport const pool = new Pool();\n`,
    });
    const result = analyzeText(`import { a } from './a';\nexport const run = () => a(3);\n`, path.join(root, 'main.ts'), {
      project: defaultProject(),
    });
    expect(result.fatal).toBeNull();
  });
});
