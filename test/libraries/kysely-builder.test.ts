/**
 * The six rules on kysely's query builder: `selectFrom(...).where('c', '=', v).selectAll()
 * .executeTakeFirst()`, `updateTable(...).set({...})` with `numUpdatedRows`, `set((eb) => ({ balance:
 * eb('balance', '+', n) }))` and ``sql`...` `` values (relative), `insertInto(...).onConflict(...)`,
 * `deleteFrom(...)` with `numDeletedRows`, `.forUpdate()`, `executeTakeFirstOrThrow`, and
 * `db.transaction().setIsolationLevel(...).execute(async (trx) => ...)`, written the way kysely's
 * documentation writes them. Lines 2-4 of every case create the instance.
 */
import checkThenAct from '../../rules/no-check-then-act.js';
import decoupledInsert from '../../rules/no-decoupled-insert.js';
import ignoredRowcount from '../../rules/no-ignored-rowcount.js';
import lockOutsideTransaction from '../../rules/no-lock-outside-transaction.js';
import lostUpdate from '../../rules/no-lost-update.js';
import transactionOnPool from '../../rules/no-transaction-on-pool.js';
import { ruleTester } from '../helpers/rule-tester.js';

const db = `
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Pool } from 'pg';
const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new Pool() }) });
`;

