/**
 * `schema.prisma` -> schema ops: each `model` is a table (`@@map("name")` renames it), each scalar
 * field a column (`@map("name")` renames it) with its Prisma type (`Int`, `Json`, `String[]`), `@id`
 * and `@@id` the primary key, `@unique` and `@@unique` unique keys. Relation fields (whose type is
 * another model) are not columns: each is kept as the model it loads. The datasource's `provider`
 * (`sqlite`, `postgresql`, `mysql`) is the database of every model. Never throws.
 */
import type { DatabaseEngine, SchemaOp } from './types.js';

const SCALARS = new Set(['string', 'boolean', 'int', 'bigint', 'float', 'decimal', 'datetime', 'json', 'bytes', 'unsupported']);

/** Prisma's scalar types -> the PostgreSQL type Prisma Migrate gives them by default. */
const POSTGRES_TYPE: Record<string, string> = {
  string: 'text',
  boolean: 'boolean',
  int: 'integer',
  bigint: 'bigint',
  float: 'double precision',
  decimal: 'decimal',
  datetime: 'timestamp',
  json: 'jsonb',
  bytes: 'bytea',
};

function stripComments(text: string): string {
  return text.replace(/\/\/[^\n]*/g, '');
}

/** `[a, b(sort: Desc)]` -> ['a', 'b']. */
function fieldList(args: string): string[] {
  const inner = /\[([^\]]*)\]/.exec(args)?.[1] ?? '';
  return inner
    .split(',')
    .map((f) => f.trim().replace(/\(.*$/, '').trim())
    .filter((f) => f !== '');
}

function quotedArg(args: string, name?: string): string | null {
  const named = name ? new RegExp(`${name}\\s*:\\s*"([^"]*)"`).exec(args) : null;
  if (named) return named[1] ?? null;
  return /^\s*\(\s*"([^"]*)"/.exec(args)?.[1] ?? null;
}

/** A datasource's `provider` -> the database its models live in (`cockroachdb`, `sqlserver`, `mongodb`: none of these). */
const PROVIDERS: Partial<Record<string, DatabaseEngine>> = {
  postgresql: 'postgres',
  postgres: 'postgres',
  mysql: 'mysql',
  sqlite: 'sqlite',
};

/**
 * The datasources a `.prisma` file declares: none, or the one database their provider names (null for
 * a provider without one here, or several datasources).
 */
export function prismaDatasource(text: string): { declared: boolean; database: DatabaseEngine | null } {
  const providers = [...stripComments(text).matchAll(/^\s*datasource\s+\w+\s*\{([^}]*)\}/gm)].map(
    (m) => /^\s*provider\s*=\s*"([^"]*)"/m.exec(m[1] ?? '')?.[1] ?? '',
  );
  return { declared: providers.length > 0, database: providers.length === 1 ? (PROVIDERS[providers[0]!] ?? null) : null };
}

/** The models, enums (with their values) and composite types a `.prisma` file declares. */
export interface PrismaDeclarations {
  models: ReadonlySet<string>;
  enums: ReadonlySet<string>;
  enumValues: ReadonlyMap<string, string[]>;
}

export function prismaDeclarations(text: string): PrismaDeclarations {
  const source = stripComments(text);
  return {
    models: new Set([...source.matchAll(/^\s*model\s+(\w+)\s*\{/gm)].map((m) => m[1]!)),
    enums: new Set([...source.matchAll(/^\s*(?:enum|type)\s+(\w+)\s*\{/gm)].map((m) => m[1]!)),
    // An enum's values (`@map` and `@@map` attributes aside): what a column of that type can hold.
    enumValues: new Map(
      [...source.matchAll(/^\s*enum\s+(\w+)\s*\{([^}]*)\}/gm)].map((m) => [
        m[1]!,
        m[2]!
          .replace(/@@?\w+(?:\.\w+)?(?:\s*\([^)]*\))?/g, ' ')
          .split(/\s+/)
          .filter((v) => /^\w+$/.test(v)),
      ]),
    ),
  };
}

