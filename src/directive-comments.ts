/**
 * The comments a front end outside ESLint needs to honour `eslint-disable` / `eslint-enable`
 * directives: the parser is asked for comments only when the text mentions a directive, and only
 * comments that may be one are kept (the CLI decides what each one means, as ESLint does).
 */
import type { TSESTree } from '@typescript-eslint/types';
import type { DirectiveComment } from './analyze-types.js';

const DIRECTIVE_WORD = /eslint-(?:disable|enable)/;
const DIRECTIVE_START = /^\s*eslint-(?:disable|enable)/;

/** Cheap text test: without it, the parse needs no comments at all. */
export function mayHoldDirectives(text: string): boolean {
  return DIRECTIVE_WORD.test(text);
}

export function directiveComments(comments: readonly TSESTree.Comment[] | undefined): DirectiveComment[] {
  const kept: DirectiveComment[] = [];
  for (const comment of comments ?? []) {
    if (!DIRECTIVE_START.test(comment.value)) continue;
    kept.push({
      type: comment.type === 'Line' ? 'Line' : 'Block',
      value: comment.value,
      line: comment.loc.start.line,
      column: comment.loc.start.column + 1,
      endLine: comment.loc.end.line,
      endColumn: comment.loc.end.column + 1,
    });
  }
  return kept;
}
