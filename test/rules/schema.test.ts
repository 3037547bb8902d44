/** The rules with a declared schema (settings['sql-race'].schema): keys and CHECK constraints change what is a race. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import rule from '../../rules/no-check-then-act.js';
import ignoredRowcount from '../../rules/no-ignored-rowcount.js';
import lostUpdate from '../../rules/no-lost-update.js';
import transactionOnPool from '../../rules/no-transaction-on-pool.js';
import { pgAdvice } from '../helpers/advice.js';
import { ruleTester } from '../helpers/rule-tester.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const withSchema = (...files: string[]) => ({
  'sql-race': { schema: files.map((f) => path.join(here, 'schema', f)), schemaDiscovery: false },
});
const sqlSchema = withSchema('bookings.sql');

/** Check that the slot is free, then insert (fixtures/03-booking's unsafe variant, with a body to choose). */
const booking = (insert: string) => `
import type { Pool } from 'pg';
export async function bookSlot(pool: Pool, doctor: string, startsAt: string, patient: string) {
  const existing = await pool.query('SELECT 1 FROM bookings WHERE doctor = $1 AND starts_at = $2', [doctor, startsAt]);
  if (existing.rows.length > 0) return { ok: false };
  ${insert}
  return { ok: true };
}
`;
const plainInsert =
  "await pool.query('INSERT INTO bookings (doctor, starts_at, patient) VALUES ($1, $2, $3)', [doctor, startsAt, patient]);";

const decrement = (table: string) => `
import type { Pool } from 'pg';
export async function order(pool: Pool, id: number) {
  const { rows } = await pool.query('SELECT stock FROM ${table} WHERE id = $1', [id]);
  if (rows[0].stock < 1) throw new Error('sold out');
  await pool.query('UPDATE ${table} SET stock = stock - 1 WHERE id = $1', [id]);
}
`;

/**
 * A bucket worker: the newest finished bucket read, the next one tested against the clock, claimed by an
 * INSERT under the key `(name, bucket)` that skips a duplicate, then run and marked done by that key.
 */
const bucketRun = (claimed: string) => `
import type { Pool } from 'pg';
declare function work(bucket: Date): Promise<void>;
export async function runNext(pool: Pool, name: string, now: Date) {
  const { rows } = await pool.query("SELECT max(bucket) AS bucket FROM job_buckets WHERE name = $1 AND stage = 'done'", [name]);
  if (rows[0].bucket >= now) return;
  const bucket = rows[0].bucket;
  const claim = await pool.query("INSERT INTO job_buckets (name, bucket, stage) VALUES ($1, $2, 'started') ON CONFLICT DO NOTHING RETURNING name", [name, bucket]);
  ${claimed}
  await work(bucket);
  await pool.query("UPDATE job_buckets SET stage = 'done' WHERE name = $1 AND bucket = $2", [name, bucket]);
}
`;

