/**
 * Findings on model and query-builder calls name the fix in the library's own API (the site's
 * ModelWords): `.forUpdate()`, `.increment(...)`, `eb(...)`, `t.LOCK.UPDATE`, `pessimistic_write`;
 * SQL-text sites keep SQL.
 */
import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../src/analyze.js';

function messages(code: string): string[] {
  return analyzeText(code, 'order.ts').findings.map((f) => f.message);
}

function only(code: string): string {
  const found = messages(code);
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('builder and model messages speak the library', () => {
  it('knex: .increment() and .forUpdate() for a lost update', () => {
    const message = only(`
import { knex } from 'knex';
const db = knex({ client: 'pg' });
export async function deposit(id: number, amount: number) {
  const account = await db('accounts').where({ id }).first();
  await db('accounts').where({ id }).update({ balance: account.balance + amount });
}
`);
    expect(message).toContain("`.increment('balance', n)`");
    expect(message).toContain('`.forUpdate()` on the read');
    expect(message).not.toContain('SELECT ... FOR UPDATE');
    expect(message).not.toContain('SET balance');
  });

  it("kysely: eb('balance', '+', n) and .forUpdate() on the selectFrom", () => {
    const message = only(`
import { Kysely } from 'kysely';
declare const db: Kysely<any>;
export async function deposit(id: number, amount: number) {
  const account = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  await db.updateTable('accounts').set({ balance: account.balance + amount }).where('id', '=', id).execute();
}
`);
    expect(message).toContain("eb('balance', '+', n)");
    expect(message).not.toContain('{field}');
    expect(message).toContain('`.forUpdate()` on the `selectFrom`');
  });

  it("drizzle: sql`` relative value and .for('update'), a check-then-act in its API", () => {
    const message = only(`
import { drizzle } from 'drizzle-orm/node-postgres';
import { eq } from 'drizzle-orm';
import { events } from './schema';
const db = drizzle(process.env.DATABASE_URL!);
export async function book(id: number, userId: number) {
  const [event] = await db.select().from(events).where(eq(events.id, id));
  if (event.bookedBy !== null) throw new Error('taken');
  await db.update(events).set({ bookedBy: userId }).where(eq(events.id, id));
}
`);
    expect(message).toContain(".for('update')");
    expect(message).toContain('.where(and(...))');
    expect(message).not.toContain('UPDATE ... WHERE');
  });

  it("Sequelize: the model's name, increment() and t.LOCK.UPDATE, with the field as written", () => {
    const message = only(`
import { Model, DataTypes, Sequelize } from 'sequelize';
const sequelize = new Sequelize('postgres://localhost/db');
class Account extends Model {}
Account.init({ availableCredit: DataTypes.INTEGER }, { sequelize, underscored: true });
export async function spend(id: number, amount: number) {
  const account = await Account.findByPk(id);
  account.availableCredit = account.availableCredit - amount;
  await account.save();
}
`);
    expect(message).toContain('`Account.availableCredit`');
    expect(message).toContain("`instance.increment('availableCredit', { by: n })`");
    expect(message).toContain('t.LOCK.UPDATE');
    expect(message).not.toContain('available_credit');
  });

  it("TypeORM: the entity's name, repository.increment() and pessimistic_write", () => {
    const message = only(`
import { Entity, PrimaryGeneratedColumn, Column, Repository } from 'typeorm';
@Entity('wallets')
class Wallet { @PrimaryGeneratedColumn() id!: number; @Column() balance!: number; }
export class WalletService {
  constructor(private readonly wallets: Repository<Wallet>) {}
  async pay(id: number, amount: number) {
    const wallet = await this.wallets.findOneBy({ id });
    if (!wallet) throw new Error('no wallet');
    wallet.balance = wallet.balance - amount;
    await this.wallets.save(wallet);
  }
}
`);
    expect(message).toContain('`Wallet.balance`');
    expect(message).toContain("repository.increment({ id }, 'balance', n)");
    expect(message).toContain('pessimistic_write');
  });

  it('Prisma: the field as written and its increment, from the same words as every model API', () => {
    const message = only(`
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function book(id: number) {
  const concert = await prisma.concert.findUnique({ where: { id }, select: { availableSeats: true } });
  await prisma.concert.update({ where: { id }, data: { availableSeats: concert.availableSeats - 1 } });
}
`);
    expect(message).toContain('`concert.availableSeats`');
    expect(message).toContain('`data: { availableSeats: { increment: n } }`');
    expect(message).not.toContain('available_seats');
  });

  it('SQL text keeps SQL advice', () => {
    const message = only(`
import { knex } from 'knex';
const db = knex({ client: 'pg' });
export async function deposit(id: number, amount: number) {
  const { rows } = await db.raw('SELECT balance FROM accounts WHERE id = ?', [id]);
  await db.raw('UPDATE accounts SET balance = ? WHERE id = ?', [rows[0].balance + amount, id]);
}
`);
    expect(message).toContain('SELECT ... FOR UPDATE');
  });
});
