/**
 * Callers indifferent to what a function did: a function whose guarded write's count it neither reads
 * nor returns, and after which it reports nothing, is not no-ignored-rowcount's finding when every call
 * of it in the project swallows its failure (`await refund(id).catch(log)`), drops its value, and
 * answers and writes nothing after it. One call that answers after it, one plain `await`, or no call
 * at all keeps the finding. The CLI and ESLint must agree.
 */
import { describe, expect, it } from 'vitest';
import { project } from '../cli/cli-process.js';
import { cliFindings, eslintFindings } from '../helpers/project-findings.js';

const CREDITS = `import { Pool } from 'pg';
export const pool = new Pool();

export async function refundCredit(workspaceId: string) {
  await pool.query('UPDATE workspaces SET ai_usage = ai_usage - 1 WHERE id = $1 AND ai_usage > 0', [workspaceId]);
}

export async function refundSeat(concertId: string) {
  await pool.query('UPDATE concerts SET seats_taken = seats_taken - 1 WHERE concert_id = $1 AND seats_taken > 0', [concertId]);
}

export async function releaseHold(holdId: string) {
  await pool.query('DELETE FROM holds WHERE hold_id = $1 AND expires_at > now()', [holdId]);
}

export async function refundUncalled(workspaceId: string) {
  await pool.query('UPDATE workspaces SET ai_usage = ai_usage - 1 WHERE id = $1 AND ai_usage > 0', [workspaceId]);
}
`;

const GENERATE = `import { refundCredit, refundSeat, releaseHold } from './credits.js';
declare function generate(prompt: string): Promise<string>;
declare const stream: { error(error: Error): void };

export async function draft(workspaceId: string, prompt: string) {
  try {
    return await generate(prompt);
  } catch (error) {
    await refundCredit(workspaceId).catch((e) => console.error('refund failed', e));
    throw error;
  }
}

export async function streamDraft(workspaceId: string, prompt: string) {
  const fail = async (cause: unknown) => {
    console.error(cause);
    await refundCredit(workspaceId).catch((e) => console.error('refund failed', e));
    stream.error(new Error('Generation failed'));
  };
  try {
    await generate(prompt);
  } catch (error) {
    await fail(error);
  }
}

export async function cancelTicket(concertId: string) {
  await refundSeat(concertId).catch((e) => console.error(e));
  return { cancelled: true };
}

export async function expire(holdId: string) {
  await releaseHold(holdId).catch((e) => console.error(e));
}

export async function release(holdId: string) {
  await releaseHold(holdId);
}
`;

const FILES = { 'src/credits.ts': CREDITS, 'src/generate.ts': GENERATE };

const IGNORED = 'sql-race/no-ignored-rowcount';

// refundCredit (line 5) is quiet: both calls swallow its failure and go on the same (a throw; a
// stream error). refundSeat (line 9): its caller answers `{ cancelled: true }` after it. releaseHold
// (line 13): one caller awaits it plainly. refundUncalled (line 17): no call in the project.
const EXPECTED = [
  { file: 'src/credits.ts', line: 9, ruleId: IGNORED },
  { file: 'src/credits.ts', line: 13, ruleId: IGNORED },
  { file: 'src/credits.ts', line: 17, ruleId: IGNORED },
];

describe('callers indifferent to what a function did', () => {
  it('the CLI leaves out a guarded write every caller swallows and goes on from the same', () => {
    const root = project(FILES);
    expect(cliFindings(root).map(({ file, line, ruleId }) => ({ file, line, ruleId }))).toEqual(EXPECTED);
  });

  it('ESLint reports the same findings', async () => {
    const root = project(FILES);
    expect(await eslintFindings(root)).toEqual(cliFindings(root));
  });

  it('a caller that writes after the swallowed call keeps the finding', () => {
    const root = project({
      ...FILES,
      'src/audit.ts': `import { pool } from './credits.js';\nimport { refundCredit } from './credits.js';\nexport async function undo(id: string) {\n  await refundCredit(id).catch(() => undefined);\n  await pool.query('INSERT INTO refunds (workspace_id) VALUES ($1)', [id]);\n}\n`,
    });
    expect(cliFindings(root).filter((f) => f.file === 'src/credits.ts' && f.line === 5)).toHaveLength(1);
  });
});