/** A vote looked up by its compound unique key, then created (Prisma's model API). */
const vote = (create: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function upvote(userId: number, postId: number) {
  const existing = await prisma.vote.findUnique({ where: { userId_postId: { userId, postId } } });
  if (existing) return { ok: false };
  ${create}
  return { ok: true };
}
`;
const voteSchema = withSchema('votes.prisma');

/** A get-or-create: the lookup, then a create whose P2002 (or 23505) the code answers, here or in a helper. */
const getOrCreate = (
  where: string,
  data: string,
  catcher = "if (error instanceof Error && 'code' in error && error.code === 'P2002') return null;",
) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
async function createOnce(data: any) {
  try {
    return await prisma.vote.create({ data });
  } catch (error) {
    ${catcher}
    throw error;
  }
}
export async function upvote(where: any, userId: number, postId: number) {
  const existing = await prisma.vote.findFirst({ where: ${where} });
  if (existing) return existing;
  return ${data};
}
`;

/** A sign-up that looks for a row holding either value, then creates one holding both. */
const signUp = (other: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function signUp(username: string, ${other}: string) {
  const existing = await prisma.partner.findFirst({ where: { OR: [{ username }, { ${other} }] } });
  if (existing) throw new Error('taken');
  await prisma.partner.create({ data: { username, ${other}, nickname: username } });
}
`;

/** A hook looked up by part of its compound key (`envId`, `tenant`), then created with a body to choose. */
const hook = (data: string, prelude = '') => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function register(id: string, envId: number, handlerId: string, tenant: string) {
  ${prelude}
  const existing = await prisma.hook.findFirst({ where: { envId, tenant } });
  if (existing) return existing;
  return prisma.hook.create({ data: ${data} });
}
`;

/** A partner looked up by a nickname in a scope a helper builds, then created (P2002 handled when asked). */
const scopedSignUp = (create: string) => `
import { PrismaClient } from '@prisma/client';
import { activeScope } from './scopes';
const prisma = new PrismaClient();
export async function signUp(nickname: string, username: string, email: string) {
  const existing = await prisma.partner.findFirst({ where: { nickname, ...activeScope() } });
  if (existing) return existing;
  ${create}
}
`;

/** One pending job per subject and kind (a partial unique index), checked then inserted with kysely. */
const scheduleJob = (status: string, values: string) => `
import { Kysely, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new Pool() }) });
export async function schedule(subject: string, kind: string) {
  const existing = await db.selectFrom('scheduled_jobs').selectAll().where('subject', '=', subject).where('kind', '=', kind).where('status', '=', ${status}).executeTakeFirst();
  if (existing) throw new Error('A job is already pending');
  return db.insertInto('scheduled_jobs').values(${values}).returningAll().executeTakeFirstOrThrow();
}
`;

/** No invoice pending, then one created in the same transaction, its @unique number counted from the workspace's invoices. */
const invoice = (number: string, options = '') => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function bill(workspaceId: string, prefix: string, amount: number) {
  return prisma.$transaction(async (tx) => {
    const pending = await tx.invoice.findFirst({ where: { workspaceId, status: 'processing' } });
    if (pending) return null;
    const count = await tx.invoice.count({ where: { workspaceId } });
    const number = ${number};
    return tx.invoice.create({ data: { workspaceId, number, amount } });
  }${options});
}
`;
const billingSchema = withSchema('billing');
const countedNumber = "`${prefix}-${String(count + 1).padStart(4, '0')}`";

/** A progress marker looked for by height, then inserted under a primary key on a root made from the height. */
const marker = (root: string) => `
import mysql from 'mysql2/promise';
const pool = mysql.createPool({});
export async function markIndexed(height: number) {
  const [rows]: any = await pool.query('SELECT root FROM progress_markers WHERE height = ?', [height]);
  if (rows.length) return;
  ${root}
  await pool.query('INSERT INTO progress_markers (root, height, fee_rate) VALUES (?, ?, ?)', [root, height, 0]);
}
`;

/**
 * A signer script looked for in the whole table loaded (JavaScript searches the rows), then inserted in a
 * `try` (the catch given) under the table's key, with `address` made as given.
 */
const signerScript = (table: string, address: string, handler: string) => `
import mysql from 'mysql2/promise';
import { deriveAddress } from './chain';
const pool = mysql.createPool({});
export async function recordSigner(block: { height: number; params: { script: string; program: string } }) {
  const script = block.params.script;
  const [rows]: any = await pool.query('SELECT script, address, height FROM ${table} ORDER BY height DESC');
  if (rows.some((row: any) => row.script === script)) return;
  let address: string;
  ${address}
  try {
    await pool.query('INSERT INTO ${table} (script, ${table === 'signer_notes' ? 'id' : 'address, height'}) VALUES (?, ?${table === 'signer_notes' ? '' : ', ?'})', [script, address${table === 'signer_notes' ? '' : ', block.height'}]);
  } catch (e) {
    ${handler}
  }
}
`;

/** A code redeemed: tested, marked, and its reward created (the body says where and under which key). */
const redeem = (body: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function redeem(code: string, userId: number) {
  const claim = await prisma.claim.findUnique({ where: { code } });
  if (!claim || claim.redeemed) throw new Error('Already redeemed');
  ${body}
}
`;

/** A name looked up, tested to belong to another row (its key compared to the caller's), then set on the caller's row. */
const claimName = (column: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function rename(me: { id: string }, ${column}: string) {
  const existing = await prisma.partner.findUnique({ where: { ${column} } });
  if (existing && existing.id !== me.id) throw new Error('taken');
  await prisma.partner.update({ where: { id: me.id }, data: { ${column} } });
}
`;

/**
 * A uniqueness check made by helpers: one answers whether a partner holds the value (`return !!found`), the
 * next turns that into a verdict (`{ error: 'taken' }`), and the caller tests the verdict before the UPDATE.
 */
const claimNameByHelper = (column: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
async function taken(value: string) {
  const found = await prisma.partner.findFirst({ where: { ${column}: value }, select: { id: true } });
  return !!found;
}
async function validate(value: string): Promise<{ error: string | null }> {
  if (value.length < 3) return { error: 'too short' };
  if (await taken(value)) return { error: 'taken' };
  return { error: null };
}
export async function rename(me: { id: string }, value: string, changed: boolean) {
  const valid = await validate(value);
  if (valid.error) throw new Error(valid.error);
  await prisma.partner.update({ where: { id: me.id }, data: { ...(changed && { ${column}: value }) } });
}
`;

/** An owner set unless already set to the same user, with a membership row the promotion adds (the table says under which key). */
const promote = (table: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function promote(teamId: string, userId: string, wasAdmin: boolean) {
  const team = await prisma.team.findUnique({ where: { id: teamId }, include: { members: { where: { userId } } } });
  if (!team) throw new Error('not found');
  const [member] = team.members;
  if (team.ownerId === userId) throw new Error('already the owner');
  await prisma.$transaction(async (tx) => {
    await tx.team.update({ where: { id: teamId }, data: { ownerId: userId } });
    if (!wasAdmin) await tx.${table}.create({ data: { id: crypto.randomUUID(), memberId: member.id, teamId: team.id } });
  });
}
`;

/** A credit per invoice, within a window that starts at the partner's first credit (the found branch says whether it stops the create). */
const creditWithin = (found: string, prelude = '', data = '{ id: crypto.randomUUID(), partnerId, programId, invoiceId }') => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function credit(partnerId: string, programId: string, invoiceId: string) {
  const first = await prisma.credit.findFirst({ where: { partnerId, programId }, orderBy: { createdAt: 'asc' } });
  if (first) {
    ${found}
  }
  ${prelude}
  try {
    return await prisma.credit.create({ data: ${data} });
  } catch (error) {
    if ((error as { code?: string }).code === 'P2002') return null;
    throw error;
  }
}
`;

/** An email change confirmed by a token: the person is moved off the old address (how, the caller says), then the tokens go. */
const confirmEmail = (move: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function confirm(token: string) {
  const found = await prisma.emailToken.findFirst({ where: { token, expires: { gt: new Date() } } });
  const oldEmail = found?.identifier;
  if (!oldEmail) return { ok: false };
  await prisma.person.${move}({ where: { email: oldEmail }, data: { email: found.newEmail } });
  await prisma.emailToken.deleteMany({ where: { identifier: oldEmail } });
  return { ok: true };
}
`;

ruleTester.run('no-check-then-act with a declared schema', rule, {
  valid: [
    {
      name: 'the whole table searched in JavaScript, then an INSERT setting the primary key from what the block gives, its failure answered',
      code: signerScript('signer_scripts', "address = deriveAddress(Buffer.from(block.params.program, 'hex'));", 'console.error(e);'),
      settings: sqlSchema,
    },
    {
      name: 'a primary key on a zero-filled buffer holding the height looked up: two markers for one height share the key',
      code: marker('const root = Buffer.alloc(32);\n  root.writeInt32LE(height);'),
      settings: sqlSchema,
    },
    {
      name: "a @unique number counted in the check's snapshot (MySQL's REPEATABLE READ, the datasource in another file of the schema folder): two invoices get one number",
      code: invoice(countedNumber),
      settings: billingSchema,
    },
    {
      name: "the person found by the token's @unique email is moved off it by an update that rejects on no row: a second confirmation stops there",
      code: confirmEmail('update'),
      settings: voteSchema,
    },
    {
      name: "a row found does not stop the create (only its age is tested), and the create's key on the invoice refuses and answers a duplicate",
      code: creditWithin('if (Date.now() - first.createdAt.getTime() > 365 * 86_400_000) return null;'),
      settings: voteSchema,
    },
    {
      name: "the create's data is a let given the invoice by a later spread of itself and a property write: the key on the invoice still refuses a duplicate",
      code: creditWithin(
        'if (Date.now() - first.createdAt.getTime() > 365 * 86_400_000) return null;',
        "let data: Record<string, unknown> = { id: crypto.randomUUID(), partnerId };\n  data = { ...data, programId, invoiceId };\n  data.note = 'credit';",
        'data',
      ),
      settings: voteSchema,
    },
    {
      name: "an owner set unless already that user; the admin row it adds is keyed by values from the row read, so a second promotion's create fails",
      code: promote('teamAdmin'),
      settings: voteSchema,
    },
    {
      name: 'an existence check by part of a key the create sets whole: the key refuses the second row',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function link(userId: number, provider: string, providerAccountId: string) {
  const existing = await prisma.account.findFirst({ where: { providerAccountId } });
  if (existing) return;
  await prisma.account.create({ data: { userId, provider, providerAccountId } });
}
`,
      settings: voteSchema,
    },
    {
      name: 'a lookup with a value written in place is a lookup by that column (provider: "google")',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function link(userId: number, sub: string) {
  const existing = await prisma.account.findFirst({ where: { provider: 'google', providerAccountId: sub } });
  if (existing) return;
  await prisma.account.create({ data: { id: crypto.randomUUID(), userId, provider: 'google', providerAccountId: sub } });
}
`,
      settings: voteSchema,
    },
    {
      name: 'the create spreads the request body: the row it adds holds the values looked up, which the compound key refuses twice',
      code: vote('await prisma.vote.create({ data: { id: crypto.randomUUID(), ...input } });').replace(
        'upvote(userId: number, postId: number)',
        'upvote(userId: number, postId: number, input: { userId: number; postId: number })',
      ),
      settings: voteSchema,
    },
    {
      name: 'a rename checked against the names of one owner, with @@unique([name, ownerId])',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function renameTag(id: number, ownerId: number, name: string) {
  const taken = await prisma.tag.findFirst({ where: { name, ownerId } });
  if (taken) throw new Error('name taken');
  await prisma.tag.update({ where: { id }, data: { name } });
}
`,
      settings: voteSchema,
    },
    {
      name: 'the INSERT has no column list: the row it adds is the one the check looked up, which the key refuses twice',
      code: booking("await pool.query('INSERT INTO bookings VALUES (DEFAULT, $1, $2, $3)', [doctor, startsAt, patient]);"),
      settings: sqlSchema,
    },
    {
      name: 'schema.prisma: @@unique([userId, postId]) covers the create and P2002 is handled',
      code: vote(`try {
    await prisma.vote.create({ data: { userId, postId } });
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'P2002') return { ok: false };
    throw error;
  }`),
      settings: voteSchema,
    },
    {
      name: 'a unique key covers the inserted columns and a catch answers the duplicate-key error',
      code: booking(`try {
    ${plainInsert}
  } catch (error) {
    if ((error as { code?: string }).code === '23505') return { ok: false };
    throw error;
  }`),
      settings: sqlSchema,
    },
    {
      name: 'a unique key covers the inserted columns and the promise has a .catch',
      code: booking(`const inserted = await pool.query('INSERT INTO bookings (doctor, starts_at, patient) VALUES ($1, $2, $3)', [doctor, startsAt, patient]).catch(() => null);
  if (!inserted) return { ok: false };`),
      settings: sqlSchema,
    },
    {
      name: 'a Prisma @@unique mapped with @@map and @map covers the inserted columns, and the catch tests P2002',
      code: `
import type { PrismaClient } from '@prisma/client';
export async function invite(prisma: PrismaClient, team: number, email: string) {
  const found = await prisma.$queryRaw\`SELECT id FROM invites WHERE team_id = \${team} AND email = \${email}\`;
  if (found.length > 0) return;
  try {
    await prisma.$executeRaw\`INSERT INTO invites (team_id, email) VALUES (\${team}, \${email})\`;
  } catch (error) {
    if (error.code === 'P2002') return;
    throw error;
  }
}
`,
      settings: withSchema('schema.prisma'),
    },
    {
      name: 'schema.prisma: @@unique([userId, postId]) refuses the duplicate create, even unhandled (an error, not a second row)',
      code: vote('await prisma.vote.create({ data: { userId, postId } });'),
      settings: voteSchema,
    },
    {
      name: 'knex: the row spreads a helper of the file that returns an object literal; its email is the unique key looked up',
      code: `
import { knex } from 'knex';
const db = knex({ client: 'pg' });
const toColumns = (input: { email: string }) => ({ email: input.email.toLowerCase() });
export async function signUp(input: { email: string }) {
  const found = await db('accounts').where('email', input.email.toLowerCase()).first();
  if (found) return found;
  return db('accounts').insert({ ...toColumns(input) }).returning('*');
}
`,
      settings: sqlSchema,
    },
    {
      name: 'a unique key on the values looked up covers the INSERT; nothing handles the duplicate-key error, which is no race',
      code: booking(plainInsert),
      settings: sqlSchema,
    },
    {
      name: 'a unique key on the values looked up, and a catch that only rolls back and rethrows',
      code: booking(`try {
    ${plainInsert}
  } catch (error) {
    await pool.query('ROLLBACK');
    throw error;
  }`),
      settings: sqlSchema,
    },
    {
      name: 'a unique key on the email refuses a second account with the address the check looked up',
      code: `
import type { Pool } from 'pg';
export async function rename(pool: Pool, id: number, email: string) {
  const taken = await pool.query('SELECT 1 FROM accounts WHERE email = $1', [email]);
  if (taken.rowCount > 0) throw new Error('taken');
  await pool.query('UPDATE accounts SET email = $1 WHERE id = $2', [email, id]);
}
`,
      settings: sqlSchema,
    },
    {
      name: "a helper's verdict on whether a row holds the value (`valid.error`), then the value set: the @unique key refuses the second taker",
      code: claimNameByHelper('username'),
      settings: voteSchema,
    },
    {
      name: "a value tested to belong to another row (its id compared to the caller's) and set by an UPDATE: the @unique key refuses the second taker",
      code: claimName('username'),
      settings: voteSchema,
    },
    {
      name: 'a lookup the facts cannot state (a where handed in), then a create whose P2002 is handled: the code relies on a key and answers the loser',
      code: getOrCreate(
        'where',
        "await prisma.vote.create({ data: { userId, postId } }).catch((error) => { if (error.code === 'P2002') return null; throw error; })",
      ),
    },
    {
      name: 'the create runs in a helper that handles P2002 (a get-or-create helper)',
      code: getOrCreate('where', 'await createOnce({ userId, postId })'),
    },
    {
      name: 'a lookup by one column on a table whose keys are not declared, P2002 handled in the helper',
      code: getOrCreate('{ userId }', 'await createOnce({ userId, postId })'),
    },
    {
      name: 'a row looked up by either of two values (OR), each a @unique key the create sets: either duplicate is refused',
      code: signUp('email'),
      settings: voteSchema,
    },
    {
      name: "a partial unique index (WHERE status = 'pending') and an INSERT that writes status 'pending': the index refuses a second pending row",
      code: scheduleJob("'pending'", "{ subject, kind, status: 'pending' }"),
      settings: sqlSchema,
    },
    {
      name: 'the row looked up by its @unique email, and a create that leaves the email to its default: another row, never the one looked for',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function invite(email: string, username: string) {
  const existing = await prisma.partner.findUnique({ where: { email } });
  if (existing) return existing;
  return prisma.partner.create({ data: { username, nickname: username } });
}
`,
      settings: voteSchema,
    },
    {
      name: "the transaction that marks the code also creates its reward under a @unique key taken from the row read: the second request's create fails and rolls its mark back",
      code: redeem(`await prisma.$transaction(async (tx) => {
    await tx.claim.update({ where: { code }, data: { redeemed: true } });
    await tx.reward.create({ data: { claimCode: claim.code, userId, amount: 10 } });
  });`),
      settings: voteSchema,
    },
    {
      name: 'the keyed reward created first, outside a transaction, then the code marked: the second request stops at the create',
      code: redeem(`await prisma.reward.create({ data: { claimCode: code, userId, amount: 10 } });
  await prisma.claim.update({ where: { code }, data: { redeemed: true } });`),
      settings: voteSchema,
    },
    {
      name: 'the create also sets the primary key: the compound key that holds the columns looked up is the one that refuses the duplicate',
      code: hook('{ id, envId, handlerId, tenant }'),
      settings: voteSchema,
    },
    {
      name: 'the create spreads a constant object: its fields are set too, and complete the compound key',
      code: hook('{ ...scope, handlerId }', 'const scope = { envId, tenant };'),
      settings: voteSchema,
    },
    {
      name: "the lookup spreads a helper's conditions, so it is not the equality seen alone; the create's P2002 is handled",
      code: scopedSignUp(`try {
    return await prisma.partner.create({ data: { nickname, username, email } });
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'P2002') return null;
    throw error;
  }`),
      settings: voteSchema,
    },
    {
      name: 'the tested bucket is claimed by an INSERT that skips a duplicate of its key, and the claim is checked: one runner per bucket',
      code: bucketRun('if (claim.rowCount === 0) return;'),
      settings: sqlSchema,
    },
  ],
  invalid: [
    {
      name: 'the whole table searched in JavaScript, then an INSERT under a primary key drawn afresh: two requests insert two rows',
      code: signerScript('signer_notes', 'address = crypto.randomUUID();', 'console.error(e);'),
      settings: sqlSchema,
      errors: [{ messageId: 'checkThenInsert', line: 7 }],
    },
    {
      name: 'the whole table searched in JavaScript, then an INSERT under the primary key whose failure is thrown again',
      code: signerScript('signer_scripts', "address = deriveAddress(Buffer.from(block.params.program, 'hex'));", 'throw e;'),
      settings: sqlSchema,
      errors: [{ messageId: 'checkThenInsert', line: 7 }],
    },
    {
      name: 'a primary key on a buffer of leftover bytes with the height written in: two markers for one height get two keys',
      code: marker('const root = Buffer.allocUnsafe(32);\n  root.writeInt32LE(height);'),
      settings: sqlSchema,
      errors: [{ messageId: 'checkThenInsert', line: 5, column: 29 }],
    },
    {
      name: 'a primary key on a buffer filled with random bytes besides the height: two markers for one height get two keys',
      code: marker('const root = Buffer.alloc(32);\n  root.writeInt32LE(height);\n  crypto.randomFillSync(root);'),
      settings: sqlSchema,
      errors: [{ messageId: 'checkThenInsert', line: 5, column: 29 }],
    },
    {
      name: 'a @unique number counted under READ COMMITTED: an invoice committed between the check and the count moves the number on',
      code: invoice(countedNumber, ", { isolationLevel: 'ReadCommitted' }"),
      settings: billingSchema,
      errors: [{ messageId: 'checkThenInsertModel', line: 6, column: 27 }],
    },
    {
      name: 'a @unique number made from the clock, not counted: two requests write two numbers',
      code: invoice('`${prefix}-${Date.now()}`'),
      settings: billingSchema,
      errors: [{ messageId: 'checkThenInsertModel', line: 6, column: 27 }],
    },
    {
      name: 'the person moved off the old email by an updateMany whose count nobody reads: a second confirmation goes on',
      code: confirmEmail('updateMany'),
      settings: voteSchema,
      errors: [{ messageId: 'checkThenActModel', line: 5, column: 23 }],
    },
    {
      name: 'a row found stops the create: the key on the invoice, caught or not, does not cover the partner looked up',
      code: creditWithin('return null;'),
      settings: voteSchema,
      errors: [{ messageId: 'checkThenInsertModel', line: 5, column: 23 }],
    },
    {
      name: "the create's data is a let replaced on one path by an object without the invoice: the key may not cover the row, so the found row's age is no answer",
      code: creditWithin(
        'if (Date.now() - first.createdAt.getTime() > 365 * 86_400_000) return null;',
        'let data: Record<string, unknown> = { id: crypto.randomUUID(), partnerId, programId, invoiceId };\n  if (!invoiceId) data = { id: crypto.randomUUID(), partnerId, programId };',
        'data',
      ),
      settings: voteSchema,
      errors: [{ messageId: 'checkThenInsertModel', line: 5, column: 23 }],
    },
    {
      name: 'an owner set unless already that user, with a row added under no key: two promotions add it twice',
      code: promote('teamGuest'),
      settings: voteSchema,
      errors: [{ messageId: 'checkThenActModel', line: 5, column: 22 }],
    },
    {
      name: 'the code marked in a transaction and its reward created after it, outside: the second mark is not undone',
      code: redeem(`await prisma.$transaction(async (tx) => {
    await tx.claim.update({ where: { code }, data: { redeemed: true } });
  });
  await prisma.reward.create({ data: { claimCode: claim.code, userId, amount: 10 } });`),
      settings: voteSchema,
      errors: [{ messageId: 'checkThenActModel', line: 5, column: 23 }],
    },
    {
      name: 'the reward keyed by a value the request brings (not the row read): two requests create two rewards',
      code: redeem(`await prisma.$transaction(async (tx) => {
    await tx.claim.update({ where: { code }, data: { redeemed: true } });
    await tx.reward.create({ data: { claimCode: reference, userId, amount: 10 } });
  });`).replace('userId: number)', 'userId: number, reference: string)'),
      settings: voteSchema,
      errors: [{ messageId: 'checkThenActModel', line: 5, column: 23 }],
    },
    {
      name: 'the keyed create only on one branch after the mark: the mark runs twice when the branch is not taken',
      code: redeem(`await prisma.$transaction(async (tx) => {
    await tx.claim.update({ where: { code }, data: { redeemed: true } });
    if (userId > 0) await tx.reward.create({ data: { claimCode: claim.code, userId, amount: 10 } });
  });`),
      settings: voteSchema,
      errors: [{ messageId: 'checkThenActModel', line: 5, column: 23 }],
    },
    {
      name: 'a partial unique index on pending rows does not cover an INSERT that writes another status',
      code: scheduleJob("'queued'", "{ subject, kind, status: 'queued' }"),
      settings: sqlSchema,
      errors: [{ messageId: 'checkThenInsertModel', line: 6, column: 26 }],
    },
    {
      name: 'a partial unique index on pending rows, and an INSERT that leaves the status to the database: what it writes is not seen',
      code: scheduleJob("'pending'", '{ subject, kind }'),
      settings: sqlSchema,
      errors: [{ messageId: 'checkThenInsertModel', line: 6, column: 26 }],
    },
    {
      name: 'the create sets the primary key and the columns looked up, but not the whole compound key: a second hook is not refused',
      code: hook('{ id, envId, tenant }'),
      settings: voteSchema,
      errors: [{ messageId: 'checkThenInsertModel', line: 6, column: 26 }],
    },
    {
      name: "the lookup spreads a helper's conditions, but nothing answers a duplicate and no key holds the nickname looked up",
      code: scopedSignUp('return prisma.partner.create({ data: { nickname, username, email } });'),
      settings: voteSchema,
      errors: [{ messageId: 'checkThenInsertModel', line: 6, column: 26 }],
    },
    {
      name: 'a row looked up by either of two values (OR), one of them on a column no key makes unique',
      code: signUp('nickname').replace('nickname: username', 'email: username'),
      settings: voteSchema,
      errors: [{ messageId: 'checkThenInsertModel', line: 5, column: 26 }],
    },
    {
      name: 'a handled P2002 of another key (the declared one covers the inserted columns, not the lookup): one row per user is no key',
      code: getOrCreate('{ userId }', 'await createOnce({ id: crypto.randomUUID(), userId, postId })'),
      settings: voteSchema,
      errors: [{ messageId: 'checkThenInsert', line: 13, column: 26 }],
    },
    {
      name: 'a count is a limit: a handled P2002 does not enforce it',
      code: getOrCreate('where', 'await createOnce({ userId, postId })').replace('prisma.vote.findFirst', 'prisma.vote.count'),
      errors: [{ messageId: 'checkThenInsert', line: 13, column: 26 }],
    },
    {
      name: 'a handled 23505 of a key that neither the lookup nor the inserted columns cover (only the primary key on a fresh id)',
      code: booking(`try {
    await pool.query('INSERT INTO bookings (booking_id, patient) VALUES ($1, $2)', [crypto.randomUUID(), patient]);
  } catch (error) {
    if ((error as { code?: string }).code === '23505') return { ok: false };
    throw error;
  }`)
        .replace('WHERE doctor = $1 AND starts_at = $2', 'WHERE patient = $1')
        .replace('[doctor, startsAt]);', '[patient]);'),
      settings: sqlSchema,
      errors: [{ messageId: 'checkThenInsert', line: 4, column: 26 }],
    },
    {
      name: 'a value tested to belong to another row, set by an UPDATE, on a column no key makes unique',
      code: claimName('nickname'),
      settings: voteSchema,
      errors: [{ messageId: 'checkThenSetUnique', line: 5, column: 26 }],
    },
    {
      name: "a helper's verdict on whether a row holds the value, then the value set, on a column no key makes unique",
      code: claimNameByHelper('nickname'),
      settings: voteSchema,
      errors: [{ messageId: 'checkThenSetUnique', line: 14, column: 23 }],
    },
    {
      name: 'a count by part of a key is a limit, which the key does not enforce',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function link(userId: number, provider: string, providerAccountId: string) {
  const linked = await prisma.account.count({ where: { providerAccountId } });
  if (linked >= 3) throw new Error('too many');
  await prisma.account.create({ data: { userId, provider, providerAccountId } });
}
`,
      settings: voteSchema,
      errors: [{ messageId: 'checkThenInsertModel', line: 5 }],
    },
    {
      name: 'a primary key on a fresh id does not refuse a row past a limit the check counted',
      code: `
import { PrismaClient } from '@prisma/client';
import { randomUUID } from 'node:crypto';
const prisma = new PrismaClient();
export async function addVote(userId: number, postId: number) {
  const votes = await prisma.vote.count({ where: { userId } });
  if (votes >= 5) throw new Error('limit');
  await prisma.vote.create({ data: { id: randomUUID(), userId, postId } });
}
`,
      settings: voteSchema,
      errors: [{ messageId: 'checkThenInsertModel', line: 6, column: 23 }],
    },
    {
      name: 'a primary key on a fresh id does not refuse a second booking for the patient the check looked up',
      code: booking("await pool.query('INSERT INTO bookings (booking_id, patient) VALUES ($1, $2)', [crypto.randomUUID(), patient]);")
        .replace('WHERE doctor = $1 AND starts_at = $2', 'WHERE patient = $1')
        .replace('[doctor, startsAt]);', '[patient]);'),
      settings: sqlSchema,
      errors: [{ messageId: 'checkThenInsert', line: 4, column: 26 }],
    },
    {
      name: 'without a schema the check-then-insert is a race',
      code: booking(plainInsert),
      errors: [{ messageId: 'checkThenInsert', line: 4, column: 26 }],
    },
    {
      name: 'a partial unique index does not cover plain equality',
      code: `
import type { Pool } from 'pg';
export async function join(pool: Pool, email: string) {
  const found = await pool.query('SELECT id FROM members WHERE email = $1', [email]);
  if (found.rowCount > 0) return;
  try {
    await pool.query('INSERT INTO members (email) VALUES ($1)', [email]);
  } catch {
    return;
  }
}
`,
      settings: sqlSchema,
      errors: [{ messageId: 'checkThenInsert', line: 4, column: 23 }],
    },
    {
      name: 'CHECK (stock >= 0): the unguarded decrement fails instead of going negative, and the message says so',
      code: decrement('products'),
      settings: sqlSchema,
      errors: [
        {
          messageId: 'checkThenActBounded',
          line: 4,
          column: 26,
          data: {
            check: 'stock >= 0',
            column: 'stock',
            table: 'products',
            readLines: 'line 4',
            checkLines: 'line 5',
            writeLines: 'line 6',
            ...pgAdvice,
          },
        },
      ],
    },
    {
      name: 'the claim of the bucket is not checked: both runners go on to the work and the write',
      code: bucketRun('void claim;'),
      settings: sqlSchema,
      errors: [{ messageId: 'checkThenAct', line: 5, column: 26 }],
    },
    {
      name: 'no CHECK on the column: the plain message',
      code: decrement('stock_items'),
      settings: sqlSchema,
      errors: [{ messageId: 'checkThenAct', line: 4, column: 26 }],
    },
  ],
});

