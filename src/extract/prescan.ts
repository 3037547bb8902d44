/**
 * The cheap per-file test both front ends run before parsing a file: may it hold database code? SQL
 * text (src/sql/detect.ts), or the model and query-builder calls an adapter names in its `hints`
 * (`prisma.user.update(`, `.findOne(`, `.updateTable(`), which carry no SQL text. A file that
 * matches neither is never parsed.
 */
import { mightContainSql } from '../sql/detect.js';
import { ADAPTERS } from './libraries/index.js';

const HINTS: readonly RegExp[] = ADAPTERS.flatMap((adapter) => (adapter.hints ? [adapter.hints] : []));

export function mightContainDatabaseCode(text: string): boolean {
  return mightContainSql(text) || HINTS.some((hint) => hint.test(text));
}
