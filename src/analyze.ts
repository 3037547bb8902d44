/**
 * The core's entry points. `buildModel` runs extract -> sql -> flow once per program (memoized, so the
 * six ESLint rules share one analysis); `runChecks` runs the checks; `analyzeText` is the whole
 * pipeline for front ends that parse files themselves (the CLI, the proof suite).
 */
import type { TSESTree } from '@typescript-eslint/types';
import { analyze as analyzeScopes } from '@typescript-eslint/scope-manager';
import type { FileAnalysis, ReportedFinding } from './analyze-types.js';
import { CHECKS, formatMessage, ruleMessage } from './checks/index.js';
import { RULE_IDS, type CheckOptions, type Finding, type RuleId } from './checks/types.js';
import { parseProgram } from './parse.js';
import { extract } from './extract/index.js';
import { ADAPTERS } from './extract/libraries/index.js';
import { Resolver, type ScopeManagerLike } from './extract/scope.js';
import type { ExtractContext, QuerySite, TransactionScope } from './extract/types.js';
import { isFunction, unwrap } from './extract/ast.js';
import { declaredHelperScopes, deriveSites, isolatedCallbackScopes, summarize, type FunctionSummary } from './flow/summaries.js';
import { callerVerdict, callInventory, functionKey, indifferentCallers, type CallerOracle, type CallInventory } from './flow/callers.js';
import { functionName } from './extract/ast.js';
import {
  calleeSummary,
  exportedSummaries,
  fileSystemHost,
  Project,
  snapshotHost,
  type ModuleReaders,
  type ModuleSummaries,
  type ProjectLink,
} from './project/index.js';
import { resolve as resolvePath } from 'node:path';
import { importsDatabaseCode } from './project/prescan.js';
import { buildUnits, type Step, type Unit } from './flow/index.js';
import { parameterReads, type ImportedReads } from './flow/results.js';
import { guardsOf, type SqlAnalysis } from './sql/facts.js';
import { reportsAfter } from './flow/answers.js';
import { mightContainSql } from './sql/detect.js';
import { importsClientLibrary, mightContainDatabaseCode } from './extract/prescan.js';
import { analyzeSql } from './sql/index.js';
import { EMPTY_SCHEMA, type Schema } from './schema/index.js';
import { directiveComments, mayHoldDirectives } from './directive-comments.js';
import { HeldParses, RecentParses } from './project/held-parses.js';

export interface Model {
  units: Unit[];
  resolver: Resolver | null;
  querySites: number;
  /** Of `querySites`, the calls of a model or query-builder API (Prisma, Sequelize, TypeORM, knex, kysely, drizzle). */
  modelSites: number;
  statements: number;
  unparsed: { site: QuerySite; error: string }[];
  /** Calls shaped like queries whose SQL text could not be evaluated. */
  unresolved: number;
  /** Calls of functions (of this file or imported) whose statements the analysis follows. */
  summarizedCalls: number;
  /** Summaries of this file's functions, for its importers (src/flow/summaries.ts). */
  summaries: ReadonlyMap<TSESTree.Node, FunctionSummary>;
  context: ExtractContext | null;
}

const EMPTY: Model = {
  units: [],
  resolver: null,
  querySites: 0,
  modelSites: 0,
  statements: 0,
  unparsed: [],
  unresolved: 0,
  summarizedCalls: 0,
  summaries: new Map(),
  context: null,
};
/**
 * Models by program, then by what they were built with (import depth, callers, transaction helpers): the
 * six ESLint rules share one; a program parsed once for a module's summaries and for the file's own
 * analysis gets one model for each.
 */
const models = new WeakMap<TSESTree.Program, Map<string, Model>>();

/** Cheap pre-scan: a file without SQL-like text or model calls is never parsed or analysed. */
export { mightContainSql, mightContainDatabaseCode };

/** How many times a file's own helpers are followed into each other (`a()` calls `b()` calls `c()`). */
const LOCAL_ROUNDS = 3;

/**
 * extract -> sql -> flow for one program. With a project link, calls of functions other modules
 * export are followed too (src/project); without one, only this file's functions.
 */
export interface ModelOptions {
  /** Functions declared to run their callback in a transaction (setting `transactionHelpers`). */
  transactionHelpers?: readonly string[];
  /**
   * Ask the project's callers what a function's connection parameter holds where it takes a row lock
   * (src/flow/callers.ts): for the file being analysed, not for the modules it imports.
   */
  callers?: boolean;
}

