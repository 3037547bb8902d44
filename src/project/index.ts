/**
 * The project step: summaries of the functions other modules export, so a call into another module
 * is analysed like a call into this one (src/flow/summaries.ts). A module is read, parsed and
 * summarised once per content (the host notices edits), and only as deep as `maxDepth` imports from
 * the file being analysed; an import cycle or a missing file gives no summary, never a hang or a throw.
 *
 * The other direction, for caller-owned transaction state (src/flow/callers.ts): the modules under
 * the project's roots (the directories the CLI audits, ESLint's working directory) whose text names a
 * function are its possible callers; each gives its call inventory once per content. The list of files
 * is read once per process and root (capped at MAX_PROJECT_FILES), so a file added later is seen
 * after a restart.
 */
import type { TSESTree } from '@typescript-eslint/types';
import { isFunction, objectProperty, unwrap } from '../extract/ast.js';
import type { Resolver } from '../extract/scope.js';
import { importedClientLibraries, importsClientLibrary } from '../extract/prescan.js';
import { holdsDatabaseCode, importSpecifiers } from './prescan.js';
import type { ConnectionKind, ExtractContext } from '../extract/types.js';
import type { CallInventory } from '../flow/callers.js';
import type { FunctionSummary } from '../flow/summaries.js';
import type { ProjectHost } from './host.js';

export { fileSystemHost, snapshotHost, type ProjectHost } from './host.js';

/** What a module exports, as summaries: `getStock`, `default`, `StockRepo.getStock`, `default.getStock`; and what it re-exports. */
export interface ModuleSummaries {
  exports: Map<string, FunctionSummary>;
  /** Connections the module exports (`export const pool = new Pool()`), by export name, when their kind is known. */
  connections: Map<string, ConnectionKind>;
  /** `export { a as b } from './m'` -> b: ['./m', 'a']; `export * from './m'` -> '*': ['./m']. */
  reexports: { name: string; from: string; imported: string }[];
  /** What the module's calls pass to the functions they call (only when asked for: `inventory`). */
  calls: CallInventory | null;
}

/**
 * Builds a module's summaries from its text (analyze.ts does it: parse, extract, flow, summarise).
 * With `inventory`, also its call inventory, even for a module without database code of its own.
 */
export type SummarizeModule = (file: string, text: string, project: ProjectLink, inventory: boolean) => ModuleSummaries | null;

/**
 * What the functions a module exports only read of their parameters (src/flow/results.ts
 * `parameterReads`), by export name, one entry per parameter (null: it does more with that one); and
 * what the module re-exports. Made from the module's text alone, so a module without database code
 * has them too.
 */
export interface ModuleReaders {
  readers: Map<string, readonly (readonly string[] | null)[]>;
  reexports: ModuleSummaries['reexports'];
}

/** Builds a module's readers from its text (analyze.ts does it: parse, resolve, `parameterReads`); null when there are none. */
export type ReadersOfModule = (file: string, text: string) => ModuleReaders | null;

/** What the analysis of one file may ask of the project. */
export interface ProjectLink {
  /** The file being analysed. */
  file: string;
  /** How many imports away from the file being linted it is (0 when not said). */
  depth?: number;
  /** The summary of what `path` names in the module `specifier` imported from this file. */
  summary(specifier: string, path: readonly string[]): FunctionSummary | null;
  /** The kind of the connection `path` names in the module `specifier`, when it is known there. */
  connectionKind(specifier: string, path: readonly string[]): ConnectionKind | null;
  /**
   * The other modules of the project whose text names `name`, with their call inventories; null when
   * the project's files are not known (no roots given, or more than a root may list). With `needs`,
   * also null when the text of one of them does not match it (nothing is summarised then): a question
   * only some calls can answer is given up before the modules are read.
   */
  callers(name: string, needs?: RegExp): { file: string; inventory: CallInventory | null }[] | null;
  /** The client libraries the module `specifier` imports, read from its text (nothing is summarised). */
  moduleLibraries(specifier: string): readonly string[];
  /**
   * What the function `path` names in the module `specifier` only reads of each of its parameters
   * (`ModuleReaders`), following re-exports; null when not known. No depth limit: nothing is summarised.
   */
  parameterReads?(specifier: string, path: readonly string[]): readonly (readonly string[] | null)[] | null;
}

