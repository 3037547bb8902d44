/**
 * The common forms of DDL read straight from their tokens, without pgsql-ast-parser: CREATE TABLE with
 * plain columns and keys, ALTER TABLE adding, dropping, renaming and retyping columns and keys, CREATE
 * UNIQUE INDEX on plain columns, DROP TABLE, DROP INDEX. The parser takes 2-3 ms per statement (its
 * Earley parse of a long CREATE TABLE is most of an audit's schema read); these forms are most of the
 * DDL of every codebase measured, and read here in a tenth of that. Anything else — a CHECK, an
 * expression index, a partial index, a generated column, a type the parser names differently, vendor
 * syntax — answers null, and the statement goes to the parser as before. What is read here is what the
 * parser's reading gives (src/schema/sql.ts `fromAst`), statement for statement: the test compares the
 * two on every form, and bench/ddl-agreement.ts on the migrations of real codebases.
 */
import type { Token } from '../sql/tokenize.js';
import { Cursor } from './cursor.js';
import type { CheckBound, SchemaOp } from './types.js';

/** Thrown where the tokens leave the forms read here; caught by `quickSchemaOps`. */
class Unsure extends Error {}

const unsure = (): never => {
  throw new Unsure();
};

/** Words that end a column's type and begin its constraints. */
const COLUMN_CONSTRAINT = new Set(['not', 'null', 'default', 'primary', 'unique', 'references', 'constraint', 'check']);

/** Types of more than one word, as the parser names them (it drops a length or precision in the middle). */
const MULTI_WORD_TYPES = new Set([
  'double precision',
  'character varying',
  'bit varying',
  'timestamp with time zone',
  'timestamp without time zone',
  'time with time zone',
  'time without time zone',
]);

const REFERENTIAL_ACTIONS = ['cascade', 'restrict', 'no action', 'set null', 'set default'];

/** The shared cursor, strict: a missing name or a token left over gives up on the statement. */
class Reader extends Cursor {
  /** A reader of the tokens from `start` to here. */
  since(start: number): Reader {
    return new Reader(this.tokens.slice(start, this.at));
  }
  end(): void {
    if (!this.done()) unsure();
  }
  /** A name (`"Quoted"` as written, a word in lower case); a qualified name gives its last part. */
  override name(): string {
    for (;;) {
      const part = this.part();
      if (part === null) return unsure();
      if (this.peek()?.type !== 'dot') return part;
      this.at += 1;
    }
  }
  private part(): string | null {
    const t = this.peek();
    if (t === undefined) return null;
    let name: string | null = null;
    if (t.type === 'word') name = t.value;
    // A MySQL tokenization (a backtick in a comment) reads "Name" as a string: the parser reads a name.
    else if ((t.type === 'qident' || t.type === 'string') && t.text.startsWith('"') && t.text.endsWith('"') && t.text.length > 2)
      name = t.value;
    if (name === null) return null;
    this.at += 1;
    return name;
  }
  /** A parenthesised list of plain names: `("a", b)`. */
  names(): string[] {
    if (this.peek()?.type !== 'open') return unsure();
    this.at += 1;
    const names: string[] = [];
    for (;;) {
      names.push(this.name());
      const t = this.peek();
      this.at += 1;
      if (t?.type === 'close') return names;
      if (t?.type !== 'comma') return unsure();
    }
  }
  /** Skips a parenthesised group (nested groups included). */
  skipGroup(): void {
    if (this.peek()?.type !== 'open') unsure();
    let depth = 0;
    while (!this.done()) {
      const t = this.peek()!;
      this.at += 1;
      if (t.type === 'open') depth += 1;
      else if (t.type === 'close' && --depth === 0) return;
    }
    unsure();
  }
  /** Skips a parenthesised group and gives the tokens inside it. */
  inside(): Token[] {
    const start = this.at;
    this.skipGroup();
    return this.tokens.slice(start + 1, this.at - 1);
  }
  /** The tokens of a top-level parenthesised list, split on its commas, each item read by `item`. */
  items(item: (r: Reader) => void): void {
    if (this.peek()?.type !== 'open') unsure();
    this.at += 1;
    let start = this.at;
    let depth = 0;
    while (!this.done()) {
      const t = this.peek()!;
      if (t.type === 'open') depth += 1;
      else if (t.type === 'close' && depth > 0) depth -= 1;
      else if ((t.type === 'comma' || t.type === 'close') && depth === 0) {
        const sub = this.since(start);
        if (sub.done()) unsure();
        item(sub);
        this.at += 1;
        if (t.type === 'close') return;
        start = this.at;
        continue;
      }
      this.at += 1;
    }
    unsure();
  }
}

