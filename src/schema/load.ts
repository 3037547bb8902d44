/**
 * Finding and reading the files that declare a schema: `*.prisma`, `*.sql`, and JS/TS files that
 * declare entities, models, tables or migrations. Each file's reading is memoized per content, so a
 * second lint run (or a second audit root) re-reads only what changed. Reads files, never a database;
 * never throws.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { buildSchema } from './build.js';
import { mayDeclareSchema, readCodeSchema } from './code.js';
import { prismaDatasource, prismaDeclarations, readPrismaSchema, type PrismaDeclarations } from './prisma.js';
import { readSqlSchema } from './sql.js';
import type { DatabaseEngine, Schema, SchemaOp, SchemaSource, SchemaSourceKind } from './types.js';

const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist', 'build', 'out', 'coverage', '.next', '.git', '.turbo', '.cache', 'vendor']);
const CODE_EXTENSIONS = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs']);
/** Larger files are dumps or generated code, not a schema anyone writes. */
const MAX_BYTES = 2 * 1024 * 1024;
/** A walk stops after this many directory entries, so a schema search never becomes the audit's cost. */
const MAX_ENTRIES = 200_000;

type Format = 'sql' | 'prisma' | 'code';

function formatOf(file: string): Format | null {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.sql') return 'sql';
  if (ext === '.prisma') return 'prisma';
  if (CODE_EXTENSIONS.has(ext) && !/\.d\.[cm]?ts$/.test(file)) return 'code';
  return null;
}

/** Folders and names that make a file a migration, applied in order before declarations. */
const MIGRATION_PATH = /(?:^|\/)(?:migrations?|alterations|migrate|db\/migrate)\//i;
const TIMESTAMPED = /(?:^|\/)\d{8,}[-_.][^/]*$|(?:^|\/)V\d+(?:[._]\d+)*__[^/]*$/;

export function sourceKind(file: string): SchemaSourceKind {
  const posix = file.split(path.sep).join('/');
  return MIGRATION_PATH.test(posix) || TIMESTAMPED.test(posix) ? 'migration' : 'declaration';
}

const memo = new Map<string, SchemaOp[]>();

/** The ops one file states; memoized per format and content. */
export function readSchemaText(text: string, file: string): SchemaOp[] {
  const format = formatOf(file);
  if (format === null) return [];
  if (format === 'code' && !mayDeclareSchema(text)) return [];
  const key = `${format}:${createHash('sha1').update(text).digest('hex')}`;
  const cached = memo.get(key);
  if (cached) return cached;
  let ops: SchemaOp[];
  try {
    ops = format === 'sql' ? readSqlSchema(text) : format === 'prisma' ? readPrismaSchema(text) : readCodeSchema(text, file);
  } catch {
    ops = [];
  }
  memo.set(key, ops);
  return ops;
}

function readText(file: string): string | null {
  try {
    const stats = statSync(file);
    if (!stats.isFile() || stats.size > MAX_BYTES) return null;
    const text = readFileSync(file, 'utf8');
    return text.includes('\u0000') ? null : text;
  } catch {
    return null;
  }
}

/** The entries of a directory, or null when it cannot be listed. */
export type ReadDirectory = (dir: string) => readonly Dirent[] | null;

const readDirectory: ReadDirectory = (dir) => {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return null;
  }
};

function collect(root: string, into: Set<string>, read: ReadDirectory): void {
  let budget = MAX_ENTRIES;
  const stack = [root];
  while (stack.length > 0 && budget > 0) {
    const dir = stack.pop()!;
    const entries = read(dir);
    if (entries === null) continue;
    for (const entry of entries) {
      budget -= 1;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name) && !entry.name.startsWith('.')) stack.push(path.join(dir, entry.name));
      } else if (entry.isFile() && formatOf(entry.name) !== null) {
        into.add(path.join(dir, entry.name));
      }
    }
  }
}

export interface SchemaLocation {
  /** Directories searched for schema files (the audited tree); symbolic links are not followed. */
  discover?: readonly string[];
  /** Files or directories named by the user (`--schema`, `settings['sql-race'].schema`). */
  paths?: readonly string[];
}

/**
 * The files a schema is read from: every `.prisma` and `.sql` file, and code files that declare schema.
 * `read` lists a directory (the audit's host lists each directory once for every walk of the tree).
 */
export function schemaFiles(location: SchemaLocation, read: ReadDirectory = readDirectory): string[] {
  const files = new Set<string>();
  for (const root of [...(location.discover ?? []), ...(location.paths ?? [])]) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(root).isDirectory();
    } catch {
      continue;
    }
    if (isDirectory) collect(root, files, read);
    else files.add(root);
  }
  return [...files].sort();
}