export const DEFAULT_MAX_DEPTH = 3;

/** One module's summaries as a project caches them; plain data, so it can be sent to another thread. */
export interface CachedModule {
  file: string;
  text: string;
  depth: number;
  /**
   * Whether making them stopped at the import depth limit (here or in a module they used): then
   * they hold only what a module that far away may know, and are made again when asked for nearer.
   */
  cut: boolean;
  inventory: boolean;
  summaries: ModuleSummaries | null;
}

/** One question a module's analysis asked of the project, and the answer. */
type Lookup =
  | { kind: 'summary' | 'connectionKind'; specifier: string; path: readonly string[]; answer: unknown }
  | { kind: 'moduleLibraries'; specifier: string; path: null; answer: unknown };

/** The link, with each lookup of another module written down with its answer. */
function recording(link: ProjectLink, lookups: Lookup[]): ProjectLink {
  return {
    ...link,
    summary: (specifier, path) => {
      const answer = link.summary(specifier, path);
      lookups.push({ kind: 'summary', specifier, path: [...path], answer });
      return answer;
    },
    connectionKind: (specifier, path) => {
      const answer = link.connectionKind(specifier, path);
      lookups.push({ kind: 'connectionKind', specifier, path: [...path], answer });
      return answer;
    },
    moduleLibraries: (specifier) => {
      const answer = link.moduleLibraries(specifier);
      lookups.push({ kind: 'moduleLibraries', specifier, path: null, answer });
      return answer;
    },
  };
}

/**
 * Equal plain data (summaries are: they cross threads): the same object, or the same values all the
 * way down (arrays, maps, sets, objects). Past `depth` levels it says no, which only costs a rebuild.
 */
export function sameValue(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || depth > 40) return false;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i], depth + 1));
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [key, value] of a) if (!b.has(key) || !sameValue(value, b.get(key), depth + 1)) return false;
    return true;
  }
  if (a instanceof Set) {
    if (!(b instanceof Set) || a.size !== b.size) return false;
    for (const value of a) if (!b.has(value)) return false;
    return true;
  }
  if (Array.isArray(b) || b instanceof Map || b instanceof Set || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  const other = b as Record<string, unknown>;
  return keys.every((key) => Object.hasOwn(other, key) && sameValue((a as Record<string, unknown>)[key], other[key], depth + 1));
}

/** Set when an analysis asked for something beyond the import depth limit. */
interface Cut {
  cut: boolean;
}

export class Project {
  private readonly modules = new Map<string, CachedModule>();
  /** Modules summarised here since the last `takeFresh`, once `share` was called. */
  private fresh: CachedModule[] | null = null;
  private readonly building = new Set<string>();
  private readonly files = new Map<string, readonly string[] | null>();
  private readonly naming = new Map<string, readonly string[]>();
  /** Per file and content: database code of its own, or an import of a client library. */
  private readonly holds = new Map<string, { text: string; verdict: boolean }>();
  private readonly specifiers = new Map<string, { text: string; specifiers: readonly string[] }>();
  private readonly reaches = new Map<string, boolean>();
  /** What the project was asked while a module's summaries were made here (not sent to other threads). */
  private readonly asked = new WeakMap<CachedModule, readonly Lookup[]>();

  /** Per file and content: what its exported functions only read of their parameters. */
  private readonly readers = new Map<string, { text: string; readers: ModuleReaders | null }>();

  constructor(
    readonly host: ProjectHost,
    private readonly summarizeModule: SummarizeModule,
    private readonly maxDepth = DEFAULT_MAX_DEPTH,
    private readonly readersOfModule: ReadersOfModule | null = null,
  ) {}

