import { description, messages } from '../src/checks/no-ignored-rowcount.js';
import { createRule, reportFindings, keyColumnsOption } from './utils.js';

export type MessageId = keyof typeof messages;

export default createRule<[{ keyColumns?: string[] }], MessageId>({
  name: 'no-ignored-rowcount',
  meta: {
    type: 'problem',
    docs: { description },
    messages,
    schema: [keyColumnsOption],
    defaultOptions: [{ keyColumns: [] }],
  },
  defaultOptions: [{ keyColumns: [] as string[] }],
  create(context, [options]) {
    return reportFindings(context, 'no-ignored-rowcount', options);
  },
});
