import { description, messages, type MessageId as CheckMessageId } from '../src/checks/no-transaction-on-pool.js';
import { createRule, reportFindings, withFailureMessage, type AnalysisFailed } from './utils.js';

export type MessageId = CheckMessageId | AnalysisFailed;

export default createRule<[], MessageId>({
  name: 'no-transaction-on-pool',
  meta: {
    type: 'problem',
    docs: { description },
    messages: withFailureMessage(messages),
    schema: [],
  },
  defaultOptions: [],
  create(context) {
    return reportFindings(context, 'no-transaction-on-pool');
  },
});