  /**
   * The link a file's analysis uses; `depth` is how many imports away from the file being linted it is;
   * `roots` are the directories whose files are the project's (for callers).
   */
  link(file: string, depth = 0, roots: readonly string[] = [], cut: Cut = { cut: false }): ProjectLink {
    /**
     * Past the depth limit nothing is followed, and the summaries being made are cut short (made again
     * when asked for nearer) unless following would have found nothing at any depth: a package, a
     * missing file, a module from which no database code is reachable (or, for `libraries`, one that
     * imports no client library). Most calls refused at the limit are of such functions.
     */
    const beyond = (specifier: string, libraries = false): boolean => {
      if (depth < this.maxDepth) return false;
      const module = this.host.resolve(specifier, file);
      const text = module === null ? null : this.host.read(module);
      if (text !== null && (libraries ? importedClientLibraries(text).length > 0 : this.reachesDatabaseCode(module!, text))) cut.cut = true;
      return true;
    };
    return {
      file,
      depth,
      callers: (name, needs) => this.callers(name, roots, file, needs),
      summary: (specifier, path) =>
        beyond(specifier) ? null : this.lookup(file, specifier, path, depth + 1, 0, cut, (m, key) => m.exports.get(key)),
      connectionKind: (specifier, path) =>
        beyond(specifier)
          ? null
          : this.lookup(file, specifier, path.length === 0 ? ['default'] : path, depth + 1, 0, cut, (m, key) => m.connections.get(key)),
      parameterReads: (specifier, path) => this.parameterReads(file, specifier, path, 0),
      moduleLibraries: (specifier) => {
        if (beyond(specifier, true)) return [];
        const module = this.host.resolve(specifier, file);
        const text = module === null ? null : this.host.read(module);
        return text === null ? [] : importedClientLibraries(text);
      },
    };
  }

  /** See `ProjectLink.parameterReads`: the module's readers, made once per content, then its re-exports. */
  private parameterReads(
    fromFile: string,
    specifier: string,
    path: readonly string[],
    hops: number,
  ): readonly (readonly string[] | null)[] | null {
    if (hops > 5 || this.readersOfModule === null) return null;
    const file = this.host.resolve(specifier, fromFile);
    const text = file === null ? null : this.host.read(file);
    if (file === null || text === null) return null;
    let cached = this.readers.get(file);
    // Most functions a row is handed to are not readers: a module that neither names the function nor
    // re-exports everything, or declares it async, is not parsed for them.
    const name = path[0] ?? '';
    if (
      (!cached || cached.text !== text) &&
      path.length === 1 &&
      name !== 'default' &&
      /^[\w$]+$/.test(name) &&
      ((!text.includes(name) && !/\bexport\s*\*/.test(text)) ||
        new RegExp(
          `\\basync\\s+function\\s*\\*?\\s*${name.replaceAll('$', '\\$')}\\b|(?<![\\w$])${name.replaceAll('$', '\\$')}\\s*=\\s*async\\b`,
        ).test(text))
    )
      return null;
    if (!cached || cached.text !== text) {
      let readers: ModuleReaders | null;
      try {
        readers = this.readersOfModule(file, text);
      } catch {
        readers = null; // the core is written never to throw; a module it cannot read is one it does not follow
      }
      this.readers.set(file, (cached = { text, readers }));
    }
    const module = cached.readers;
    if (module === null) return null;
    const key = path.join('.');
    const found = module.readers.get(key);
    if (found !== undefined) return found;
    for (const r of module.reexports) {
      if (r.name === key && r.imported !== '*') return this.parameterReads(file, r.from, [r.imported], hops + 1);
    }
    for (const r of module.reexports) {
      if (r.name !== '*' || key === 'default') continue;
      const reexported = this.parameterReads(file, r.from, path, hops + 1);
      if (reexported !== null) return reexported;
    }
    return null;
  }

