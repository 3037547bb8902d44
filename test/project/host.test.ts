/** The project host's reading of tsconfig `paths`: aliases resolve to the files they map to. */
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