/** A column's type as the parser names it: words in lower case, a length dropped, `[]` per dimension. */
function columnType(r: Reader): string {
  const words: string[] = [];
  let quoted = false;
  for (;;) {
    const t = r.peek();
    if (t === undefined) break;
    if (t.type === 'word' && !COLUMN_CONSTRAINT.has(t.value) && t.value !== 'using') {
      words.push(t.value);
      r.at += 1;
    } else if (words.length === 0 && (t.type === 'qident' || t.type === 'string') && t.text.startsWith('"')) {
      // `"AccountType"`, `"public"."Foo"`: a quoted type name, which the parser gives in lower case.
      quoted = true;
      words.push(r.name().toLowerCase());
    } else if (t.type === 'open' && t.text === '(' && words.length > 0) {
      r.skipGroup();
    } else break;
    if (r.peek()?.type === 'dot') {
      // `public.citext`: the schema is dropped.
      if (words.length !== 1) unsure();
      r.at += 1;
      words.pop();
    }
  }
  if (words.length === 0) unsure();
  const name = words.join(' ');
  if (words.length > 1 && (quoted || !MULTI_WORD_TYPES.has(name))) unsure();
  let dims = '';
  while (r.peek()?.text === '[') {
    if (r.peek(1)?.text !== ']') unsure();
    dims += '[]';
    r.at += 2;
  }
  return name + dims;
}

/** `REFERENCES t (cols) ON DELETE CASCADE ON UPDATE NO ACTION`: nothing the schema keeps. */
function references(r: Reader): void {
  r.name();
  if (r.peek()?.type === 'open') r.names();
  while (r.take('on')) {
    if (!r.take('delete') && !r.take('update')) unsure();
    if (!REFERENTIAL_ACTIONS.some((action) => r.take(...action.split(' ')))) unsure();
  }
}

/** A CHECK's comparison as the schema keeps it, column on the left (`!=` is `<>`); shared with the parser's reading. */
export const CHECK_OPERATOR: Readonly<Record<string, CheckBound['operator']>> = {
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
  '=': '=',
  '<>': '<>',
  '!=': '<>',
};
/** The same comparison written with the literal on the left (`0 <= stock` is `stock >= 0`). */
export const CHECK_OPERATOR_FLIPPED: Readonly<Record<string, CheckBound['operator']>> = {
  '>': '<',
  '>=': '<=',
  '<': '>',
  '<=': '>=',
  '=': '=',
  '<>': '<>',
  '!=': '<>',
};

/** A literal as the parser's reading writes it in a bound (`0`, `0.5`, `'x'`), or null for any other token. */
function boundLiteral(t: Token | undefined): string | null {
  if (t?.type === 'number' && /^(?:0|[1-9]\d{0,14})(?:\.\d{0,14}[1-9])?$/.test(t.text)) return t.text;
  if (t?.type === 'string' && t.text.startsWith("'") && !t.text.slice(1, -1).includes("'")) return `'${t.value}'`;
  return null;
}

/**
 * `CHECK (...)`: what the parser's reading keeps of it (src/schema/sql.ts `checkBounds`). Conjuncts that
 * compare a column with a literal (`stock >= 0 AND price > 0`) give one bound each; a condition with no
 * comparison and no AND (`check_role_type(role_id, 'User')`, `kind IN ('a', 'b')`, `x IS NOT NULL`)
 * gives none. Anything else (parentheses around a comparison, a computed side, OR of comparisons) is
 * left to the parser.
 */
