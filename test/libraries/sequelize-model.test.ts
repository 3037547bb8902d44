/**
 * The rules on Sequelize's model API, written the way Sequelize's documentation writes it: models
 * declared with `Model.init` and `sequelize.define`, `findByPk` / `findOne({ where })` /
 * `count({ where })`, `instance.save()` / `instance.update()` after the read, `increment` /
 * `decrement` on the model and on the instance, `Model.update(values, { where })` resolving to
 * `[affectedCount]`, `Op` operators, `lock: t.LOCK.UPDATE` with `transaction: t` in a managed
 * `sequelize.transaction(async (t) => ...)`. no-transaction-on-pool has no model form: the model API
 * cannot send a BEGIN (an unmanaged `sequelize.transaction()` holds its own connection).
 */
import checkThenAct from '../../rules/no-check-then-act.js';
import decoupledInsert from '../../rules/no-decoupled-insert.js';
import ignoredRowcount from '../../rules/no-ignored-rowcount.js';
import lockOutsideTransaction from '../../rules/no-lock-outside-transaction.js';
import lostUpdate from '../../rules/no-lost-update.js';
import transactionOnPool from '../../rules/no-transaction-on-pool.js';
import { ruleTester } from '../helpers/rule-tester.js';

// Lines 2-8 of every case: the models, as Sequelize's docs declare them.
const models = `
import { DataTypes, Model, Op, Sequelize, Transaction } from 'sequelize';
const sequelize = new Sequelize('postgres://user:pass@localhost:5432/shop');
class Product extends Model {}
Product.init({ name: DataTypes.STRING, stock: DataTypes.INTEGER, status: DataTypes.STRING }, { sequelize, tableName: 'products' });
class Account extends Model {}
Account.init({ balance: DataTypes.INTEGER, version: DataTypes.INTEGER }, { sequelize, tableName: 'accounts' });
const Order = sequelize.define('Order', { productId: DataTypes.INTEGER, userId: DataTypes.STRING, code: DataTypes.STRING, usedAt: DataTypes.DATE });
`;

