/**
 * The pre-scan for a file that holds no database code of its own but calls functions that do
 * (`const stock = await getStock(id)` with `getStock` in `./stock`): it is admitted when a module it
 * imports from the project holds database code. One level of imports is looked at; deeper chains are
 * followed once the file is analysed. Verdicts are cached per imported file's content.
 */
import { mightContainDatabaseCode } from '../extract/prescan.js';
import type { ProjectHost } from './host.js';

const SPECIFIER = /\b(?:from|import\s*\(|require\s*\()\s*['"]([^'"\n]+)['"]/g;
const verdicts = new Map<string, { text: string; verdict: boolean }>();

export function importsDatabaseCode(text: string, filePath: string, host: ProjectHost): boolean {
  SPECIFIER.lastIndex = 0;
  for (let match = SPECIFIER.exec(text); match !== null; match = SPECIFIER.exec(text)) {
    const specifier = match[1]!;
    if (!/^(?:\.|[@~#]\/|src\/)/.test(specifier)) continue;
    const file = host.resolve(specifier, filePath);
    if (file === null) continue;
    const imported = host.read(file);
    if (imported === null) continue;
    const cached = verdicts.get(file);
    let verdict: boolean;
    if (cached && cached.text === imported) verdict = cached.verdict;
    else {
      verdict = mightContainDatabaseCode(imported);
      verdicts.set(file, { text: imported, verdict });
    }
    if (verdict) return true;
  }
  return false;
}
