/**
 * The rule docs' examples are executable: every ```ts block under `## Incorrect` must be reported by
 * its rule, and every ```ts block under `## Correct` must pass every rule of the plugin, linted through
 * ESLint with the recommended preset (as ESLint core and typescript-eslint test their docs).
 *
 * Options are documented under `## Options`, one `` ### `name` `` heading per option of the rule's
 * schema. Their examples are fences written ```ts option='{"keyColumns": ["starts_at"]}'```, under a
 * `#### Incorrect` or `#### Correct` heading, and are linted with the rule given those options (as
 * typescript-eslint's docs test does); a ```json fence there is a config that must hold valid options.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULE_IDS, type RuleId } from '../src/checks/types.js';
import plugin from '../src/index.js';
import { isKeyColumn, isStateColumn } from '../src/sql/keys.js';
import { lintWithEslint, type LintMessage } from './helpers/lint.js';

const rulesDir = join(import.meta.dirname, '..', 'rules');

type Section = 'Incorrect' | 'Correct';

interface Example {
  section: Section;
  /** 1-based line of the opening fence in the doc. */
  line: number;
  code: string;
  /** The rule's options, from the fence's `option='...'`; null without one. */
  options: unknown;
  /** The `` ### `name` `` heading of `## Options` it is under, if any. */
  option: string | null;
}

interface Fence {
  language: string;
  meta: string;
  line: number;
  code: string;
  /** The `##`, `###` and `####` headings it is under. */
  headings: [string | null, string | null, string | null];
}

function fencesOf(markdown: string): Fence[] {
  const fences: Fence[] = [];
  const lines = markdown.split(/\r?\n/);
  const headings: [string | null, string | null, string | null] = [null, null, null];
  for (let index = 0; index < lines.length; index++) {
    const text = lines[index] ?? '';
    const heading = /^(#{2,4}) (.+?)\s*$/.exec(text);
    if (heading) {
      const level = (heading[1] ?? '##').length - 2;
      headings[level] = heading[2] ?? null;
      for (let deeper = level + 1; deeper < headings.length; deeper++) headings[deeper] = null;
      continue;
    }
    const fence = /^(`{3,}|~{3,})(\S*)\s*(.*)$/.exec(text);
    if (!fence) continue;
    const marker = fence[1] ?? '```';
    const start = index;
    const body: string[] = [];
    for (index++; index < lines.length && !(lines[index] ?? '').startsWith(marker); index++) body.push(lines[index] ?? '');
    fences.push({ language: fence[2] ?? '', meta: fence[3] ?? '', line: start + 1, code: `${body.join('\n')}\n`, headings: [...headings] });
  }
  return fences;
}

/** The option a `` ### `name` `` heading names. */
function optionName(heading: string | null): string | null {
  return heading === null ? null : (/^`(\w+)`$/.exec(heading)?.[1] ?? null);
}

/** The linted `ts` examples: under `## Incorrect` / `## Correct`, or under `## Options` > `### ` > `#### Incorrect` / `#### Correct`. */
function examplesOf(fences: readonly Fence[]): Example[] {
  const examples: Example[] = [];
  for (const fence of fences) {
    if (fence.language !== 'ts') continue;
    const [top, option, sub] = fence.headings;
    const section = top === 'Options' ? sub : top;
    if (section !== 'Incorrect' && section !== 'Correct') continue;
    const written = /(?:^|\s)option='([^']*)'/.exec(fence.meta)?.[1];
    examples.push({
      section,
      line: fence.line,
      code: fence.code,
      options: written === undefined ? null : JSON.parse(written),
      option: top === 'Options' ? optionName(option) : null,
    });
  }
  return examples;
}

/** The options the rule's schema declares. */
function schemaOptions(id: RuleId): string[] {
  const schema = plugin.rules[id].meta.schema;
  const first = Array.isArray(schema) ? (schema[0] as { properties?: Record<string, unknown> } | undefined) : undefined;
  return Object.keys(first?.properties ?? {});
}

function describeMessages(messages: readonly LintMessage[]): string {
  return messages.length === 0 ? 'nothing' : messages.map((m) => `${m.line}:${m.column} ${m.ruleId ?? 'fatal'} ${m.message}`).join('\n');
}

