/**
 * The pre-scan for a file that holds no database code of its own but calls functions that do
 * (`const stock = await getStock(id)` with `getStock` in `./stock`): it is admitted when a module it
 * imports from the project holds database code. One level of imports is looked at; deeper chains are
 * followed once the file is analysed. Verdicts are cached per file and content, and shared with the
 * test of the file's own text (`holdsDatabaseCode`), so a file both audited and imported is scanned once.
 */
import { mightContainDatabaseCode } from '../extract/prescan.js';
import type { ProjectHost } from './host.js';

const SPECIFIER = /\b(?:from|import\s*\(|require\s*\()\s*['"]([^'"\n]+)['"]/g;

/** The modules a text imports or re-exports from (any specifier: a host resolves those of the project). */
export function importSpecifiers(text: string): string[] {
  return [...text.matchAll(SPECIFIER)].map((match) => match[1]!);
}
const verdicts = new Map<string, { text: string; verdict: boolean }>();

/**
 * `mightContainDatabaseCode(text)` for the file at `filePath` (absolute), remembered for that content;
 * with `unchanging` files (the audit CLI), for that path, without keeping its text.
 */
/**
 * The verdict already made on this content of the file at `filePath` (absolute), when another file's
 * import pre-scan made it; nothing is remembered when there is none (the lint of a file that no file
 * imports keeps no copy of its text).
 */
export function knownVerdict(filePath: string, text: string): boolean | undefined {
  const cached = verdicts.get(filePath);
  return cached !== undefined && cached.text === text ? cached.verdict : undefined;
}

export function holdsDatabaseCode(filePath: string, text: string, unchanging = false): boolean {
  const cached = verdicts.get(filePath);
  if (cached && (unchanging || cached.text === text)) return cached.verdict;
  const verdict = mightContainDatabaseCode(text);
  verdicts.set(filePath, { text: unchanging ? '' : text, verdict });
  return verdict;
}

/** The specifiers of a text that may name a module of the project (relative, or an alias such as `@/`). */
export function projectSpecifiers(text: string): string[] {
  return importSpecifiers(text).filter((specifier) => /^(?:\.|[@~#]\/|src\/)/.test(specifier));
}

export function importsDatabaseCode(text: string, filePath: string, host: ProjectHost): boolean {
  return importsDatabaseModule(projectSpecifiers(text), filePath, host);
}

/**
 * Whether one of `specifiers` (from `projectSpecifiers`) names a module with database code. With
 * `unchanging` files a module whose verdict is known (it was audited already) is not read again.
 */
export function importsDatabaseModule(specifiers: readonly string[], filePath: string, host: ProjectHost): boolean {
  for (const specifier of specifiers) {
    const file = host.resolve(specifier, filePath);
    if (file === null) continue;
    const known = host.unchanging === true ? verdicts.get(file) : undefined;
    if (known !== undefined) {
      if (known.verdict) return true;
      continue;
    }
    const imported = host.read(file);
    if (imported !== null && holdsDatabaseCode(file, imported, host.unchanging === true)) return true;
  }
  return false;
}