const lockOrVersion =
  'lock the row with `SELECT ... FOR UPDATE` in the transaction, or add a version check to the WHERE and check `result.rowCount`';

/** The written value is built in a way whose kind JavaScript does not show: only the schema does. */
const writeBack = (column: string, value: string) => `
import type { Pool } from 'pg';
export async function save(pool: Pool, id: number, change: any) {
  const { rows } = await pool.query('SELECT ${column} FROM profiles WHERE id = $1', [id]);
  const next = ${value};
  await pool.query('UPDATE profiles SET ${column} = $1 WHERE id = $2', [next, id]);
}
`;

ruleTester.run('no-lost-update with a declared schema', lostUpdate, {
  valid: [],
  invalid: [
    {
      name: 'a jsonb column: the fix merges in SQL',
      code: writeBack('prefs', 'Object.assign({}, rows[0].prefs, change)'),
      settings: sqlSchema,
      errors: [
        {
          messageId: 'lostUpdate',
          data: {
            table: 'profiles',
            column: 'prefs',
            readLines: 'line 4',
            writeLines: 'line 6',
            into: '',
            fix: `Merge into the stored document in SQL (\`SET prefs = prefs || $1::jsonb\` or \`jsonb_set(prefs, ...)\`), ${lockOrVersion}`,
          },
        },
      ],
    },
    {
      name: 'an integer column: the fix writes relative to the stored value',
      code: writeBack('visits', 'rows[0].visits ?? change'),
      settings: sqlSchema,
      errors: [
        {
          messageId: 'lostUpdate',
          data: {
            table: 'profiles',
            column: 'visits',
            readLines: 'line 4',
            writeLines: 'line 6',
            into: '',
            fix: `Write it relative to the stored value (\`SET visits = visits + $1\`), ${lockOrVersion}`,
          },
        },
      ],
    },
  ],
});

