/**
 * The rules on TypeORM's model API, written the way TypeORM's documentation writes it: entities with
 * `@Entity('name')`, repositories from `dataSource.getRepository(Entity)` and Nest's
 * `@InjectRepository(Entity)`, the `EntityManager` of `dataSource.transaction(async (manager) => ...)`,
 * find options (`where` with find operators, `lock: { mode: 'pessimistic_write' }`),
 * `findOneByOrFail`, `save(entity)` after a read, `update(criteria, partial)` with `.affected`,
 * `increment` / `decrement`, `insert`, and query builders with `setLock('pessimistic_write')`.
 * no-lock-outside-transaction has valid cases only: TypeORM refuses a pessimistic lock outside a
 * transaction at run time (PessimisticLockTransactionRequiredError), so the mistake cannot run.
 * no-transaction-on-pool has no model form: the model API cannot send a BEGIN.
 */
import checkThenAct from '../../rules/no-check-then-act.js';
import decoupledInsert from '../../rules/no-decoupled-insert.js';
import ignoredRowcount from '../../rules/no-ignored-rowcount.js';
import lockOutsideTransaction from '../../rules/no-lock-outside-transaction.js';
import lostUpdate from '../../rules/no-lost-update.js';
import { ruleTester } from '../helpers/rule-tester.js';

// Lines 2-13 of every case: the entities and the data source, as TypeORM's docs declare them.
const entities = `
import { Column, DataSource, Entity, IsNull, MoreThan, MoreThanOrEqual, PrimaryGeneratedColumn, Repository, VersionColumn } from 'typeorm';
import { InjectRepository } from '@nestjs/typeorm';
@Entity('products')
export class Product { @PrimaryGeneratedColumn() id: number; @Column() stock: number; @Column() status: string; @Column() name: string }
@Entity('accounts')
export class Account { @PrimaryGeneratedColumn() id: number; @Column() balance: number; @VersionColumn() version: number }
@Entity('orders')
export class Order { @PrimaryGeneratedColumn() id: number; @Column() productId: number; @Column({ nullable: true }) userId: string }
export const AppDataSource = new DataSource({ type: 'postgres', entities: [Product, Account, Order] });
const productRepository = AppDataSource.getRepository(Product);
const accountRepository = AppDataSource.getRepository(Account);
`;

