/**
 * A called function that answers once its guarded write ran (`return respond('canceled')` right after
 * it) and answers nothing on its other paths: a caller that leaves on the answer (`if (response) return
 * response`) goes on to its INSERT only when the write did not run. Where the function also answers
 * without the write, or the caller does not leave on the answer, the INSERT follows the write.
 */
import rule from '../../rules/no-decoupled-insert.js';
import { ruleTester } from '../helpers/rule-tester.js';

const broadcast = (cancel: string, caller: string) => `
import { Pool } from 'pg';
const pool = new Pool();
async function cancelIfInvalid(id: string, from: string | null) {
  if (!from) return;
  try {
    validate(from);
  } catch (error) {
    ${cancel}
  }
}
export async function send(id: string, from: string | null) {
  const response = await cancelIfInvalid(id, from);
  ${caller}
  await pool.query("INSERT INTO emails (campaign_id) VALUES ($1)", [id]);
  return 'sent';
}
`;

const CANCEL = `await pool.query("UPDATE campaigns SET status = 'canceled' WHERE id = $1 AND status IN ('scheduled', 'sending')", [id]);
    return Response.json({ canceled: id });`;

ruleTester.run('no-decoupled-insert: a called function that answers once its write ran', rule, {
  valid: [
    {
      name: 'the caller leaves on the answer: the INSERT runs only when the UPDATE did not',
      code: broadcast(CANCEL, 'if (response) return response;'),
    },
    {
      name: 'the same, leaving from a block',
      code: broadcast(CANCEL, 'if (response) {\n    log(response);\n    return response;\n  }'),
    },
  ],
  invalid: [
    {
      name: 'the caller does not leave on the answer',
      code: broadcast(CANCEL, 'log(response);'),
      errors: [{ messageId: 'decoupledWrite' }],
    },
    {
      name: 'the function answers on a path without the UPDATE too',
      code: broadcast(CANCEL, 'if (response) return response;').replace(
        'if (!from) return;',
        'if (!from) return Response.json({ skipped: id });',
      ),
      errors: [{ messageId: 'decoupledWrite' }],
    },
    {
      name: 'the UPDATE runs on a branch of its own before an answer every path reaches',
      code: broadcast(
        `if (error instanceof Error) {
      await pool.query("UPDATE campaigns SET status = 'canceled' WHERE id = $1 AND status IN ('scheduled', 'sending')", [id]);
    }
    return Response.json({ failed: id });`,
        'if (response) return response;',
      ),
      errors: [{ messageId: 'decoupledWrite' }],
    },
  ],
});