  private lookup<T>(
    fromFile: string,
    specifier: string,
    path: readonly string[],
    depth: number,
    hops: number,
    cut: Cut,
    pick: (m: ModuleSummaries, key: string) => T | undefined,
  ): T | null {
    if (hops > 5) return null;
    const file = this.host.resolve(specifier, fromFile);
    if (file === null) return null;
    // An import cycle: what the module does is not known yet, as beyond the depth limit.
    if (this.building.has(file)) cut.cut = true;
    const summaries = this.summariesOf(file, depth);
    if (this.modules.get(file)?.cut === true) cut.cut = true;
    if (!summaries) return null;
    const found = pick(summaries, path.join('.'));
    if (found !== undefined) return found;
    // Re-exports: `export { getStock } from './stock'`, `export * from './stock'`.
    // A name re-exported, or a property of an exported object that another module's export is
    // (`default.PayoutMethod`): the rest of the path is looked up there.
    for (const r of summaries.reexports) {
      if (r.name === '*') continue;
      const segments = r.name.split('.');
      if (segments.length > path.length || !segments.every((segment, i) => path[i] === segment)) continue;
      const rest = path.slice(segments.length);
      const head = r.imported === '*' ? [] : [r.imported];
      if (head.length + rest.length === 0) continue;
      return this.lookup(file, r.from, [...head, ...rest], depth, hops + 1, cut, pick);
    }
    for (const r of summaries.reexports) {
      if (r.name === '*' && path[0] !== 'default') {
        const found = this.lookup(file, r.from, path, depth, hops + 1, cut, pick);
        if (found !== null) return found;
      }
    }
    return null;
  }

  private summariesOf(file: string, depth: number, inventory = false): ModuleSummaries | null {
    const text = this.host.read(file);
    if (text === null) return null;
    const cached = this.modules.get(file);
    // Summaries made farther from the analysed file serve nearer only when nothing was cut short making
    // them, so that what a file is found to do does not depend on which file reached a module first (nor,
    // in the CLI, on which worker thread did). An inventory needs the module's own imports followed.
    if (
      cached &&
      cached.text === text &&
      (cached.depth <= depth || !cached.cut) &&
      (!inventory || (cached.inventory && cached.depth < this.maxDepth))
    )
      return cached.summaries;
    if (this.building.has(file)) return null; // an import cycle
    // Cut short farther away: asked nearer, the lookups made then are asked again from here. When each
    // answers what it answered then, making the summaries again would give the same ones (the analysis
    // of a module asks nothing else of the project): they are kept, now made at this depth.
    const asked = cached && cached.text === text && !inventory ? this.asked.get(cached) : undefined;
    if (cached && asked) {
      const replayed = this.replay(file, depth, asked);
      if (replayed !== null) {
        const entry = { ...cached, depth, cut: replayed.cut };
        this.asked.set(entry, asked);
        this.modules.set(file, entry);
        this.fresh?.push(entry);
        return entry.summaries;
      }
    }
    this.building.add(file);
    let summaries: ModuleSummaries | null;
    const cut: Cut = { cut: false };
    const lookups: Lookup[] = [];
    try {
      summaries =
        inventory || this.reachesDatabaseCode(file, text)
          ? this.summarizeModule(file, text, recording(this.link(file, depth, [], cut), lookups), inventory)
          : null;
    } catch {
      // The core is written never to throw; a module it cannot summarise is one it does not follow.
      summaries = null;
    } finally {
      this.building.delete(file);
    }
    // The same summaries made again keep their objects, so that the lookups of the modules that use
    // them find the same answers when those are replayed.
    if (cached && cached.text === text && !inventory && sameValue(cached.summaries, summaries)) summaries = cached.summaries;
    const entry = { file, text, depth, cut: cut.cut, inventory, summaries };
    this.asked.set(entry, lookups);
    this.modules.set(file, entry);
    this.fresh?.push(entry);
    return summaries;
  }

  /** The lookups a module's summaries were made from, asked again at `depth`; null when one answers otherwise. */
  private replay(file: string, depth: number, asked: readonly Lookup[]): Cut | null {
    const cut: Cut = { cut: false };
    const link = this.link(file, depth, [], cut);
    this.building.add(file);
    try {
      for (const lookup of asked) {
        const answer =
          lookup.kind === 'summary'
            ? link.summary(lookup.specifier, lookup.path)
            : lookup.kind === 'connectionKind'
              ? link.connectionKind(lookup.specifier, lookup.path)
              : link.moduleLibraries(lookup.specifier);
        if (!sameValue(answer, lookup.answer)) return null;
      }
    } finally {
      this.building.delete(file);
    }
    return cut;
  }

  /**
   * Keep the modules summarised from now on for `takeFresh`. The CLI's worker threads each keep a project; each
   * sends what it summarised to the others, which `adopt` it, so that a module imported from the files
   * of both is parsed and summarised once rather than once per thread.
   */
  share(): void {
    this.fresh ??= [];
  }