function check(r: Reader, table: string, name: string | null): SchemaOp[] {
  const inner = r.inside();
  if (inner.length === 0) unsure();
  const comparing = (t: Token): boolean => (t.type === 'op' && /[<>=!]/.test(t.text)) || (t.type === 'word' && t.value === 'and');
  if (!inner.some(comparing)) return [];
  const ops: SchemaOp[] = [];
  for (let i = 0; i < inner.length; i += 4) {
    const [left, op, right, next] = [inner[i], inner[i + 1], inner[i + 2], inner[i + 3]];
    if (next !== undefined && !(next.type === 'word' && next.value === 'and' && i + 4 < inner.length)) unsure();
    if (op?.type !== 'op' || CHECK_OPERATOR[op.text] === undefined) unsure();
    const column = (t: Token | undefined): string | null =>
      t?.type === 'word' && !KEYWORDS.has(t.value) ? t.value : t?.type === 'qident' && t.text.startsWith('"') ? t.value : null;
    let found: CheckBound | null = null;
    const [l, rb] = [column(left), boundLiteral(right)];
    if (l !== null && rb !== null) found = { name, column: l, operator: CHECK_OPERATOR[op!.text]!, bound: rb, text: '' };
    const [lb, rc] = [boundLiteral(left), column(right)];
    if (found === null && lb !== null && rc !== null)
      found = { name, column: rc, operator: CHECK_OPERATOR_FLIPPED[op!.text]!, bound: lb, text: '' };
    if (found === null) return unsure();
    found.text = `${found.column} ${found.operator} ${found.bound}`;
    ops.push({ op: 'check', table, check: found });
  }
  return ops;
}

/** Words the parser reads as something other than a column where a check bound would name one. */
const KEYWORDS = new Set([
  'true',
  'false',
  'null',
  'not',
  'and',
  'or',
  'is',
  'in',
  'like',
  'between',
  'current_date',
  'current_timestamp',
  'now',
]);

/** A column definition after its name: its type, then NOT NULL, NULL, DEFAULT, PRIMARY KEY, UNIQUE, REFERENCES. */
function column(r: Reader, table: string, name: string): SchemaOp[] {
  const ops: SchemaOp[] = [{ op: 'column', table, column: name, type: columnType(r) }];
  while (!r.done()) {
    let constraint: string | null = null;
    if (r.take('constraint')) constraint = r.name();
    if (r.take('not', 'null') || r.take('null')) {
      if (constraint !== null) unsure();
    } else if (r.take('default')) {
      if (constraint !== null) unsure();
      // The value, up to the next constraint: nothing of it is kept.
      let depth = 0;
      const start = r.at;
      while (!r.done()) {
        const t = r.peek()!;
        if (depth === 0 && t.type === 'word' && COLUMN_CONSTRAINT.has(t.value) && r.at > start) break;
        if (depth === 0 && t.type === 'word' && /^(?:generated|collate|as)$/.test(t.value)) unsure();
        if (t.type === 'open') depth += 1;
        else if (t.type === 'close') depth -= 1;
        r.at += 1;
      }
      if (r.at === start) unsure();
    } else if (r.take('primary', 'key')) {
      ops.push({ op: 'primary-key', table, name: constraint, columns: [name] });
    } else if (r.take('unique')) {
      ops.push({ op: 'unique', table, key: { name: constraint, columns: [name], where: null, expression: false } });
    } else if (r.take('references')) {
      references(r);
    } else if (r.take('check')) {
      ops.push(...check(r, table, constraint));
    } else unsure();
  }
  return ops;
}

