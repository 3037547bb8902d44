import { description, messages } from '../src/checks/no-lock-outside-transaction.js';
import { createRule, reportFindings } from './utils.js';

export type MessageId = keyof typeof messages;

export default createRule<[], MessageId>({
  name: 'no-lock-outside-transaction',
  meta: {
    type: 'problem',
    docs: { description },
    messages,
    schema: [],
  },
  defaultOptions: [],
  create(context) {
    return reportFindings(context, 'no-lock-outside-transaction');
  },
});
