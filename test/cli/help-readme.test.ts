/**
 * `sql-race audit --help` and the README's flags table say the same thing: every flag --help lists
 * has a row in the table, and where either states a default, both state the same one. Generic on
 * purpose: a new flag needs only its row in the README.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, sqlRace } from './cli-process.js';

interface FlagDoc {
  /** The long flags of one row or one option, like `--color`, `--no-color`. */
  flags: string[];
  /** What it says the default is, normalized; null when it says nothing. */
  default: string | null;
}

/** Commander's own `(default: [])` and `(default: false)` say only that nothing is set. */
const NOTHING_SET = new Set(['[]', 'false']);

function normalize(text: string): string {
  return text.replace(/[`"']/g, '').replace(/,/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

function statedDefault(text: string): string | null {
  const match = /\(default: ([^)]*)\)/.exec(text);
  if (match === null || NOTHING_SET.has(match[1]!.trim())) return null;
  return normalize(match[1]!);
}

/** The Options section of --help: one entry per option, with its wrapped description joined. */
export function parseHelp(help: string): FlagDoc[] {
  const lines = help.split('\n');
  const start = lines.findIndex((line) => line.trim() === 'Options:');
  const entries: { head: string; text: string }[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') break;
    const option = /^ {2}(-\S.*?)(?: {2,}(.*))?$/.exec(line);
    if (option !== null) entries.push({ head: option[1]!, text: option[2] ?? '' });
    else if (entries.length > 0) entries[entries.length - 1]!.text += ` ${line.trim()}`;
  }
  return entries.map(({ head, text }) => ({ flags: head.match(/--[a-z][a-z-]*/g) ?? [], default: statedDefault(text) }));
}

/** The README's `| Flag | Meaning |` table. */
export function parseReadmeFlags(readme: string): FlagDoc[] {
  const lines = readme.split('\n');
  const header = lines.findIndex((line) => /^\|\s*Flag\s*\|\s*Meaning\s*\|/.test(line));
  if (header < 0) return [];
  const rows: FlagDoc[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const [, flagCell = '', meaning = ''] = line.split(/(?<!\\)\|/);
    rows.push({ flags: flagCell.match(/--[a-z][a-z-]*/g) ?? [], default: statedDefault(meaning) });
  }
  return rows;
}

describe('--help and the README flags table', () => {
  const help = sqlRace(['audit', '--help'], { cwd: REPO });
  const fromHelp = parseHelp(help.stdout);
  const fromReadme = parseReadmeFlags(readFileSync(path.join(REPO, 'README.md'), 'utf8'));
  const readmeByFlag = new Map(fromReadme.flatMap((row) => row.flags.map((flag) => [flag, row] as const)));

  it('both lists are read', () => {
    expect(help.code).toBe(0);
    expect(fromHelp.length).toBeGreaterThan(10);
    expect(fromReadme.length).toBeGreaterThan(10);
  });

  it('every flag --help lists has a row in the README', () => {
    const missing = fromHelp.flatMap((option) => option.flags).filter((flag) => !readmeByFlag.has(flag));
    expect(missing).toEqual([]);
  });

  it('every default either states is the same in both', () => {
    const disagreements = fromHelp.flatMap((option) =>
      option.flags.flatMap((flag) => {
        const row = readmeByFlag.get(flag);
        if (row === undefined) return [];
        return row.default === option.default ? [] : [{ flag, help: option.default, readme: row.default }];
      }),
    );
    expect(disagreements).toEqual([]);
  });
});

describe('the parsers', () => {
  it("read a wrapped default from --help and ignore commander's empty ones", () => {
    const help = [
      'Options:',
      '  -c, --config <file>   config file (default: a.json or',
      '                        package.json#x)',
      '  --rule <r>            set a rule (repeatable) (default: [])',
      '  --color               force colour',
      '',
    ].join('\n');
    expect(parseHelp(help)).toEqual([
      { flags: ['--config'], default: 'a.json or package.json#x' },
      { flags: ['--rule'], default: null },
      { flags: ['--color'], default: null },
    ]);
  });

  it('read every flag of a README row and its default', () => {
    const readme = [
      '| Flag | Meaning |',
      '|---|---|',
      '| `--color`, `--no-color` | colour |',
      '| `--jobs <n>` | threads (default: up to `4`) |',
      '',
    ].join('\n');
    expect(parseReadmeFlags(readme)).toEqual([
      { flags: ['--color', '--no-color'], default: null },
      { flags: ['--jobs'], default: 'up to 4' },
    ]);
  });
});