export function buildModel(
  program: TSESTree.Program,
  scopeManager: ScopeManagerLike | (() => ScopeManagerLike),
  project: ProjectLink | null = null,
  options: ModelOptions = {},
): Model {
  const variant = `${project === null ? 'alone' : (project.depth ?? 0)}|${options.callers === true}|${(options.transactionHelpers ?? []).join(',')}`;
  let built = models.get(program);
  const cached = built?.get(variant);
  if (cached) return cached;
  const extraction = extract(
    program,
    scopeManager,
    ADAPTERS,
    project ? (module, path) => project.connectionKind(module, path) : null,
    project ? (module) => project.moduleLibraries(module) : null,
  );
  const analyses = new Map<QuerySite, SqlAnalysis>();
  const analyzeSite = (site: QuerySite): SqlAnalysis => {
    let analysis = analyses.get(site);
    if (!analysis) {
      analysis = site.built ? { statements: site.built, parseError: null } : analyzeSql(site.sql.text, site.sql.dialect);
      analyses.set(site, analysis);
    }
    return analysis;
  };
  const declared = [
    ...declaredHelperScopes(program, options.transactionHelpers ?? []),
    ...isolatedCallbackScopes(extraction.sites, extraction.context, extraction.transactions),
  ];
  if (declared.length > 0) {
    extraction.transactions.push(...declared);
    runInHelperTransactions(extraction.sites, declared, extraction.resolver);
  }
  // `isRecipientEmailValidForSending(recipient)`, imported: what it reads of the row, as a local function's.
  const imported: ImportedReads | null =
    project?.parameterReads === undefined ? null : (module, path, index) => project.parameterReads!(module, path)?.[index] ?? null;
  let units = extraction.sites.length > 0 ? buildUnits(extraction, analyzeSite, null, imported) : [];
  let combined: typeof extraction = extraction;
  let summarizedCalls = 0;
  if (units.length > 0 || (project !== null && hasImports(program))) {
    let previous = -1;
    for (let round = 0; round < LOCAL_ROUNDS; round++) {
      const local = summarize(units, extraction.resolver, null, extraction.transactions);
      if (local.size === 0 && project === null) break;
      const derived = deriveSites(
        program,
        (call) => calleeSummary(call, local, extraction.context, extraction.resolver, project),
        extraction.resolver,
      );
      const size = derived.sites.length + derived.scopes.length;
      if (size === 0 || size === previous) break;
      previous = size;
      summarizedCalls = new Set(derived.sites.map((s) => s.node)).size;
      combined = {
        ...extraction,
        sites: [...extraction.sites, ...derived.sites],
        transactions: [...extraction.transactions, ...derived.scopes],
      };
      runInHelperTransactions(combined.sites, [...declared, ...derived.scopes], extraction.resolver);
      units = buildUnits(combined, analyzeSite, null, imported);
    }
  }
  const callerOwned = units.some(
    (u) => u.node.type !== 'Program' && u.steps.some((s) => s.facts.lock && s.transaction.state === 'unknown'),
  );
  if (options.callers === true && project !== null && callerOwned) {
    const ownFile = project.file;
    let own: CallInventory | null = null;
    const before = units;
    const oracle: CallerOracle = (fn, param) =>
      callerVerdict({ key: functionKey(ownFile, fn.loc.start.line, functionName(fn)), name: functionName(fn), param }, (name) => {
        const others = project.callers(name);
        if (others === null) return null;
        return [{ file: ownFile, inventory: (own ??= callInventory(program, before, extraction.resolver, ownFile)) }, ...others];
      });
    units = buildUnits(combined, analyzeSite, oracle, imported);
  }
  // A function whose guarded write's count nobody reads: do its callers care what it did?
  if (options.callers === true && project !== null) {
    const ownFile = project.file;
    let own: CallInventory | null = null;
    const built = units;
    for (const unit of units) {
      if (unit.node.type === 'Program' || !unit.steps.some((step) => uncheckedGuardedWrite(unit, step))) continue;
      const name = functionName(unit.node);
      unit.indifferentCallers = indifferentCallers({ key: functionKey(ownFile, unit.node.loc.start.line, name), name }, (callee) => {
        // Only a call that swallows the failure is indifferent: a module without `.catch(` has none.
        const others = project.callers(callee, SWALLOWS);
        if (others === null) return null;
        return [{ file: ownFile, inventory: (own ??= callInventory(program, built, extraction.resolver, ownFile)) }, ...others];
      });
    }
  }
  // The context stays even with no statement: a module that only creates the pool still exports it.
  let model: Model = { ...EMPTY, unresolved: extraction.unresolved, context: extraction.context };
  if (units.length > 0) {
    const own = extraction.sites;
    const unparsed: Model['unparsed'] = [];
    let statements = 0;
    for (const site of own) {
      const analysis = analyzeSite(site);
      statements += analysis.statements.length;
      if (analysis.parseError !== null) unparsed.push({ site, error: analysis.parseError });
    }
    model = {
      units,
      resolver: extraction.resolver,
      querySites: own.length,
      modelSites: own.filter((site) => site.model !== undefined).length,
      statements,
      unparsed,
      unresolved: extraction.unresolved,
      summarizedCalls,
      summaries: summarize(units, extraction.resolver, project?.file ?? null, extraction.transactions),
      context: extraction.context,
    };
  } else if (extraction.transactions.length > 0) {
    // No statement, but perhaps a transaction helper: `withTx(fn) { return db.transaction(fn) }`.
    model = { ...model, summaries: summarize([], extraction.resolver, project?.file ?? null, extraction.transactions) };
  }
  if (!built) models.set(program, (built = new Map()));
  built.set(variant, model);
  return model;
}

