import { description, messages, type MessageId as CheckMessageId } from '../src/checks/no-check-then-act.js';
import { createRule, reportFindings, withFailureMessage, type AnalysisFailed, keyColumnsOption } from './utils.js';

export type MessageId = CheckMessageId | AnalysisFailed;

export default createRule<[{ keyColumns?: string[] }], MessageId>({
  name: 'no-check-then-act',
  meta: {
    type: 'problem',
    docs: { description },
    hasSuggestions: true,
    messages: withFailureMessage(messages),
    schema: [keyColumnsOption],
    defaultOptions: [{ keyColumns: [] }],
  },
  defaultOptions: [{ keyColumns: [] as string[] }],
  create(context, [options]) {
    return reportFindings(context, 'no-check-then-act', options);
  },
});
