/**
 * An INSERT of rows made of the rows found, one by one (`found.map(...)`), in the branch taken only when
 * rows came back: with none found it would write none, so the test decides nothing the INSERT does not.
 * Each with the twin that stays reported.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

/** Segments of a source environment copied to a target one, when there are any (knex's docs' style). */
const copySegments = (test: string, rows = 'copies') => `
import { knex } from 'knex';
const db = knex({ client: 'pg', connection: process.env.PG_CONNECTION_STRING });
export async function copySegments(source: string, target: string, defaults: { segment_id: number }[]) {
  await db.transaction(async (trx) => {
    const segments = await trx('strategy_segments').select('segment_id', 'strategy_id').where('environment', source);
    const copies = segments
      .map((s) => (s.strategy_id ? { segment_id: s.segment_id, strategy_id: s.strategy_id, environment: target } : null))
      .filter(Boolean);
    if (${test}) {
      await trx('strategy_segments').insert(${rows});
    }
  });
}
`;

ruleTester.run('no-check-then-act: an INSERT of the rows found, when there are any', rule, {
  valid: [
    { name: 'rows.length: the copies are made only of rows found', code: copySegments('segments.length') },
    { name: 'rows.length > 0, on the copies themselves', code: copySegments('copies.length > 0') },
    { name: '0 !== rows.length, with another condition beside it', code: copySegments('0 !== segments.length && target !== source') },
  ],
  invalid: [
    {
      name: 'nothing found, then an insert: both requests see nothing and both insert',
      code: copySegments('segments.length === 0'),
      errors: [{ messageId: 'checkThenInsertModel', line: 6, column: 28 }],
    },
    {
      name: 'a ceiling on how many rows were found: both requests see room and both insert',
      code: copySegments('segments.length < 3'),
      errors: [{ messageId: 'checkThenInsertModel', line: 6, column: 28 }],
    },
    {
      name: 'either condition: the branch runs with nothing found too',
      code: copySegments('segments.length > 0 || target !== source'),
      errors: [{ messageId: 'checkThenInsertModel', line: 6, column: 28 }],
    },
    {
      name: 'rows made of something else than the rows found: the test decides whether they are written',
      code: copySegments('segments.length > 0', 'defaults.map((d) => ({ segment_id: d.segment_id, environment: target }))'),
      errors: [{ messageId: 'checkThenInsertModel', line: 6, column: 28 }],
    },
  ],
});