/** A table constraint: PRIMARY KEY (cols), UNIQUE (cols), FOREIGN KEY (cols) REFERENCES ...; with its name. */
function tableConstraint(r: Reader, table: string, name: string | null): SchemaOp[] {
  if (r.take('primary', 'key')) {
    const columns = r.names();
    r.end();
    return [{ op: 'primary-key', table, name, columns }];
  }
  if (r.take('unique')) {
    const columns = r.names();
    r.end();
    return [{ op: 'unique', table, key: { name, columns, where: null, expression: false } }];
  }
  if (r.take('foreign', 'key')) {
    r.names();
    if (!r.take('references')) unsure();
    references(r);
    r.end();
    return [];
  }
  if (r.take('check')) {
    const ops = check(r, table, name);
    r.end();
    return ops;
  }
  return unsure();
}

/**
 * A column named `key` (`key varchar(256) not null`), not MySQL's `KEY name (cols)` index: a type word
 * follows, then nothing in parentheses or a length (a number, where an index lists column names).
 */
function typedKeyColumn(item: Reader): boolean {
  const [type, open, first] = [item.peek(1), item.peek(2), item.peek(3)];
  return type?.type === 'word' && (open?.type !== 'open' || first?.type === 'number');
}

function createTable(r: Reader): SchemaOp[] {
  r.take('if', 'not', 'exists');
  const table = r.name();
  const ops: SchemaOp[] = [{ op: 'create-table', table }];
  const constraints: SchemaOp[] = [];
  r.items((item) => {
    if (item.take('constraint')) {
      const name = item.name();
      constraints.push(...tableConstraint(item, table, name));
    } else if (item.is('primary', 'key') || item.is('unique') || item.is('foreign', 'key') || item.is('check')) {
      constraints.push(...tableConstraint(item, table, null));
    } else {
      const t = item.peek();
      if (t?.type === 'word' && /^(?:exclude|like|index|fulltext|spatial|period)$/.test(t.value)) unsure();
      if (t?.type === 'word' && t.value === 'key' && !typedKeyColumn(item)) unsure();
      ops.push(...column(item, table, item.name()));
    }
  });
  r.end();
  // The parser lists the columns (with their own constraints) first, then the table's constraints.
  return [...ops, ...constraints];
}

function alterTable(r: Reader): SchemaOp[] {
  r.take('if', 'exists');
  r.take('only');
  let table = r.name();
  const ops: SchemaOp[] = [];
  for (;;) {
    if (r.take('add')) {
      if (r.take('constraint')) {
        const name = r.name();
        ops.push(...tableConstraintUntilComma(r, table, name));
      } else if (r.is('primary', 'key') || r.is('unique') || r.is('foreign', 'key')) {
        ops.push(...tableConstraintUntilComma(r, table, null));
      } else {
        if (r.is('check')) unsure();
        r.take('column');
        r.take('if', 'not', 'exists');
        const name = r.name();
        ops.push(...untilComma(r, (sub) => column(sub, table, name)));
      }
    } else if (r.take('drop')) {
      if (r.take('constraint')) {
        r.take('if', 'exists');
        ops.push({ op: 'drop-constraint', table, name: r.name() });
      } else if (r.take('column')) {
        r.take('if', 'exists');
        ops.push({ op: 'drop-column', table, column: r.name() });
      } else unsure();
      if (!r.take('cascade')) r.take('restrict');
    } else if (r.take('rename')) {
      if (r.take('to')) {
        const to = r.name();
        ops.push({ op: 'rename-table', table, to });
        table = to;
      } else if (r.take('column')) {
        const column = r.name();
        if (!r.take('to')) unsure();
        ops.push({ op: 'rename-column', table, column, to: r.name() });
      } else unsure();
    } else if (r.take('alter')) {
      if (!r.take('column')) unsure();
      const column = r.name();
      if (r.take('set', 'data', 'type') || r.take('type')) {
        ops.push({ op: 'column', table, column, type: columnType(r) });
        if (r.take('using')) skipToComma(r);
      } else if (r.take('set', 'not', 'null') || r.take('drop', 'not', 'null') || r.take('drop', 'default')) {
        // Nothing the schema keeps.
      } else if (r.take('set', 'default')) {
        skipToComma(r);
      } else unsure();
    } else if (
      r.take('enable', 'row', 'level', 'security') ||
      r.take('disable', 'row', 'level', 'security') ||
      r.take('force', 'row', 'level', 'security') ||
      r.take('no', 'force', 'row', 'level', 'security')
    ) {
      // Row security and storage parameters (`SET (fillfactor = 70)`): nothing the schema keeps.
    } else if ((r.take('set') || r.take('reset')) && r.peek()?.type === 'open') {
      r.skipGroup();
    } else unsure();
    if (r.done()) return ops;
    if (r.peek()?.type !== 'comma') unsure();
    r.at += 1;
  }
}

