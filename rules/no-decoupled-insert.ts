import { description, messages, type MessageId as CheckMessageId } from '../src/checks/no-decoupled-insert.js';
import { createRule, reportFindings, withFailureMessage, type AnalysisFailed, keyColumnsOption } from './utils.js';

export type MessageId = CheckMessageId | AnalysisFailed;

export default createRule<[{ keyColumns?: string[] }], MessageId>({
  name: 'no-decoupled-insert',
  meta: {
    type: 'problem',
    docs: { description },
    messages: withFailureMessage(messages),
    schema: [keyColumnsOption],
    defaultOptions: [{ keyColumns: [] }],
  },
  defaultOptions: [{ keyColumns: [] as string[] }],
  create(context, [options]) {
    return reportFindings(context, 'no-decoupled-insert', options);
  },
});