ruleTester.run('sequelize models: no-check-then-act', checkThenAct, {
  valid: [
    {
      name: 'lock: t.LOCK.UPDATE with transaction: t in a managed transaction',
      code: `${models}
export async function buy(productId: number, userId: string) {
  return sequelize.transaction(async (t) => {
    const product = await Product.findByPk(productId, { lock: t.LOCK.UPDATE, transaction: t });
    if (!product || product.stock < 1) throw new Error('Sold out');
    await product.decrement('stock', { transaction: t });
    await Order.create({ productId, userId }, { transaction: t });
  });
}
`,
    },
    {
      name: 'lock: true with transaction: t in an unmanaged transaction',
      code: `${models}
export async function buy(productId: number, userId: string) {
  const t = await sequelize.transaction();
  try {
    const product = await Product.findOne({ where: { id: productId }, lock: true, transaction: t });
    if (!product || product.stock < 1) throw new Error('Sold out');
    await Product.decrement('stock', { where: { id: productId }, transaction: t });
    await t.commit();
  } catch (error) {
    await t.rollback();
    throw error;
  }
}
`,
    },
    {
      name: 'isolationLevel: Transaction.ISOLATION_LEVELS.SERIALIZABLE',
      code: `${models}
export async function buy(productId: number) {
  await sequelize.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.SERIALIZABLE }, async (t) => {
    const product = await Product.findByPk(productId, { transaction: t });
    if (!product || product.stock < 1) throw new Error('Sold out');
    await product.decrement('stock', { transaction: t });
  });
}
`,
    },
    {
      name: 'the write re-tests the stock in its where and checks the count',
      code: `${models}
export async function buy(productId: number) {
  const product = await Product.findByPk(productId);
  if (!product || product.stock < 1) throw new Error('Sold out');
  const [affectedCount] = await Product.update({ stock: sequelize.literal('stock - 1') }, { where: { id: productId, stock: { [Op.gte]: 1 } } });
  if (!affectedCount) throw new Error('Sold out');
}
`,
    },
    {
      name: 'the read only feeds the response',
      code: `${models}
export async function show(productId: number) {
  const product = await Product.findByPk(productId);
  if (!product) return null;
  await Order.count({ where: { productId } });
  return product;
}
`,
    },
    {
      name: 'a 404 test, then a write of a column the test did not read',
      code: `${models}
export async function rename(productId: number, name: string) {
  const product = await Product.findByPk(productId);
  if (!product) throw new Error('Not found');
  product.name = name;
  await product.save();
}
`,
    },
    {
      name: 'findOrCreate inserts only when the row is not there',
      code: `${models}
export async function order(productId: number, userId: string) {
  const [order, created] = await Order.findOrCreate({ where: { productId, userId }, defaults: { code: 'new' } });
  if (!created) return order;
  return order;
}
`,
    },
  ],
  invalid: [
    {
      name: 'findByPk, a stock test, then Model.decrement',
      code: `${models}
export async function buy(productId: number, userId: string) {
  const product = await Product.findByPk(productId);
  if (!product || product.stock < 1) throw new Error('Sold out');
  await Product.decrement('stock', { where: { id: productId } });
  await Order.create({ productId, userId });
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 11, column: 25 }],
    },
    {
      name: 'findOne({ where }), a status test, then instance.update()',
      code: `${models}
export async function reserve(productId: number) {
  const product = await Product.findOne({ where: { id: productId } });
  if (product.status !== 'available') throw new Error('Taken');
  await product.update({ status: 'reserved' });
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 11, column: 25 }],
    },
    {
      name: 'transaction: t without a lock at READ COMMITTED',
      code: `${models}
export async function buy(productId: number) {
  await sequelize.transaction(async (t) => {
    const product = await Product.findByPk(productId, { transaction: t });
    if (product.stock < 1) throw new Error('Sold out');
    await product.decrement('stock', { transaction: t });
  });
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 12, column: 27 }],
    },
    {
      name: 'count({ where }) before create: both requests see fewer than the limit',
      code: `${models}
export async function order(productId: number, userId: string) {
  const orders = await Order.count({ where: { userId } });
  if (orders >= 3) throw new Error('Limit reached');
  await Order.create({ productId, userId });
}
`,
      errors: [{ messageId: 'checkThenInsertModel', line: 11, column: 24 }],
    },
    {
      name: 'get-or-create: findOne, then create inside if (!order)',
      code: `${models}
export async function orderOnce(productId: number, userId: string) {
  let order = await Order.findOne({ where: { productId, userId } });
  if (!order) {
    order = await Order.create({ productId, userId });
  }
  return order;
}
`,
      errors: [{ messageId: 'checkThenInsertModel', line: 11, column: 21 }],
    },
  ],
});

ruleTester.run('sequelize models: no-lost-update', lostUpdate, {
  valid: [
    {
      name: 'instance.increment reads the stored value',
      code: `${models}
export async function deposit(id: number, amount: number) {
  const account = await Account.findByPk(id);
  if (!account) throw new Error('Not found');
  await account.increment('balance', { by: amount });
}
`,
    },
    {
      name: 'Model.increment with an object of amounts',
      code: `${models}
export async function deposit(id: number, amount: number) {
  const account = await Account.findByPk(id);
  if (!account) throw new Error('Not found');
  await Account.increment({ balance: amount }, { where: { id } });
}
`,
    },
    {
      name: 'the row is locked in the transaction before save()',
      code: `${models}
export async function deposit(id: number, amount: number) {
  await sequelize.transaction(async (t) => {
    const account = await Account.findByPk(id, { lock: t.LOCK.UPDATE, transaction: t });
    account.balance += amount;
    await account.save({ transaction: t });
  });
}
`,
    },
    {
      name: 'REPEATABLE_READ on PostgreSQL refuses the second writer',
      code: `${models}
export async function deposit(id: number, amount: number) {
  await sequelize.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.REPEATABLE_READ }, async (t) => {
    const account = await Account.findByPk(id, { transaction: t });
    account.balance = account.balance + amount;
    await account.save({ transaction: t });
  });
}
`,
    },
    {
      name: 'a value not computed from the read',
      code: `${models}
export async function close(id: number) {
  const account = await Account.findByPk(id);
  if (!account) throw new Error('Not found');
  account.balance = 0;
  await account.save();
}
`,
    },
    {
      name: 'a version check in the where, with the count checked',
      code: `${models}
export async function deposit(id: number, amount: number) {
  const account = await Account.findByPk(id);
  const [affectedCount] = await Account.update(
    { balance: account.balance + amount, version: account.version + 1 },
    { where: { id, version: account.version } },
  );
  if (affectedCount === 0) throw new Error('Concurrent update, retry');
}
`,
    },
  ],
  invalid: [
    {
      name: 'read, add in JavaScript, save()',
      code: `${models}
export async function deposit(id: number, amount: number) {
  const account = await Account.findByPk(id);
  account.balance = account.balance + amount;
  await account.save();
}
`,
      errors: [{ messageId: 'lostUpdate', line: 13, column: 9 }],
    },
    {
      name: '+= then save({ transaction: t }) at READ COMMITTED without a lock',
      code: `${models}
export async function deposit(id: number, amount: number) {
  await sequelize.transaction(async (t) => {
    const account = await Account.findByPk(id, { transaction: t });
    account.balance += amount;
    await account.save({ transaction: t });
  });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 14, column: 11 }],
    },
    {
      name: 'instance.update with a value computed from the instance',
      code: `${models}
export async function withdraw(id: number, amount: number) {
  const account = await Account.findOne({ where: { id } });
  await account.update({ balance: account.balance - amount });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 12, column: 9 }],
    },
    {
      name: 'Model.update(values, { where }) with a value computed from the read',
      code: `${models}
export async function deposit(id: number, amount: number) {
  const account = await Account.findByPk(id);
  await Account.update({ balance: account.balance + amount }, { where: { id } });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 12, column: 9 }],
    },
  ],
});