ruleTester.run('kysely builder: no-check-then-act', checkThenAct, {
  valid: [
    {
      name: '.forUpdate() on the read inside the transaction',
      code: `${db}
export async function placeOrder(productId: string) {
  await db.transaction().execute(async (trx) => {
    const product = await trx.selectFrom('products').select('stock').where('id', '=', productId).forUpdate().executeTakeFirstOrThrow();
    if (product.stock < 1) throw new Error('Sold out');
    await trx.updateTable('products').set((eb) => ({ stock: eb('stock', '-', 1) })).where('id', '=', productId).execute();
  });
}
`,
    },
    {
      name: "setIsolationLevel('serializable')",
      code: `${db}
export async function placeOrder(productId: string) {
  await db.transaction().setIsolationLevel('serializable').execute(async (trx) => {
    const product = await trx.selectFrom('products').select('stock').where('id', '=', productId).executeTakeFirstOrThrow();
    if (product.stock < 1) throw new Error('Sold out');
    await trx.updateTable('products').set((eb) => ({ stock: eb('stock', '-', 1) })).where('id', '=', productId).execute();
  });
}
`,
    },
    {
      name: 'the write re-tests the stock and numUpdatedRows is checked',
      code: `${db}
export async function placeOrder(productId: string) {
  const product = await db.selectFrom('products').select('stock').where('id', '=', productId).executeTakeFirstOrThrow();
  if (product.stock < 1) throw new Error('Sold out');
  const result = await db.updateTable('products').set((eb) => ({ stock: eb('stock', '-', 1) })).where('id', '=', productId).where('stock', '>', 0).executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new Error('Sold out');
}
`,
    },
    {
      name: 'the read only feeds the response',
      code: `${db}
export async function stockOf(productId: string) {
  const product = await db.selectFrom('products').selectAll().where('id', '=', productId).executeTakeFirst();
  return { inStock: product !== undefined && product.stock > 0 };
}
`,
    },
    {
      name: 'an increment decided by nothing read',
      code: `${db}
export async function view(productId: string) {
  const product = await db.selectFrom('products').selectAll().where('id', '=', productId).executeTakeFirst();
  await db.updateTable('products').set((eb) => ({ views: eb('views', '+', 1) })).where('id', '=', productId).execute();
  return product;
}
`,
    },
  ],
  invalid: [
    {
      name: 'selectFrom tested, then an unguarded updateTable',
      code: `${db}
export async function placeOrder(productId: string) {
  await db.transaction().execute(async (trx) => {
    const product = await trx.selectFrom('products').select('stock').where('id', '=', productId).executeTakeFirstOrThrow();
    if (product.stock < 1) throw new Error('Sold out');
    await trx.updateTable('products').set((eb) => ({ stock: eb('stock', '-', 1) })).where('id', '=', productId).execute();
  });
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 8, column: 27 }],
    },
    {
      name: 'on the instance, with an sql fragment as the value',
      code: `${db}
export async function placeOrder(productId: string) {
  const product = await db.selectFrom('products').selectAll().where('id', '=', productId).executeTakeFirst();
  if (!product || product.stock <= 0) return false;
  await db.updateTable('products').set({ stock: sql\`stock - 1\` }).where('id', '=', productId).executeTakeFirst();
  return true;
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 7, column: 25 }],
    },
    {
      name: 'a coupon marked used after a stale check',
      code: `${db}
export async function redeem(code: string) {
  await db.transaction().execute(async (trx) => {
    const coupon = await trx.selectFrom('coupons').select(['id', 'used']).where('code', '=', code).executeTakeFirstOrThrow();
    if (coupon.used) throw new Error('Already used');
    await trx.updateTable('coupons').set({ used: true }).where('id', '=', coupon.id).execute();
  });
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 8, column: 26 }],
    },
  ],
});

ruleTester.run('kysely builder: no-decoupled-insert', decoupledInsert, {
  valid: [
    {
      name: 'numUpdatedRows decides the insert',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  await db.transaction().execute(async (trx) => {
    const result = await trx.updateTable('concerts').set((eb) => ({ available_seats: eb('available_seats', '-', 1) })).where('concert_id', '=', concertId).where('available_seats', '>', 0).executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new Error('Sold out');
    await trx.insertInto('tickets').values({ concert_id: concertId, user_id: userId }).execute();
  });
}
`,
    },
    {
      name: 'executeTakeFirstOrThrow on a RETURNING throws when no seat was taken',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('concerts').set((eb) => ({ available_seats: eb('available_seats', '-', 1) })).where('concert_id', '=', concertId).where('available_seats', '>', 0).returning('concert_id').executeTakeFirstOrThrow();
    await trx.insertInto('tickets').values({ concert_id: concertId, user_id: userId }).execute();
  });
}
`,
    },
    {
      name: 'an update aimed by key only',
      code: `${db}
export async function rename(userId: string, name: string) {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ name }).where('id', '=', userId).execute();
    await trx.insertInto('audit').values({ user_id: userId, action: 'rename' }).execute();
  });
}
`,
    },
    {
      name: 'the returned rows tested before the insert',
      code: `${db}
export async function accept(offerId: string, userId: string) {
  await db.transaction().execute(async (trx) => {
    const rows = await trx.updateTable('offers').set({ status: 'accepted' }).where('id', '=', offerId).where('status', '=', 'open').returningAll().execute();
    if (rows.length === 0) throw new Error('Gone');
    await trx.insertInto('contracts').values({ offer_id: offerId, user_id: userId }).execute();
  });
}
`,
    },
    {
      name: 'numDeletedRows checked before the insert',
      code: `${db}
export async function consume(token: string, userId: string) {
  await db.transaction().execute(async (trx) => {
    const result = await trx.deleteFrom('tokens').where('token', '=', token).where('used_at', 'is', null).executeTakeFirst();
    if (Number(result.numDeletedRows) !== 1) throw new Error('Used');
    await trx.insertInto('grants').values({ user_id: userId }).execute();
  });
}
`,
    },
  ],
  invalid: [
    {
      name: 'a guarded updateTable, numUpdatedRows never read',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('concerts').set((eb) => ({ available_seats: eb('available_seats', '-', 1) })).where('concert_id', '=', concertId).where('available_seats', '>', 0).executeTakeFirst();
    await trx.insertInto('tickets').values({ concert_id: concertId, user_id: userId }).execute();
  });
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 8, column: 11 }],
    },
    {
      name: 'a status flip guarded in .where(), then an insert',
      code: `${db}
export async function accept(offerId: string, userId: string) {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('offers').set({ status: 'accepted' }).where('id', '=', offerId).where('status', '=', 'open').execute();
    await trx.insertInto('contracts').values({ offer_id: offerId, user_id: userId }).execute();
  });
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 8, column: 11 }],
    },
    {
      name: 'a guarded deleteFrom, then an insert',
      code: `${db}
export async function consume(token: string, userId: string) {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('tokens').where('token', '=', token).where('used_at', 'is', null).executeTakeFirst();
    await trx.insertInto('grants').values({ user_id: userId }).execute();
  });
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 8, column: 11 }],
    },
  ],
});

