/** Parse a source text the way the CLI does and hand back the core's intermediate results. */
import { analyze } from '@typescript-eslint/scope-manager';
import { parse } from '@typescript-eslint/typescript-estree';
import type { TSESTree } from '@typescript-eslint/types';
import { buildModel, type Model } from '../../src/analyze.js';
import { ensureParents } from '../../src/extract/ast.js';
import { extract, type ExtractResult } from '../../src/extract/index.js';
import type { ScopeManagerLike } from '../../src/extract/scope.js';

export function parseProgram(code: string): { program: TSESTree.Program; scopeManager: ScopeManagerLike } {
  const program = parse(code, { range: true, loc: true }) as TSESTree.Program;
  ensureParents(program);
  return { program, scopeManager: analyze(program, { sourceType: 'module' }) as unknown as ScopeManagerLike };
}

export function extractFrom(code: string): ExtractResult {
  const { program, scopeManager } = parseProgram(code);
  return extract(program, scopeManager);
}

export function modelOf(code: string): Model {
  const { program, scopeManager } = parseProgram(code);
  return buildModel(program, scopeManager);
}

/** The steps of the unit with this name, one line per statement, for compact assertions. */
export function stepsOf(model: Model, unitName: string) {
  const unit = model.units.find((u) => u.name === unitName);
  if (!unit) throw new Error(`no unit named ${unitName}; units: ${model.units.map((u) => u.name).join(', ')}`);
  return unit.steps.map((s) => ({
    line: s.site.node.loc.start.line,
    kind: s.facts.kind,
    connection: `${s.connection.name}:${s.connection.kind}`,
    transaction: s.transaction.state,
    isolation: s.transaction.isolation,
    serializedBy: s.transaction.serializedBy,
    tested: s.result.tests.map((t) => t.loc.start.line),
    returned: s.result.returned,
  }));
}
