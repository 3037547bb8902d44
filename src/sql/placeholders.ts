/**
 * Rewrites a client library's placeholders to PostgreSQL `$n`, so the rest of `src/sql` sees one
 * syntax. String literals, quoted identifiers, comments and dollar-quoted bodies are copied as is.
 */

/** Placeholder syntax a library uses in SQL text; all of them are rewritten to `$n`. */
export type PlaceholderStyle =
  | 'dollar' // $1, $2 (pg, postgres.js unsafe)
  | 'question' // ? (mysql2, knex, sequelize replacements, typeorm on mysql)
  | 'knex' // ? and ?? (identifier) and :name
  | 'pg-promise' // $1, ${name}, $(name), $<name>, $/name/
  | 'sequelize' // ? , :name, $1, $name
  | 'at'; // @name, @0 (MSSQL and TypeORM on it, some MySQL code)

export interface DollarText {
  text: string;
  /**
   * `names[n - 1]` is the name of the placeholder now written `$n` (or `"__ident_n"`) for named styles,
   * null for positional ones. Its length is the highest n.
   */
  names: (string | null)[];
}

/** The stand-in written for an identifier binding (knex `??` / `:name:`, pg-promise `:name` / `~`). */
export function identPlaceholder(n: number): string {
  return `"__ident_${n}"`;
}