const SWALLOWS = /\.catch\s*\(/;

/**
 * A guarded UPDATE or DELETE the function runs on its own, whose count it neither tests, returns nor
 * hands on, after which it answers nothing: what it did is for its callers to care about.
 */
function uncheckedGuardedWrite(unit: Unit, step: Step): boolean {
  const { facts, result } = step;
  return (
    !step.site.derived &&
    (facts.kind === 'update' || facts.kind === 'delete') &&
    guardsOf(facts.where, []).length > 0 &&
    result.tests.length === 0 &&
    !result.returned &&
    !result.handedOff &&
    !reportsAfter(unit, step)
  );
}

function hasImports(program: TSESTree.Program): boolean {
  return program.body.some(
    (s) =>
      s.type === 'ImportDeclaration' ||
      (s.type === 'VariableDeclaration' &&
        s.declarations.some(
          (d) => d.init?.type === 'CallExpression' && d.init.callee.type === 'Identifier' && d.init.callee.name === 'require',
        )),
  );
}

/** A statement on the connection a transaction helper hands its callback runs in that transaction. */
function runInHelperTransactions(sites: QuerySite[], scopes: readonly TransactionScope[], resolver: Resolver): void {
  if (scopes.length === 0) return;
  const params = new Set(scopes.flatMap((s) => (s.connectionParam?.type === 'Identifier' ? [resolver.variable(s.connectionParam)] : [])));
  for (const site of sites) {
    const connection = site.connection ? unwrap(site.connection) : null;
    if (connection?.type === 'Identifier' && params.has(resolver.variable(connection))) site.connectionKind = 'transaction';
  }
}

/** Run checks; a statement reached through several units (inlined callbacks) is reported once. */
export function runChecks<R extends RuleId = RuleId>(
  model: Model,
  ruleIds: readonly R[] = RULE_IDS as readonly RuleId[] as readonly R[],
  options: CheckOptions = {},
  schema: Schema = EMPTY_SCHEMA,
): Finding<R>[] {
  if (!model.resolver || model.units.length === 0) return [];
  const seen = new Set<string>();
  const findings: Finding<R>[] = [];
  const units = options.includeOneShot === true ? model.units : model.units.filter((unit) => unit.runsOnce === null);
  for (const ruleId of ruleIds) {
    for (const finding of CHECKS[ruleId].check({ units, resolver: model.resolver, options, schema })) {
      const key = `${finding.ruleId}:${finding.messageId}:${finding.node.range.join(',')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push(finding);
    }
  }
  return findings.sort((a, b) => a.node.range[0] - b.node.range[0]);
}

export interface AnalyzeOptions extends CheckOptions {
  rules?: readonly RuleId[];
  /** The schema the project declares (src/schema), read once per project by the front end. */
  schema?: Schema;
  /**
   * Functions that run their callback in a transaction on the connection they pass it (`withTransaction`,
   * `db.tx`), for helpers the analysis cannot see into (a dependency, a framework hook).
   */
  transactionHelpers?: readonly string[];
  /**
   * Follow calls into the functions other modules of the project export (default: on, through the
   * shared file-system project). `false` analyses the file alone (its own functions are still followed).
   */
  project?: Project | false;
  /**
   * The directories whose source files are the project, where the callers of a function are looked for
   * (the CLI's audited directories; ESLint's working directory). Without them, callers are not asked.
   */
  projectRoots?: readonly string[];
  /** The files do not change while this process runs (an audit): modules are read and resolved once. */
  unchangingFiles?: boolean;
}

/**
 * The project the front ends share by default: modules read from disk, each summarised once per
 * content. One per process (each CLI worker thread has its own; an editor keeps it between lints).
 * `unchangingFiles` (the CLI) is said by the first caller: the files are then read and resolved once.
 */
let sharedProject: Project | null = null;
export function defaultProject(unchangingFiles = false): Project {
  return (sharedProject ??= new Project(unchangingFiles ? snapshotHost() : fileSystemHost(), summarizeModule, undefined, exportedReaders));
}

/**
 * Parse a module another file imports and summarise what it exports; null when it cannot be read.
 * With `inventory`, also what its calls pass to the functions they call (src/flow/callers.ts).
 */
export function summarizeModule(file: string, text: string, link: ProjectLink, inventory = false): ModuleSummaries | null {
  if (!inventory && !mightContainDatabaseCode(text) && !RELATIVE_IMPORT.test(text) && !importsClientLibrary(text)) return null;
  // A module that does not parse is one the analysis does not follow.
  const parsed = moduleParse(file, text);
  if (parsed === null) return null;
  const model = buildModel(parsed.program, parsed.scopeManager, link);
  const summaries = model.context ? exportedSummaries(parsed.program, model.summaries, model.context) : null;
  const calls = inventory ? callInventory(parsed.program, model.units, model.resolver, file) : null;
  // The parse may be used again (held for the file's own analysis, kept among the recent ones), but
  // the model, made at this depth with these options, is not: it is not kept.
  models.delete(parsed.program);
  if (!inventory) return summaries;
  return { ...(summaries ?? { exports: new Map(), connections: new Map(), reexports: [] }), calls };
}

/**
 * What the functions a module exports only read of their parameters (`isValid = (r) => isEmail(r.email)`),
 * and what it re-exports; null when it exports nothing or does not parse. Only asked when a row is handed
 * to a function imported from it, once per content (src/project/index.ts).
 */
export function exportedReaders(file: string, text: string): ModuleReaders | null {
  if (!/\bexport\b/.test(text)) return null;
  const parsed = moduleParse(file, text);
  if (parsed === null) return null;
  const resolver = new Resolver(parsed.scopeManager);
  const resolve = (id: TSESTree.Identifier): ReturnType<Resolver['definition']> => resolver.definition(id);
  const readers = new Map<string, readonly (readonly string[] | null)[]>();
  const reexports: ModuleReaders['reexports'] = [];
  const add = (name: string, value: TSESTree.Node | null | undefined): void => {
    let fn = value ? unwrap(value) : null;
    if (fn?.type === 'Identifier') {
      const def = resolve(fn);
      if (def?.importFrom) reexports.push({ name, from: def.importFrom.module, imported: def.importFrom.imported });
      fn = def?.kind === 'function' ? def.node : def?.kind === 'variable' && def.declarationKind === 'const' ? def.init : null;
    }
    if (!fn || !isFunction(fn)) return;
    const reads = fn.params.map((_, index) => parameterReads(fn, index, resolve));
    if (reads.some((r) => r !== null)) readers.set(name, reads);
  };
  const nameOf = (id: TSESTree.Identifier | TSESTree.StringLiteral): string => (id.type === 'Identifier' ? id.name : id.value);
  for (const statement of parsed.program.body) {
    if (statement.type === 'ExportAllDeclaration') {
      if (statement.exported === null) reexports.push({ name: '*', from: statement.source.value, imported: '*' });
    } else if (statement.type === 'ExportDefaultDeclaration') add('default', statement.declaration);
    else if (statement.type === 'ExportNamedDeclaration') {
      const declaration = statement.declaration;
      if (declaration?.type === 'FunctionDeclaration' && declaration.id) add(declaration.id.name, declaration);
      else if (declaration?.type === 'VariableDeclaration' && declaration.kind === 'const')
        for (const d of declaration.declarations) if (d.id.type === 'Identifier') add(d.id.name, d.init);
      for (const specifier of statement.specifiers) {
        if (statement.source)
          reexports.push({ name: nameOf(specifier.exported), from: statement.source.value, imported: nameOf(specifier.local) });
        else add(nameOf(specifier.exported), specifier.local);
      }
    }
  }
  return readers.size === 0 && reexports.length === 0 ? null : { readers, reexports };
}

/** An import or require of another module of the project (or of a tsconfig path alias). */
const RELATIVE_IMPORT = /\b(?:from|require\(|import\()\s*['"](?:\.|[@~#]\/|src\/)/;

interface Parsed {
  program: TSESTree.Program;
  scopeManager: () => ScopeManagerLike;
}

/**
 * Parse a JS/TS file as the CLI does (src/parse.ts; throws typescript-estree's located error); scopes are analysed on
 * first use, once. Comments are kept when the text may hold directives, whoever parses it, so that a
 * module's parse serves the file's own analysis too.
 */
function parseSource(text: string, filePath: string): Parsed {
  const program = parseProgram(text, filePath, { comment: mayHoldDirectives(text) });
  let scopes: ScopeManagerLike | null = null;
  return {
    program,
    scopeManager: () =>
      (scopes ??= analyzeScopes(program, {
        sourceType: /\.c(j|t)s$/i.test(filePath) ? 'script' : 'module',
        // No variables for the standard library's globals (`Promise`, `Array`, ...): the analysis asks
        // what a name declared in the file or imported stands for, and a global is unresolved either way.
        // Making them was a fifth of the scope analysis.
        lib: [],
      }) as unknown as ScopeManagerLike),
  };
}

/** Most source text whose parses are held for a later analysis of the same file (about 15 MB of heap). */
const HELD_TEXT_BUDGET = 300_000;
const heldParses = new HeldParses<Parsed>(HELD_TEXT_BUDGET);

/** Most source text whose parses are kept after use, the oldest dropped first (about 20 MB of heap). */
const RECENT_TEXT_BUDGET = 400_000;
const recentParses = new RecentParses<Parsed>(RECENT_TEXT_BUDGET);

/** A module's parse: held for its file's analysis, kept from a recent use, or made now; null when it does not parse. */
function moduleParse(file: string, text: string): Parsed | null {
  let parsed = heldParses.peek(file, text);
  if (parsed === null) {
    parsed = recentParses.get(file, text);
    if (parsed === null) {
      try {
        parsed = parseSource(text, file);
      } catch {
        return null;
      }
    }
    heldParses.offer(file, text, parsed);
  }
  recentParses.put(file, text, parsed);
  return parsed;
}

/**
 * Keep the parse of an imported module whose file `pending` says this process will analyse later
 * (src/project/held-parses.ts); `heldParseFiles` lists them, so the front end can analyse them next.
 */
export function holdParses(pending: ((file: string) => boolean) | null): void {
  heldParses.expect(pending);
}

export function heldParseFiles(): string[] {
  return heldParses.files();
}

/** Forget a held parse: its file is analysed elsewhere (another worker thread). */
export function dropHeldParse(file: string): void {
  heldParses.drop(file);
}

/** Parse a JS/TS source text and run every check; never throws. */
export function analyzeText(text: string, filePath: string, options: AnalyzeOptions = {}): FileAnalysis {
  if (
    !mightContainDatabaseCode(text) &&
    (options.project === false ||
      !importsDatabaseCode(text, resolvePath(filePath), (options.project ?? defaultProject(options.unchangingFiles)).host))
  )
    return { filePath, scanned: false, findings: [], fatal: null, stats: { querySites: 0, statements: 0, unparsed: [] } };
  return analyzePrescannedText(text, filePath, options);
}

/** analyzeText for a front end that already ran mightContainDatabaseCode on the text (the CLI's pre-scan). */
export function analyzePrescannedText(text: string, filePath: string, options: AnalyzeOptions = {}): FileAnalysis {
  const base: FileAnalysis = { filePath, scanned: true, findings: [], fatal: null, stats: { querySites: 0, statements: 0, unparsed: [] } };
  const file = resolvePath(filePath);
  let parsed = heldParses.take(file, text) ?? recentParses.get(file, text);
  if (parsed === null) {
    try {
      parsed = parseSource(text, filePath);
    } catch (error) {
      const located = error as { lineNumber?: number; column?: number; message?: string };
      return {
        ...base,
        fatal: {
          message: `Parsing error: ${firstLine(located.message)}`,
          line: located.lineNumber ?? 1,
          column: (located.column ?? 0) + 1,
        },
      };
    }
  }
  const { program, scopeManager } = parsed;
  try {
    const project =
      options.project === false
        ? null
        : (options.project ?? defaultProject(options.unchangingFiles)).link(resolvePath(filePath), 0, options.projectRoots ?? []);
    const model = buildModel(program, scopeManager, project, { transactionHelpers: options.transactionHelpers ?? [], callers: true });
    const elsewhere = derivedSites(model);
    const findings = runChecks(model, options.rules ?? RULE_IDS, options, options.schema).map((f) => toReported(f, elsewhere));
    // A module imported by a file audited later is parsed once: the parse is kept, not this model.
    models.delete(program);
    recentParses.put(file, text, parsed);
    return {
      ...base,
      findings,
      directiveComments: directiveComments(program.comments),
      stats: {
        querySites: model.querySites,
        modelSites: model.modelSites,
        statements: model.statements,
        unparsed: model.unparsed.map(({ site, error }) => ({ line: site.node.loc.start.line, text: site.sql.text, error })),
        unresolved: model.unresolved,
      },
    };
  } catch (error) {
    // The core is written never to throw; if it does, the file gets a message instead of a crash.
    return { ...base, fatal: { message: analysisFailure(error), line: 1, column: 1 } };
  }
}

/** The statements called functions of other files run, by the call node that stands for them. */
function derivedSites(model: Model): Map<TSESTree.Node, NonNullable<QuerySite['derived']>[]> {
  const map = new Map<TSESTree.Node, NonNullable<QuerySite['derived']>[]>();
  for (const unit of model.units) {
    for (const step of unit.steps) {
      const derived = step.site.derived;
      if (!derived || derived.file === null) continue;
      const list = map.get(step.site.node) ?? [];
      if (!list.some((d) => d.file === derived.file && d.line === derived.line)) list.push(derived);
      map.set(step.site.node, list);
    }
  }
  return map;
}

function toReported<R extends RuleId>(
  finding: Finding<R>,
  elsewhere: ReadonlyMap<TSESTree.Node, NonNullable<QuerySite['derived']>[]> = new Map(),
): ReportedFinding {
  const { loc } = finding.node;
  const away = (node: TSESTree.Node, label: string): ReportedFinding['related'] =>
    (elsewhere.get(node) ?? []).map((d) => ({ label: `${label} in ${d.function}`, line: d.line, column: 1, file: d.file! }));
  return {
    ruleId: finding.ruleId,
    messageId: finding.messageId,
    message: ruleMessage(finding.ruleId, finding.messageId, finding.data),
    line: loc.start.line,
    column: loc.start.column + 1,
    endLine: loc.end.line,
    endColumn: loc.end.column + 1,
    related: [
      ...finding.related.map((r) => ({ label: r.label, line: r.node.loc.start.line, column: r.node.loc.start.column + 1 })),
      ...away(finding.node, 'statement'),
      ...finding.related.flatMap((r) => away(r.node, r.label)),
    ],
    functionName: finding.functionName,
    sql: finding.sql,
    suggestions: finding.suggestions.flatMap((s) =>
      s.edits.map((edit) => ({ desc: ruleMessage(finding.ruleId, s.messageId, s.data), fix: { range: edit.range, text: edit.text } })),
    ),
  };
}

/**
 * What every front end says about a file whose analysis threw, so the CLI and ESLint give the same
 * answer. The core is written never to throw; a stack overflow on absurd nesting is the one thing it
 * cannot promise.
 */
export const ANALYSIS_FAILED = 'Could not analyze this file: {{reason}}.';

export function analysisFailureReason(error: unknown): string {
  return error instanceof RangeError && /call stack/i.test(error.message)
    ? 'the code is nested too deeply to analyze'
    : `internal error (${firstLine(error instanceof Error ? error.message : String(error))})`;
}

export function analysisFailure(error: unknown): string {
  return formatMessage(ANALYSIS_FAILED, { reason: analysisFailureReason(error) });
}

function firstLine(message: string | undefined): string {
  return (message ?? 'unknown error').split('\n')[0] ?? 'unknown error';
}