  takeFresh(): CachedModule[] {
    const fresh = this.fresh ?? [];
    if (this.fresh) this.fresh = [];
    return fresh;
  }

  /** Summaries another project made; a module this one has summarised already keeps its own. */
  adopt(entries: readonly CachedModule[]): void {
    for (const entry of entries) {
      const cached = this.modules.get(entry.file);
      if (cached && cached.text === entry.text && (cached.depth <= entry.depth || !cached.cut) && (cached.inventory || !entry.inventory))
        continue;
      this.modules.set(entry.file, entry);
    }
  }

  /**
   * Whether the module, or a module it imports however indirectly, holds database code (the pre-scan's
   * test) or imports a client library. When none does, no function it exports runs a statement and it
   * exports no connection, so its summaries are empty: it is not parsed. Half the modules imported on
   * some codebases are such utilities.
   */
  private reachesDatabaseCode(file: string, text: string): boolean {
    // Files that do not change while the process runs (the audit) are walked once per module.
    if (this.host.unchanging === true) {
      let reaches = this.reaches.get(file);
      if (reaches === undefined) this.reaches.set(file, (reaches = this.walkReaches(file, text)));
      return reaches;
    }
    return this.walkReaches(file, text);
  }

  private walkReaches(file: string, text: string): boolean {
    const seen = new Set([file]);
    const pending: [string, string][] = [[file, text]];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      const [current, source] = next;
      if (this.holdsDatabaseCode(current, source)) return true;
      for (const specifier of this.specifiersOf(current, source)) {
        const imported = this.host.resolve(specifier, current);
        if (imported === null || seen.has(imported)) continue;
        seen.add(imported);
        const importedText = this.host.read(imported);
        if (importedText !== null) pending.push([imported, importedText]);
      }
    }
    return false;
  }

  /** The specifiers a module's text imports from, per content (a module is asked again when summarised again). */
  private specifiersOf(file: string, text: string): readonly string[] {
    const cached = this.specifiers.get(file);
    if (cached && cached.text === text) return cached.specifiers;
    const specifiers = importSpecifiers(text);
    this.specifiers.set(file, { text, specifiers });
    return specifiers;
  }

  private holdsDatabaseCode(file: string, text: string): boolean {
    const cached = this.holds.get(file);
    if (cached && cached.text === text) return cached.verdict;
    // The pre-scan's verdict on the text (shared with it: an audited file is scanned once), or a client library imported.
    const verdict = holdsDatabaseCode(file, text, this.host.unchanging === true) || importsClientLibrary(text);
    this.holds.set(file, { text, verdict });
    return verdict;
  }

  /** Modules under `roots` (but `except`, the file being analysed) whose text names `name`, with their call inventories. */
  private callers(
    name: string,
    roots: readonly string[],
    except: string,
    needs?: RegExp,
  ): { file: string; inventory: CallInventory | null }[] | null {
    const listed = roots.map((root) => this.filesUnder(root));
    if (listed.length === 0 || listed.some((files) => files === null)) return null;
    const key = `${roots.join('\0')}\0${name}`;
    let naming = this.naming.get(key);
    if (!naming) {
      // A name that is no identifier (`<anonymous>`, `then() callback`) is called by no one.
      const word = /^[\w$]+$/.test(name) ? new RegExp(`(?<![\\w$])${name.replaceAll('$', '\\$')}(?![\\w$])`) : null;
      naming = word
        ? listed
            .flatMap((files) => files ?? [])
            .filter((file) => {
              const text = this.host.scan(file);
              return text !== null && text.includes(name) && word.test(text);
            })
        : [];
      this.naming.set(key, naming);
    }
    const others = naming.filter((file) => file !== except);
    if (needs && others.some((file) => !needs.test(this.host.scan(file) ?? ''))) return null;
    return others.map((file) => ({ file, inventory: this.summariesOf(file, 0, true)?.calls ?? null }));
  }

  private filesUnder(root: string): readonly string[] | null {
    if (!this.files.has(root)) this.files.set(root, this.host.list(root));
    return this.files.get(root) ?? null;
  }
}

