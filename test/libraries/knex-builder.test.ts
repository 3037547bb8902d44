/**
 * The six rules on knex's query builder and on Objection.js (a model layer over it):
 * `trx('t').where(...).first()`, `.update({...})` (resolves to the count), `.increment` /
 * `.decrement`, `knex.raw('n - 1')` as a value, `.insert().onConflict().merge()`, `.forUpdate()`,
 * `.transacting(trx)`, `Model.query(trx).findById(id).patch({...})`, written the way knex's and
 * Objection's documentation write them. Lines 2-3 of every case create the instance.
 */
import checkThenAct from '../../rules/no-check-then-act.js';
import decoupledInsert from '../../rules/no-decoupled-insert.js';
import ignoredRowcount from '../../rules/no-ignored-rowcount.js';
import lockOutsideTransaction from '../../rules/no-lock-outside-transaction.js';
import lostUpdate from '../../rules/no-lost-update.js';
import transactionOnPool from '../../rules/no-transaction-on-pool.js';
import { ruleTester } from '../helpers/rule-tester.js';

const db = `
import { knex } from 'knex';
const db = knex({ client: 'pg', connection: process.env.PG_CONNECTION_STRING });
`;

// Objection: the model is defined in the file (line 4), its table from `static tableName`.
const objection = `
import { Model } from 'objection';
class Product extends Model { static tableName = 'products'; }
`;

ruleTester.run('knex builder: no-check-then-act', checkThenAct, {
  valid: [
    {
      name: '.forUpdate() on the read inside knex.transaction',
      code: `${db}
export async function placeOrder(productId: string) {
  await db.transaction(async (trx) => {
    const product = await trx('products').where({ id: productId }).forUpdate().first();
    if (product.stock < 1) throw new Error('Sold out');
    await trx('products').where({ id: productId }).decrement('stock', 1);
  });
}
`,
    },
    {
      name: "isolationLevel: 'serializable'",
      code: `${db}
export async function placeOrder(productId: string) {
  await db.transaction(async (trx) => {
    const product = await trx('products').where({ id: productId }).first();
    if (product.stock < 1) throw new Error('Sold out');
    await trx('products').where({ id: productId }).decrement('stock', 1);
  }, { isolationLevel: 'serializable' });
}
`,
    },
    {
      name: 'the write re-tests the stock and its count is checked',
      code: `${db}
export async function placeOrder(productId: string) {
  const product = await db('products').where({ id: productId }).first();
  if (product.stock < 1) throw new Error('Sold out');
  const taken = await db('products').where({ id: productId }).andWhere('stock', '>', 0).decrement('stock', 1);
  if (taken === 0) throw new Error('Sold out');
}
`,
    },
    {
      name: 'the read only feeds the response',
      code: `${db}
export async function stockOf(productId: string) {
  const product = await db('products').where({ id: productId }).first();
  return { inStock: product.stock > 0 };
}
`,
    },
    {
      name: 'an increment decided by nothing read',
      code: `${db}
export async function view(productId: string) {
  const product = await db('products').where({ id: productId }).first();
  await db('products').where({ id: productId }).increment('views', 1);
  return product;
}
`,
    },
    {
      name: 'Objection: .forUpdate() on the query inside Model.transaction',
      code: `${objection}
export async function placeOrder(productId: number) {
  await Product.transaction(async (trx) => {
    const product = await Product.query(trx).findById(productId).forUpdate();
    if (product.stock < 1) throw new Error('Sold out');
    await Product.query(trx).findById(productId).decrement('stock', 1);
  });
}
`,
    },
  ],
  invalid: [
    {
      name: 'trx(...).first() tested, then an unguarded .decrement()',
      code: `${db}
export async function placeOrder(productId: string) {
  await db.transaction(async (trx) => {
    const product = await trx('products').where({ id: productId }).first();
    if (product.stock < 1) throw new Error('Sold out');
    await trx('products').where({ id: productId }).decrement('stock', 1);
  });
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 7, column: 27 }],
    },
    {
      name: "knex.select().from() on the pool, then .update() with knex.raw('stock - 1')",
      code: `${db}
export async function placeOrder(productId: string) {
  const product = await db.select('stock').from('products').where('id', productId).first();
  if (!product || product.stock <= 0) return false;
  await db('products').where('id', productId).update({ stock: db.raw('stock - 1') });
  return true;
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 6, column: 25 }],
    },
    {
      name: 'Objection: findById tested, then .decrement()',
      code: `${objection}
export async function placeOrder(productId: number) {
  await Product.transaction(async (trx) => {
    const product = await Product.query(trx).findById(productId);
    if (product.stock < 1) throw new Error('Sold out');
    await Product.query(trx).findById(productId).decrement('stock', 1);
  });
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 7, column: 27 }],
    },
    {
      name: 'a coupon marked used after a stale check, .transacting(trx)',
      code: `${db}
export async function redeem(code: string) {
  await db.transaction(async (trx) => {
    const coupon = await db('coupons').where({ code }).first().transacting(trx);
    if (coupon.used) throw new Error('Already used');
    await db('coupons').where({ code }).update({ used: true }).transacting(trx);
  });
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 7, column: 26 }],
    },
  ],
});