ruleTester.run('kysely builder: no-ignored-rowcount', ignoredRowcount, {
  valid: [
    {
      name: 'numUpdatedRows is tested',
      code: `${db}
export async function redeem(code: string) {
  const result = await db.updateTable('coupons').set({ used: true }).where('code', '=', code).where('used', '=', false).executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new Error('Already used');
  return { ok: true };
}
`,
    },
    {
      name: 'the returned row is returned',
      code: `${db}
export async function redeem(code: string) {
  return db.updateTable('coupons').set({ used: true }).where('code', '=', code).where('used', '=', false).returning('id').executeTakeFirst();
}
`,
    },
    {
      name: 'a delete by key',
      code: `${db}
export async function remove(id: string) {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}
`,
    },
    {
      name: 'an increment with nothing to decide',
      code: `${db}
export async function hit(id: string) {
  await db.updateTable('pages').set((eb) => ({ hits: eb('hits', '+', 1) })).where('id', '=', id).execute();
}
`,
    },
    {
      name: 'an upsert on a unique key',
      code: `${db}
export async function save(userId: string, theme: string) {
  await db.insertInto('settings').values({ user_id: userId, theme }).onConflict((oc) => oc.column('user_id').doUpdateSet({ theme })).execute();
}
`,
    },
  ],
  invalid: [
    {
      name: 'a guarded updateTable whose result is dropped',
      code: `${db}
export async function redeem(code: string) {
  await db.updateTable('coupons').set({ used: true }).where('code', '=', code).where('used', '=', false).executeTakeFirst();
  return { ok: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 7, column: 9 }],
    },
    {
      name: 'a guarded deleteFrom whose result is dropped',
      code: `${db}
export async function consume(token: string) {
  await db.deleteFrom('tokens').where('token', '=', token).where('used_at', 'is', null).execute();
  return { ok: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 7, column: 9 }],
    },
    {
      name: 'a version-guarded update whose result is dropped, inside a transaction',
      code: `${db}
export async function save(id: string, version: number, body: string) {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('docs').set({ body, version: version + 1 }).where('id', '=', id).where('version', '=', version).execute();
  });
  return { ok: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 8, column: 11 }],
    },
  ],
});

ruleTester.run('kysely builder: no-lost-update', lostUpdate, {
  valid: [
    {
      name: "eb('balance', '+', amount)",
      code: `${db}
export async function deposit(id: number, amount: number) {
  await db.updateTable('accounts').set((eb) => ({ balance: eb('balance', '+', amount) })).where('id', '=', id).execute();
}
`,
    },
    {
      name: 'an sql fragment that reads the column',
      code: `${db}
export async function deposit(id: number, amount: number) {
  await db.updateTable('accounts').set({ balance: sql\`balance + \${amount}\` }).where('id', '=', id).execute();
}
`,
    },
    {
      name: '.forUpdate() on the read inside the transaction',
      code: `${db}
export async function deposit(id: number, amount: number) {
  await db.transaction().execute(async (trx) => {
    const account = await trx.selectFrom('accounts').selectAll().where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
    await trx.updateTable('accounts').set({ balance: account.balance + amount }).where('id', '=', id).execute();
  });
}
`,
    },
    {
      name: 'SERIALIZABLE',
      code: `${db}
export async function deposit(id: number, amount: number) {
  await db.transaction().setIsolationLevel('serializable').execute(async (trx) => {
    const account = await trx.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    await trx.updateTable('accounts').set({ balance: account.balance + amount }).where('id', '=', id).execute();
  });
}
`,
    },
    {
      name: 'a version column re-tested and numUpdatedRows checked',
      code: `${db}
export async function deposit(id: number, amount: number) {
  const account = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const result = await db.updateTable('accounts').set({ balance: account.balance + amount, version: account.version + 1 }).where('id', '=', id).where('version', '=', account.version).executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new Error('Conflict, retry');
}
`,
    },
  ],
  invalid: [
    {
      name: 'selectFrom then set({ balance: account.balance + amount })',
      code: `${db}
export async function deposit(id: number, amount: number) {
  const account = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  await db.updateTable('accounts').set({ balance: account.balance + amount }).where('id', '=', id).execute();
}
`,
      errors: [{ messageId: 'lostUpdate', line: 8, column: 9 }],
    },
    {
      name: "set('qty', item.qty - n) inside a transaction",
      code: `${db}
export async function take(itemId: number, n: number) {
  await db.transaction().execute(async (trx) => {
    const item = await trx.selectFrom('items').select('qty').where('id', '=', itemId).executeTakeFirstOrThrow();
    await trx.updateTable('items').set('qty', item.qty - n).where('id', '=', itemId).execute();
  });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 9, column: 11 }],
    },
    {
      name: 'an upsert that writes back a total computed from the read',
      code: `${db}
export async function addPoints(userId: string, points: number) {
  const row = await db.selectFrom('scores').select('total').where('user_id', '=', userId).executeTakeFirst();
  const total = (row?.total ?? 0) + points;
  await db.updateTable('scores').set({ total }).where('user_id', '=', userId).execute();
}
`,
      errors: [{ messageId: 'lostUpdate', line: 9, column: 9 }],
    },
  ],
});

ruleTester.run('kysely builder: no-transaction-on-pool', transactionOnPool, {
  valid: [
    {
      name: 'every statement on trx',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('accounts').set((eb) => ({ balance: eb('balance', '-', amount) })).where('id', '=', from).execute();
    await trx.updateTable('accounts').set((eb) => ({ balance: eb('balance', '+', amount) })).where('id', '=', to).execute();
  });
}
`,
    },
    {
      name: 'a controlled transaction',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  const trx = await db.startTransaction().execute();
  try {
    await trx.updateTable('accounts').set((eb) => ({ balance: eb('balance', '-', amount) })).where('id', '=', from).execute();
    await trx.updateTable('accounts').set((eb) => ({ balance: eb('balance', '+', amount) })).where('id', '=', to).execute();
    await trx.commit().execute();
  } catch (error) {
    await trx.rollback().execute();
    throw error;
  }
}
`,
    },
    {
      name: 'one statement on the instance',
      code: `${db}
export async function restock(id: number, n: number) {
  await db.updateTable('products').set((eb) => ({ stock: eb('stock', '+', n) })).where('id', '=', id).execute();
}
`,
    },
    {
      name: 'a serializable transaction',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await db.transaction().setIsolationLevel('serializable').execute(async (trx) => {
    await trx.updateTable('accounts').set((eb) => ({ balance: eb('balance', '-', amount) })).where('id', '=', from).execute();
    await trx.insertInto('ledger').values({ from, to, amount }).execute();
  });
}
`,
    },
    {
      name: 'reads on the instance outside the transaction',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  const user = await db.selectFrom('users').selectAll().where('id', '=', from).executeTakeFirst();
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('ledger').values({ from, to, amount, by: user?.name }).execute();
  });
}
`,
    },
  ],
  invalid: [
    {
      name: 'the instance used inside the transaction instead of trx',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('accounts').set((eb) => ({ balance: eb('balance', '-', amount) })).where('id', '=', from).execute();
    await db.updateTable('accounts').set((eb) => ({ balance: eb('balance', '+', amount) })).where('id', '=', to).execute();
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction', line: 9, column: 11 }],
    },
    {
      name: 'BEGIN sent through the pool, then builder writes',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await sql\`BEGIN\`.execute(db);
  await db.updateTable('accounts').set((eb) => ({ balance: eb('balance', '-', amount) })).where('id', '=', from).execute();
  await db.updateTable('accounts').set((eb) => ({ balance: eb('balance', '+', amount) })).where('id', '=', to).execute();
  await sql\`COMMIT\`.execute(db);
}
`,
      errors: [{ messageId: 'transactionOnPoolApi', line: 7, column: 9 }],
    },
    {
      name: 'an insert on the instance inside the transaction',
      code: `${db}
export async function buy(productId: string, userId: string) {
  await db.transaction().execute(async (trx) => {
    await db.insertInto('orders').values({ product_id: productId, user_id: userId }).execute();
    await trx.updateTable('products').set((eb) => ({ stock: eb('stock', '-', 1) })).where('id', '=', productId).execute();
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction', line: 8, column: 11 }],
    },
  ],
});

ruleTester.run('kysely builder: no-lock-outside-transaction', lockOutsideTransaction, {
  valid: [
    {
      name: '.forUpdate() on trx',
      code: `${db}
export async function pick(id: number) {
  return db.transaction().execute(async (trx) => {
    const job = await trx.selectFrom('jobs').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    await trx.updateTable('jobs').set({ status: 'running' }).where('id', '=', id).execute();
    return job;
  });
}
`,
    },
    {
      name: '.forUpdate().skipLocked() in a controlled transaction',
      code: `${db}
export async function pick() {
  const trx = await db.startTransaction().execute();
  const job = await trx.selectFrom('jobs').selectAll().where('status', '=', 'queued').forUpdate().skipLocked().executeTakeFirst();
  await trx.commit().execute();
  return job;
}
`,
    },
    {
      name: 'a plain read on the instance',
      code: `${db}
export async function show(id: number) {
  return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
}
`,
    },
    {
      name: '.forShare() on trx',
      code: `${db}
export async function check(id: number) {
  await db.transaction().execute(async (trx) => {
    await trx.selectFrom('accounts').selectAll().where('id', '=', id).forShare().execute();
  });
}
`,
    },
    {
      name: 'a serializable transaction with .forUpdate()',
      code: `${db}
export async function pick(id: number) {
  await db.transaction().setIsolationLevel('serializable').execute(async (trx) => {
    await trx.selectFrom('jobs').selectAll().where('id', '=', id).forUpdate().execute();
  });
}
`,
    },
  ],
  invalid: [
    {
      name: '.forUpdate() on the instance',
      code: `${db}
export async function pick(id: number) {
  const job = await db.selectFrom('jobs').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  await db.updateTable('jobs').set({ status: 'running' }).where('id', '=', id).execute();
  return job;
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 7, column: 21 }],
    },
    {
      name: '.forUpdate() on the instance inside the transaction',
      code: `${db}
export async function pick(id: number) {
  await db.transaction().execute(async (trx) => {
    const job = await db.selectFrom('jobs').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    await trx.updateTable('jobs').set({ status: 'running', picked: job?.id }).where('id', '=', id).execute();
  });
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 8, column: 23 }],
    },
    {
      name: '.forUpdate().skipLocked() on the instance',
      code: `${db}
export async function pick() {
  const job = await db.selectFrom('jobs').selectAll().where('status', '=', 'queued').forUpdate().skipLocked().limit(1).executeTakeFirst();
  return job;
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 7, column: 21 }],
    },
  ],
});