ruleTester.run('sequelize models: no-ignored-rowcount', ignoredRowcount, {
  valid: [
    {
      name: 'the [affectedCount] of Model.update is tested',
      code: `${models}
export async function reserve(id: number) {
  const [affectedCount] = await Product.update({ status: 'reserved' }, { where: { id, status: 'available' } });
  if (affectedCount === 0) throw new Error('Taken');
}
`,
    },
    {
      name: 'the number destroy resolves to is returned',
      code: `${models}
export async function redeem(code: string) {
  const deleted = await Order.destroy({ where: { code, usedAt: null } });
  return deleted > 0;
}
`,
    },
    {
      name: 'an update aimed by key only',
      code: `${models}
export async function rename(id: number, name: string) {
  await Product.update({ name }, { where: { id } });
}
`,
    },
    {
      name: 'an increment with nothing to decide',
      code: `${models}
export async function restock(id: number) {
  await Product.increment('stock', { by: 10, where: { id } });
}
`,
    },
    {
      name: 'the promise is returned to the caller',
      code: `${models}
export function reserve(id: number) {
  return Product.update({ status: 'reserved' }, { where: { id, status: 'available' } });
}
`,
    },
  ],
  invalid: [
    {
      name: 'Model.update guarded by status, count unread',
      code: `${models}
export async function reserve(id: number) {
  await Product.update({ status: 'reserved' }, { where: { id, status: 'available' } });
  return { ok: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 11, column: 9 }],
    },
    {
      name: 'Model.decrement guarded by [Op.gt], count unread',
      code: `${models}
export async function take(id: number) {
  await Product.decrement('stock', { where: { id, stock: { [Op.gt]: 0 } } });
  return { ok: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 11, column: 9 }],
    },
    {
      name: 'Model.update claiming an unowned order in a transaction',
      code: `${models}
export async function claim(code: string, userId: string) {
  await sequelize.transaction(async (t) => {
    await Order.update({ userId }, { where: { code, userId: null }, transaction: t });
  });
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 12, column: 11 }],
    },
  ],
});

ruleTester.run('sequelize models: no-decoupled-insert', decoupledInsert, {
  valid: [
    {
      name: 'the affected count stops the insert',
      code: `${models}
export async function buy(id: number, userId: string) {
  await sequelize.transaction(async (t) => {
    const [affectedCount] = await Product.update({ stock: sequelize.literal('stock - 1') }, { where: { id, stock: { [Op.gt]: 0 } }, transaction: t });
    if (!affectedCount) throw new Error('Sold out');
    await Order.create({ productId: id, userId }, { transaction: t });
  });
}
`,
    },
    {
      name: 'a locked read decides, then the writes',
      code: `${models}
export async function buy(id: number, userId: string) {
  await sequelize.transaction(async (t) => {
    const product = await Product.findByPk(id, { lock: t.LOCK.UPDATE, transaction: t });
    if (product.stock < 1) throw new Error('Sold out');
    await product.decrement('stock', { transaction: t });
    await Order.create({ productId: id, userId }, { transaction: t });
  });
}
`,
    },
    {
      name: 'an unguarded increment before the insert',
      code: `${models}
export async function buy(id: number, userId: string) {
  await Product.increment('stock', { by: -1, where: { id } });
  await Order.create({ productId: id, userId });
}
`,
    },
    {
      name: 'the [affectedCount] of Model.update is tested first',
      code: `${models}
export async function redeem(code: string, userId: string) {
  const [affectedCount] = await Order.update({ usedAt: new Date() }, { where: { code, usedAt: null } });
  if (affectedCount !== 1) return { ok: false };
  await Order.create({ code: 'receipt', userId });
  return { ok: true };
}
`,
    },
    {
      name: 'the guarded write is the last one',
      code: `${models}
export async function take(id: number) {
  const [affectedCount] = await Product.update({ stock: sequelize.literal('stock - 1') }, { where: { id, stock: { [Op.gt]: 0 } } });
  return { ok: affectedCount === 1 };
}
`,
    },
  ],
  invalid: [
    {
      name: 'guarded decrement, then create in the same transaction',
      code: `${models}
export async function buy(id: number, userId: string) {
  await sequelize.transaction(async (t) => {
    await Product.decrement('stock', { where: { id, stock: { [Op.gt]: 0 } }, transaction: t });
    await Order.create({ productId: id, userId }, { transaction: t });
  });
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 12, column: 11 }],
    },
    {
      name: 'a claim by usedAt: null, then create',
      code: `${models}
export async function redeem(code: string, userId: string) {
  await Order.update({ usedAt: new Date() }, { where: { code, usedAt: null } });
  await Order.create({ code: 'receipt', userId });
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 11, column: 9 }],
    },
    {
      name: 'a status claim, then a destroy',
      code: `${models}
export async function sell(id: number) {
  await Product.update({ status: 'sold' }, { where: { id, status: { [Op.eq]: 'available' } } });
  await Order.destroy({ where: { productId: id } });
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 11, column: 9 }],
    },
  ],
});