ruleTester.run('knex builder: no-decoupled-insert', decoupledInsert, {
  valid: [
    {
      name: 'the count .decrement() resolves to decides the insert',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  await db.transaction(async (trx) => {
    const taken = await trx('concerts').where('concert_id', concertId).andWhere('available_seats', '>', 0).decrement('available_seats', 1);
    if (taken === 0) throw new Error('Sold out');
    await trx('tickets').insert({ concert_id: concertId, user_id: userId });
  });
}
`,
    },
    {
      name: '.returning() rows tested before the insert',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  await db.transaction(async (trx) => {
    const rows = await trx('concerts').where('concert_id', concertId).andWhere('available_seats', '>', 0).decrement('available_seats', 1).returning('*');
    if (rows.length === 0) throw new Error('Sold out');
    await trx('tickets').insert({ concert_id: concertId, user_id: userId });
  });
}
`,
    },
    {
      name: 'an update aimed by key only cannot lose a race',
      code: `${db}
export async function rename(userId: string, name: string) {
  await db.transaction(async (trx) => {
    await trx('users').where({ id: userId }).update({ name });
    await trx('audit').insert({ user_id: userId, action: 'rename' });
  });
}
`,
    },
    {
      name: 'Objection: the patched count is checked',
      code: `${objection}
export async function buy(productId: number, userId: number) {
  await Product.transaction(async (trx) => {
    const n = await Product.query(trx).findById(productId).where('stock', '>', 0).decrement('stock', 1);
    if (!n) throw new Error('Sold out');
    await trx('orders').insert({ product_id: productId, user_id: userId });
  });
}
`,
    },
    {
      name: 'the write after a checked count, through .then()',
      code: `${db}
export async function claim(taskId: string, worker: string) {
  return db('tasks').where({ id: taskId, status: 'open' }).update({ status: 'taken' }).then(async (count) => {
    if (count === 0) return false;
    await db('task_log').insert({ task_id: taskId, worker });
    return true;
  });
}
`,
    },
  ],
  invalid: [
    {
      name: '.decrement() guarded in .andWhere(), its count never read',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  await db.transaction(async (trx) => {
    await trx('concerts').where('concert_id', concertId).andWhere('available_seats', '>', 0).decrement('available_seats', 1);
    await trx('tickets').insert({ concert_id: concertId, user_id: userId });
  });
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 7, column: 11 }],
    },
    {
      name: 'a status flip guarded in .where({ status }) then an insert',
      code: `${db}
export async function accept(offerId: string, userId: string) {
  await db.transaction(async (trx) => {
    await trx('offers').where({ id: offerId, status: 'open' }).update({ status: 'accepted' });
    await trx('contracts').insert({ offer_id: offerId, user_id: userId });
  });
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 7, column: 11 }],
    },
    {
      name: 'Objection: .patch() guarded in .where(), then an insert',
      code: `${objection}
export async function buy(productId: number, userId: number) {
  await Product.transaction(async (trx) => {
    await Product.query(trx).patch({ reserved: true }).where({ id: productId, reserved: false });
    await trx('orders').insert({ product_id: productId, user_id: userId });
  });
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 7, column: 11 }],
    },
  ],
});

