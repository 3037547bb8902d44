import { description, messages } from '../src/checks/no-transaction-on-pool.js';
import { createRule, reportFindings } from './utils.js';

export type MessageId = keyof typeof messages;

export default createRule<[], MessageId>({
  name: 'no-transaction-on-pool',
  meta: {
    type: 'problem',
    docs: { description },
    messages,
    schema: [],
  },
  defaultOptions: [],
  create(context) {
    return reportFindings(context, 'no-transaction-on-pool');
  },
});