/**
 * `elsewhere`: what the other files of a schema split over several `.prisma` files declare
 * (`prismaSchemaFolder`): a field typed with a model of another file (`projects ProjectUsers[]`) is a
 * relation, one typed with an enum of another file a column, as if both were declared here.
 */
export function readPrismaSchema(text: string, elsewhere?: PrismaDeclarations): SchemaOp[] {
  const ops: SchemaOp[] = [];
  const source = stripComments(text);
  // One datasource per schema; its provider is the database of every model (a schema split in
  // several .prisma files states it in one of them only: see `loadSchema` for the others).
  const { database } = prismaDatasource(text);
  const own = prismaDeclarations(text);
  const enums = new Set([...own.enums, ...(elsewhere?.enums ?? [])]);
  const enumValues = new Map([...(elsewhere?.enumValues ?? []), ...own.enumValues]);
  const models = [...source.matchAll(/^\s*model\s+(\w+)\s*\{([^}]*)\}/gm)];
  const modelNames = new Set([...own.models, ...(elsewhere?.models ?? [])]);
  for (const [, model, body] of models) {
    if (model === undefined || body === undefined) continue;
    const table = quotedArg(/@@map\s*(\([^)]*\))/.exec(body)?.[1] ?? '') ?? model;
    ops.push({ op: 'create-table', table }, { op: 'model', table, model });
    if (database !== null) ops.push({ op: 'database', table, database });
    const columnOf = new Map<string, string>();
    const lines = body.split('\n').map((l) => l.trim());
    for (const line of lines) {
      const field = /^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/.exec(line);
      if (!field || line.startsWith('@@')) continue;
      const [, name, rawType, list, , attributes] = field as unknown as [
        string,
        string,
        string,
        string | undefined,
        string | undefined,
        string,
      ];
      const scalar = rawType.toLowerCase();
      if (modelNames.has(rawType)) ops.push({ op: 'relation', table, field: name, model: rawType });
      if (modelNames.has(rawType) || (!SCALARS.has(scalar) && !enums.has(rawType))) continue;
      const column = quotedArg(/@map\s*(\([^)]*\))/.exec(attributes)?.[1] ?? '') ?? name;
      columnOf.set(name, column);
      const native = /@db\.(\w+)/.exec(attributes)?.[1];
      const base = enums.has(rawType) ? 'enum' : native ? native.toLowerCase() : (POSTGRES_TYPE[scalar] ?? scalar);
      const values = list ? undefined : enumValues.get(rawType);
      ops.push({ op: 'column', table, column, type: list ? `${base}[]` : base, ...(values ? { values } : {}) });
      if (column !== name) ops.push({ op: 'field', table, field: name, column });
      if (/@id\b/.test(attributes)) ops.push({ op: 'primary-key', table, name: null, columns: [column] });
      if (/@unique\b/.test(attributes)) {
        const name = quotedArg(/@unique\s*(\([^)]*\))/.exec(attributes)?.[1] ?? '', 'map');
        ops.push({ op: 'unique', table, key: { name, columns: [column], where: null, expression: false } });
      }
    }
    const mapped = (fields: string[]): string[] => fields.map((f) => columnOf.get(f) ?? f);
    for (const line of lines) {
      const block = /^@@(id|unique)\s*\((.*)\)\s*$/.exec(line);
      if (!block) continue;
      const [, kind, args] = block as unknown as [string, string, string];
      const columns = mapped(fieldList(args));
      if (columns.length === 0) continue;
      const name = quotedArg(args, 'map') ?? quotedArg(args, 'name');
      if (kind === 'id') ops.push({ op: 'primary-key', table, name, columns });
      else ops.push({ op: 'unique', table, key: { name, columns, where: null, expression: false } });
    }
  }
  return ops;
}