ruleTester.run('typeorm models: no-check-then-act', checkThenAct, {
  valid: [
    {
      name: "lock: { mode: 'pessimistic_write' } in dataSource.transaction",
      code: `${entities}
export async function buy(id: number) {
  await AppDataSource.transaction(async (manager) => {
    const product = await manager.findOne(Product, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!product || product.stock < 1) throw new Error('Sold out');
    await manager.decrement(Product, { id }, 'stock', 1);
  });
}
`,
    },
    {
      name: "setLock('pessimistic_write') on a query builder in the transaction",
      code: `${entities}
export async function buy(id: number) {
  await AppDataSource.transaction(async (manager) => {
    const product = await manager.getRepository(Product).createQueryBuilder('product').where('product.id = :id', { id }).setLock('pessimistic_write').getOne();
    if (!product || product.stock < 1) throw new Error('Sold out');
    await manager.getRepository(Product).decrement({ id }, 'stock', 1);
  });
}
`,
    },
    {
      name: "dataSource.transaction('SERIALIZABLE', ...)",
      code: `${entities}
export async function buy(id: number) {
  await AppDataSource.transaction('SERIALIZABLE', async (manager) => {
    const product = await manager.findOneBy(Product, { id });
    if (!product || product.stock < 1) throw new Error('Sold out');
    await manager.decrement(Product, { id }, 'stock', 1);
  });
}
`,
    },
    {
      name: 'the decrement re-tests the stock and its affected count is checked',
      code: `${entities}
export async function buy(id: number) {
  const product = await productRepository.findOneBy({ id });
  if (!product || product.stock < 1) throw new Error('Sold out');
  const result = await productRepository.decrement({ id, stock: MoreThanOrEqual(1) }, 'stock', 1);
  if (result.affected === 0) throw new Error('Sold out');
}
`,
    },
    {
      name: 'the read only feeds the response',
      code: `${entities}
export async function show(id: number) {
  const product = await productRepository.findOneBy({ id });
  if (!product) return null;
  await accountRepository.count();
  return product;
}
`,
    },
    {
      name: 'a 404 test, then save() of a column the test did not read',
      code: `${entities}
export async function rename(id: number, name: string) {
  const product = await productRepository.findOneBy({ id });
  if (!product) throw new Error('Not found');
  product.name = name;
  await productRepository.save(product);
}
`,
    },
  ],
  invalid: [
    {
      name: 'findOneBy, a stock test, then repository.decrement',
      code: `${entities}
export async function buy(id: number) {
  const product = await productRepository.findOneBy({ id });
  if (!product || product.stock < 1) throw new Error('Sold out');
  await productRepository.decrement({ id }, 'stock', 1);
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 15, column: 25 }],
    },
    {
      name: 'manager.findOne in the transaction without a lock',
      code: `${entities}
export async function buy(id: number) {
  await AppDataSource.transaction(async (manager) => {
    const product = await manager.findOne(Product, { where: { id } });
    if (product.stock < 1) throw new Error('Sold out');
    await manager.decrement(Product, { id }, 'stock', 1);
  });
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 16, column: 27 }],
    },
    {
      name: 'an injected repository: the owner is tested, then set and saved',
      code: `${entities}
export class OrderService {
  constructor(@InjectRepository(Order) private readonly orderRepository: Repository<Order>) {}
  async claim(id: number, userId: string) {
    const order = await this.orderRepository.findOneByOrFail({ id });
    if (order.userId !== null) throw new Error('Taken');
    order.userId = userId;
    await this.orderRepository.save(order);
  }
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 17, column: 25 }],
    },
    {
      name: 'count({ where }) before insert',
      code: `${entities}
export async function order(productId: number, userId: string) {
  const orders = await AppDataSource.getRepository(Order).count({ where: { userId } });
  if (orders >= 3) throw new Error('Limit reached');
  await AppDataSource.getRepository(Order).insert({ productId, userId });
}
`,
      errors: [{ messageId: 'checkThenInsertModel', line: 15, column: 24 }],
    },
    {
      name: 'a query builder read without setLock in the transaction',
      code: `${entities}
export async function buy(id: number) {
  await AppDataSource.transaction(async (manager) => {
    const product = await manager.createQueryBuilder(Product, 'product').where('product.id = :id', { id }).getOne();
    if (product.stock < 1) throw new Error('Sold out');
    await manager.decrement(Product, { id }, 'stock', 1);
  });
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 16, column: 27 }],
    },
  ],
});

ruleTester.run('typeorm models: no-lost-update', lostUpdate, {
  valid: [
    {
      name: 'repository.increment reads the stored value',
      code: `${entities}
export async function deposit(id: number, amount: number) {
  const account = await accountRepository.findOneBy({ id });
  if (!account) throw new Error('Not found');
  await accountRepository.increment({ id }, 'balance', amount);
}
`,
    },
    {
      name: 'the row is locked in the transaction before save()',
      code: `${entities}
export async function deposit(id: number, amount: number) {
  await AppDataSource.transaction(async (manager) => {
    const account = await manager.findOne(Account, { where: { id }, lock: { mode: 'pessimistic_write' } });
    account.balance += amount;
    await manager.save(account);
  });
}
`,
    },
    {
      name: 'the version is re-tested in the criteria and affected is checked',
      code: `${entities}
export async function deposit(id: number, amount: number) {
  const account = await accountRepository.findOneBy({ id });
  const result = await accountRepository.update({ id, version: account.version }, { balance: account.balance + amount, version: account.version + 1 });
  if (result.affected === 0) throw new Error('Concurrent update, retry');
}
`,
    },
    {
      name: "'REPEATABLE READ' on PostgreSQL refuses the second writer",
      code: `${entities}
export async function deposit(id: number, amount: number) {
  await AppDataSource.transaction('REPEATABLE READ', async (manager) => {
    const account = await manager.findOneBy(Account, { id });
    account.balance = account.balance + amount;
    await manager.save(account);
  });
}
`,
    },
    {
      name: 'a value not computed from the read',
      code: `${entities}
export async function close(id: number) {
  const account = await accountRepository.findOneBy({ id });
  account.balance = 0;
  await accountRepository.save(account);
}
`,
    },
    {
      name: 'a raw relative value in update()',
      code: `${entities}
export async function deposit(id: number, amount: number) {
  const account = await accountRepository.findOneBy({ id });
  if (!account) throw new Error('Not found');
  await accountRepository.update(id, { balance: () => 'balance + 100' });
}
`,
    },
  ],
  invalid: [
    {
      name: 'findOneBy, += in JavaScript, save()',
      code: `${entities}
export async function deposit(id: number, amount: number) {
  const account = await accountRepository.findOneBy({ id });
  account.balance += amount;
  await accountRepository.save(account);
}
`,
      errors: [{ messageId: 'lostUpdate', line: 17, column: 9 }],
    },
    {
      name: 'manager.save in the transaction without a lock (@VersionColumn is incremented, not tested)',
      code: `${entities}
export async function deposit(id: number, amount: number) {
  await AppDataSource.transaction(async (manager) => {
    const account = await manager.findOneBy(Account, { id });
    account.balance = account.balance + amount;
    await manager.save(account);
  });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 18, column: 11 }],
    },
    {
      name: 'update(id, partial) with a value computed from the read',
      code: `${entities}
export async function withdraw(id: number, amount: number) {
  const account = await accountRepository.findOne({ where: { id } });
  await accountRepository.update(id, { balance: account.balance - amount });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 16, column: 9 }],
    },
    {
      name: 'an injected repository, findOneByOrFail, then save()',
      code: `${entities}
export class AccountService {
  constructor(@InjectRepository(Account) private readonly accounts: Repository<Account>) {}
  async deposit(id: number, amount: number) {
    const account = await this.accounts.findOneByOrFail({ id });
    account.balance = account.balance + amount;
    return this.accounts.save(account);
  }
}
`,
      errors: [{ messageId: 'lostUpdate', line: 19, column: 12 }],
    },
  ],
});

