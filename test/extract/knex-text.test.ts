/**
 * A knex builder turned into SQL text (`.toQuery()`, `.toString()`, `.toSQL().sql`) and handed to a call
 * that runs text (`prisma.$executeRawUnsafe(sql)`, `trx.raw(sql)`): the statement is the chain's, and it
 * runs at that call, on its connection.
 */
import { describe, expect, it } from 'vitest';
import { extractFrom } from '../helpers/model.js';

const head = `
import { Knex } from 'knex';
import { PrismaClient } from '@prisma/client';
declare const knex: Knex;
declare const prisma: PrismaClient;
`;

const summary = (code: string) =>
  extractFrom(`${head}${code}`).sites.map((s) => ({
    line: s.node.loc.start.line,
    connection: s.connection?.type === 'Identifier' ? s.connection.name : s.connection?.type,
    facts: s.built?.map((f) => [f.kind, f.tablesWritten, f.where.map((p) => `${p.column} ${p.operator}`)]),
  }));

describe('knex text handed to a call that runs it', () => {
  it('a `const` made by `.toQuery()` run by `$executeRawUnsafe`', () => {
    expect(
      summary(`
export async function clear(collection: string, ids: string[]) {
  const sql = knex('ops').where('collection', collection).whereIn('doc_id', ids).delete().toQuery();
  await prisma.$executeRawUnsafe(sql);
}
`),
    ).toEqual([{ line: 9, connection: 'prisma', facts: [['delete', ['ops'], ['collection =', 'doc_id in']]] }]);
  });

  it('`.toSQL().sql` and `.toString()` handed straight to `raw`', () => {
    expect(
      summary(`
export async function touch(trx: Knex.Transaction, id: string) {
  await trx.raw(knex('docs').where({ id }).update({ seen: true }).toSQL().sql);
  await trx.raw(knex('docs').where({ id }).del().toString());
}
`).map((s) => [s.line, s.connection, s.facts?.[0]?.[0]]),
    ).toEqual([
      [8, 'trx', 'update'],
      [9, 'trx', 'delete'],
    ]);
  });

  it('text only built, or handed to a call that does not run it, is no statement', () => {
    expect(
      summary(`
export function show(id: string) {
  const sql = knex('docs').where({ id }).del().toQuery();
  console.log(sql);
  return knex('docs').where({ id }).toQuery();
}
`),
    ).toEqual([]);
  });
});
