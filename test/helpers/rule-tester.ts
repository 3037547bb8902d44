import { RuleTester } from '@typescript-eslint/rule-tester';
import { afterAll, describe, it } from 'vitest';

RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

/**
 * Cases state their schema in their own settings (`settings: { 'sql-race': { schema: [...] } }`); the
 * project's own tree (whose fixtures each declare a different schema) is not searched.
 */
export const ruleTester = new RuleTester({ settings: { 'sql-race': { schemaDiscovery: false } } });