/**
 * Read the schema declared under `location`. `known` holds the ops of files a caller has already read
 * (the audit reads every source file once for its own pre-scan and hands their ops on here), so that
 * those files are not read a second time; the others are read here. `readCode`, when given, reads the
 * JS and TS files (the plugin's project host, which keeps what it reads for the search of callers and
 * importers: one read of each file of the tree serves all three); a file it does not give is read here.
 * `listed` is what `schemaFiles(location)` gives, when the caller listed them already.
 */
export function loadSchema(
  location: SchemaLocation,
  known?: ReadonlyMap<string, SchemaOp[]>,
  readCode?: (file: string) => string | null,
  listed?: readonly string[],
): Schema {
  const sources: SchemaSource[] = [];
  // Folder -> the database of the datasource a `.prisma` file in it declares; the files that declare one.
  const datasources = new Map<string, DatabaseEngine | null>();
  const declaring = new Set<string>();
  const files = listed ?? schemaFiles(location);
  // `known` holds code files only (the audit reads JS and TS): a `.prisma` file is read here, first,
  // for what the files of a schema split over a folder declare for one another.
  const prismaTexts = new Map<string, string>();
  for (const file of files) {
    if (formatOf(file) !== 'prisma') continue;
    const text = readText(file);
    if (text === null) continue;
    prismaTexts.set(file, text);
    const datasource = prismaDatasource(text);
    if (datasource.declared) {
      datasources.set(path.dirname(file), datasource.database);
      declaring.add(file);
    }
  }
  const elsewhere = splitSchemaDeclarations(prismaTexts, datasources);
  for (const file of files) {
    let ops = known?.get(file);
    if (ops === undefined) {
      const text = prismaTexts.get(file) ?? (readCode !== undefined && formatOf(file) === 'code' ? readCode(file) : null) ?? readText(file);
      if (text === null) continue;
      const others = elsewhere.get(file);
      ops = others === undefined ? readSchemaText(text, file) : readPrismaSchema(text, others);
    }
    if (ops.length > 0) sources.push({ file, kind: sourceKind(file), ops });
  }
  return buildSchema(sources.map((source) => (declaring.has(source.file) ? source : withFolderDatabase(source, datasources))));
}

/**
 * For each `.prisma` file of a schema split over several files (`prismaSchemaFolder`: the folder of the
 * file that declares the datasource, and below it), what the other files declare. A file of a schema
 * of its own (one file) is left out.
 */
function splitSchemaDeclarations(
  texts: ReadonlyMap<string, string>,
  datasources: ReadonlyMap<string, DatabaseEngine | null>,
): Map<string, PrismaDeclarations> {
  const rootOf = (file: string): string => {
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
      if (datasources.has(dir)) return dir;
      if (path.dirname(dir) === dir) return path.dirname(file);
    }
  };
  const groups = new Map<string, string[]>();
  for (const file of texts.keys()) {
    const root = rootOf(file);
    groups.set(root, [...(groups.get(root) ?? []), file]);
  }
  const out = new Map<string, PrismaDeclarations>();
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const declared = group.map((file) => [file, prismaDeclarations(texts.get(file)!)] as const);
    for (const [file] of declared) {
      const others = declared.filter(([f]) => f !== file).map(([, d]) => d);
      out.set(file, {
        models: new Set(others.flatMap((d) => [...d.models])),
        enums: new Set(others.flatMap((d) => [...d.enums])),
        enumValues: new Map(others.flatMap((d) => [...d.enumValues])),
      });
    }
  }
  return out;
}

/**
 * A Prisma schema split over a folder (`prismaSchemaFolder`) declares its datasource in one file; its
 * provider is the database of the models of every `.prisma` file in that folder and below it.
 */
function withFolderDatabase(source: SchemaSource, datasources: ReadonlyMap<string, DatabaseEngine | null>): SchemaSource {
  if (formatOf(source.file) !== 'prisma') return source;
  for (let dir = path.dirname(source.file); ; dir = path.dirname(dir)) {
    if (datasources.has(dir)) {
      const database = datasources.get(dir) ?? null;
      if (database === null) return source;
      const tables = source.ops.flatMap((op) => (op.op === 'create-table' ? [op.table] : []));
      return { ...source, ops: [...source.ops, ...tables.map((table): SchemaOp => ({ op: 'database', table, database }))] };
    }
    if (path.dirname(dir) === dir) return source;
  }
}