/**
 * The summary a call reaches, if the analysis can tell: a function of this file (declared, a const
 * arrow, a method of the enclosing class via `this.m()`, a property of a const object), or one another
 * module exports (named, default, a namespace member, a class method through `new C()`, a typed
 * `this.repo` or a NestJS constructor parameter `private readonly repo: StockRepository`).
 */
export function calleeSummary(
  call: TSESTree.CallExpression,
  local: ReadonlyMap<TSESTree.Node, FunctionSummary>,
  ctx: ExtractContext,
  resolver: Resolver,
  project: ProjectLink | null,
): FunctionSummary | null {
  const callee = unwrap(call.callee);
  if (callee.type === 'Identifier') return identifierTarget(callee, [], local, ctx, project);
  if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier') return null;
  const method = callee.property.name;
  const object = unwrap(callee.object);
  if (object.type === 'ThisExpression') {
    const fn = classMethod(enclosingClass(call), method);
    return fn ? (local.get(fn) ?? null) : null;
  }
  if (
    object.type === 'MemberExpression' &&
    unwrap(object.object).type === 'ThisExpression' &&
    !object.computed &&
    object.property.type === 'Identifier'
  ) {
    const type = memberType(enclosingClass(call), object.property.name);
    return type ? identifierTarget(type, [method], local, ctx, project) : null;
  }
  // `models.PayoutMethod.getOrCreateFromUserData(...)`: a class method reached through an imported object of models.
  if (object.type === 'MemberExpression' && !object.computed && object.property.type === 'Identifier') {
    const base = unwrap(object.object);
    return base.type === 'Identifier' ? identifierTarget(base, [object.property.name, method], local, ctx, project) : null;
  }
  if (object.type === 'Identifier') {
    const origin = ctx.origin(object);
    if (origin.type === 'NewExpression' && origin.callee.type === 'Identifier')
      return identifierTarget(origin.callee, [method], local, ctx, project);
    if (origin.type === 'ObjectExpression') {
      const value = propertyFunction(origin, method);
      return value ? (local.get(value) ?? null) : null;
    }
    const def = resolver.definition(object);
    if (def?.kind === 'parameter' && def.typeAnnotation?.type === 'TSTypeReference' && def.typeAnnotation.typeName.type === 'Identifier') {
      return identifierTarget(def.typeAnnotation.typeName, [method], local, ctx, project);
    }
    return identifierTarget(object, [method], local, ctx, project);
  }
  return null;
}

/** What an identifier names, then `rest` inside it: a local function or class, or an import. */
function identifierTarget(
  id: TSESTree.Identifier,
  rest: readonly string[],
  local: ReadonlyMap<TSESTree.Node, FunctionSummary>,
  ctx: ExtractContext,
  project: ProjectLink | null,
): FunctionSummary | null {
  const def = ctx.resolve(id);
  if (!def) return null;
  if (def.importFrom) {
    if (!project) return null;
    const { module, imported } = def.importFrom;
    const head = imported === '*' ? [] : [imported];
    if (head.length + rest.length === 0) return null;
    return project.summary(module, [...head, ...rest]);
  }
  if (def.kind === 'function' && rest.length === 0) return local.get(def.node) ?? null;
  if (def.kind === 'class' && rest.length === 1) {
    const fn = classMethod(def.node.type === 'ClassDeclaration' ? def.node : null, rest[0]!);
    return fn ? (local.get(fn) ?? null) : null;
  }
  if (def.kind === 'variable' && def.init) {
    const init = unwrap(def.init);
    if (rest.length === 0 && (init.type === 'ArrowFunctionExpression' || init.type === 'FunctionExpression'))
      return local.get(init) ?? null;
    if (rest.length === 1 && init.type === 'ObjectExpression') {
      const value = propertyFunction(init, rest[0]!);
      return value ? (local.get(value) ?? null) : null;
    }
    if (rest.length === 1 && init.type === 'ClassExpression') {
      const fn = classMethod(init, rest[0]!);
      return fn ? (local.get(fn) ?? null) : null;
    }
  }
  return null;
}

