/**
 * Calls besides the statements: what else a function does, on a path, than the SQL the analysis sees.
 * A call that only reads (`getPlan`, `verifyCode`), takes away (`deleteSecret`, `revokeToken`,
 * `redis.del`), carries its own idempotency key, logs, computes from values in hand (`new Date()`,
 * `JSON.stringify`, `ids.map(...)`) or answers the request, made twice by two requests, leaves what it
 * leaves made once. Any other (an email, a payment, a job, an API, a helper whose effects are not seen)
 * may not, and an act that lets one run is no idempotent act (src/checks/no-check-then-act.ts).
 */
import type { TSESTree } from '@typescript-eslint/types';
import { contains, propertyName, unwrap, walk } from '../extract/ast.js';
import { isResponseCall } from './answers.js';

/**
 * Whether code in `root` for which `on` holds makes a call outside the statements at `sites` that is
 * not harmless (see `harmlessCall`): a call around statements (`Promise.all([...])`, `.then`,
 * `$transaction([...])`) adds none of its own; code inside a statement's call is the statement's.
 */
export function callsOutside(root: TSESTree.Node, sites: readonly TSESTree.Node[], on: (node: TSESTree.Node) => boolean): boolean {
  let found = false;
  walk(root, (node) => {
    if (found || sites.some((site) => contains(site, node))) return false;
    if ((node.type === 'CallExpression' || node.type === 'NewExpression') && on(node)) {
      const wraps = sites.some((site) => contains(node, site));
      if (!(wraps ? wrapsStatements(node) : harmlessCall(node))) found = true;
    }
    return !found;
  });
  return found;
}

/**
 * A call whose name says it only reads (`getCurrentPlan`, `findUser`, `loadConfig`, `verifyCode`) or
 * takes something away (`removeQueues`, `deleteSecret`, `invalidateCache`, `expireMany`, `revokeToken`):
 * made twice by two requests that both pass, it leaves what it leaves once, as a second DELETE does.
 * Not a get-or-create (`getOrCreateCustomer`), nor a bare `fetch(url, ...)`, which can post anything.
 */
export function sameWhenRepeated(call: TSESTree.Node): boolean {
  if (call.type !== 'CallExpression') return false;
  const callee = unwrap(call.callee);
  const name =
    callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' && !callee.computed ? propertyName(callee) : null;
  if (name === null || CREATES.test(name)) return false;
  return READS_ONLY.test(name) || TAKES_AWAY.test(name) || keyedOnce(call, name);
}

/**
 * A call given its own idempotency key, made of the data rather than drawn at random: `enqueue({ id:
 * \`purge:${org.id}\`, job })`, `{ jobKey }`, `{ idempotencyKey }`, `{ singletonKey }`. A queue or API that
 * takes such a key does the work once per key, so a second request's call with the same key adds nothing.
 */
function keyedOnce(call: TSESTree.CallExpression, name: string): boolean {
  return call.arguments.some(
    (arg) =>
      arg.type === 'ObjectExpression' &&
      arg.properties.some((p) => {
        if (p.type !== 'Property' || p.computed) return false;
        const key = p.key.type === 'Identifier' ? p.key.name : p.key.type === 'Literal' ? String(p.key.value) : null;
        if (key === null || !(IDEMPOTENCY_KEY.test(key) || (key === 'id' && /^enqueue/.test(name)))) return false;
        const value = unwrap(p.value);
        return (
          value.type === 'TemplateLiteral' || value.type === 'Literal' || value.type === 'Identifier' || value.type === 'MemberExpression'
        );
      }),
  );
}

const IDEMPOTENCY_KEY = /^(?:idempotency_?key|job_?key|job_?id|singleton_?key|dedup(?:e|lication)?_?(?:key|id))$/i;

const READS_ONLY = /^(?:get|find|fetch|load|read|list|lookup|count|is|has|can|validate|verify)(?:[A-Z_]|$)(?<!^fetch$)/;
const TAKES_AWAY =
  /^(?:remove|delete|del|destroy|invalidate|expire|purge|evict|clear|revoke|unlink|detach|unregister|unsubscribe|disconnect)(?:[A-Z_]|$)/;
const CREATES = /(?:Or|And)(?:Create|Insert|Upsert|Add|Set|Update)|^(?:fetch)$/;

/** `Promise.all([...])`, `.then(...)`, `$transaction([...])`, an answer: a call around statements that adds none. */
function wrapsStatements(node: TSESTree.CallExpression | TSESTree.NewExpression): boolean {
  if (node.type !== 'CallExpression') return false;
  const name = calledName(node);
  return isResponseCall(node) || (name !== null && WRAPPERS.has(name));
}

const WRAPPERS = new Set(['all', 'allSettled', 'then', 'catch', 'finally', '$transaction', 'transaction']);

/**
 * A call that leaves nothing behind made a second time: it only reads or takes away (`sameWhenRepeated`),
 * answers the request, logs, or computes from values in hand.
 */
export function harmlessCall(node: TSESTree.CallExpression | TSESTree.NewExpression): boolean {
  const callee = unwrap(node.callee);
  if (node.type === 'NewExpression')
    return callee.type === 'Identifier' && (BUILT_INS.has(callee.name) || /(?:Error|Exception|Response)$/.test(callee.name));
  if (isResponseCall(node) || sameWhenRepeated(node)) return true;
  const name = calledName(node);
  if (name === null) return false;
  if (callee.type === 'Identifier') return BUILT_INS.has(name) || ANSWERS.has(name);
  if (callee.type !== 'MemberExpression') return false;
  const object = unwrap(callee.object);
  const owner = object.type === 'Identifier' ? object.name : object.type === 'MemberExpression' ? propertyName(object) : null;
  if (owner !== null && (LOGGERS.test(owner) || BUILT_INS.has(owner))) return true;
  return VALUE_METHODS.has(name);
}

function calledName(node: TSESTree.CallExpression): string | null {
  const callee = unwrap(node.callee);
  if (callee.type === 'Identifier') return callee.name;
  return callee.type === 'MemberExpression' ? propertyName(callee) : null;
}

/** Globals that compute (`new Date()`, `String(x)`, `JSON.stringify`, `Math.max`) and touch nothing outside. */
const BUILT_INS = new Set([
  'Date',
  'String',
  'Number',
  'Boolean',
  'BigInt',
  'JSON',
  'Math',
  'Object',
  'Array',
  'Map',
  'Set',
  'URL',
  'URLSearchParams',
  'RegExp',
  'parseInt',
  'parseFloat',
  'encodeURIComponent',
  'decodeURIComponent',
]);

/** Next.js answers that leave by throwing (`redirect('/done')`, `notFound()`): no data. */
const ANSWERS = new Set(['redirect', 'permanentRedirect', 'notFound']);

const LOGGERS = /^(?:console|logger|log|_logger|Sentry)$/i;

/** Methods of a value in hand: they compute from it and change nothing outside the function. */
const VALUE_METHODS = new Set([
  'map',
  'filter',
  'some',
  'every',
  'find',
  'findIndex',
  'includes',
  'indexOf',
  'join',
  'slice',
  'split',
  'concat',
  'trim',
  'toLowerCase',
  'toUpperCase',
  'toISOString',
  'toString',
  'toFixed',
  'getTime',
  'valueOf',
  'padStart',
  'padEnd',
  'startsWith',
  'endsWith',
  'keys',
  'values',
  'entries',
]);
