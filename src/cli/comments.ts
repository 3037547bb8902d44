/**
 * Directive comments of a file the pre-scan found no SQL in, for `--report-unused-disable-directives`
 * (ESLint reports an unused `eslint-disable sql-race/...` there too). The only parse such a file gets;
 * loaded only when a file needs it.
 */
import { parseProgram } from '../parse.js';
import type { DirectiveComment } from '../analyze-types.js';
import { directiveComments } from '../directive-comments.js';

export function readDirectiveComments(text: string, filePath: string): DirectiveComment[] {
  try {
    const program = parseProgram(text, filePath, { comment: true, links: false });
    return directiveComments(program.comments);
  } catch {
    // ESLint would report the parse error; the audit does not parse files without SQL, so it says nothing.
    return [];
  }
}
