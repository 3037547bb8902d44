/**
 * A cursor over the significant tokens of one DDL statement, shared by the schema's token readers: the
 * lenient one of src/schema/sql.ts (null where a name is missing) and the strict one of
 * src/schema/ddl-tokens.ts (which gives up on anything it does not know).
 */
import { identName, type Token } from '../sql/tokenize.js';

export class Cursor {
  constructor(
    protected readonly tokens: readonly Token[],
    public at = 0,
  ) {}
  peek(offset = 0): Token | undefined {
    return this.tokens[this.at + offset];
  }
  is(...words: string[]): boolean {
    return words.every((w, i) => this.peek(i)?.type === 'word' && this.peek(i)?.value === w);
  }
  take(...words: string[]): boolean {
    if (!this.is(...words)) return false;
    this.at += words.length;
    return true;
  }
  next(): Token | undefined {
    return this.tokens[this.at++];
  }
  done(): boolean {
    return this.at >= this.tokens.length;
  }
  /** A possibly qualified name; its last part. */
  name(): string | null {
    let last: string | null = null;
    for (;;) {
      const t = this.peek();
      if (!t || (t.type !== 'word' && t.type !== 'qident')) return last;
      last = identName(t);
      this.at += 1;
      if (this.peek()?.type !== 'dot') return last;
      this.at += 1;
    }
  }
  /** The tokens of a parenthesised group starting here (without the parentheses), split on top-level commas. */
  group(): Token[][] | null {
    if (this.peek()?.type !== 'open') return null;
    this.at += 1;
    const items: Token[][] = [[]];
    let depth = 0;
    while (!this.done()) {
      const t = this.next()!;
      if (t.type === 'open') depth += 1;
      if (t.type === 'close') {
        if (depth === 0) return items.filter((i) => i.length > 0);
        depth -= 1;
      }
      if (t.type === 'comma' && depth === 0) items.push([]);
      else items.at(-1)!.push(t);
    }
    return items.filter((i) => i.length > 0);
  }
  rest(): Token[] {
    return this.tokens.slice(this.at);
  }
}