ruleTester.run('sequelize models: no-lock-outside-transaction', lockOutsideTransaction, {
  valid: [
    {
      name: 'lock: t.LOCK.UPDATE with transaction: t',
      code: `${models}
export async function buy(id: number) {
  await sequelize.transaction(async (t) => {
    const product = await Product.findByPk(id, { lock: t.LOCK.UPDATE, transaction: t });
    await product.decrement('stock', { transaction: t });
  });
}
`,
    },
    {
      name: 'lock: true with an unmanaged transaction',
      code: `${models}
export async function buy(id: number) {
  const t = await sequelize.transaction();
  const product = await Product.findOne({ where: { id }, lock: true, transaction: t });
  await product.decrement('stock', { transaction: t });
  await t.commit();
}
`,
    },
    {
      name: 'lock: Transaction.LOCK.SHARE with skipLocked in a transaction',
      code: `${models}
export async function next() {
  return sequelize.transaction(async (t) => Product.findOne({ where: { status: 'queued' }, lock: Transaction.LOCK.SHARE, skipLocked: true, transaction: t }));
}
`,
    },
    {
      name: 'no lock at all',
      code: `${models}
export async function show(id: number) {
  return Product.findByPk(id);
}
`,
    },
    {
      name: 'lock: false',
      code: `${models}
export async function show(id: number) {
  return Product.findOne({ where: { id }, lock: false });
}
`,
    },
  ],
  invalid: [
    {
      name: 'lock: true without a transaction',
      code: `${models}
export async function buy(id: number) {
  const product = await Product.findByPk(id, { lock: true });
  await product.decrement('stock');
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 11, column: 25 }],
    },
    {
      name: 'lock: t.LOCK.UPDATE inside the callback, but without transaction: t',
      code: `${models}
export async function buy(id: number) {
  await sequelize.transaction(async (t) => {
    const product = await Product.findByPk(id, { lock: t.LOCK.UPDATE });
    await product.decrement('stock', { transaction: t });
  });
}
`,
      errors: [
        { messageId: 'lockWithoutItsTransaction', line: 12, column: 27, data: { strength: 'UPDATE', table: 'products', transaction: 't' } },
      ],
    },
    {
      name: 'lock: { level: transaction.LOCK.UPDATE } with the transaction taken from the request state, not passed',
      code: `${models}
export async function rename(ctx: { state: { transaction: Transaction } }, id: number, name: string) {
  const { transaction } = ctx.state;
  const product = await Product.findByPk(id, { rejectOnEmpty: true, lock: { level: transaction.LOCK.UPDATE, of: Product } });
  await product.update({ name }, { transaction });
}
`,
      errors: [
        {
          messageId: 'lockWithoutItsTransaction',
          line: 12,
          column: 25,
          data: { strength: 'UPDATE', table: 'products', transaction: 'transaction' },
        },
      ],
    },
    {
      name: 'lock: Transaction.LOCK.UPDATE on findAll without a transaction',
      code: `${models}
export async function pending() {
  return Product.findAll({ where: { status: 'pending' }, lock: Transaction.LOCK.UPDATE });
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 11, column: 10 }],
    },
  ],
});

