/**
 * A table whose name the run made afresh (`` `work_${randomBytes(4).toString('hex')}` ``) and spliced
 * into its SQL: no other run, request or process can name it, so nothing on it races.
 */
import checkThenAct from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

const task = (name: string, field = "private table = '';") => `
import crypto from 'node:crypto';
import { Pool } from 'pg';
const pool = new Pool();
declare const TABLE_PREFIX: string;
export class Task {
  ${field}
  async run(prefix: string) {
    this.table = ${name};
    await pool.query(\`CREATE UNLOGGED TABLE \${this.table} (id uuid PRIMARY KEY, done boolean NOT NULL DEFAULT false)\`);
    for (;;) {
      const batch = await pool.query(\`SELECT id FROM \${this.table} WHERE NOT done LIMIT 100\`);
      if (batch.rows.length === 0) break;
      await pool.query(\`UPDATE \${this.table} SET done = true WHERE id = ANY($1)\`, [batch.rows.map((r) => r.id)]);
    }
  }
}
`;

const local = (init: string) => `
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
const pool = new Pool();
export async function drain() {
  const table = ${init};
  const { rows } = await pool.query(\`SELECT id, stock FROM \${table} WHERE id = 1\`);
  if (rows[0].stock > 0) await pool.query(\`UPDATE \${table} SET stock = stock - 1 WHERE id = $1\`, [rows[0].id]);
}
`;

ruleTester.run('no-check-then-act: a table named afresh for the run', checkThenAct, {
  valid: [
    { name: 'a field set to a name with random bytes in it', code: task("`work_${crypto.randomBytes(4).toString('hex')}`") },
    {
      name: 'a field set to a name with a random id kept in a const',
      code: task('`work_${id}`').replace('this.table =', "const id = crypto.randomBytes(4).toString('hex');\n    this.table ="),
    },
    { name: 'a field set to a name with a UUID', code: task("'work_' + crypto.randomUUID().replaceAll('-', '')") },
  ],
  invalid: [
    {
      name: 'a field set to a name every run shares',
      code: task('`work_${TABLE_PREFIX}`'),
      errors: [{ messageId: 'checkThenAct', line: 12 }],
    },
    {
      name: 'a field also set elsewhere to a name every run shares',
      code: task("`work_${crypto.randomBytes(4).toString('hex')}`", "private table = 'work_shared';"),
      errors: [{ messageId: 'checkThenAct', line: 12 }],
    },
    {
      name: 'a field that is also a constructor parameter: the caller may hand in a name every run shares',
      code: task("`work_${crypto.randomBytes(4).toString('hex')}`", 'constructor(private table: string) {}'),
      errors: [{ messageId: 'checkThenAct', line: 12 }],
    },
    {
      name: 'a name handed in by the caller',
      code: local('prefix').replace('drain()', 'drain(prefix: string)'),
      errors: [{ messageId: 'checkThenAct', line: 7 }],
    },
  ],
});
