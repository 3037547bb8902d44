/**
 * Every broken snippet from the seed texts is reported by the rule its first comment names, and only
 * by it; every fix passes silently. Checked through the CLI's core and through ESLint, which must agree.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeText } from '../src/analyze.js';
import { lintWithEslint } from './helpers/lint.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'seeds');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .sort();

describe('seed snippets', () => {
  it('has broken and fixed snippets', () => {
    expect(files.filter((f) => f.startsWith('broken-')).length).toBeGreaterThanOrEqual(6);
    expect(files.filter((f) => f.startsWith('fixed-')).length).toBeGreaterThanOrEqual(6);
  });

  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    const expected = file.startsWith('broken-') ? [/^\/\/ ([a-z-]+):/.exec(text)?.[1]] : [];

    it(`${file}: the core reports ${expected.join(', ') || 'nothing'}`, () => {
      const analysis = analyzeText(text, file);
      expect(analysis.fatal).toBeNull();
      expect(analysis.findings.map((f) => f.ruleId)).toEqual(expected);
    });

    it(`${file}: ESLint reports the same`, () => {
      const messages = lintWithEslint(text, file);
      expect(messages.map((m) => m.ruleId)).toEqual(expected.map((id) => `sql-race/${id}`));
    });
  }
});
