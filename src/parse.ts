/**
 * The parse of the front ends that read files themselves (the CLI, the proof suite, the schema read,
 * imported modules): oxc's parser, asked for a TS-ESTree AST with ranges, with `parent` and `loc` added
 * here, and typescript-estree where oxc reports an error or cannot be loaded. The ESLint rules keep the
 * AST ESLint gives them.
 *
 * Why: typescript-estree's parse (TypeScript's parser, then a conversion) was a third of the audit's CPU
 * on a large codebase; oxc gives the same tree (same node types, ranges and children on the 25 codebases
 * of bench/corpus) in about half the CPU, and a worker that never falls back never loads TypeScript.
 * oxc writes `null` where typescript-estree leaves a property out (`typeArguments`, `returnType`, ...);
 * the analysis tests them by truthiness or `?.`, which reads both the same.
 *
 * A file with a syntax error is parsed again by typescript-estree, so the message (and its line) is the
 * one the audit has always given, and whatever oxc would reject that TypeScript accepts is still read.
 */
import { createRequire } from 'node:module';
import type { TSESTree } from '@typescript-eslint/types';
import type { parse as tsParse } from '@typescript-eslint/typescript-estree';
import { ensureParents, walk } from './extract/ast.js';

export interface ParseOptions {
  /** Keep the comments (`program.comments`, with `loc`). */
  comment?: boolean;
  /** Add `parent` and `loc` to every node (the analysis needs them; the schema read does not). */
  links?: boolean;
}

interface OxcResult {
  program: unknown;
  comments: { type: 'Line' | 'Block'; value: string; start: number; end: number }[];
  errors: readonly unknown[];
}
type OxcParseSync = (filename: string, text: string, options: Record<string, unknown>) => OxcResult;

const require = createRequire(import.meta.url);
let oxcParse: OxcParseSync | null | undefined;
let typescriptParse: typeof tsParse | undefined;

function oxc(): OxcParseSync | null {
  if (oxcParse === undefined) {
    try {
      oxcParse =
        process.env.SQL_RACE_PARSER === 'typescript-estree' ? null : (require('oxc-parser') as { parseSync: OxcParseSync }).parseSync;
    } catch {
      // No native binding for this platform: typescript-estree reads everything.
      oxcParse = null;
    }
  }
  return oxcParse;
}

function typescriptEstree(): typeof tsParse {
  return (typescriptParse ??= (require('@typescript-eslint/typescript-estree') as { parse: typeof tsParse }).parse);
}

/** Parse a JS/TS file; throws typescript-estree's located error when the text does not parse. */
export function parseProgram(text: string, filePath: string, options: ParseOptions = {}): TSESTree.Program {
  const links = options.links ?? true;
  const parseSync = oxc();
  if (parseSync !== null) {
    const result = parseSync(filePath, text, {
      lang: languageOf(filePath),
      astType: 'ts',
      range: true,
      preserveParens: false,
    });
    if (result.errors.length === 0) {
      const program = result.program as TSESTree.Program;
      const lines = links || options.comment ? new LineIndex(text) : null;
      if (links) addLinks(program, lines!);
      if (options.comment) program.comments = result.comments.map((c) => comment(c, lines!));
      return program;
    }
  }
  const program = typescriptEstree()(text, {
    range: true,
    loc: links,
    comment: options.comment ?? false,
    tokens: false,
    jsx: !/\.(c|m)?ts$/i.test(filePath),
    filePath,
  }) as TSESTree.Program;
  if (links) ensureParents(program);
  return program;
}

/** What typescript-estree reads a file as: TypeScript without JSX for `.ts`, `.mts`, `.cts`; JSX otherwise. */
function languageOf(filePath: string): 'ts' | 'tsx' | 'jsx' {
  if (/\.(c|m)?ts$/i.test(filePath)) return 'ts';
  if (/\.tsx$/i.test(filePath)) return 'tsx';
  return 'jsx';
}

function addLinks(program: TSESTree.Program, lines: LineIndex): void {
  walk(program, (node, parent) => {
    const n = node as { parent?: TSESTree.Node; loc: TSESTree.SourceLocation };
    if (parent) n.parent = parent;
    n.loc = new Loc(lines, node.range[0], node.range[1]);
  });
}

function comment(c: OxcResult['comments'][number], lines: LineIndex): TSESTree.Comment {
  return { type: c.type, value: c.value, range: [c.start, c.end], loc: new Loc(lines, c.start, c.end) } as TSESTree.Comment;
}

/** Line starts of a text, for offsets -> line and column (TypeScript's line breaks, as typescript-estree's `loc`). */
class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      } else if (c === 10 || c === 0x2028 || c === 0x2029) this.starts.push(i + 1);
    }
  }

  position(offset: number): TSESTree.Position {
    const starts = this.starts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - starts[low]! };
  }
}

/** A node's `loc`, computed when read: the analysis reads the lines of a few nodes per file. */
class Loc {
  constructor(
    private readonly lines: LineIndex,
    private readonly from: number,
    private readonly to: number,
  ) {}

  get start(): TSESTree.Position {
    return this.lines.position(this.from);
  }

  get end(): TSESTree.Position {
    return this.lines.position(this.to);
  }
}
