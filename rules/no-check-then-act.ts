import { description, messages } from '../src/checks/no-check-then-act.js';
import { createRule, reportFindings, keyColumnsOption } from './utils.js';

export type MessageId = keyof typeof messages;

export default createRule<[{ keyColumns?: string[] }], MessageId>({
  name: 'no-check-then-act',
  meta: {
    type: 'problem',
    docs: { description },
    hasSuggestions: true,
    messages,
    schema: [keyColumnsOption],
    defaultOptions: [{ keyColumns: [] }],
  },
  defaultOptions: [{ keyColumns: [] as string[] }],
  create(context, [options]) {
    return reportFindings(context, 'no-check-then-act', options);
  },
});