function enclosingClass(node: TSESTree.Node): TSESTree.ClassDeclaration | TSESTree.ClassExpression | null {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === 'ClassDeclaration' || current.type === 'ClassExpression') return current;
  }
  return null;
}

export function classMethod(
  cls: TSESTree.ClassDeclaration | TSESTree.ClassExpression | null,
  name: string,
): TSESTree.FunctionExpression | TSESTree.ArrowFunctionExpression | null {
  if (!cls) return null;
  for (const member of cls.body.body) {
    if (
      member.type === 'MethodDefinition' &&
      !member.computed &&
      member.key.type === 'Identifier' &&
      member.key.name === name &&
      member.kind === 'method' &&
      member.value.type === 'FunctionExpression'
    )
      return member.value;
    if (
      member.type === 'PropertyDefinition' &&
      !member.computed &&
      member.key.type === 'Identifier' &&
      member.key.name === name &&
      member.value
    ) {
      const value = unwrap(member.value);
      if (value.type === 'ArrowFunctionExpression' || value.type === 'FunctionExpression') return value;
    }
  }
  return null;
}

/** The type name a class declares for a member: `repo: StockRepo`, or `constructor(private readonly repo: StockRepo)`. */
function memberType(cls: TSESTree.ClassDeclaration | TSESTree.ClassExpression | null, name: string): TSESTree.Identifier | null {
  if (!cls) return null;
  const typeOf = (annotation: TSESTree.TSTypeAnnotation | undefined): TSESTree.Identifier | null => {
    const type = annotation?.typeAnnotation;
    return type?.type === 'TSTypeReference' && type.typeName.type === 'Identifier' ? type.typeName : null;
  };
  for (const member of cls.body.body) {
    if (member.type === 'PropertyDefinition' && !member.computed && member.key.type === 'Identifier' && member.key.name === name) {
      const declared = typeOf(member.typeAnnotation);
      if (declared) return declared;
      const value = member.value ? unwrap(member.value) : null;
      if (value?.type === 'NewExpression' && value.callee.type === 'Identifier') return value.callee;
    }
    if (member.type === 'MethodDefinition' && member.kind === 'constructor') {
      for (const param of member.value.params) {
        if (param.type === 'TSParameterProperty' && param.parameter.type === 'Identifier' && param.parameter.name === name)
          return typeOf(param.parameter.typeAnnotation);
      }
    }
  }
  return null;
}

/** The function an object literal holds under a name (`{ getStock: async () => ... }`, `{ getStock() {} }`). */
function propertyFunction(object: TSESTree.ObjectExpression, name: string): TSESTree.Node | null {
  const value = objectProperty(object, name);
  const inner = value ? unwrap(value) : null;
  return inner && isFunction(inner) ? inner : null;
}