ruleTester.run('typeorm models: no-ignored-rowcount', ignoredRowcount, {
  valid: [
    {
      name: 'result.affected is tested',
      code: `${entities}
export async function reserve(id: number) {
  const result = await productRepository.update({ id, status: 'available' }, { status: 'reserved' });
  if (result.affected === 0) throw new Error('Taken');
}
`,
    },
    {
      name: 'the result is returned to the caller',
      code: `${entities}
export function reserve(id: number) {
  return productRepository.update({ id, status: 'available' }, { status: 'reserved' });
}
`,
    },
    {
      name: 'an update aimed by id only',
      code: `${entities}
export async function rename(id: number, name: string) {
  await productRepository.update(id, { name });
}
`,
    },
    {
      name: 'an increment with nothing to decide',
      code: `${entities}
export async function restock(id: number) {
  await productRepository.increment({ id }, 'stock', 10);
}
`,
    },
    {
      name: 'the affected count of a query builder update is destructured and tested',
      code: `${entities}
export async function reserve(id: number) {
  const { affected } = await productRepository.createQueryBuilder().update(Product).set({ status: 'reserved' }).where('id = :id', { id }).andWhere('status = :status', { status: 'available' }).execute();
  return affected === 1;
}
`,
    },
  ],
  invalid: [
    {
      name: 'update guarded by status, affected unread',
      code: `${entities}
export async function reserve(id: number) {
  await productRepository.update({ id, status: 'available' }, { status: 'reserved' });
  return { ok: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 15, column: 9 }],
    },
    {
      name: 'decrement guarded by MoreThan(0), affected unread',
      code: `${entities}
export async function take(id: number) {
  await productRepository.decrement({ id, stock: MoreThan(0) }, 'stock', 1);
  return { ok: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 15, column: 9 }],
    },
    {
      name: 'a query builder update guarded in andWhere, affected unread',
      code: `${entities}
export async function reserve(id: number) {
  await productRepository.createQueryBuilder().update(Product).set({ status: 'reserved' }).where('id = :id', { id }).andWhere('status = :status', { status: 'available' }).execute();
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 15, column: 9 }],
    },
    {
      name: 'manager.update claiming an unowned order',
      code: `${entities}
export async function claim(id: number, userId: string) {
  await AppDataSource.manager.update(Order, { id, userId: IsNull() }, { userId });
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 15, column: 9 }],
    },
  ],
});

