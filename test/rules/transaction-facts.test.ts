/**
 * What the same transaction established before the check: a row it created (nobody else can see it, nor
 * rows that refer to it, until it commits), or a lock it took on the rows read or on their parent row.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

const copyAttachments = (target: string, create = '') => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function fromTemplate(templateId: string, envelopeId: string, title: string) {
  return prisma.$transaction(async (tx) => {
    ${create}
    const found = await tx.attachment.findMany({ where: { envelopeId: templateId } });
    const rows = [...found.map((a) => ({ envelopeId: ${target}, label: a.label, data: a.data }))];
    if (rows.length > 0) {
      await tx.attachment.createMany({ data: rows });
    }
  });
}
`;

const membershipHook = (hook: string) => `
import { Table, Model, ${hook} } from 'sequelize-typescript';
import type { Transaction } from 'sequelize';
import { Membership } from './membership';
@Table({ tableName: 'collections' })
export class Collection extends Model {
  @${hook}
  static async grantCreator(model: Collection, options: { transaction: Transaction }) {
    const existing = await Membership.findOne({
      where: { collectionId: model.id, userId: model.createdById },
      transaction: options.transaction,
    });
    if (!existing) {
      return Membership.create(
        { collectionId: model.id, userId: model.createdById, permission: 'admin' },
        { transaction: options.transaction },
      );
    }
    return existing;
  }
}
`;

const profileOnce = `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function incognito(userId: string) {
  return prisma.$transaction(async (tx) => {
    const existing = await tx.member.findFirst({ where: { userId, role: 'ADMIN' } });
    if (existing) return existing;
    const profile = await tx.profile.create({ data: { name: 'Incognito' } });
    return tx.member.create({ data: { userId, role: 'ADMIN', profileId: profile.id } });
  });
}
`;

const lockThenLoad = (lockedId: string, condition = 'anchored') => `
import { Document } from './models';
import type { Transaction } from 'sequelize';
declare function applyMark(state: unknown, text: string): { state: unknown } | null;
export async function comment(documentId: string, otherId: string, text: string, anchored: boolean, transaction: Transaction) {
  const anchoredAgain = anchored;
  if (${condition}) {
    await Document.unscoped().findOne({ where: { id: ${lockedId} }, attributes: ['id'], transaction, lock: transaction.LOCK.UPDATE });
  }
  const document = await Document.findByPk(documentId, { transaction });
  if (anchored) {
    const updated = applyMark(document.state, text);
    if (!updated) throw new Error('Could not anchor');
    await document.update({ state: updated.state }, { transaction });
  }
}
`;

const lockParent = (lockedAccount: string) => `
import type { Pool } from 'pg';
export async function spend(pool: Pool, accountId: string, other: string, amount: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT 1 FROM accounts WHERE account_id = $1 FOR UPDATE', [${lockedAccount}]);
    const wallet = await client.query('SELECT balance FROM wallets WHERE account_id = $1', [accountId]);
    if (wallet.rows[0].balance < amount) {
      await client.query('ROLLBACK');
      return { ok: false };
    }
    await client.query('UPDATE wallets SET balance = balance - $2 WHERE account_id = $1', [accountId, amount]);
    await client.query('COMMIT');
    return { ok: true };
  } finally {
    client.release();
  }
}
`;

const errorAfterRollback = (exit: string) => `
import { Import } from './models';
import { sequelize } from './database';
declare function run(model: unknown, transaction: unknown): Promise<void>;
declare function canProcess(model: unknown): boolean;
export async function perform(id: string) {
  try {
    await sequelize.transaction(async (transaction) => {
      const model = await Import.findByPk(id, { transaction, lock: transaction.LOCK.UPDATE });
      if (!canProcess(model) || model.state === 'canceled') {
        ${exit};
      }
      await run(model, transaction);
    });
  } catch (err) {
    const model = await Import.findByPk(id, { rejectOnEmpty: true });
    model.error = String(err);
    await model.save();
    throw err;
  }
}
`;

ruleTester.run('no-check-then-act (facts of the same transaction)', rule, {
  valid: [
    {
      name: 'rows copied onto a row created earlier in the same transaction: nobody else can see it yet',
      code: copyAttachments('envelope.id', 'const envelope = await tx.envelope.create({ data: { title } });'),
    },
    {
      name: 'rows copied onto a row created earlier, held by a `let` whose only assignment is the create',
      code: copyAttachments(
        'envelope.id',
        'let envelope; try { envelope = await tx.envelope.create({ data: { title } }); } catch (e) { throw new Error(String(e)); }',
      ),
    },
    {
      name: 'an afterCreate hook reads and creates rows of the instance just inserted, in its transaction',
      code: membershipHook('AfterCreate'),
    },
    {
      name: 'the row read was locked FOR UPDATE by an earlier statement of the transaction, under the same condition',
      code: lockThenLoad('documentId'),
    },
    {
      name: 'the parent row locked FOR UPDATE by the key value the lookup uses: every spend of that account queues on it',
      code: lockParent('accountId'),
    },
    {
      name: 'a return in the transaction callback does not decide the write in the catch after it',
      code: errorAfterRollback('return'),
    },
  ],
  invalid: [
    {
      name: 'rows copied onto a row the caller names: a concurrent copy onto it sees nothing too',
      code: copyAttachments('envelopeId'),
      errors: [{ messageId: 'checkThenInsertModel', line: 7 }],
    },
    {
      name: 'a `let` assigned the created row and then another row: it may hold a row others see',
      code: copyAttachments(
        'envelope.id',
        'let envelope; envelope = await tx.envelope.create({ data: { title } }); if (!title) envelope = await tx.envelope.findFirst({ where: { id: envelopeId } });',
      ),
      errors: [{ messageId: 'checkThenInsertModel', line: 7 }],
    },
    {
      name: 'an afterUpdate hook: the instance is not a row its transaction created',
      code: membershipHook('AfterUpdate'),
      errors: [{ messageId: 'checkThenInsertModel', line: 9 }],
    },
    {
      name: 'the new row refers to a row created in the transaction, but the lookup is by another column: both rows match it',
      code: profileOnce,
      errors: [{ messageId: 'checkThenInsertModel', line: 6 }],
    },
    {
      name: 'the earlier lock is on another row',
      code: lockThenLoad('otherId'),
      errors: [{ messageId: 'checkThenActModel', line: 10 }],
    },
    {
      name: 'the earlier lock is taken under another condition than the write',
      code: lockThenLoad('documentId', 'anchoredAgain && text'),
      errors: [{ messageId: 'checkThenActModel', line: 10 }],
    },
    {
      name: 'a parent row locked by another value than the lookup uses serializes nothing here',
      code: lockParent('other'),
      errors: [
        {
          messageId: 'checkThenAct',
          line: 8,
          suggestions: [
            {
              messageId: 'addForUpdate',
              output: lockParent('other').replace('FROM wallets WHERE account_id = $1', 'FROM wallets WHERE account_id = $1 FOR UPDATE'),
            },
          ],
        },
      ],
    },
    {
      name: 'a throw in the transaction callback reaches the catch: the test decides the write there',
      code: errorAfterRollback("throw new Error('canceled')"),
      errors: [{ messageId: 'checkThenActModel', line: 9 }],
    },
  ],
});
