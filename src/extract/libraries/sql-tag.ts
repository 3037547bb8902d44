/**
 * SQL text of a tagged template whose holes are bound values unless the library says otherwise
 * (slonik's ``sql.unsafe`...` ``, kysely's ``sql`...` ``): a value hole becomes `$n`, even when it
 * is a string; a hole the library renders as SQL (an identifier, a raw string, a nested fragment) is
 * written in place; a hole that splices SQL nobody can read statically makes the text incomplete.
 */
import type { TSESTree } from '@typescript-eslint/types';
import type { ExtractContext, SqlText } from '../types.js';

/** What a hole of the template stands for. */
export type Hole =
  { kind: 'value' } | { kind: 'text'; text: string } | { kind: 'template'; template: TSESTree.TemplateLiteral } | { kind: 'unknown' };

export type ClassifyHole = (hole: TSESTree.Expression, ctx: ExtractContext) => Hole;

const MAX_DEPTH = 10;

export function taggedSqlText(template: TSESTree.TemplateLiteral, ctx: ExtractContext, classify: ClassifyHole): SqlText {
  const params: (TSESTree.Node | null)[] = [];
  let complete = true;
  const render = (literal: TSESTree.TemplateLiteral, depth: number): string => {
    let text = '';
    literal.quasis.forEach((quasi, i) => {
      text += quasi.value.cooked ?? quasi.value.raw;
      const hole = literal.expressions[i];
      if (!hole) return;
      const kind = depth < MAX_DEPTH ? classify(hole as TSESTree.Expression, ctx) : { kind: 'unknown' as const };
      switch (kind.kind) {
        case 'text':
          text += kind.text;
          break;
        case 'template':
          text += render(kind.template, depth + 1);
          break;
        case 'unknown':
          complete = false;
          params.push(hole);
          text += `$${params.length}`;
          break;
        default:
          params.push(hole);
          text += `$${params.length}`;
      }
    });
    return text;
  };
  const text = render(template, 0);
  return { text, params, literal: template, complete, dialect: 'postgres' };
}

/** `"a"."b"` for identifier parts written as string literals; null when any part is not one. */
export function quotedIdentifier(parts: readonly TSESTree.Node[]): string | null {
  const names: string[] = [];
  for (const part of parts) {
    if (part.type !== 'Literal' || typeof part.value !== 'string') return null;
    names.push(`"${part.value.replace(/"/g, '""')}"`);
  }
  return names.length > 0 ? names.join('.') : null;
}

/** The string value of a literal or of a `const` bound to one. */
export function constantString(node: TSESTree.Node | undefined, ctx: ExtractContext): string | null {
  if (!node) return null;
  const origin = ctx.origin(node as TSESTree.Expression);
  if (origin.type === 'Literal' && typeof origin.value === 'string') return origin.value;
  if (origin.type === 'TemplateLiteral' && origin.expressions.length === 0) return origin.quasis[0]?.value.cooked ?? null;
  return null;
}
