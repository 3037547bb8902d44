/**
 * The elements of the array a promise combinator is handed (`Promise.all`, `allSettled`, `race`, `any`)
 * are all started before any is awaited: what one called function tests, and even throws on, cannot
 * stop the write another one makes. Called one after the other, the first's test does stop the second.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

const calls = (run: string) => `
import { Pool } from 'pg';
const pool = new Pool();
async function fundStablecoins(invoiceId: string) {
  const { rows } = await pool.query("SELECT amount FROM payouts WHERE invoice_id = $1 AND status = 'processing'", [invoiceId]);
  if (rows.length === 0) throw new Error('nothing to fund');
  await fetch('https://bank.example/fund', { method: 'POST', body: String(rows[0].amount) });
}
async function sendPaypal(invoiceId: string) {
  await pool.query("UPDATE payouts SET status = 'sent' WHERE invoice_id = $1", [invoiceId]);
}
export async function chargeSucceeded(invoiceId: string, paypal: boolean) {
  ${run}
}
`;

ruleTester.run('no-check-then-act: calls started together', rule, {
  valid: [
    {
      name: 'Promise.allSettled: the funding test cannot stop the PayPal write',
      code: calls('await Promise.allSettled([fundStablecoins(invoiceId), sendPaypal(invoiceId)]);'),
    },
    {
      name: 'Promise.all with the write in an array spread in by a condition',
      code: calls('await Promise.all([fundStablecoins(invoiceId), ...(paypal ? [sendPaypal(invoiceId)] : [])]);'),
    },
  ],
  invalid: [
    {
      name: 'one after the other: the first call throws when the read found nothing, and the write follows it',
      code: calls('await fundStablecoins(invoiceId);\n  await sendPaypal(invoiceId);'),
      errors: [{ messageId: 'checkThenAct' }],
    },
    {
      name: 'an array that is no combinator’s argument awaits its elements in order',
      code: calls('return [await fundStablecoins(invoiceId), await sendPaypal(invoiceId)];'),
      errors: [{ messageId: 'checkThenAct' }],
    },
  ],
});
