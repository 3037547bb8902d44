/**
 * The six rules on drizzle's query builder: `db.select().from(t).where(eq(t.c, v))` (with `and`,
 * `gt`, `isNull`, ...), `db.query.t.findFirst({ where })`, `db.update(t).set({...}).where(...)` with
 * ``sql`${t.c} - 1` `` values (relative), `.returning()`, `rowCount`, `onConflictDoNothing` /
 * `onConflictDoUpdate`, `.for('update')`, and `db.transaction(async (tx) => ..., { isolationLevel })`,
 * written the way drizzle's documentation writes them. The tables come from a schema module (their
 * names are the variables'); lines 2-5 of every case create the database.
 */
import checkThenAct from '../../rules/no-check-then-act.js';
import decoupledInsert from '../../rules/no-decoupled-insert.js';
import ignoredRowcount from '../../rules/no-ignored-rowcount.js';
import lockOutsideTransaction from '../../rules/no-lock-outside-transaction.js';
import lostUpdate from '../../rules/no-lost-update.js';
import transactionOnPool from '../../rules/no-transaction-on-pool.js';
import { ruleTester } from '../helpers/rule-tester.js';

const db = `
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { accounts, concerts, coupons, items, jobs, offers, contracts, products, settings, tickets, tokens, grants, ledger } from './schema';
const db = drizzle(process.env.DATABASE_URL!);
`;

