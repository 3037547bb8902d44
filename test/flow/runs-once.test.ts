/**
 * Functions that run once (src/flow/runs-once.ts): a data migration named for one, start-up code, and
 * the functions of the module only they call. Their findings are left out unless one-shot code is
 * asked for; the same check-then-act in an ordinary function is reported.
 */
import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../src/analyze.js';
import { runsOnceByName } from '../../src/flow/runs-once.js';
import { modelOf } from '../helpers/model.js';

const checkThenAct = (
  name: string,
  exported = true,
): string => `${exported ? 'export ' : ''}async function ${name}(pool: Pool, name: string) {
  const { rows } = await pool.query('SELECT id FROM groups WHERE name = $1', [name]);
  if (rows.length > 0) return;
  await pool.query('INSERT INTO groups (name) VALUES ($1)', [name]);
}
`;

const HEADER = `import type { Pool } from 'pg';\n`;

function reported(code: string, includeOneShot = false): string[] {
  const analysis = analyzeText(HEADER + code, 'src/x.ts', { project: false, includeOneShot });
  return analysis.findings.map((f) => `${f.ruleId}:${f.functionName}`);
}

describe('runsOnceByName', () => {
  it.each([
    ['$migrateAuditsV0toV1', true],
    ['migrateBlocksToV1', true],
    ['upgradeSchemaV3', true],
    ['migrate_v2', true],
    ['bootstrap', true],
    ['onModuleInit', true],
    ['onApplicationBootstrap', true],
    ['migrateUser', false],
    ['migrateTo2FA', false],
    ['migratedRows', false],
    ['upgradePlan', false],
    ['bootstrapUser', false],
    ['saveV2', false],
  ])('%s -> %s', (name, once) => {
    expect(runsOnceByName(name) !== null).toBe(once);
  });
});

describe('functions that run once', () => {
  it('reports the check-then-act of an ordinary function', () => {
    expect(reported(checkThenAct('ensureGroup'))).toEqual(['no-check-then-act:ensureGroup']);
  });

  it('leaves out a data migration between versions, and puts it back when one-shot code is asked for', () => {
    expect(reported(checkThenAct('migrateGroupsV1toV2'))).toEqual([]);
    expect(reported(checkThenAct('migrateGroupsV1toV2'), true)).toEqual(['no-check-then-act:migrateGroupsV1toV2']);
  });

  it('leaves out a function only start-up code calls', () => {
    const code = `${checkThenAct('createGroup', false)}
export async function bootstrap(pool: Pool) {
  await createGroup(pool, 'default');
}
`;
    expect(reported(code)).toEqual([]);
    const unit = modelOf(HEADER + code).units.find((u) => u.name === 'createGroup');
    expect(unit?.runsOnce).toBe(
      '`createGroup` is called only from code that runs once (`bootstrap` runs once, when the application starts)',
    );
  });

  it('reports a function that other code calls too, or that the module exports', () => {
    const alsoCalled = `${checkThenAct('createGroup', false)}
export async function bootstrap(pool: Pool) {
  await createGroup(pool, 'default');
}
export async function handle(pool: Pool, name: string) {
  await createGroup(pool, name);
}
`;
    expect(reported(alsoCalled)).toEqual(['no-check-then-act:createGroup']);
    const exported = `${checkThenAct('createGroup')}
export async function bootstrap(pool: Pool) {
  await createGroup(pool, 'default');
}
`;
    expect(reported(exported)).toEqual(['no-check-then-act:createGroup']);
  });

  it('reports a function handed to other code as a value', () => {
    const code = `${checkThenAct('createGroup', false)}
export async function bootstrap(pool: Pool) {
  await createGroup(pool, 'default');
}
export const handlers = { createGroup };
`;
    expect(reported(code)).toEqual(['no-check-then-act:createGroup']);
  });
});
