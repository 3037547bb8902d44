/**
 * The located form of findings that every front end other than ESLint consumes (the CLI, the proof
 * suite). Lines are 1-based and columns 1-based, as in ESLint's JSON output.
 */
import type { RuleId } from './checks/types.js';

export interface SourceLocation {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface ReportedFinding extends SourceLocation {
  ruleId: RuleId;
  messageId: string;
  message: string;
  /**
   * The check, the act, ...: in this file, or (`file` set, an absolute path) the statement a called
   * function runs in another module, labelled with that function (`read in getVoucher`).
   */
  related: { label: string; line: number; column: number; file?: string }[];
  /** Enclosing function name (`<module>` at top level). */
  functionName: string;
  /** Normalized SQL text of the reported statement. */
  sql: string;
  suggestions: { desc: string; fix: { range: [number, number]; text: string } }[];
}

export interface UnparsedStatement {
  line: number;
  text: string;
  error: string;
}

/** A comment that may be an `eslint-disable` or `eslint-enable` directive; columns are 1-based. */
export interface DirectiveComment extends SourceLocation {
  type: 'Line' | 'Block';
  /** The comment's text without its delimiters, as ESLint's `comment.value`. */
  value: string;
}

export interface FileAnalysis {
  filePath: string;
  /** False when the quick text scan found nothing SQL-like: the file was not parsed at all. */
  scanned: boolean;
  findings: ReportedFinding[];
  /** Set when the JS/TS source itself could not be parsed; findings is then empty. */
  fatal: { message: string; line: number; column: number } | null;
  stats: {
    querySites: number;
    /** Of the query sites, the calls of a model or query-builder API (no SQL text; facts built by the adapter). */
    modelSites?: number;
    statements: number;
    /** Statements pgsql-ast-parser could not read (their facts came from the lexical scan). */
    unparsed: UnparsedStatement[];
    /** Calls shaped like queries whose SQL text could not be evaluated (imported or computed text). */
    unresolved?: number;
  };
  /** Comments that may be eslint-disable/enable directives (absent when the file was not parsed). */
  directiveComments?: DirectiveComment[];
}