ruleTester.run('typeorm models: no-decoupled-insert', decoupledInsert, {
  valid: [
    {
      name: 'affected stops the insert',
      code: `${entities}
export async function buy(productId: number, userId: string) {
  await AppDataSource.transaction(async (manager) => {
    const result = await manager.decrement(Product, { id: productId, stock: MoreThan(0) }, 'stock', 1);
    if (result.affected !== 1) throw new Error('Sold out');
    await manager.insert(Order, { productId, userId });
  });
}
`,
    },
    {
      name: 'a locked read decides, then the writes',
      code: `${entities}
export async function buy(productId: number, userId: string) {
  await AppDataSource.transaction(async (manager) => {
    const product = await manager.findOne(Product, { where: { id: productId }, lock: { mode: 'pessimistic_write' } });
    if (product.stock < 1) throw new Error('Sold out');
    await manager.decrement(Product, { id: productId }, 'stock', 1);
    await manager.insert(Order, { productId, userId });
  });
}
`,
    },
    {
      name: 'an unguarded decrement before the insert',
      code: `${entities}
export async function buy(productId: number, userId: string) {
  await productRepository.decrement({ id: productId }, 'stock', 1);
  await AppDataSource.getRepository(Order).insert({ productId, userId });
}
`,
    },
    {
      name: 'the claim is the last write and its result is returned',
      code: `${entities}
export async function claim(id: number, userId: string) {
  return AppDataSource.manager.update(Order, { id, userId: IsNull() }, { userId });
}
`,
    },
    {
      name: 'affected of the claim is tested before the insert',
      code: `${entities}
export async function claim(id: number, userId: string) {
  const { affected } = await AppDataSource.manager.update(Order, { id, userId: IsNull() }, { userId });
  if (!affected) return false;
  await AppDataSource.manager.insert(Order, { productId: id, userId });
  return true;
}
`,
    },
  ],
  invalid: [
    {
      name: 'guarded decrement, then insert in the same transaction',
      code: `${entities}
export async function buy(productId: number, userId: string) {
  await AppDataSource.transaction(async (manager) => {
    await manager.decrement(Product, { id: productId, stock: MoreThan(0) }, 'stock', 1);
    await manager.insert(Order, { productId, userId });
  });
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 16, column: 11 }],
    },
    {
      name: 'a claim of an unowned order, then an insert',
      code: `${entities}
export async function claim(id: number, userId: string) {
  await AppDataSource.manager.update(Order, { id, userId: IsNull() }, { userId });
  await AppDataSource.manager.insert(Order, { productId: id, userId });
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 15, column: 9 }],
    },
    {
      name: 'a status claim through a query builder, then a delete',
      code: `${entities}
export async function sell(id: number) {
  await productRepository.createQueryBuilder().update(Product).set({ status: 'sold' }).where('id = :id', { id }).andWhere('status = :status', { status: 'available' }).execute();
  await AppDataSource.getRepository(Order).delete({ productId: id });
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 15, column: 9 }],
    },
  ],
});

ruleTester.run('typeorm models: no-lock-outside-transaction', lockOutsideTransaction, {
  valid: [
    {
      name: "lock: { mode: 'pessimistic_write' } in dataSource.transaction",
      code: `${entities}
export async function take(id: number) {
  await AppDataSource.transaction(async (manager) => {
    const product = await manager.findOne(Product, { where: { id }, lock: { mode: 'pessimistic_write' } });
    await manager.decrement(Product, { id: product.id }, 'stock', 1);
  });
}
`,
    },
    {
      name: "setLock('pessimistic_write') with setOnLocked('skip_locked') in the transaction",
      code: `${entities}
export async function next() {
  return AppDataSource.transaction(async (manager) =>
    manager.createQueryBuilder(Order, 'order').where('order.userId IS NULL').setLock('pessimistic_write').setOnLocked('skip_locked').getOne(),
  );
}
`,
    },
    {
      name: 'a query runner between startTransaction and commitTransaction',
      code: `${entities}
export async function take(id: number) {
  const queryRunner = AppDataSource.createQueryRunner();
  await queryRunner.connect();
  await queryRunner.startTransaction();
  const product = await queryRunner.manager.findOne(Product, { where: { id }, lock: { mode: 'pessimistic_write' } });
  await queryRunner.manager.decrement(Product, { id: product.id }, 'stock', 1);
  await queryRunner.commitTransaction();
  await queryRunner.release();
}
`,
    },
    {
      name: 'no lock at all',
      code: `${entities}
export async function show(id: number) {
  return productRepository.findOneBy({ id });
}
`,
    },
    {
      name: "lock: { mode: 'optimistic', version } takes no row lock",
      code: `${entities}
export async function show(id: number, version: number) {
  return accountRepository.findOne({ where: { id }, lock: { mode: 'optimistic', version } });
}
`,
    },
  ],
  invalid: [],
});