// The scope `teamId AND collectionId` covers no key of `documents` (found through the model Document,
// though Template maps onto the same table): a bulk archive, where 0 rows only means there were none.
const archiveCollection = (where: string) => `
import { Op } from 'sequelize';
import { Document } from './models';
export async function archive(teamId: string, collectionId: string, documentId: string) {
  await Document.update({ archivedAt: new Date() }, { where: { ${where}, archivedAt: { [Op.is]: null } } });
  return { ok: true };
}
`;
const sequelizeModels = withSchema('sequelize-models.ts');

ruleTester.run('no-ignored-rowcount with a declared schema', ignoredRowcount, {
  valid: [
    {
      name: "a model's bulk update over a scope that covers no key of its table, when another model shares the table",
      code: archiveCollection('teamId, collectionId'),
      settings: sequelizeModels,
    },
  ],
  invalid: [
    {
      name: "the same update aimed at one row by the table's primary key",
      code: archiveCollection('id: documentId'),
      settings: sequelizeModels,
      errors: [{ messageId: 'ignoredRowCount', line: 5 }],
    },
  ],
});

// A pool read in a transaction that inserted into the same table: looked up by the primary key, with a
// value the INSERT did not return, it cannot be after the new row (its key is only in the INSERT's result).
const copyDocument = (lookup: string) => `
import { Sequelize } from 'sequelize';
import { Document } from './models';
const sequelize = new Sequelize('postgres://localhost/docs');
export async function copy(teamId: string, sourceId: string) {
  return sequelize.transaction(async (transaction) => {
    const created = await Document.create({ teamId }, { transaction });
    const found = await ${lookup};
    return [created, found];
  });
}
`;

ruleTester.run('no-transaction-on-pool with a declared schema', transactionOnPool, {
  valid: [
    {
      name: 'a lookup by primary key of a row the INSERT did not make, after an INSERT that leaves the key to the database',
      code: copyDocument('Document.findByPk(sourceId)'),
      settings: sequelizeModels,
    },
  ],
  invalid: [
    {
      name: 'a lookup by primary key of the row the INSERT made',
      code: copyDocument('Document.findByPk(created.id)'),
      settings: sequelizeModels,
      errors: [{ messageId: 'queryOutsideTransaction', line: 8 }],
    },
    {
      name: 'a lookup by another column, which may match the new row',
      code: copyDocument('Document.findOne({ where: { teamId } })'),
      settings: sequelizeModels,
      errors: [{ messageId: 'queryOutsideTransaction', line: 8 }],
    },
  ],
});
