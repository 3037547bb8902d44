/**
 * Parses kept between the summaries of a module and the analysis of the same file. On a large
 * codebase a third of the files the CLI parses to summarise an import are files it audits too (the
 * models, the repositories), and each was parsed twice. The front end says which files it will
 * analyse later (`expect`); a module's parse is kept for those, within a budget of source text, until
 * that file's analysis takes it. The front end then analyses first the files whose parse is held, so
 * that few are held at once (src/cli/run.ts, src/cli/workers.ts).
 *
 * Only the parse (program, parent links, scopes) is shared: the model is built again, since a module's
 * summaries are made at another import depth and without the analysed file's options.
 */
export class HeldParses<P> {
  private readonly held = new Map<string, { text: string; parsed: P }>();
  private chars = 0;
  private pending: ((file: string) => boolean) | null = null;

  /** `budget`: the most source text (in characters) whose parses are held at once. */
  constructor(private readonly budget: number) {}

  /** Hold from now on the parse of a module whose file `pending` says will be analysed later. */
  expect(pending: ((file: string) => boolean) | null): void {
    this.pending = pending;
    if (pending === null) for (const file of this.files()) this.drop(file);
  }

  /** The parse held for `file`, if it was made from this text; it stays held. */
  peek(file: string, text: string): P | null {
    const entry = this.held.get(file);
    return entry !== undefined && entry.text === text ? entry.parsed : null;
  }

  /** A module's parse: held when its file is to be analysed later and the budget allows. */
  offer(file: string, text: string, parsed: P): void {
    if (this.pending === null || this.held.has(file) || this.chars + text.length > this.budget || !this.pending(file)) return;
    this.held.set(file, { text, parsed });
    this.chars += text.length;
  }

  /** The parse held for `file` (if made from this text), no longer held: the file's own analysis. */
  take(file: string, text: string): P | null {
    const parsed = this.peek(file, text);
    this.drop(file);
    return parsed;
  }

  drop(file: string): void {
    const entry = this.held.get(file);
    if (entry === undefined) return;
    this.held.delete(file);
    this.chars -= entry.text.length;
  }

  /** The files whose parse is held, in the order they were parsed. */
  files(): string[] {
    return [...this.held.keys()];
  }
}

/**
 * The parses of the modules summarised last, within a budget of source text, the oldest dropped first.
 * A module is summarised again when it is asked for nearer the analysed file than it was first reached
 * (its summaries were cut short at the import depth limit), and a file audited after its module's
 * summaries were made is parsed for its own analysis: on logto, 90 of the audit's 411 parses were of a
 * text parsed before, most of them within the last hundred parses. The parse is the same; the model is
 * built again (another depth, other options).
 */
export class RecentParses<P> {
  private readonly recent = new Map<string, { text: string; parsed: P }>();
  private chars = 0;

  constructor(private readonly budget: number) {}

  /** The parse kept for `file`, if made from this text; it is now the most recent. */
  get(file: string, text: string): P | null {
    const entry = this.recent.get(file);
    if (entry === undefined || entry.text !== text) return null;
    this.recent.delete(file);
    this.recent.set(file, entry);
    return entry.parsed;
  }

  /** Keep a parse, dropping the oldest beyond the budget (a text larger than the budget is not kept). */
  put(file: string, text: string, parsed: P): void {
    this.drop(file);
    if (text.length > this.budget) return;
    this.recent.set(file, { text, parsed });
    this.chars += text.length;
    for (const [oldest, entry] of this.recent) {
      if (this.chars <= this.budget) break;
      this.recent.delete(oldest);
      this.chars -= entry.text.length;
    }
  }

  drop(file: string): void {
    const entry = this.recent.get(file);
    if (entry === undefined) return;
    this.recent.delete(file);
    this.chars -= entry.text.length;
  }
}