ruleTester.run('knex builder: no-ignored-rowcount', ignoredRowcount, {
  valid: [
    {
      name: 'the count .update() resolves to is tested',
      code: `${db}
export async function redeem(code: string) {
  const updated = await db('coupons').where({ code, used: false }).update({ used: true });
  if (updated === 0) throw new Error('Already used');
  return { ok: true };
}
`,
    },
    {
      name: 'the rows .returning() gives back are returned',
      code: `${db}
export async function redeem(code: string) {
  const rows = await db('coupons').where({ code, used: false }).update({ used: true }).returning('id');
  return rows.length > 0;
}
`,
    },
    {
      name: 'a delete by key',
      code: `${db}
export async function remove(id: string) {
  await db('sessions').where({ id }).del();
}
`,
    },
    {
      name: 'an increment with nothing to decide',
      code: `${db}
export async function hit(id: string) {
  await db('pages').where({ id }).increment('hits', 1);
}
`,
    },
    {
      name: 'an upsert on a unique key',
      code: `${db}
export async function save(userId: string, theme: string) {
  await db('settings').insert({ user_id: userId, theme }).onConflict('user_id').merge();
}
`,
    },
  ],
  invalid: [
    {
      name: 'a guarded .update() whose count is dropped',
      code: `${db}
export async function redeem(code: string) {
  await db('coupons').where({ code, used: false }).update({ used: true });
  return { ok: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 6, column: 9 }],
    },
    {
      name: 'a guarded .del() whose count is dropped',
      code: `${db}
export async function consume(token: string) {
  await db('tokens').where({ token }).whereNull('used_at').del();
  return { ok: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 6, column: 9 }],
    },
    {
      name: 'Objection: a guarded .patch() whose count is dropped',
      code: `${objection}
export async function reserve(productId: number) {
  await Product.query().findById(productId).where('reserved', false).patch({ reserved: true });
  return { ok: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 6, column: 9 }],
    },
  ],
});

ruleTester.run('knex builder: no-lost-update', lostUpdate, {
  valid: [
    {
      name: ".increment('balance', amount)",
      code: `${db}
export async function deposit(id: number, amount: number) {
  await db('accounts').where({ id }).increment('balance', amount);
}
`,
    },
    {
      name: "knex.raw('balance + ?', [amount]) as the value",
      code: `${db}
export async function deposit(id: number, amount: number) {
  await db('accounts').where({ id }).update({ balance: db.raw('balance + ?', [amount]) });
}
`,
    },
    {
      name: '.forUpdate() on the read inside the transaction',
      code: `${db}
export async function deposit(id: number, amount: number) {
  await db.transaction(async (trx) => {
    const account = await trx('accounts').where({ id }).forUpdate().first();
    await trx('accounts').where({ id }).update({ balance: account.balance + amount });
  });
}
`,
    },
    {
      name: 'SERIALIZABLE',
      code: `${db}
export async function deposit(id: number, amount: number) {
  await db.transaction(async (trx) => {
    const account = await trx('accounts').where({ id }).first();
    await trx('accounts').where({ id }).update({ balance: account.balance + amount });
  }, { isolationLevel: 'serializable' });
}
`,
    },
    {
      name: 'a version column re-tested and the count checked',
      code: `${db}
export async function deposit(id: number, amount: number) {
  const account = await db('accounts').where({ id }).first();
  const n = await db('accounts').where({ id, version: account.version }).update({ balance: account.balance + amount, version: account.version + 1 });
  if (n === 0) throw new Error('Conflict, retry');
}
`,
    },
  ],
  invalid: [
    {
      name: '.first() then .update({ balance: account.balance + amount })',
      code: `${db}
export async function deposit(id: number, amount: number) {
  const account = await db('accounts').where({ id }).first();
  await db('accounts').where({ id }).update({ balance: account.balance + amount });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 7, column: 9 }],
    },
    {
      name: ".update('qty', item.qty - n) inside a transaction",
      code: `${db}
export async function take(itemId: number, n: number) {
  await db.transaction(async (trx) => {
    const item = await trx('items').where('id', itemId).first();
    await trx('items').where('id', itemId).update('qty', item.qty - n);
  });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 8, column: 11 }],
    },
    {
      name: 'Objection: findById then patch({ balance: account.balance + amount })',
      code: `
import { Model } from 'objection';
class Account extends Model { static tableName = 'accounts'; }
export async function deposit(id: number, amount: number) {
  const account = await Account.query().findById(id);
  await Account.query().findById(id).patch({ balance: account.balance + amount });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 6, column: 9 }],
    },
  ],
});

