/**
 * The rule docs' examples are executable: every ```ts block under `## Incorrect` must be reported by
 * its rule, and every ```ts block under `## Correct` must pass every rule of the plugin, linted through
 * ESLint with the recommended preset (as ESLint core and typescript-eslint test their docs).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULE_IDS } from '../src/checks/types.js';
import { lintWithEslint, type LintMessage } from './helpers/lint.js';

const rulesDir = join(import.meta.dirname, '..', 'rules');

type Section = 'Incorrect' | 'Correct';

interface Example {
  section: Section;
  /** 1-based line of the opening fence in the doc. */
  line: number;
  code: string;
}

/** The fenced `ts` blocks of the `## Incorrect` and `## Correct` sections, in order. */
function examplesOf(markdown: string): Example[] {
  const examples: Example[] = [];
  const lines = markdown.split(/\r?\n/);
  let section: string | null = null;
  for (let index = 0; index < lines.length; index++) {
    const text = lines[index] ?? '';
    const heading = /^## (.+?)\s*$/.exec(text);
    if (heading) {
      section = heading[1] ?? null;
      continue;
    }
    const fence = /^(`{3,}|~{3,})(\S*)/.exec(text);
    if (!fence) continue;
    const marker = fence[1] ?? '```';
    const start = index;
    const body: string[] = [];
    for (index++; index < lines.length && !(lines[index] ?? '').startsWith(marker); index++) body.push(lines[index] ?? '');
    if (fence[2] === 'ts' && (section === 'Incorrect' || section === 'Correct')) {
      examples.push({ section, line: start + 1, code: `${body.join('\n')}\n` });
    }
  }
  return examples;
}

function describeMessages(messages: readonly LintMessage[]): string {
  return messages.length === 0 ? 'nothing' : messages.map((m) => `${m.line}:${m.column} ${m.ruleId ?? 'fatal'} ${m.message}`).join('\n');
}

describe('rule docs', () => {
  it('exist for every rule, and only for rules', () => {
    const docs = readdirSync(rulesDir).filter((file) => file.endsWith('.md')).map((file) => file.replace(/\.md$/, ''));
    expect(docs.sort()).toEqual([...RULE_IDS].sort());
  });

  for (const id of RULE_IDS) {
    describe(id, () => {
      const path = join(rulesDir, `${id}.md`);
      const doc = existsSync(path) ? readFileSync(path, 'utf8') : '';
      const examples = examplesOf(doc);

      it('starts with its id as the title', () => {
        expect(doc.split('\n')[0]).toBe(`# ${id}`);
      });

      it('keeps the proof marker the prove table is checked against', () => {
        expect(doc).toMatch(/^## Proof$[\s\S]*^<!-- proof -->$/m);
      });

      for (const section of ['Incorrect', 'Correct'] as const) {
        it(`has at least one ts example under ## ${section}`, () => {
          expect(examples.filter((e) => e.section === section).length).toBeGreaterThan(0);
        });
      }

      examples.forEach((example, position) => {
        const filename = `${id}-${example.section.toLowerCase()}-${position + 1}.ts`;
        it(`${example.section} example at ${id}.md:${example.line} ${example.section === 'Incorrect' ? 'is reported' : 'passes every rule'}`, () => {
          const messages = lintWithEslint(example.code, filename);
          const fatal = messages.filter((m) => m.ruleId === null);
          expect(fatal, describeMessages(fatal)).toEqual([]);
          const ours = messages.filter((m) => m.ruleId?.startsWith('sql-race/'));
          if (example.section === 'Incorrect') {
            expect(ours.some((m) => m.ruleId === `sql-race/${id}`), `expected sql-race/${id}, got:\n${describeMessages(ours)}`).toBe(true);
          } else {
            expect(ours, describeMessages(ours)).toEqual([]);
          }
        });
      });
    });
  }
});
