/**
 * The plugin creates its rules only for files the pre-scan admits: typescript-eslint's rule creator
 * clones the default options at every creation, which on a large codebase cost more than the rules'
 * own work on files without database code.
 */
import tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import plugin from '../../src/index.js';
import { gated } from '../../rules/utils.js';
import checkThenAct from '../../rules/no-check-then-act.js';
import decoupledInsert from '../../rules/no-decoupled-insert.js';
import ignoredRowcount from '../../rules/no-ignored-rowcount.js';
import lockOutsideTransaction from '../../rules/no-lock-outside-transaction.js';
import lostUpdate from '../../rules/no-lost-update.js';
import transactionOnPool from '../../rules/no-transaction-on-pool.js';

const unwrapped: Record<string, { create: unknown; meta: unknown }> = {
  'no-check-then-act': checkThenAct,
  'no-decoupled-insert': decoupledInsert,
  'no-ignored-rowcount': ignoredRowcount,
  'no-lock-outside-transaction': lockOutsideTransaction,
  'no-lost-update': lostUpdate,
  'no-transaction-on-pool': transactionOnPool,
};

function lintCounting(code: string): { created: number; messages: Linter.LintMessage[] } {
  let created = 0;
  const counting = gated({
    ...checkThenAct,
    create(context: Parameters<typeof checkThenAct.create>[0]) {
      created += 1;
      return checkThenAct.create(context);
    },
  } as typeof checkThenAct);
  const linter = new Linter({ configType: 'flat', cwd: '/project' });
  const messages = linter.verify(
    code,
    [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tsParser },
        plugins: { probe: { rules: { rule: counting } } as unknown as NonNullable<Linter.Config['plugins']>[string] },
        rules: { 'probe/rule': 'error' },
      },
    ],
    '/project/src/file.ts',
  );
  return { created, messages };
}

describe('the pre-scan gate', () => {
  it('does not create a rule for a file without database code', () => {
    const { created, messages } = lintCounting('export const add = (a: number, b: number) => a + b;\n');
    expect(created).toBe(0);
    expect(messages).toEqual([]);
  });

  it('creates it, and it reports, for a file with database code', () => {
    const { created, messages } = lintCounting(`import { Pool } from 'pg';
const pool = new Pool();
export async function buy(id: string) {
  const { rows } = await pool.query('SELECT stock FROM products WHERE id = $1', [id]);
  if (rows[0].stock < 1) throw new Error('sold out');
  await pool.query('UPDATE products SET stock = stock - 1 WHERE id = $1', [id]);
}
`);
    expect(created).toBe(1);
    expect(messages.map((m) => m.ruleId)).toEqual(['probe/rule']);
  });

  it('wraps every rule the plugin lists, keeping its meta', () => {
    expect(Object.keys(plugin.rules).sort()).toEqual(Object.keys(unwrapped).sort());
    for (const [name, rule] of Object.entries(plugin.rules)) {
      expect(rule.create, name).not.toBe(unwrapped[name]!.create);
      expect(rule.meta, name).toBe(unwrapped[name]!.meta);
    }
  });
});
