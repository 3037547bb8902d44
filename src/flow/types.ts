import type { TSESTree } from '@typescript-eslint/types';
import type { FunctionNode } from '../extract/ast.js';
import type { Resolver, VariableLike } from '../extract/scope.js';
import type { ConnectionKind, QuerySite, TransactionScope } from '../extract/types.js';
import type { Isolation, StatementFacts } from '../sql/facts.js';
import type { CallerVerdict } from './callers.js';

/** How a query's result is used by the code around it. */
export interface ResultUse {
  /** Conditions that read the result or a value derived from it (`if`, `?:`, `&&`, loops, `assert`). */
  tests: TSESTree.Node[];
  /**
   * The subset of `tests` that read what is in a row, not only whether rows came back: with the row
   * properties they read (`rows[0].available_seats` -> `available_seats`), or null when the value went
   * through a function call and the columns cannot be told.
   */
  valueTests: ValueTest[];
  /** The result, or a value derived from it, is returned (or yielded) to the caller. */
  returned: boolean;
  /** The result, or a value derived from it, is passed to another function or stored on an object. */
  handedOff: boolean;
  /** The library drops the result (pg-promise `none`): no count can be read from it. */
  discarded: boolean;
  /** Local variables holding the result or values derived from it. */
  variables: ReadonlySet<VariableLike>;
  /** Expressions that evaluate to the result or a value derived from it. */
  valueNodes: ReadonlySet<TSESTree.Node>;
  /** For each of `variables`: what its value went through on the way from the result. */
  paths: ReadonlyMap<VariableLike, ValuePath>;
}

/** A test of what is in a row: the row properties it reads, or null when they cannot be told. */
export interface ValueTest {
  node: TSESTree.Node;
  columns: readonly string[] | null;
  /** The value tested was looked up by the row's key (`findOneByUserId(user.id)`): another row's. */
  lookedUp?: boolean;
  /** The value tested came back from a call given these row properties (`getState(row.purchaseToken)`). */
  fetchedWith?: readonly string[];
}

/** What a value carried from a result has gone through. */
export interface ValuePath {
  /** The row properties read on the way (`rows[0].balance` -> `['balance']`), outermost first. */
  columns: readonly string[];
  /** It went through a function call, so the columns a test reads cannot be told. */
  opaque: boolean;
  /**
   * It went through a call that is not a plain conversion (`await stripe.subscriptions.retrieve(row.sub_id)`):
   * a value fetched or made with the result, not computed from it.
   */
  fetched: boolean;
  /** It came back from a call given only the row's keys (`findOneByUserId(user.id)`): what it holds is another row's. */
  lookedUp?: boolean;
  /**
   * The row properties given to the first call on the way that is not a plain conversion
   * (`getState(row.purchaseToken)` -> `['purchaseToken']`): a check that knows the schema's keys can tell
   * the value was looked up by one.
   */
  fetchedWith?: readonly string[];
  /**
   * Properties of the value that hold the row itself, not a column of it: a called function returns `{
   * row, pageData }` with the row under `row` (see `QuerySite.rowProperties`). Only before any column.
   */
  holders?: ReadonlySet<string>;
  /**
   * Properties of that value the called function sets to a constant in every object it returns (`{ status:
   * 'missing' }`, `{ status: 'visible', schedule }`): its own answer about the row, read of no row.
   */
  answers?: ReadonlySet<string>;
}

export interface Connection {
  /** Identity within the file (same variable, same `this.x` path). */
  key: string;
  /** As written, for messages. */
  name: string;
  kind: ConnectionKind;
}

export interface TransactionState {
  /** 'none': known to run outside a transaction; 'open': inside one; 'unknown': depends on the caller. */
  state: 'none' | 'open' | 'unknown';
  /**
   * Which transaction on this connection: statements with the same connection key and the same id
   * run in one transaction (or, for state 'none', in the same stretch between transactions).
   */
  id: number;
  isolation: Isolation | null;
  /** What serializes statements on this connection from here on, besides row locks. */
  serializedBy: 'advisory lock' | 'LOCK TABLE' | null;
  /** The transaction callback this step runs in, when it runs on that callback's connection. */
  scope: TransactionScope | null;
  /** The state is the one every caller of the function passes on this connection parameter (src/flow/callers.ts). */
  callers: CallerVerdict | null;
}

/** One SQL statement executed at one query site. */
export interface Step {
  index: number;
  site: QuerySite;
  facts: StatementFacts;
  /** Position of the statement in the site's text, and whether a statement follows it there. */
  statementIndex: number;
  lastInSite: boolean;
  connection: Connection;
  transaction: TransactionState;
  result: ResultUse;
  /**
   * The statement runs in a `try` whose `catch` handles a unique violation (it names `23505`,
   * `ER_DUP_ENTRY`, Prisma's `P2002`, `unique_violation`, a `Unique...Error` or `duplicate`), here or in
   * the called function that runs it: a unique constraint backs it.
   */
  catchesUniqueViolation: boolean;
  /** The step runs lexically inside a transaction callback but not on its connection. */
  outsideEnclosingTransaction: TransactionScope | null;
}

/** A function (with the callbacks inlined into it) or the module's top level. */
export interface Unit {
  node: FunctionNode | TSESTree.Program;
  name: string;
  steps: Step[];
  /**
   * Why the function runs once, not per request (a data migration named for one, start-up code, or a
   * function only they call: src/flow/runs-once.ts), or null. The front ends leave such units out with
   * one-shot files.
   */
  runsOnce: string | null;
  /**
   * How many calls of the function the project makes when each goes on the same whatever it did (it
   * swallows the failure, drops the value, answers and writes nothing after: src/flow/callers.ts), or
   * null (a call that does not, calls the analysis may miss, or callers not asked).
   */
  indifferentCallers: number | null;
  /** What the names of the file the function is in stand for (its scope analysis). */
  resolver: Resolver;
}
