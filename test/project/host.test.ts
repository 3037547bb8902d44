/** The project host's reading of tsconfig `paths`: aliases resolve to the files they map to. */
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileSystemHost, withoutJsonComments } from '../../src/project/host.js';
import { project } from '../cli/cli-process.js';

describe('tsconfig paths', () => {
  it('blanks comments outside strings only', () => {
    const text = `{
  // a comment
  "paths": { "@/lib/*": ["lib/*"] }, /* block */
  "include": ["**/*.ts", "http://x"]
}`;
    expect(JSON.parse(withoutJsonComments(text))).toEqual({ paths: { '@/lib/*': ['lib/*'] }, include: ['**/*.ts', 'http://x'] });
    expect(withoutJsonComments('"a\\"/*" /* c */')).toBe('"a\\"/*"  ');
  });

  it('resolves an alias whose pattern ends in /* when a later string holds */', () => {
    const tsconfig = `{
  "compilerOptions": {
    "baseUrl": ".",
    // the app's aliases
    "paths": { "@/lib/*": ["lib/*"], "@/ui/*": ["ui/*"] }
  },
  "include": ["next-env.d.ts", "**/*.ts", "**/*.tsx"],
}
`;
    const root = project({
      'tsconfig.json': tsconfig,
      'lib/db.ts': 'export const db = 1;\n',
      'app/route.ts': "import { db } from '@/lib/db';\n",
    });
    expect(fileSystemHost().resolve('@/lib/db', path.join(root, 'app/route.ts'))).toBe(path.join(root, 'lib/db.ts'));
  });
});

describe('texts read by someone else', () => {
  it('an unchanging host serves a text offered to it without reading the disk, as its read would give it', () => {
    const root = project({ 'a.ts': 'export const a = 1;\n' });
    const host = fileSystemHost({ unchanging: true });
    const missing = path.join(root, 'not-on-disk.ts');
    expect(host.known!(missing)).toBeUndefined();
    host.offer!(missing, 'export const b = 2;\n');
    expect(host.read(missing)).toBe('export const b = 2;\n');
    expect(host.known!(missing)).toBe('export const b = 2;\n');
    // What its read would refuse stays refused; a file read already keeps its text.
    const binary = path.join(root, 'binary.ts');
    host.offer!(binary, 'a\u0000b');
    expect(host.read(binary)).toBeNull();
    const a = path.join(root, 'a.ts');
    expect(host.read(a)).toBe('export const a = 1;\n');
    host.offer!(a, 'something else');
    expect(host.read(a)).toBe('export const a = 1;\n');
  });

  it('a host of files that may change takes no offers: its reads compare with the disk', () => {
    const host = fileSystemHost();
    expect(host.offer).toBeUndefined();
    expect(host.known).toBeUndefined();
  });
});

describe('files looked at for callers', () => {
  it('a host of files that may change keeps a scanned text and compares it with the disk, as for a module read', () => {
    const root = project({ 'a.ts': 'export const a = 1;\n' });
    const file = path.join(root, 'a.ts');
    const host = fileSystemHost({ recheckAfterMs: 0 });
    const stamp = 1_700_000_000; // a whole second, which every file system stores as given
    utimesSync(file, stamp, stamp);
    expect(host.scan(file)).toBe('export const a = 1;\n');
    // Same size and modification time: the disk is taken to hold what was kept, not read again.
    writeFileSync(file, 'export const b = 2;\n');
    utimesSync(file, stamp, stamp);
    expect(host.scan(file)).toBe('export const a = 1;\n');
    // A real edit (another size) is seen.
    writeFileSync(file, 'export const c = 33;\n');
    expect(host.scan(file)).toBe('export const c = 33;\n');
  });
});

describe('resolutions of a host of files that may change', () => {
  it('resolves a specifier again only when a directory it was resolved from lists other entries', () => {
    const root = project({ 'app.ts': "import { take } from './lib/stock';\n", 'lib/other.ts': 'export const o = 1;\n' });
    const app = path.join(root, 'app.ts');
    const lib = path.join(root, 'lib');
    const host = fileSystemHost({ recheckAfterMs: 0 });
    // Directories get whole-second modification times, as every file system stores them, one per change.
    let stamp = 1_700_000_000;
    const changed = (dir: string): void => {
      stamp += 10;
      utimesSync(dir, stamp, stamp);
    };
    changed(lib);
    expect(host.resolve('./lib/stock', app)).toBeNull();
    writeFileSync(path.join(lib, 'stock.ts'), 'export const take = 1;\n');
    changed(lib);
    expect(host.resolve('./lib/stock', app)).toBe(path.join(lib, 'stock.ts'));
    // An edit of another file's text changes no listing: the same answer.
    writeFileSync(path.join(lib, 'other.ts'), 'export const o = 22;\n');
    expect(host.resolve('./lib/stock', app)).toBe(path.join(lib, 'stock.ts'));
    // Removed, then made a directory with an index: the missing `stock` directory was looked at too.
    rmSync(path.join(lib, 'stock.ts'));
    changed(lib);
    expect(host.resolve('./lib/stock', app)).toBeNull();
    mkdirSync(path.join(lib, 'stock'));
    writeFileSync(path.join(lib, 'stock', 'index.ts'), 'export const take = 1;\n');
    changed(path.join(lib, 'stock'));
    changed(lib);
    expect(host.resolve('./lib/stock', app)).toBe(path.join(lib, 'stock', 'index.ts'));
  });
});
