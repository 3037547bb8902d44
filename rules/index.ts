import noCheckThenAct from './no-check-then-act.js';
import noDecoupledInsert from './no-decoupled-insert.js';
import noIgnoredRowcount from './no-ignored-rowcount.js';
import noLockOutsideTransaction from './no-lock-outside-transaction.js';
import noLostUpdate from './no-lost-update.js';
import noTransactionOnPool from './no-transaction-on-pool.js';

export const rules = {
  'no-check-then-act': noCheckThenAct,
  'no-decoupled-insert': noDecoupledInsert,
  'no-ignored-rowcount': noIgnoredRowcount,
  'no-lost-update': noLostUpdate,
  'no-transaction-on-pool': noTransactionOnPool,
  'no-lock-outside-transaction': noLockOutsideTransaction,
};
