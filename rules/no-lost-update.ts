import { description, messages } from '../src/checks/no-lost-update.js';
import { createRule, reportFindings } from './utils.js';

export type MessageId = keyof typeof messages;

export default createRule<[], MessageId>({
  name: 'no-lost-update',
  meta: {
    type: 'problem',
    docs: { description },
    messages,
    schema: [],
  },
  defaultOptions: [],
  create(context) {
    return reportFindings(context, 'no-lost-update');
  },
});
