import noCheckThenAct from './no-check-then-act.js';
import noDecoupledInsert from './no-decoupled-insert.js';
import noIgnoredRowcount from './no-ignored-rowcount.js';
import noLockOutsideTransaction from './no-lock-outside-transaction.js';
import noLostUpdate from './no-lost-update.js';
import noTransactionOnPool from './no-transaction-on-pool.js';
import { gated } from './utils.js';

export const rules = {
  'no-check-then-act': gated(noCheckThenAct),
  'no-decoupled-insert': gated(noDecoupledInsert),
  'no-ignored-rowcount': gated(noIgnoredRowcount),
  'no-lost-update': gated(noLostUpdate),
  'no-transaction-on-pool': gated(noTransactionOnPool),
  'no-lock-outside-transaction': gated(noLockOutsideTransaction),
};