/** The tokens up to the next top-level comma (or the end), read by `read`, which must use them all. */
function untilComma(r: Reader, read: (sub: Reader) => SchemaOp[]): SchemaOp[] {
  const start = r.at;
  skipToComma(r);
  const sub = r.since(start);
  const ops = read(sub);
  sub.end();
  return ops;
}

function tableConstraintUntilComma(r: Reader, table: string, name: string | null): SchemaOp[] {
  return untilComma(r, (sub) => tableConstraint(sub, table, name));
}

function skipToComma(r: Reader): void {
  let depth = 0;
  while (!r.done()) {
    const t = r.peek()!;
    if (t.type === 'comma' && depth === 0) return;
    if (t.type === 'open') depth += 1;
    else if (t.type === 'close') depth -= 1;
    r.at += 1;
  }
}

function createUniqueIndex(r: Reader): SchemaOp[] {
  r.take('concurrently');
  r.take('if', 'not', 'exists');
  const name = r.is('on') ? null : r.name();
  if (!r.take('on')) unsure();
  r.take('only');
  const table = r.name();
  if (r.take('using')) {
    if (!r.take('btree')) unsure();
  }
  const columns: string[] = [];
  r.items((item) => {
    columns.push(item.name());
    if (!item.take('asc')) item.take('desc');
    item.end();
  });
  // `WHERE active`: a partial index on a boolean column, its condition as the parser writes it.
  let where: string | null = null;
  if (r.take('where')) {
    const t = r.peek();
    if (t?.type !== 'word' || KEYWORDS.has(t.value)) unsure();
    where = t!.value;
    r.at += 1;
  }
  r.end();
  return [{ op: 'unique', table, key: { name, columns, where, expression: false } }];
}

function read(r: Reader): SchemaOp[] {
  if (r.take('create')) {
    if (r.take('table')) return createTable(r);
    if (r.take('unique', 'index')) return createUniqueIndex(r);
    return unsure();
  }
  if (r.take('alter', 'table')) return alterTable(r);
  if (r.take('drop', 'table')) {
    r.take('if', 'exists');
    return dropped(r).map((table) => ({ op: 'drop-table', table }));
  }
  if (r.take('drop', 'index')) {
    r.take('concurrently');
    r.take('if', 'exists');
    return dropped(r).map((name) => ({ op: 'drop-constraint', table: null, name }));
  }
  return unsure();
}

/** The names a DROP lists (`a, b`), then an optional CASCADE or RESTRICT, and nothing else. */
function dropped(r: Reader): string[] {
  const names = [r.name()];
  while (r.peek()?.type === 'comma') {
    r.at += 1;
    names.push(r.name());
  }
  if (!r.take('cascade')) r.take('restrict');
  r.end();
  return names;
}

/**
 * The ops of one statement (its significant tokens, PostgreSQL's tokenization or MySQL's), or null when
 * it is not one of the forms read here. A trailing `;` is allowed.
 */
export function quickSchemaOps(tokens: readonly Token[]): SchemaOp[] | null {
  let end = tokens.length;
  while (end > 0 && tokens[end - 1]!.type === 'semicolon') end -= 1;
  const own = tokens.slice(0, end);
  if (own.some((t) => t.type === 'qident' && t.text.startsWith('`'))) return null;
  try {
    return read(new Reader(own));
  } catch (error) {
    if (error instanceof Unsure) return null;
    throw error;
  }
}