ruleTester.run('knex builder: no-transaction-on-pool', transactionOnPool, {
  valid: [
    {
      name: 'every statement on trx',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await db.transaction(async (trx) => {
    await trx('accounts').where({ id: from }).decrement('balance', amount);
    await trx('accounts').where({ id: to }).increment('balance', amount);
  });
}
`,
    },
    {
      name: 'the instance with .transacting(trx)',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await db.transaction(async (trx) => {
    await db('accounts').where({ id: from }).decrement('balance', amount).transacting(trx);
    await db('accounts').where({ id: to }).increment('balance', amount).transacting(trx);
  });
}
`,
    },
    {
      name: 'a controlled transaction object',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  const trx = await db.transaction();
  try {
    await trx('accounts').where({ id: from }).decrement('balance', amount);
    await trx('accounts').where({ id: to }).increment('balance', amount);
    await trx.commit();
  } catch (error) {
    await trx.rollback();
    throw error;
  }
}
`,
    },
    {
      name: 'Objection: Model.query(trx) inside Model.transaction',
      code: `${objection}
export async function restock(id: number, n: number) {
  await Product.transaction(async (trx) => {
    await Product.query(trx).findById(id).increment('stock', n);
    await trx('stock_log').insert({ product_id: id, n });
  });
}
`,
    },
    {
      name: 'one statement on the instance',
      code: `${db}
export async function restock(id: number, n: number) {
  await db('products').where({ id }).increment('stock', n);
}
`,
    },
  ],
  invalid: [
    {
      name: 'the instance used inside knex.transaction instead of trx',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await db.transaction(async (trx) => {
    await trx('accounts').where({ id: from }).decrement('balance', amount);
    await db('accounts').where({ id: to }).increment('balance', amount);
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction', line: 8, column: 11 }],
    },
    {
      name: 'BEGIN sent through the pool, then builder writes',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await db.raw('BEGIN');
  await db('accounts').where({ id: from }).decrement('balance', amount);
  await db('accounts').where({ id: to }).increment('balance', amount);
  await db.raw('COMMIT');
}
`,
      errors: [{ messageId: 'transactionOnPoolApi', line: 6, column: 9 }],
    },
    {
      name: 'Objection: Model.query() without trx inside Model.transaction',
      code: `${objection}
export async function restock(id: number, n: number) {
  await Product.transaction(async (trx) => {
    await trx('stock_log').insert({ product_id: id, n });
    await Product.query().findById(id).increment('stock', n);
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction', line: 8, column: 11 }],
    },
  ],
});

ruleTester.run('knex builder: no-lock-outside-transaction', lockOutsideTransaction, {
  valid: [
    {
      name: '.forUpdate() on trx',
      code: `${db}
export async function pick(id: number) {
  return db.transaction(async (trx) => {
    const job = await trx('jobs').where({ id }).forUpdate().first();
    await trx('jobs').where({ id }).update({ status: 'running' });
    return job;
  });
}
`,
    },
    {
      name: '.forUpdate().transacting(trx)',
      code: `${db}
export async function pick(id: number) {
  return db.transaction(async (trx) => {
    const job = await db('jobs').where({ id }).forUpdate().first().transacting(trx);
    await db('jobs').where({ id }).update({ status: 'running' }).transacting(trx);
    return job;
  });
}
`,
    },
    {
      name: '.forUpdate().skipLocked() in a controlled transaction',
      code: `${db}
export async function pick() {
  const trx = await db.transaction();
  const job = await trx('jobs').where({ status: 'queued' }).forUpdate().skipLocked().first();
  await trx('jobs').where({ id: job.id }).update({ status: 'running' });
  await trx.commit();
}
`,
    },
    {
      name: 'Objection: .forUpdate() on Model.query(trx)',
      code: `${objection}
export async function pick(id: number) {
  await Product.transaction(async (trx) => {
    await Product.query(trx).findById(id).forUpdate();
  });
}
`,
    },
    {
      name: 'a plain read on the pool',
      code: `${db}
export async function show(id: number) {
  return db('jobs').where({ id }).first();
}
`,
    },
  ],
  invalid: [
    {
      name: '.forUpdate() on the instance',
      code: `${db}
export async function pick(id: number) {
  const job = await db('jobs').where({ id }).forUpdate().first();
  await db('jobs').where({ id }).update({ status: 'running' });
  return job;
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 6, column: 21 }],
    },
    {
      name: '.forUpdate() on the instance inside knex.transaction',
      code: `${db}
export async function pick(id: number) {
  await db.transaction(async (trx) => {
    const job = await db('jobs').where({ id }).forUpdate().first();
    await trx('jobs').where({ id }).update({ status: 'running', picked: job.id });
  });
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 7, column: 23 }],
    },
    {
      name: '.forShare().skipLocked() through knex.select().from()',
      code: `${db}
export async function pick() {
  const [job] = await db.select('*').from('jobs').where({ status: 'queued' }).forShare().skipLocked().limit(1);
  return job;
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 6, column: 23 }],
    },
  ],
});

