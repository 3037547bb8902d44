/**
 * A variable's initializer is its value only while nothing writes it: the columns a create sets from
 * `data` are the initializer's plus what later writes add (`data = { ...data, k }`, `data.k = v`), or
 * unknown when a write replaces the object, may run after the create, or runs in a callback.
 */
import { describe, expect, it } from 'vitest';
import { extractFrom } from '../helpers/model.js';

const create = (body: string) => `
import { prisma } from './db';
export async function credit(partnerId: string, invoiceId: string, items: string[]) {
  ${body}
}
`;

function insertColumns(body: string): string[] | null {
  const { sites } = extractFrom(create(body));
  const insert = sites.flatMap((s) => s.built ?? []).find((f) => f.kind === 'insert');
  if (!insert) throw new Error('no insert extracted');
  return insert.insertColumns === null ? null : [...insert.insertColumns].sort();
}

describe('an object written after its declaration', () => {
  it('adds what a spread of itself and property writes set before the use', () => {
    expect(
      insertColumns(`
  let data: any = { id: 'c1', partnerId };
  if (invoiceId) data = { ...data, invoiceId };
  data.note = 'referral';
  await prisma.credit.create({ data });`),
    ).toEqual(['id', 'invoice_id', 'note', 'partner_id']);
  });

  it('adds the properties written on a const', () => {
    expect(
      insertColumns(`
  const data: any = { id: 'c1', partnerId };
  data.invoiceId = invoiceId;
  await prisma.credit.create({ data });`),
    ).toEqual(['id', 'invoice_id', 'partner_id']);
  });

  it('keeps a property written inside its value', () => {
    expect(
      insertColumns(`
  const data: any = { id: 'c1', partnerId, settings: {} };
  data.settings.source = 'referral';
  data.meta.source = 'referral';
  await prisma.credit.create({ data });`),
    ).toEqual(['id', 'meta', 'partner_id', 'settings']);
  });

  it('leaves out a write on a path that returns before the use', () => {
    expect(
      insertColumns(`
  const data: any = { id: 'c1', partnerId };
  if (!invoiceId) {
    data.note = 'none';
    return null;
  }
  await prisma.credit.create({ data });`),
    ).toEqual(['id', 'partner_id']);
  });

  it('keeps the initializer when the only write comes after the use, outside a loop', () => {
    expect(
      insertColumns(`
  const data: any = { id: 'c1', partnerId };
  await prisma.credit.create({ data });
  data.invoiceId = invoiceId;`),
    ).toEqual(['id', 'partner_id']);
  });

  it.each([
    [
      'a reassignment to another object',
      `let data: any = { id: 'c1', partnerId, invoiceId };\n  if (!invoiceId) data = { id: 'c2' };\n  await prisma.credit.create({ data });`,
    ],
    ['a compound assignment', `let data: any = { id: 'c1', partnerId };\n  data += '';\n  await prisma.credit.create({ data });`],
    [
      'a property removed',
      `const data: any = { id: 'c1', partnerId, invoiceId };\n  delete data.invoiceId;\n  await prisma.credit.create({ data });`,
    ],
    [
      'a computed property written',
      `const data: any = { id: 'c1', partnerId };\n  data[invoiceId] = 1;\n  await prisma.credit.create({ data });`,
    ],
    [
      'a write inside a callback',
      `const data: any = { id: 'c1', partnerId };\n  items.forEach((i) => { data.invoiceId = i; });\n  await prisma.credit.create({ data });`,
    ],
    [
      'a write after the use in a loop around both',
      `const data: any = { id: 'c1', partnerId };\n  for (const i of items) {\n    await prisma.credit.create({ data });\n    data.invoiceId = i;\n  }`,
    ],
  ])('cannot tell the columns after %s', (_name, body) => {
    expect(insertColumns(body)).toBeNull();
  });
});
