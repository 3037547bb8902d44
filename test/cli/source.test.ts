import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSource } from '../../src/cli/source.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sql-race-source-'));
const write = (name: string, content: string | Buffer): string => {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
};
const MB = 1024 * 1024;

describe('reading a source file', () => {
  it('returns UTF-8 text without its BOM', () => {
    expect(readSource(write('ok.ts', '\uFEFFconst a = "é";'), MB)).toEqual({ kind: 'text', text: 'const a = "é";', bytes: 18 });
  });

  it('skips a binary file with a warning', () => {
    const read = readSource(write('bin.js', Buffer.from([0x63, 0x00, 0x01, 0x02])), MB);
    expect(read).toMatchObject({ kind: 'problem', problem: { severity: 1, message: expect.stringMatching(/binary/) } });
  });

  it('skips text that is not UTF-8 with a warning', () => {
    const read = readSource(write('latin1.js', Buffer.from('const s = "caf\xe9";', 'latin1')), MB);
    expect(read).toMatchObject({ kind: 'problem', problem: { severity: 1, message: expect.stringMatching(/not valid UTF-8/) } });
  });

  it('skips a file over the size limit without reading it', () => {
    const read = readSource(write('big.js', 'x'.repeat(3 * MB)), 2 * MB);
    expect(read).toMatchObject({
      kind: 'problem',
      problem: { severity: 1, message: expect.stringMatching(/^Skipped: 3\.0 MB is larger than the 2\.0 MB limit/) },
    });
  });

  it('reports a file it cannot read as a fatal error (a directory where a file is expected)', () => {
    const folder = path.join(dir, 'folder.ts');
    mkdirSync(folder);
    expect(readSource(folder, MB)).toMatchObject({
      kind: 'problem',
      problem: { severity: 2, fatal: true, message: 'Cannot read file: it is a directory.' },
    });
    expect(readSource(path.join(dir, 'gone.ts'), MB)).toMatchObject({
      problem: { severity: 2, message: 'Cannot read file: it no longer exists.' },
    });
  });
});
