/** The package's own name and version, read from package.json (found from src/ and from dist/src/), and where its rule docs live. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageJson(): { name: string; version: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const parsed = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (parsed.name === 'eslint-plugin-sql-race') return { name: parsed.name, version: parsed.version ?? '0.0.0' };
    }
    dir = dirname(dir);
  }
  return { name: 'eslint-plugin-sql-race', version: '0.0.0' };
}

export const packageInfo = findPackageJson();

const RULE_DOCS = 'https://github.com/sql-race/eslint-plugin-sql-race/blob/main/rules';

/** The page of a rule's doc (`rules/<rule-id>.md`), for the rules' meta.docs.url and SARIF. */
export function ruleDocsUrl(ruleId: string): string {
  return `${RULE_DOCS}/${ruleId}.md`;
}
