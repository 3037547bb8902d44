/**
 * `eslint-disable` / `eslint-enable` comments in the CLI, with ESLint's own semantics, so that CI and
 * the editor agree. This follows ESLint 10's `SourceCode#getDisableDirectives` (which comments are
 * directives), `createDisableDirectives` in `linter.js` (one directive per rule named) and
 * `apply-disable-directives.js` (what each directive suppresses, and which are unused), keeping to the
 * directives that concern this plugin: those naming a `sql-race/*` rule or no rule at all.
 */
import type { DirectiveComment } from '../analyze-types.js';
import { RULE_PREFIX, type Problem, type Severity } from './results.js';

export type DirectiveType = 'disable' | 'enable' | 'disable-line' | 'disable-next-line';

/** One comment, as written: the rules it names (all of them, sql-race or not). */
interface ParentDirective {
  comment: DirectiveComment;
  type: DirectiveType;
  ruleIds: string[];
}

/** One rule (or null: every rule) of one comment, placed where it takes effect. */
interface Directive {
  parent: ParentDirective;
  type: DirectiveType;
  line: number;
  column: number;
  ruleId: string | null;
  justification: string;
}

/** A block directive, or the disable/enable pair a line directive stands for. */
interface Placed {
  type: 'disable' | 'enable';
  line: number;
  column: number;
  ruleId: string | null;
  source: Directive;
}

export interface DirectiveSet {
  directives: Directive[];
  /** Problems with the comments themselves (a multi-line eslint-disable-line, an unknown sql-race rule). */
  problems: Problem[];
}

export interface Suppression {
  kind: 'directive';
  justification: string;
}

export interface Located {
  ruleId: string | null;
  line: number;
  column: number;
}

const DIRECTIVE_LABEL = /^([a-z]+(?:-[a-z]+)*)(?:\s|$)/u;
const DIRECTIVE_LABELS = /^(eslint(?:-env|-enable|-disable(?:(?:-next)?-line)?)?|exported|globals?)(?:\s|$)/u;
const LINE_COMMENT_LABELS = /^eslint-disable-(?:next-)?line$/u;

/** `@eslint/plugin-kit`'s `ConfigCommentParser#parseDirective`: label, value, and the text after ` -- `. */
function parseDirective(value: string): { label: string; value: string; justification: string } | null {
  const separator = /\s-{2,}\s/u.exec(value);
  const directivePart = (separator === null ? value : value.slice(0, separator.index)).trim();
  const justification = separator === null ? '' : value.slice(separator.index + separator[0].length).trim();
  const match = DIRECTIVE_LABEL.exec(directivePart);
  if (match === null) return null;
  const label = match[1] as string;
  return { label, value: directivePart.slice(match.index + label.length).trim(), justification };
}