// A helper that writes in the transaction it is given, called through another that passes it on.
const orderHelpers = `
async function placeOrder(productId: number, userId: string, t: Transaction | null) {
  return Order.create({ productId, userId }, { transaction: t });
}
async function checkout(productId: number, userId: string, t?: Transaction | null) {
  return placeOrder(productId, userId, t);
}
`;

ruleTester.run('sequelize models: no-transaction-on-pool', transactionOnPool, {
  valid: [
    {
      name: 'a helper two calls down given the transaction',
      code: `${models}${orderHelpers}
export async function buy(id: number, userId: string) {
  await sequelize.transaction(async (t) => {
    await Product.decrement('stock', { where: { id }, transaction: t });
    await checkout(id, userId, t);
  });
}
`,
    },
    {
      name: 'every query of the callback passes transaction: t',
      code: `${models}
export async function buy(id: number) {
  await sequelize.transaction(async (t) => {
    const product = await Product.findByPk(id, { lock: t.LOCK.UPDATE, transaction: t });
    await product.decrement('stock', { transaction: t });
  });
}
`,
    },
    // A call the callback drops runs detached: it may finish after COMMIT, so it is not meant for the transaction.
    ...['checkout(id, userId);', 'void checkout(id, userId);', 'checkout(id, userId).catch(console.error);'].map((call) => ({
      name: `a helper given no transaction, its call dropped (\`${call}\`): detached from the transaction on purpose`,
      code: `${models}${orderHelpers}
export async function buy(id: number, userId: string) {
  await sequelize.transaction(async (t) => {
    await Product.decrement('stock', { where: { id }, transaction: t });
    ${call}
  });
}
`,
    })),
    {
      name: "a locking read without transaction: t is no-lock-outside-transaction's finding, not a second one here",
      code: `${models}
export async function buy(id: number) {
  await sequelize.transaction(async (t) => {
    const product = await Product.findByPk(id, { lock: t.LOCK.UPDATE });
    await product.decrement('stock', { transaction: t });
  });
}
`,
    },
  ],
  invalid: [
    {
      name: 'a write inside the callback without transaction: t',
      code: `${models}
export async function buy(id: number, userId: string) {
  await sequelize.transaction(async (t) => {
    await Product.decrement('stock', { where: { id }, transaction: t });
    await Order.create({ productId: id, userId });
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction', line: 13, column: 11 }],
    },
    // Given null, or nothing, for its transaction, the helper's model call runs on the pool: its write
    // commits even when the caller's transaction rolls back.
    ...['null', 'undefined', ''].map((given) => ({
      name: `a helper two calls down given ${given || 'no argument'} for its transaction, inside a transaction callback`,
      code: `${models}${orderHelpers}
export async function buy(id: number, userId: string) {
  await sequelize.transaction(async (t) => {
    await Product.decrement('stock', { where: { id }, transaction: t });
    await checkout(id, userId${given ? `, ${given}` : ''});
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction' as const, line: 20, column: 11 }],
    })),
  ],
});
