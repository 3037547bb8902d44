/**
 * The columns an insert's row object sets when the object spreads another (`{ ...toColumns(user), created_at }`):
 * a spread the kit can follow (an object literal, a constant bound to one, a call to a function of the file
 * whose body returns one) adds that literal's keys; any other spread makes the columns unknown (null), never
 * only the keys written beside it. The knex, TypeORM and Prisma adapters answer the same (kysely and drizzle
 * share the kit's `insertedFields` with Prisma).
 */
import { describe, expect, it } from 'vitest';
import { extractFrom } from '../helpers/model.js';

function insertColumns(code: string): (string[] | null)[] {
  return extractFrom(code)
    .sites.flatMap((s) => s.built ?? [])
    .filter((f) => f.kind === 'insert')
    .map((f) => f.insertColumns);
}

const helpers = `
const toColumns = (user) => ({ name: user.name, email: user.email });
function toRow(user) { return { username: user.username }; }
`;

describe('spreads in an insert row', () => {
  it('knex: a spread of a local function returning an object literal adds its keys', () => {
    const code = `import { knex } from 'knex';
const db = knex({ client: 'pg' });
${helpers}
export async function add(user, props) {
  await db('users').insert({ ...toColumns(user), created_at: new Date() });
  await db('users').insert({ ...toRow(user), ...{ seen: true } });
  await db('users').insert({ ...props, created_at: new Date() });
}
`;
    expect(insertColumns(code)).toEqual([['name', 'email', 'created_at'], ['username', 'seen'], null]);
  });

  it('knex: a spread of an imported helper or of a function with several returns is not known', () => {
    const code = `import { knex } from 'knex';
import { mapUser } from './map';
const db = knex({ client: 'pg' });
function pick(user) { if (user.admin) return { role: 'admin' }; return { role: 'user', name: user.name }; }
export async function add(user) {
  await db('users').insert({ ...mapUser(user), created_at: new Date() });
  await db('users').insert({ ...pick(user), created_at: new Date() });
}
`;
    expect(insertColumns(code)).toEqual([null, null]);
  });

  it('typeorm: repository.insert({ ...f(x) }) and insert({ ...props })', () => {
    const code = `import { Column, DataSource, Entity, PrimaryGeneratedColumn } from 'typeorm';
@Entity('users')
export class User { @PrimaryGeneratedColumn() id: number; @Column() name: string; @Column() email: string; @Column() active: boolean }
const AppDataSource = new DataSource({ type: 'postgres' });
const userRepository = AppDataSource.getRepository(User);
${helpers}
export async function add(user, props) {
  await userRepository.insert({ ...toColumns(user), active: true });
  await userRepository.insert({ ...props, active: true });
}
`;
    expect(insertColumns(code)).toEqual([['name', 'email', 'active'], null]);
  });

  it('prisma: data: { ...f(x) } and data: { ...props }', () => {
    const code = `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
${helpers}
export async function add(user, props) {
  await prisma.user.create({ data: { ...toColumns(user), active: true } });
  await prisma.user.create({ data: { ...props, active: true } });
}
`;
    expect(insertColumns(code)).toEqual([['name', 'email', 'active'], null]);
  });
});
