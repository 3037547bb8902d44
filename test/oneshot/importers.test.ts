/**
 * One-shot by its importers (src/oneshot/importers.ts): a module every project importer of which is
 * one-shot code is left out with it, by the CLI and by ESLint alike. Tests do not count; a module that
 * request code also imports, or that nothing imports, is checked.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importersOf, importerVerdict, runsPerMessage } from '../../src/oneshot/importers.js';
import { fileSystemHost } from '../../src/project/host.js';
import { project, RACY, sqlRace } from '../cli/cli-process.js';
import { projectEslint } from '../helpers/lint.js';

const IMPORTS = (from: string): string =>
  `import { bookSlot } from '${from}';\nexport async function run(pool: any) {\n  await bookSlot(pool, 'd', 'now', 'p');\n}\n`;

const FILES = {
  // Imported only by a scheduled job's route: one-shot with it.
  'src/import/tolt-commissions.ts': RACY,
  'src/cron/import/tolt/route.ts': IMPORTS('../../../import/tolt-commissions'),
  // Imported by the job through a module of its own (two levels), and by a test (which does not count).
  'src/import/helpers.ts': RACY,
  'src/import/run-import.ts': IMPORTS('./helpers'),
  'scripts/import.ts': IMPORTS('../src/import/run-import'),
  'src/import/helpers.test.ts': IMPORTS('./helpers'),
  // Imported by the job and by a request handler: checked.
  'src/shared/slots.ts': RACY,
  'src/cron/slots/route.ts': IMPORTS('../../shared/slots'),
  'src/routes/book.ts': IMPORTS('../shared/slots'),
  // A module of a cron/ folder: left out with the scheduled route importing it, checked when a queue's
  // message handler there (it parses the request's body) imports it.
  'src/cron/daily/report.ts': RACY,
  'src/cron/daily/route.ts': IMPORTS('./report'),
  'src/cron/payouts/send-payouts.ts': RACY,
  'src/cron/payouts/route.ts': `${IMPORTS('./send-payouts')}export async function POST(req: Request) {\n  return JSON.parse(await req.text());\n}\n`,
  // Imported only by a test, or by nothing: checked.
  'src/lib/tested.ts': RACY,
  'src/lib/tested.test.ts': IMPORTS('./tested'),
  'src/lib/alone.ts': RACY,
  // Not a module left out, but a function that runs once (src/flow/runs-once.ts): the same switch puts it back.
  'src/start/boot.ts': `${RACY.replace('export async function bookSlot', 'async function bookSlot')}
export async function bootstrap(pool: Pool) {
  await bookSlot(pool, 'd', 'now', 'p');
}
`,
};

const CHECKED = ['src/cron/payouts/send-payouts.ts', 'src/lib/alone.ts', 'src/lib/tested.ts', 'src/shared/slots.ts'];

function cliFiles(root: string, args: string[] = []): string[] {
  const result = sqlRace(['audit', '.', '--format', 'json', '--no-progress', '--no-schema-discovery', ...args], { cwd: root });
  const parsed = JSON.parse(result.stdout) as { filePath: string; messages: unknown[] }[];
  return parsed
    .filter((r) => r.messages.length > 0)
    .map((r) => path.relative(root, path.resolve(root, r.filePath)).split(path.sep).join('/'))
    .sort();
}

async function eslintFiles(root: string, settings: Record<string, unknown> = {}): Promise<string[]> {
  const eslint = projectEslint(root, settings);
  const results = await eslint.lintFiles(['**/*.ts']);
  return results
    .filter((r) => r.messages.length > 0)
    .map((r) => path.relative(root, r.filePath).split(path.sep).join('/'))
    .sort();
}

describe('one-shot by importers', () => {
  it('finds the importers of a module by the specifiers that name it', () => {
    const root = project(FILES);
    const scope = { host: fileSystemHost(), roots: [root], relative: (f: string) => path.relative(root, f).split(path.sep).join('/') };
    const file = (name: string): string => path.join(root, name);
    expect(importersOf(file('src/shared/slots.ts'), scope)).toEqual([file('src/cron/slots/route.ts'), file('src/routes/book.ts')]);
    expect(importerVerdict(file('src/import/tolt-commissions.ts'), scope)).toEqual({
      kind: 'scheduled',
      reason: 'imported only by one-shot code (src/cron/import/tolt/route.ts: in a cron/ folder)',
    });
    expect(importerVerdict(file('src/import/helpers.ts'), scope)?.reason).toBe(
      'imported only by one-shot code (src/import/run-import.ts: imported only by one-shot code (scripts/import.ts: in a scripts/ folder))',
    );
    for (const name of CHECKED) expect(importerVerdict(file(name), scope)).toBeNull();
    expect(runsPerMessage(file('src/cron/payouts/send-payouts.ts'), scope)).toBe(true);
    expect(runsPerMessage(file('src/cron/daily/report.ts'), scope)).toBe(false);
  });

  it('the CLI leaves out the modules only one-shot code imports, says why, and audits them when asked', () => {
    const root = project(FILES);
    expect(cliFiles(root)).toEqual(CHECKED);
    expect(cliFiles(root, ['--include-oneshot'])).toEqual(
      [...CHECKED, 'src/cron/daily/report.ts', 'src/import/helpers.ts', 'src/import/tolt-commissions.ts', 'src/start/boot.ts'].sort(),
    );
    const stats = sqlRace(['audit', '.', '--stats', '--verbose', '--no-progress', '--no-schema-discovery'], { cwd: root }).stderr;
    expect(stats).toContain(
      'src/import/tolt-commissions.ts  scheduled: imported only by one-shot code (src/cron/import/tolt/route.ts: in a cron/ folder)',
    );
  });

  it('ESLint leaves out the same modules, and checks them with checkOneShot', async () => {
    const root = project(FILES);
    expect(await eslintFiles(root)).toEqual(cliFiles(root));
    expect(await eslintFiles(root, { checkOneShot: true })).toEqual(cliFiles(root, ['--include-oneshot']));
    // Without following imports, nothing is known of a module's importers.
    // A module of a cron/ folder stays out with the folder.
    expect(await eslintFiles(root, { followImports: false })).toEqual(
      [...CHECKED.filter((f) => !f.startsWith('src/cron/')), 'src/import/helpers.ts', 'src/import/tolt-commissions.ts'].sort(),
    );
  });
});