describe('rule docs', () => {
  it('exist for every rule, and only for rules', () => {
    const docs = readdirSync(rulesDir)
      .filter((file) => file.endsWith('.md'))
      .map((file) => file.replace(/\.md$/, ''));
    expect(docs.sort()).toEqual([...RULE_IDS].sort());
  });

  for (const id of RULE_IDS) {
    describe(id, () => {
      const path = join(rulesDir, `${id}.md`);
      const doc = existsSync(path) ? readFileSync(path, 'utf8') : '';
      const fences = fencesOf(doc);
      const examples = examplesOf(fences);
      const options = schemaOptions(id);

      it('starts with its id as the title', () => {
        expect(doc.split('\n')[0]).toBe(`# ${id}`);
      });

      it('keeps the proof marker the prove table is checked against', () => {
        expect(doc).toMatch(/^## Proof$[\s\S]*^<!-- proof -->$/m);
      });

      for (const section of ['Incorrect', 'Correct'] as const) {
        it(`has at least one ts example under ## ${section}`, () => {
          expect(examples.filter((e) => e.section === section && e.option === null).length).toBeGreaterThan(0);
        });
      }

      it('has one heading per option under ## Options, each with an incorrect and a correct example', () => {
        const section = /^## Options$([\s\S]*?)(?=^## )/m.exec(doc)?.[1] ?? '';
        const headings = [...section.matchAll(/^### (.+)$/gm)].map((m) => optionName(m[1] ?? null) ?? m[1]);
        expect(headings).toEqual(options);
        if (options.length === 0) expect(section).toContain('This rule has no options.');
        for (const option of options) {
          const under = examples.filter((e) => e.option === option);
          expect(under.map((e) => e.section).sort(), `examples under ### \`${option}\``).toEqual(
            expect.arrayContaining(['Correct', 'Incorrect']),
          );
        }
      });

      it('gives every example under ## Options the options it shows, naming its own option', () => {
        for (const fence of fences.filter((f) => f.headings[0] === 'Options' && f.language === 'ts')) {
          const example = examples.find((e) => e.line === fence.line);
          expect(example, `${id}.md:${fence.line} is under #### Incorrect or #### Correct`).toBeDefined();
          expect(example?.options, `${id}.md:${fence.line} has option='...'`).not.toBeNull();
          expect(Object.keys(example?.options as object), `${id}.md:${fence.line}`).toContain(example?.option);
        }
      });

      it('shows configs under ## Options that ESLint accepts', () => {
        for (const fence of fences.filter((f) => f.headings[0] === 'Options' && f.language === 'json')) {
          const rules = JSON.parse(fence.code) as Record<string, unknown>;
          expect(Object.keys(rules), `${id}.md:${fence.line}`).toEqual([`sql-race/${id}`]);
          expect(() => lintWithEslint('', 'file.ts', rules as never), `${id}.md:${fence.line}`).not.toThrow();
        }
      });

      examples.forEach((example, position) => {
        const filename = `${id}-${example.section.toLowerCase()}-${position + 1}.ts`;
        const rules = example.options === null ? {} : { [`sql-race/${id}`]: ['error', example.options] as const };
        const withOptions = example.options === null ? '' : ` with ${JSON.stringify(example.options)}`;
        it(`${example.section} example at ${id}.md:${example.line}${withOptions} ${example.section === 'Incorrect' ? 'is reported' : 'passes every rule'}`, () => {
          const messages = lintWithEslint(example.code, filename, rules as never);
          const fatal = messages.filter((m) => m.ruleId === null);
          expect(fatal, describeMessages(fatal)).toEqual([]);
          const ours = messages.filter((m) => m.ruleId?.startsWith('sql-race/'));
          if (example.section === 'Incorrect') {
            expect(
              ours.some((m) => m.ruleId === `sql-race/${id}`),
              `expected sql-race/${id}, got:\n${describeMessages(ours)}`,
            ).toBe(true);
          } else {
            expect(ours, describeMessages(ours)).toEqual([]);
          }
        });
      });
    });
  }
});

describe('keyColumns examples', () => {
  // An example column the analysis already reads as a key (`sku`, `code`, `*_id`) shows an option that
  // changes nothing; only a column named like state (`starts_at`, `status`) needs to be named.
  const places = ['README.md', 'action.yml', ...RULE_IDS.map((id) => `rules/${id}.md`)];
  for (const place of places) {
    const text = readFileSync(join(import.meta.dirname, '..', place), 'utf8');
    const lists = [...text.matchAll(/keyColumns['"]?\s*:\s*\[([^\]]*)\]/g)].map((m) => m[1] ?? '');
    const columns = [
      ...lists.flatMap((list) => [...list.matchAll(/['"](\w+)['"]/g)].map((m) => m[1] ?? '')),
      ...[...text.matchAll(/--key-column (\w+)/g)].map((m) => m[1] ?? ''),
    ];
    if (columns.length === 0) continue;
    it(`in ${place} name columns the analysis would otherwise read as a guard`, () => {
      for (const column of columns) expect(!isKeyColumn(column) && isStateColumn(column), column).toBe(true);
    });
  }
});