const PG_PROMISE_OPEN: Record<string, string> = { '{': '}', '(': ')', '<': '>', '[': ']', '/': '/' };
const PG_PROMISE_FILTER = /^(\^|~|#|:raw|:name|:alias|:csv|:list|:json|:value)(?![A-Za-z0-9_])/;
const IDENT_FILTERS = new Set(['~', ':name', ':alias']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/**
 * Rewrites `style`'s placeholders to `$1..$n` in order of appearance.
 *
 * - 'question': `?` -> `$n`; `??` (mysql identifier binding) -> `"__ident_n"`, using slot n.
 * - 'knex': `?` -> `$n`; `??` and `:name:` are identifier bindings -> `"__ident_n"`, using slot n so
 *   the numbers still match the bindings array; `:name` -> `$n` (not `::type`); `\?` is a literal `?`.
 * - 'pg-promise': `$1` stays; `${name}`, `$(name)`, `$<name>`, `$[name]`, `$/name/` -> `$n` numbered
 *   after the highest positional `$k`, a repeated name reusing its n; filters `^ ~ # :raw :name :alias
 *   :csv :list :json :value` are dropped, except `~`/`:name`/`:alias` which make an identifier.
 * - 'sequelize': `?` -> `$n`; `:name` and `$name` -> `$n` (repeats reuse n); `$1` stays.
 * - 'at': `@0`, `@1` (TypeORM's positions on MSSQL) -> `$1`, `$2`; `@name` -> `$n` numbered after
 *   them, a repeated name reusing its n; `@@name` (a system variable) and `<@`, `@>` are left alone.
 * - 'dollar': unchanged.
 */
export function toDollarPlaceholders(text: string, style: PlaceholderStyle): DollarText {
  const names: (string | null)[] = [];
  const byName = new Map<string, number>();
  let counter = style === 'pg-promise' || style === 'sequelize' ? highestDollar(text) : style === 'at' ? highestAtPosition(text) : 0;
  let maxUsed = 0;
  const use = (n: number, name: string | null): void => {
    while (names.length < n) names.push(null);
    if (name !== null) names[n - 1] = name;
    maxUsed = Math.max(maxUsed, n);
  };
  const positional = (): number => {
    const n = ++counter;
    use(n, null);
    return n;
  };
  const named = (name: string): number => {
    const seen = byName.get(name);
    if (seen !== undefined) return seen;
    const n = ++counter;
    byName.set(name, n);
    use(n, name);
    return n;
  };

  let out = '';
  let i = 0;
  const backslashStrings = style === 'question';
  const dollarQuotes = style !== 'question';
  while (i < text.length) {
    const skip = skipRegion(text, i, {
      backslashStrings,
      dollarQuotes,
      hashComments: style === 'question',
      backticks: style !== 'dollar' && style !== 'pg-promise',
    });
    if (skip > i) {
      out += text.slice(i, skip);
      i = skip;
      continue;
    }
    const c = text[i] ?? '';
    const prev = text[i - 1] ?? '';
    if (style === 'dollar') {
      if (c === '$') {
        const m = /^\$(\d+)/.exec(text.slice(i, i + 12));
        if (m) use(Number(m[1]), null);
      }
      out += c;
      i++;
      continue;
    }
    if (style === 'at' && c === '@') {
      const m = atPlaceholder(text, i);
      if (m !== null) {
        const n = /^\d+$/.test(m) ? Number(m) + 1 : named(m);
        if (/^\d+$/.test(m)) use(n, null);
        out += `$${n}`;
        i += 1 + m.length;
        continue;
      }
    }
    if ((style === 'question' || style === 'knex' || style === 'sequelize') && c === '?') {
      if (text[i + 1] === '?' && style !== 'sequelize') {
        out += identPlaceholder(positional());
        i += 2;
      } else {
        out += `$${positional()}`;
        i++;
      }
      continue;
    }
    if (style === 'knex' && c === '\\' && (text[i + 1] === '?' || text[i + 1] === ':')) {
      out += text[i + 1];
      i += 2;
      continue;
    }
    if ((style === 'knex' || style === 'sequelize') && c === ':' && prev !== ':' && text[i + 1] !== ':') {
      const m = NAME.exec(text.slice(i + 1, i + 200));
      if (m) {
        const isIdent = style === 'knex' && text[i + 1 + m[0].length] === ':' && text[i + 2 + m[0].length] !== ':';
        const n = named(m[0]);
        out += isIdent ? identPlaceholder(n) : `$${n}`;
        i += 1 + m[0].length + (isIdent ? 1 : 0);
        continue;
      }
    }
    if (c === '$' && (style === 'pg-promise' || style === 'sequelize')) {
      const rest = text.slice(i, i + 300);
      const digits = /^\$(\d+)/.exec(rest);
      if (digits) {
        const n = Number(digits[1]);
        use(n, null);
        let len = digits[0].length;
        let ident = false;
        if (style === 'pg-promise' && !rest.startsWith('::', len)) {
          const filter = PG_PROMISE_FILTER.exec(rest.slice(len));
          if (filter) {
            ident = IDENT_FILTERS.has(filter[1] ?? '');
            len += filter[0].length;
          }
        }
        out += ident ? identPlaceholder(n) : `$${n}`;
        i += len;
        continue;
      }
      if (style === 'sequelize') {
        const m = NAME.exec(rest.slice(1));
        if (m) {
          out += `$${named(m[0])}`;
          i += 1 + m[0].length;
          continue;
        }
      } else {
        const close = PG_PROMISE_OPEN[rest[1] ?? ''];
        if (close !== undefined) {
          const body = rest.slice(2);
          const end = body.indexOf(close);
          const m =
            end === -1
              ? null
              : /^\s*([A-Za-z_$][\w$.]*)\s*(\^|~|#|:raw|:name|:alias|:csv|:list|:json|:value)?\s*$/.exec(body.slice(0, end));
          if (m) {
            const n = named(m[1] ?? '');
            out += IDENT_FILTERS.has(m[2] ?? '') ? identPlaceholder(n) : `$${n}`;
            i += 2 + end + 1;
            continue;
          }
        }
      }
    }
    out += c;
    i++;
  }
  while (names.length < maxUsed) names.push(null);
  return { text: out, names };
}

/** The placeholder syntax a text is written in, as far as the text shows: what a statement sent through a receiver no adapter knows needs. */
export type DetectedStyle = 'dollar' | 'question' | 'named' | 'at';

/**
 * Recognises a text's placeholders by themselves: `$1` (PostgreSQL), `?` (MySQL, SQLite, and the
 * many drivers that copy them) and `:name` (named binds). What only looks like one is left alone:
 * strings, quoted identifiers, dollar-quoted bodies and comments; the JSONB operators `?`, `?|` and
 * `?&` (a `?` followed by a string literal is the operator: a placeholder never is); `::` casts and
 * `:=`; array slices `a[1:2]` and `a[lo:hi]`. `@name` (MSSQL, TypeORM on it, some MySQL code) counts
 * only when nothing else does and the text uses no MySQL session variable (`@@x`, `@x :=`, `SET @x`,
 * `INTO @x`); the operators `@>`, `<@` and `@` are no placeholder. Null when the text has no placeholder.
 */
export function detectPlaceholderStyle(text: string): DetectedStyle | null {
  if (!text.includes('?') && !text.includes(':') && !text.includes('$') && !text.includes('@')) return null;
  let question = false;
  let named = false;
  let at = false;
  let sessionVariables = false;
  let brackets = 0;
  let i = 0;
  while (i < text.length) {
    const skip = skipRegion(text, i, { backslashStrings: false, dollarQuotes: true, hashComments: false, backticks: true });
    if (skip > i) {
      i = skip;
      continue;
    }
    const c = text[i] ?? '';
    if (c === '[') brackets++;
    else if (c === ']') brackets = Math.max(0, brackets - 1);
    else if (c === '$' && /^\$\d/.test(text.slice(i, i + 2)) && !/[A-Za-z0-9_]/.test(text[i - 1] ?? '')) return 'dollar';
    else if (c === '?') {
      if (text[i + 1] === '|' || text[i + 1] === '&') {
        i += 2;
        continue;
      }
      if (text[i + 1] === '?') {
        question = true;
        i += 2;
        continue;
      }
      if (!/^\?\s*'/.test(text.slice(i, i + 200))) question = true;
    } else if (c === '@') {
      if (text[i + 1] === '@') {
        sessionVariables = true;
        i += 2;
        continue;
      }
      const m = atPlaceholder(text, i);
      if (m !== null) {
        if (
          SESSION_VARIABLE_USE.test(text.slice(i + 1 + m.length, i + 20)) ||
          /\b(?:set|into)\s*$/i.test(text.slice(Math.max(0, i - 8), i))
        )
          sessionVariables = true;
        at = true;
        i += 1 + m.length;
        continue;
      }
    } else if (
      c === ':' &&
      brackets === 0 &&
      text[i + 1] !== ':' &&
      text[i + 1] !== '=' &&
      text[i - 1] !== ':' &&
      !/[A-Za-z0-9_\])]/.test(text[i - 1] ?? '') &&
      NAME.test(text.slice(i + 1, i + 2))
    ) {
      named = true;
    }
    i++;
  }
  return question ? 'question' : named ? 'named' : at && !sessionVariables ? 'at' : null;
}

/** `@x := ...`: a MySQL session variable assigned in the statement. */
const SESSION_VARIABLE_USE = /^\s*:=/;

/**
 * The name of an `@name` or `@0` placeholder at `i` (without the `@`), or null: not `@@x`, not after
 * a word character (`a@b`) or `<` (`<@`), not `@>`.
 */
function atPlaceholder(text: string, i: number): string | null {
  if (text[i] !== '@' || /[A-Za-z0-9_@<$]/.test(text[i - 1] ?? '')) return null;
  const m = /^(?:[A-Za-z_][A-Za-z0-9_]*|\d+)(?![A-Za-z0-9_])/.exec(text.slice(i + 1, i + 200));
  return m ? m[0] : null;
}

/** One past the highest `@n` position placeholder: where named `@name` placeholders start numbering. */
function highestAtPosition(text: string): number {
  let max = 0;
  for (const m of text.matchAll(/@(\d+)(?![A-Za-z0-9_])/g))
    if (atPlaceholder(text, m.index) !== null) max = Math.max(max, Number(m[1]) + 1);
  return max;
}

function highestDollar(text: string): number {
  let max = 0;
  let i = 0;
  while (i < text.length) {
    const skip = skipRegion(text, i, { backslashStrings: false, dollarQuotes: true, hashComments: false, backticks: false });
    if (skip > i) {
      i = skip;
      continue;
    }
    if (text[i] === '$') {
      const m = /^\$(\d+)/.exec(text.slice(i, i + 12));
      if (m) max = Math.max(max, Number(m[1]));
    }
    i++;
  }
  return max;
}

interface SkipOptions {
  backslashStrings: boolean;
  dollarQuotes: boolean;
  hashComments: boolean;
  backticks: boolean;
}

/** End of the string, quoted identifier, comment or dollar-quoted body starting at `i`, or `i`. */
function skipRegion(text: string, i: number, o: SkipOptions): number {
  const c = text[i];
  const next = text[i + 1];
  if (c === "'" || c === '"' || (c === '`' && o.backticks)) {
    const escaped =
      (o.backslashStrings && c !== '`') || (c === "'" && /[eE]/.test(text[i - 1] ?? '') && !/[A-Za-z0-9_]/.test(text[i - 2] ?? ''));
    let j = i + 1;
    while (j < text.length) {
      if (escaped && text[j] === '\\') j += 2;
      else if (text[j] === c) {
        if (text[j + 1] === c) j += 2;
        else return j + 1;
      } else j++;
    }
    return text.length;
  }
  if ((c === '-' && next === '-') || (c === '#' && o.hashComments)) {
    const nl = text.indexOf('\n', i);
    return nl === -1 ? text.length : nl;
  }
  if (c === '/' && next === '*') {
    const end = text.indexOf('*/', i + 2);
    return end === -1 ? text.length : end + 2;
  }
  if (c === '$' && o.dollarQuotes) {
    const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 130));
    if (tag && !/[A-Za-z0-9_]/.test(text[i - 1] ?? '')) {
      const end = text.indexOf(tag[0], i + tag[0].length);
      return end === -1 ? text.length : end + tag[0].length;
    }
  }
  return i;
}