ruleTester.run('drizzle builder: no-check-then-act', checkThenAct, {
  valid: [
    {
      name: ".for('update') on the read inside db.transaction",
      code: `${db}
export async function placeOrder(productId: number) {
  await db.transaction(async (tx) => {
    const [product] = await tx.select().from(products).where(eq(products.id, productId)).for('update');
    if (product.stock < 1) throw new Error('Sold out');
    await tx.update(products).set({ stock: sql\`\${products.stock} - 1\` }).where(eq(products.id, productId));
  });
}
`,
    },
    {
      name: "isolationLevel: 'serializable'",
      code: `${db}
export async function placeOrder(productId: number) {
  await db.transaction(async (tx) => {
    const [product] = await tx.select().from(products).where(eq(products.id, productId));
    if (product.stock < 1) throw new Error('Sold out');
    await tx.update(products).set({ stock: sql\`\${products.stock} - 1\` }).where(eq(products.id, productId));
  }, { isolationLevel: 'serializable' });
}
`,
    },
    {
      name: 'the write re-tests the stock and rowCount is checked',
      code: `${db}
export async function placeOrder(productId: number) {
  const [product] = await db.select().from(products).where(eq(products.id, productId));
  if (product.stock < 1) throw new Error('Sold out');
  const result = await db.update(products).set({ stock: sql\`\${products.stock} - 1\` }).where(and(eq(products.id, productId), gt(products.stock, 0)));
  if (result.rowCount === 0) throw new Error('Sold out');
}
`,
    },
    {
      name: 'the read only feeds the response',
      code: `${db}
export async function stockOf(productId: number) {
  const product = await db.query.products.findFirst({ where: eq(products.id, productId) });
  return { inStock: product !== undefined && product.stock > 0 };
}
`,
    },
    {
      name: 'an increment decided by nothing read',
      code: `${db}
export async function view(productId: number) {
  const product = await db.query.products.findFirst({ where: eq(products.id, productId) });
  await db.update(products).set({ views: sql\`\${products.views} + 1\` }).where(eq(products.id, productId));
  return product;
}
`,
    },
    {
      name: 'a transaction on SQLite (drizzle-orm/libsql) is serializable',
      code: `
import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/libsql';
import { products } from './schema';
const db = drizzle({ connection: { url: process.env.DATABASE_URL! } });
export async function placeOrder(productId: number) {
  await db.transaction(async (tx) => {
    const product = await tx.select().from(products).where(eq(products.id, productId)).get();
    if (!product || product.stock < 1) throw new Error('Sold out');
    await tx.update(products).set({ stock: sql\`\${products.stock} - 1\` }).where(eq(products.id, productId)).run();
  });
}
`,
    },
    {
      name: 'a withTransaction(ctx, async (tx) => ...) helper around SQLite executors is serializable',
      code: `${db}
import { withTransaction } from './context';
export async function placeOrder(ctx: unknown, productId: number) {
  return withTransaction(ctx, async (tx) => {
    const product = await tx.select().from(products).where(eq(products.id, productId)).get();
    if (!product || product.stock < 1) throw new Error('Sold out');
    await tx.update(products).set({ stock: sql\`\${products.stock} - 1\` }).where(eq(products.id, productId)).run();
  });
}
`,
    },
  ],
  invalid: [
    {
      name: 'select().from() tested, then an unguarded update',
      code: `${db}
export async function placeOrder(productId: number) {
  await db.transaction(async (tx) => {
    const [product] = await tx.select().from(products).where(eq(products.id, productId));
    if (product.stock < 1) throw new Error('Sold out');
    await tx.update(products).set({ stock: sql\`\${products.stock} - 1\` }).where(eq(products.id, productId));
  });
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 9, column: 29 }],
    },
    {
      name: 'db.query.t.findFirst tested, then an update',
      code: `${db}
export async function placeOrder(productId: number) {
  const product = await db.query.products.findFirst({ where: (products, { eq }) => eq(products.id, productId) });
  if (!product || product.stock <= 0) return false;
  await db.update(products).set({ stock: sql\`stock - 1\` }).where(eq(products.id, productId));
  return true;
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 8, column: 25 }],
    },
    {
      name: 'a coupon marked used after a stale check',
      code: `${db}
export async function redeem(code: string) {
  await db.transaction(async (tx) => {
    const [coupon] = await tx.select({ id: coupons.id, used: coupons.used }).from(coupons).where(eq(coupons.code, code));
    if (coupon.used) throw new Error('Already used');
    await tx.update(coupons).set({ used: true }).where(eq(coupons.id, coupon.id));
  });
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 9, column: 28 }],
    },
  ],
});

ruleTester.run('drizzle builder: no-decoupled-insert', decoupledInsert, {
  valid: [
    {
      name: 'rowCount decides the insert',
      code: `${db}
export async function buyTicket(concertId: number, userId: number) {
  await db.transaction(async (tx) => {
    const result = await tx.update(concerts).set({ availableSeats: sql\`\${concerts.availableSeats} - 1\` }).where(and(eq(concerts.id, concertId), gt(concerts.availableSeats, 0)));
    if (result.rowCount === 0) throw new Error('Sold out');
    await tx.insert(tickets).values({ concertId, userId });
  });
}
`,
    },
    {
      name: '.returning() rows tested before the insert',
      code: `${db}
export async function buyTicket(concertId: number, userId: number) {
  await db.transaction(async (tx) => {
    const taken = await tx.update(concerts).set({ availableSeats: sql\`\${concerts.availableSeats} - 1\` }).where(and(eq(concerts.id, concertId), gt(concerts.availableSeats, 0))).returning();
    if (taken.length === 0) throw new Error('Sold out');
    await tx.insert(tickets).values({ concertId, userId });
  });
}
`,
    },
    {
      name: 'an update aimed by key only',
      code: `${db}
export async function accept(offerId: number, userId: number) {
  await db.transaction(async (tx) => {
    await tx.update(offers).set({ note: 'seen' }).where(eq(offers.id, offerId));
    await tx.insert(contracts).values({ offerId, userId });
  });
}
`,
    },
    {
      name: 'the destructured returned row tested',
      code: `${db}
export async function accept(offerId: number, userId: number) {
  await db.transaction(async (tx) => {
    const [offer] = await tx.update(offers).set({ status: 'accepted' }).where(and(eq(offers.id, offerId), eq(offers.status, 'open'))).returning();
    if (!offer) throw new Error('Gone');
    await tx.insert(contracts).values({ offerId, userId });
  });
}
`,
    },
    {
      name: 'rowCount of a guarded delete checked',
      code: `${db}
export async function consume(token: string, userId: number) {
  await db.transaction(async (tx) => {
    const result = await tx.delete(tokens).where(and(eq(tokens.token, token), isNull(tokens.usedAt)));
    if (result.rowCount !== 1) throw new Error('Used');
    await tx.insert(grants).values({ userId });
  });
}
`,
    },
  ],
  invalid: [
    {
      name: 'a guarded update, rowCount never read',
      code: `${db}
export async function buyTicket(concertId: number, userId: number) {
  await db.transaction(async (tx) => {
    await tx.update(concerts).set({ availableSeats: sql\`\${concerts.availableSeats} - 1\` }).where(and(eq(concerts.id, concertId), gt(concerts.availableSeats, 0)));
    await tx.insert(tickets).values({ concertId, userId });
  });
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 9, column: 11 }],
    },
    {
      name: 'a status flip guarded by eq(offers.status, ...), then an insert',
      code: `${db}
export async function accept(offerId: number, userId: number) {
  await db.transaction(async (tx) => {
    await tx.update(offers).set({ status: 'accepted' }).where(and(eq(offers.id, offerId), eq(offers.status, 'open')));
    await tx.insert(contracts).values({ offerId, userId });
  });
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 9, column: 11 }],
    },
    {
      name: 'a guarded delete, then an insert',
      code: `${db}
export async function consume(token: string, userId: number) {
  await db.transaction(async (tx) => {
    await tx.delete(tokens).where(and(eq(tokens.token, token), isNull(tokens.usedAt)));
    await tx.insert(grants).values({ userId });
  });
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 9, column: 11 }],
    },
  ],
});

ruleTester.run('drizzle builder: no-ignored-rowcount', ignoredRowcount, {
  valid: [
    {
      name: 'rowCount is tested',
      code: `${db}
export async function redeem(code: string) {
  const result = await db.update(coupons).set({ used: true }).where(and(eq(coupons.code, code), eq(coupons.used, false)));
  if (result.rowCount === 0) throw new Error('Already used');
  return { ok: true };
}
`,
    },
    {
      name: 'the returned rows are returned',
      code: `${db}
export async function redeem(code: string) {
  return db.update(coupons).set({ used: true }).where(and(eq(coupons.code, code), eq(coupons.used, false))).returning({ id: coupons.id });
}
`,
    },
    {
      name: 'a delete by key',
      code: `${db}
export async function remove(id: number) {
  await db.delete(tokens).where(eq(tokens.id, id));
}
`,
    },
    {
      name: 'an increment with nothing to decide',
      code: `${db}
export async function hit(id: number) {
  await db.update(products).set({ views: sql\`\${products.views} + 1\` }).where(eq(products.id, id));
}
`,
    },
    {
      name: 'onConflictDoUpdate on a unique key',
      code: `${db}
export async function save(userId: number, theme: string) {
  await db.insert(settings).values({ userId, theme }).onConflictDoUpdate({ target: settings.userId, set: { theme } });
}
`,
    },
  ],
  invalid: [
    {
      name: 'a guarded update whose result is dropped',
      code: `${db}
export async function redeem(code: string) {
  await db.update(coupons).set({ used: true }).where(and(eq(coupons.code, code), eq(coupons.used, false)));
  return { ok: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 8, column: 9 }],
    },
    {
      name: 'a guarded delete whose result is dropped',
      code: `${db}
export async function consume(token: string) {
  await db.delete(tokens).where(and(eq(tokens.token, token), isNull(tokens.usedAt)));
  return { ok: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 8, column: 9 }],
    },
    {
      name: 'a version-guarded update whose result is dropped, inside a transaction',
      code: `${db}
export async function save(id: number, version: number, body: string) {
  await db.transaction(async (tx) => {
    await tx.update(items).set({ body, version: version + 1 }).where(and(eq(items.id, id), eq(items.version, version)));
  });
  return { ok: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 9, column: 11 }],
    },
  ],
});

ruleTester.run('drizzle builder: no-lost-update', lostUpdate, {
  valid: [
    {
      name: 'sql`${accounts.balance} + ${amount}`',
      code: `${db}
export async function deposit(id: number, amount: number) {
  await db.update(accounts).set({ balance: sql\`\${accounts.balance} + \${amount}\` }).where(eq(accounts.id, id));
}
`,
    },
    {
      name: 'an sql fragment naming the column',
      code: `${db}
export async function deposit(id: number, amount: number) {
  await db.update(accounts).set({ balance: sql\`balance + \${amount}\` }).where(eq(accounts.id, id));
}
`,
    },
    {
      name: ".for('update') on the read inside the transaction",
      code: `${db}
export async function deposit(id: number, amount: number) {
  await db.transaction(async (tx) => {
    const [account] = await tx.select().from(accounts).where(eq(accounts.id, id)).for('update');
    await tx.update(accounts).set({ balance: account.balance + amount }).where(eq(accounts.id, id));
  });
}
`,
    },
    {
      name: 'SERIALIZABLE',
      code: `${db}
export async function deposit(id: number, amount: number) {
  await db.transaction(async (tx) => {
    const [account] = await tx.select().from(accounts).where(eq(accounts.id, id));
    await tx.update(accounts).set({ balance: account.balance + amount }).where(eq(accounts.id, id));
  }, { isolationLevel: 'serializable' });
}
`,
    },
    {
      name: 'a version column re-tested and rowCount checked',
      code: `${db}
export async function deposit(id: number, amount: number) {
  const [account] = await db.select().from(accounts).where(eq(accounts.id, id));
  const result = await db.update(accounts).set({ balance: account.balance + amount, version: account.version + 1 }).where(and(eq(accounts.id, id), eq(accounts.version, account.version)));
  if (result.rowCount === 0) throw new Error('Conflict, retry');
}
`,
    },
  ],
  invalid: [
    {
      name: 'select().from() then set({ balance: account.balance + amount })',
      code: `${db}
export async function deposit(id: number, amount: number) {
  const [account] = await db.select().from(accounts).where(eq(accounts.id, id));
  await db.update(accounts).set({ balance: account.balance + amount }).where(eq(accounts.id, id));
}
`,
      errors: [{ messageId: 'lostUpdate', line: 9, column: 9 }],
    },
    {
      name: 'db.query.items.findFirst then set({ qty: item.qty - n }) in a transaction',
      code: `${db}
export async function take(itemId: number, n: number) {
  await db.transaction(async (tx) => {
    const item = await tx.query.items.findFirst({ where: eq(items.id, itemId) });
    await tx.update(items).set({ qty: item!.qty - n }).where(eq(items.id, itemId));
  });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 10, column: 11 }],
    },
    {
      name: 'a total computed from the read written back',
      code: `${db}
export async function addPoints(userId: number, points: number) {
  const [row] = await db.select({ total: accounts.total }).from(accounts).where(eq(accounts.userId, userId));
  const total = (row?.total ?? 0) + points;
  await db.update(accounts).set({ total }).where(eq(accounts.userId, userId));
}
`,
      errors: [{ messageId: 'lostUpdate', line: 10, column: 9 }],
    },
  ],
});

ruleTester.run('drizzle builder: no-transaction-on-pool', transactionOnPool, {
  valid: [
    {
      name: 'every statement on tx',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await db.transaction(async (tx) => {
    await tx.update(accounts).set({ balance: sql\`\${accounts.balance} - \${amount}\` }).where(eq(accounts.id, from));
    await tx.update(accounts).set({ balance: sql\`\${accounts.balance} + \${amount}\` }).where(eq(accounts.id, to));
  });
}
`,
    },
    {
      name: 'a nested transaction (savepoint) on tx',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await db.transaction(async (tx) => {
    await tx.update(accounts).set({ balance: sql\`\${accounts.balance} - \${amount}\` }).where(eq(accounts.id, from));
    await tx.transaction(async (tx2) => {
      await tx2.insert(ledger).values({ from, to, amount });
    });
  });
}
`,
    },
    {
      name: 'one statement on the database',
      code: `${db}
export async function restock(id: number, n: number) {
  await db.update(products).set({ stock: sql\`\${products.stock} + \${n}\` }).where(eq(products.id, id));
}
`,
    },
    {
      name: 'a serializable transaction',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await db.transaction(async (tx) => {
    await tx.update(accounts).set({ balance: sql\`\${accounts.balance} - \${amount}\` }).where(eq(accounts.id, from));
    await tx.insert(ledger).values({ from, to, amount });
  }, { isolationLevel: 'serializable' });
}
`,
    },
    {
      name: 'a read on the database before the transaction',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  const [account] = await db.select().from(accounts).where(eq(accounts.id, from));
  await db.transaction(async (tx) => {
    await tx.insert(ledger).values({ from, to, amount, by: account?.name });
  });
}
`,
    },
  ],
  invalid: [
    {
      name: 'the database used inside db.transaction instead of tx',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await db.transaction(async (tx) => {
    await tx.update(accounts).set({ balance: sql\`\${accounts.balance} - \${amount}\` }).where(eq(accounts.id, from));
    await db.update(accounts).set({ balance: sql\`\${accounts.balance} + \${amount}\` }).where(eq(accounts.id, to));
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction', line: 10, column: 11 }],
    },
    {
      name: 'BEGIN sent through the pool, then builder writes',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await db.execute(sql\`BEGIN\`);
  await db.update(accounts).set({ balance: sql\`\${accounts.balance} - \${amount}\` }).where(eq(accounts.id, from));
  await db.update(accounts).set({ balance: sql\`\${accounts.balance} + \${amount}\` }).where(eq(accounts.id, to));
  await db.execute(sql\`COMMIT\`);
}
`,
      errors: [{ messageId: 'transactionOnPoolApi', line: 8, column: 9 }],
    },
    {
      name: 'an insert on the database inside the transaction',
      code: `${db}
export async function buy(productId: number, userId: number) {
  await db.transaction(async (tx) => {
    await db.insert(grants).values({ productId, userId });
    await tx.update(products).set({ stock: sql\`\${products.stock} - 1\` }).where(eq(products.id, productId));
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction', line: 9, column: 11 }],
    },
  ],
});

ruleTester.run('drizzle builder: no-lock-outside-transaction', lockOutsideTransaction, {
  valid: [
    {
      name: ".for('update') on tx",
      code: `${db}
export async function pick(id: number) {
  return db.transaction(async (tx) => {
    const [job] = await tx.select().from(jobs).where(eq(jobs.id, id)).for('update');
    await tx.update(jobs).set({ status: 'running' }).where(eq(jobs.id, id));
    return job;
  });
}
`,
    },
    {
      name: ".for('update', { skipLocked: true }) on tx",
      code: `${db}
export async function pick() {
  return db.transaction(async (tx) => {
    const [job] = await tx.select().from(jobs).where(eq(jobs.status, 'queued')).limit(1).for('update', { skipLocked: true });
    return job;
  });
}
`,
    },
    {
      name: 'a plain read on the database',
      code: `${db}
export async function show(id: number) {
  return db.select().from(jobs).where(eq(jobs.id, id));
}
`,
    },
    {
      name: ".for('share') on tx",
      code: `${db}
export async function check(id: number) {
  await db.transaction(async (tx) => {
    await tx.select().from(accounts).where(eq(accounts.id, id)).for('share');
  });
}
`,
    },
    {
      name: 'a serializable transaction with a lock',
      code: `${db}
export async function pick(id: number) {
  await db.transaction(async (tx) => {
    await tx.select().from(jobs).where(eq(jobs.id, id)).for('update');
  }, { isolationLevel: 'serializable' });
}
`,
    },
  ],
  invalid: [
    {
      name: ".for('update') on the database",
      code: `${db}
export async function pick(id: number) {
  const [job] = await db.select().from(jobs).where(eq(jobs.id, id)).for('update');
  await db.update(jobs).set({ status: 'running' }).where(eq(jobs.id, id));
  return job;
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 8, column: 23 }],
    },
    {
      name: ".for('update') on the database inside the transaction",
      code: `${db}
export async function pick(id: number) {
  await db.transaction(async (tx) => {
    const [job] = await db.select().from(jobs).where(eq(jobs.id, id)).for('update');
    await tx.update(jobs).set({ status: 'running', picked: job?.id }).where(eq(jobs.id, id));
  });
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 9, column: 25 }],
    },
    {
      name: ".for('update', { skipLocked: true }) on the database",
      code: `${db}
export async function pick() {
  const [job] = await db.select().from(jobs).where(eq(jobs.status, 'queued')).limit(1).for('update', { skipLocked: true });
  return job;
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 8, column: 23 }],
    },
  ],
});