/** A module's exports, mapped to the local summaries of the functions they name. */
export function exportedSummaries(
  program: TSESTree.Program,
  local: ReadonlyMap<TSESTree.Node, FunctionSummary>,
  ctx: ExtractContext,
): ModuleSummaries {
  const exports = new Map<string, FunctionSummary>();
  const connections = new Map<string, ConnectionKind>();
  const reexports: ModuleSummaries['reexports'] = [];
  const reexportOf = (name: string, from: { module: string; imported: string }): void => {
    reexports.push({ name, from: from.module, imported: from.imported });
  };
  const addValue = (name: string, value: TSESTree.Node | null | undefined): void => {
    if (!value) return;
    if (
      value.type !== 'ClassDeclaration' &&
      value.type !== 'FunctionDeclaration' &&
      value.type !== 'ClassExpression' &&
      value.type !== 'ObjectExpression'
    ) {
      const kind = ctx.connectionKind(value as TSESTree.Expression);
      if (kind !== 'unknown') connections.set(name, kind);
    }
    let inner = unwrap(value);
    if (inner.type === 'Identifier') {
      const def = ctx.resolve(inner);
      // `import PayoutMethod from './PayoutMethod'; export { PayoutMethod }`: what that module exports.
      if (def?.importFrom) reexportOf(name, def.importFrom);
      if (def?.kind === 'function' || def?.kind === 'class') inner = def.node;
      else if (def?.kind === 'variable' && def.init) inner = unwrap(def.init);
    }
    const summary = local.get(inner);
    if (summary) exports.set(name, summary);
    if (inner.type === 'ClassDeclaration' || inner.type === 'ClassExpression') {
      for (const member of inner.body.body) {
        if (
          (member.type === 'MethodDefinition' || member.type === 'PropertyDefinition') &&
          !member.computed &&
          member.key.type === 'Identifier'
        ) {
          const fn = classMethod(inner, member.key.name);
          const s = fn ? local.get(fn) : undefined;
          if (s) exports.set(`${name}.${member.key.name}`, s);
        }
      }
    }
    if (inner.type === 'ObjectExpression') {
      for (const p of inner.properties) {
        if (p.type === 'Property' && !p.computed && p.key.type === 'Identifier') {
          const target = unwrap(p.value);
          // `const models = { PayoutMethod, Expense }; export default models`, each imported from its module:
          // `models.PayoutMethod.getOrCreate(...)` is that module's class method.
          const imported = target.type === 'Identifier' ? ctx.resolve(target)?.importFrom : undefined;
          if (imported) reexportOf(`${name}.${p.key.name}`, imported);
          const fn = target.type === 'Identifier' ? (ctx.resolve(target)?.node ?? null) : target;
          const resolved = fn && fn.type === 'VariableDeclarator' ? (fn.init ?? null) : fn;
          const s = resolved ? local.get(unwrap(resolved)) : undefined;
          if (s) exports.set(`${name}.${p.key.name}`, s);
        }
      }
    }
  };
  for (const statement of program.body) {
    if (statement.type === 'ExportNamedDeclaration') {
      if (statement.source) {
        for (const s of statement.specifiers) {
          const local = s.local.type === 'Identifier' ? s.local.name : String(s.local.value);
          const exported = s.exported.type === 'Identifier' ? s.exported.name : String(s.exported.value);
          reexports.push({ name: exported, from: statement.source.value, imported: local });
        }
        continue;
      }
      const d = statement.declaration;
      if (d?.type === 'FunctionDeclaration' && d.id) addValue(d.id.name, d);
      if (d?.type === 'ClassDeclaration' && d.id) addValue(d.id.name, d);
      if (d?.type === 'VariableDeclaration') for (const v of d.declarations) if (v.id.type === 'Identifier') addValue(v.id.name, v.init);
      for (const s of statement.specifiers) {
        const exported = s.exported.type === 'Identifier' ? s.exported.name : String(s.exported.value);
        if (s.local.type === 'Identifier') addValue(exported, s.local);
      }
    } else if (statement.type === 'ExportDefaultDeclaration') {
      addValue('default', statement.declaration);
      const d = statement.declaration;
      if ((d.type === 'ClassDeclaration' || d.type === 'FunctionDeclaration') && d.id) addValue(d.id.name, d);
    } else if (statement.type === 'ExportAllDeclaration') {
      reexports.push({ name: statement.exported ? statement.exported.name : '*', from: statement.source.value, imported: '*' });
    } else if (statement.type === 'ExpressionStatement' && statement.expression.type === 'AssignmentExpression') {
      // CommonJS: `module.exports = { a, b }`, `module.exports.a = ...`, `exports.a = ...`.
      const { left, right } = statement.expression;
      if (left.type !== 'MemberExpression' || left.computed || left.property.type !== 'Identifier') continue;
      const base = unwrap(left.object);
      if (base.type === 'Identifier' && base.name === 'module' && left.property.name === 'exports') {
        addValue('default', right);
        const value = unwrap(right);
        if (value.type === 'ObjectExpression') {
          for (const p of value.properties)
            if (p.type === 'Property' && !p.computed && p.key.type === 'Identifier') addValue(p.key.name, p.value);
        }
      } else if (
        (base.type === 'Identifier' && base.name === 'exports') ||
        (base.type === 'MemberExpression' &&
          unwrap(base.object).type === 'Identifier' &&
          (unwrap(base.object) as TSESTree.Identifier).name === 'module')
      ) {
        addValue(left.property.name, right);
        addValue(`default.${left.property.name}`, right);
      }
    }
  }
  return { exports, connections, reexports, calls: null };
}
