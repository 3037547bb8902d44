/**
 * The project's own consistency: every rule is exported, in the recommended preset, documented,
 * tested, proven by a fixture, and listed in the README's rules table with its description.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import plugin from '../src/index.js';
import { RULE_IDS } from '../src/checks/types.js';
import { CHECKS } from '../src/checks/index.js';

const root = join(import.meta.dirname, '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');
const ruleFiles = readdirSync(join(root, 'rules')).filter(
  (f) => f.endsWith('.ts') && !['index.ts', 'utils.ts', 'settings-utils.ts'].includes(f),
);

function fixtureFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? fixtureFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

describe('project', () => {
  it('has one rule file per rule id, and no other', () => {
    expect(ruleFiles.map((f) => f.replace(/\.ts$/, '')).sort()).toEqual([...RULE_IDS].sort());
  });

  it('exposes meta.name and meta.version from package.json', () => {
    const pkg = JSON.parse(read('package.json')) as { name: string; version: string };
    expect(plugin.meta).toEqual({ name: pkg.name, version: pkg.version });
  });

  for (const id of RULE_IDS) {
    describe(id, () => {
      it('is exported by the plugin', () => {
        expect(plugin.rules[id]).toBeDefined();
      });
      it('is an error in the recommended preset', () => {
        expect(plugin.configs.recommended.rules?.[`sql-race/${id}`]).toBe('error');
      });
      it('has a description in the house style', () => {
        expect(CHECKS[id].description).toMatch(/^(Disallow|Require|Enforce) [^.]*[^.]$/);
        expect(plugin.rules[id].meta.docs?.description).toBe(CHECKS[id].description);
      });
      it('has messages that are sentences', () => {
        for (const message of Object.values(plugin.rules[id].meta.messages)) expect(message).toMatch(/^[A-Z`].*\.$/s);
      });
      it('has a doc with the required sections', () => {
        const doc = read(`rules/${id}.md`);
        for (const heading of [
          '## What it flags',
          '## Why it is a bug',
          '## Incorrect',
          '## Correct',
          '## How to fix it',
          '## Proof',
          '## Options',
          '## When not to use it',
        ]) {
          expect(doc).toContain(heading);
        }
      });
      it('has a RuleTester test', () => {
        expect(existsSync(join(root, 'test', 'rules', `${id}.test.ts`))).toBe(true);
      });
      it('has a proof fixture that expects it', () => {
        const marker = `expect: ${id}`;
        expect(fixtureFiles(join(root, 'fixtures')).some((file) => readFileSync(file, 'utf8').includes(marker))).toBe(true);
      });
    });
  }
});

describe('README rules table', () => {
  /** The rows of the table under `## Rules`, as written. */
  const rows = (/^## Rules$([\s\S]*?)(?=^## )/m.exec(read('README.md'))?.[1] ?? '').split('\n').filter((l) => l.startsWith('| [`'));

  it('has one row per rule, in the order of the rule ids', () => {
    expect(rows.map((row) => /^\| \[`([\w-]+)`\]/.exec(row)?.[1])).toEqual([...RULE_IDS]);
  });

  for (const id of RULE_IDS) {
    it(`shows ${id}'s description, whether recommended sets it (✅) and whether it has suggestions (💡)`, () => {
      const recommended = plugin.configs.recommended.rules?.[`sql-race/${id}`] !== undefined ? '✅' : '';
      const suggestions = plugin.rules[id].meta.hasSuggestions === true ? '💡' : '';
      const row = rows.find((r) => r.startsWith(`| [\`${id}\`]`)) ?? '';
      expect(row.split('|').map((cell) => cell.trim())).toEqual([
        '',
        `[\`${id}\`](rules/${id}.md)`,
        CHECKS[id].description,
        recommended,
        suggestions,
        '',
      ]);
    });
  }
});

describe('README library table', () => {
  it('has a row for every client library adapter', async () => {
    const { ADAPTERS } = await import('../src/extract/libraries/index.js');
    const readme = read('README.md');
    for (const adapter of ADAPTERS) expect(readme, adapter.name).toMatch(new RegExp(`^\\| [^|]*\\(\`${adapter.name}\`\\) \\|`, 'm'));
  });
});