/** `ConfigCommentParser#parseListConfig`: comma-separated names, optionally quoted, without repeats. */
function parseRuleList(value: string): string[] {
  const names: string[] = [];
  for (const item of value.split(',')) {
    const name = item.trim().replace(/^(?<quote>['"]?)(?<ruleId>.*)\k<quote>$/su, '$<ruleId>');
    if (name !== '' && !names.includes(name)) names.push(name);
  }
  return names;
}

function concernsThisPlugin(ruleIds: readonly string[]): boolean {
  return ruleIds.length === 0 || ruleIds.some((id) => id.startsWith(RULE_PREFIX));
}

function commentProblem(comment: DirectiveComment, ruleId: string | null, message: string): Problem {
  return {
    ruleId,
    severity: 2,
    message,
    line: comment.line,
    column: comment.column,
    endLine: comment.endLine,
    endColumn: comment.endColumn,
  };
}

/** The directives among a file's comments; `knownRules` are the plugin's rule ids, prefixed. */
export function readDirectives(comments: readonly DirectiveComment[], knownRules: ReadonlySet<string>): DirectiveSet {
  const directives: Directive[] = [];
  const problems: Problem[] = [];
  for (const comment of comments) {
    const parsed = parseDirective(comment.value);
    if (parsed === null || !DIRECTIVE_LABELS.test(parsed.label)) continue;
    if (comment.type === 'Line' && !LINE_COMMENT_LABELS.test(parsed.label)) continue;
    if (!/^eslint-(?:disable|enable|disable-line|disable-next-line)$/u.test(parsed.label)) continue;
    const type = parsed.label.slice('eslint-'.length) as DirectiveType;
    const ruleIds = parseRuleList(parsed.value);
    if (!concernsThisPlugin(ruleIds)) continue;
    if (type === 'disable-line' && comment.line !== comment.endLine) {
      problems.push(commentProblem(comment, null, `${parsed.label} comment should not span multiple lines.`));
      continue;
    }
    const parent: ParentDirective = { comment, type, ruleIds };
    const line = type === 'disable-next-line' ? comment.endLine : comment.line;
    const column = type === 'disable-next-line' ? comment.endColumn : comment.column;
    for (const ruleId of ruleIds.length > 0 ? ruleIds : [null]) {
      if (ruleId !== null && !ruleId.startsWith(RULE_PREFIX)) continue;
      if (ruleId !== null && !knownRules.has(ruleId)) {
        problems.push(commentProblem(comment, ruleId, `Definition for rule '${ruleId}' was not found.`));
        continue;
      }
      directives.push({ parent, type, line, column, ruleId, justification: parsed.justification });
    }
  }
  return { directives, problems };
}

function compareLocations(a: { line: number; column: number }, b: { line: number; column: number }): number {
  return a.line - b.line || a.column - b.column;
}

interface Unused {
  description: string;
  directive: Directive;
}

/** ESLint's `processUnusedDirectives`: a whole comment when all its rules are unused, else rule by rule. */
function describeUnused(unused: readonly Directive[]): Unused[] {
  const groups = new Map<ParentDirective, Directive[]>();
  for (const directive of unused) {
    const group = groups.get(directive.parent);
    if (group === undefined) groups.set(directive.parent, [directive]);
    else group.push(directive);
  }
  return [...groups.values()].flatMap((group) => {
    const first = group[0] as Directive;
    const remaining = new Set(first.parent.ruleIds);
    for (const directive of group) remaining.delete(directive.ruleId as string);
    if (remaining.size > 0) {
      return group.map((directive) => ({ description: `'${directive.ruleId}'`, directive }));
    }
    const names = group.filter((directive) => directive.ruleId !== null).map((directive) => `'${directive.ruleId}'`);
    const description = names.length <= 2 ? names.join(' or ') : `${names.slice(0, -1).join(', ')}, or ${names.at(-1)}`;
    return [{ description, directive: first }];
  });
}

/** ESLint's `collectUsedEnableDirectives`: an enable is used when it ends an earlier disable. */
function usedEnables(directives: readonly Placed[]): Set<Placed> {
  const enabled = new Map<string | null, Placed>();
  const used = new Set<Placed>();
  for (let index = directives.length - 1; index >= 0; index -= 1) {
    const directive = directives[index] as Placed;
    if (directive.type === 'disable') {
      if (enabled.size === 0) continue;
      if (directive.ruleId === null) {
        for (const enable of enabled.values()) used.add(enable);
        enabled.clear();
      } else {
        const enable = enabled.get(directive.ruleId) ?? enabled.get(null);
        if (enable !== undefined) used.add(enable);
      }
    } else if (directive.ruleId === null) {
      enabled.clear();
      enabled.set(null, directive);
    } else {
      enabled.set(directive.ruleId, directive);
    }
  }
  return used;
}

/** ESLint's `applyDirectives` for one kind of directives (block, or line). */
function applyPlaced<P extends Located>(
  problems: readonly P[],
  directives: readonly Placed[],
  suppressions: Map<P, Suppression[]>,
  ignoredForUnused: ReadonlySet<string | null>,
): Unused[] {
  if (directives.length === 0) return [];
  const used = new Set<Placed>();
  for (const problem of problems) {
    let disabling: Placed[] = [];
    for (const directive of directives) {
      if (compareLocations(directive, problem) > 0) break;
      if (directive.ruleId !== null && directive.ruleId !== problem.ruleId) continue;
      if (directive.type === 'disable') disabling.push(directive);
      else disabling = [];
    }
    if (disabling.length === 0) continue;
    const added = disabling.map((directive): Suppression => ({ kind: 'directive', justification: directive.source.justification }));
    const existing = suppressions.get(problem);
    if (existing !== undefined) {
      existing.push(...added);
    } else {
      suppressions.set(problem, added);
      used.add(disabling.at(-1) as Placed);
    }
  }
  const unusedDisables = directives.filter(
    (directive) => directive.type === 'disable' && !used.has(directive) && !ignoredForUnused.has(directive.ruleId),
  );
  const unusedEnables = new Set(
    directives.filter((directive) => directive.source.type === 'enable' && !ignoredForUnused.has(directive.ruleId)),
  );
  if (unusedEnables.size > 0) for (const directive of usedEnables(directives)) unusedEnables.delete(directive);
  return [
    ...describeUnused(unusedDisables.map((directive) => directive.source)),
    ...describeUnused([...unusedEnables].map((directive) => directive.source)),
  ];
}

function place(directives: readonly Directive[]): { block: Placed[]; line: Placed[] } {
  const block: Placed[] = [];
  const line: Placed[] = [];
  for (const directive of directives) {
    const { ruleId } = directive;
    switch (directive.type) {
      case 'disable':
      case 'enable':
        block.push({ type: directive.type, line: directive.line, column: directive.column, ruleId, source: directive });
        break;
      case 'disable-line':
      case 'disable-next-line': {
        const first = directive.line + (directive.type === 'disable-line' ? 0 : 1);
        line.push({ type: 'disable', line: first, column: 1, ruleId, source: directive });
        line.push({ type: 'enable', line: first + 1, column: 0, ruleId, source: directive });
        break;
      }
    }
  }
  return { block: block.sort(compareLocations), line: line.sort(compareLocations) };
}

export interface AppliedDirectives<P> {
  /** Problems no directive covers, in order. */
  kept: P[];
  /** Problems a directive covers, with why. */
  suppressed: { problem: P; suppressions: Suppression[] }[];
  /** Unused directives, as problems (only when asked for). */
  unused: Problem[];
}

export interface ApplyOptions {
  /** `--report-unused-disable-directives`: the severity of an unused directive, or off. */
  reportUnused: Severity | 0;
  /** Rules that did not run (ESLint's rulesToIgnore: with --quiet, the rules at warn, and null). */
  ignoredForUnused?: ReadonlySet<string | null>;
}

/** Which problems the directives suppress, and which directives are unused; problems sorted by position. */
export function applyDirectives<P extends Located>(
  problems: readonly P[],
  directives: readonly Directive[],
  options: ApplyOptions,
): AppliedDirectives<P> {
  if (directives.length === 0) return { kept: [...problems], suppressed: [], unused: [] };
  const sorted = [...problems].sort(compareLocations);
  const ignored = options.ignoredForUnused ?? new Set<string | null>();
  const { block, line } = place(directives);
  const suppressions = new Map<P, Suppression[]>();
  const unused = [...applyPlaced(sorted, block, suppressions, ignored), ...applyPlaced(sorted, line, suppressions, ignored)];
  const kept: P[] = [];
  const suppressed: AppliedDirectives<P>['suppressed'] = [];
  for (const problem of sorted) {
    const why = suppressions.get(problem);
    if (why === undefined) kept.push(problem);
    else suppressed.push({ problem, suppressions: why });
  }
  const unusedProblems =
    options.reportUnused === 0
      ? []
      : unused
          .map(({ description, directive }): Problem => {
            const kind = directive.type === 'enable' ? 'enable' : 'disable';
            const message =
              kind === 'enable'
                ? `Unused eslint-enable directive (no matching eslint-disable directives were found${description ? ` for ${description}` : ''}).`
                : `Unused eslint-disable directive (no problems were reported${description ? ` from ${description}` : ''}).`;
            const { comment } = directive.parent;
            return { ruleId: null, severity: options.reportUnused as Severity, message, line: comment.line, column: comment.column };
          })
          .sort(compareLocations);
  return { kept, suppressed, unused: unusedProblems };
}