// A store whose helper returns a query builder unawaited: a caller that adds conditions to it runs
// another statement (`this.active().where('email', email).first()`), not the helper's.
const store = `
import type { Knex } from 'knex';
class UserStore {
  constructor(private db: Knex) {}
  active(): Knex.QueryBuilder {
    return this.db('users').where({ deleted_at: null });
  }
  byEmail(email: string) {
    return this.db('users').where({ email }).first();
  }`;

ruleTester.run('knex builder: a query builder the caller adds to', checkThenAct, {
  valid: [
    {
      name: 'the builder returned by a helper is narrowed in branches, then run: not the read of all active users',
      code: `${store}
  lookup(q: { id?: number; email?: string }) {
    const query = this.active();
    if (q.id) return query.where('id', q.id);
    if (q.email) return query.where('email', q.email);
    throw new Error('Can only find users by id or email.');
  }
  async has(q: { id?: number; email?: string }) {
    const item = await this.lookup(q).first('id');
    return item ? item.id : undefined;
  }
  async upsert(user: { id?: number; email: string; name: string }) {
    const id = await this.has(user);
    if (id) {
      await this.db('users').where({ id }).update({ name: user.name });
      return;
    }
    await this.db('users').insert({ email: user.email, name: user.name });
  }
}
`,
    },
  ],
  invalid: [
    {
      name: 'the builder returned by a helper is awaited as it is: its statement runs there',
      code: `${store}
  async register(email: string, name: string) {
    const existing = await this.byEmail(email);
    if (existing) throw new Error('Taken');
    await this.db('users').insert({ email, name });
  }
}
`,
      errors: [{ messageId: 'checkThenInsertModel', line: 12, column: 28 }],
    },
  ],
});
