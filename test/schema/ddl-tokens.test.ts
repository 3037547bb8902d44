/**
 * The token reader of common DDL forms (src/schema/ddl-tokens.ts) gives, statement for statement, what
 * pgsql-ast-parser's reading gives, and leaves every other form to the parser.
 */
import { parse } from 'pgsql-ast-parser';
import { describe, expect, it } from 'vitest';
import { quickSchemaOps } from '../../src/schema/ddl-tokens.js';
import { parsedSchemaOps } from '../../src/schema/sql.js';
import { splitStatements } from '../../src/sql/split.js';
import { render, significant } from '../../src/sql/tokenize.js';

function statement(
  sql: string,
  dialect: 'postgres' | 'mysql' = 'postgres',
): { sql: string; tokens: ReturnType<typeof splitStatements>[number] } {
  const [tokens] = splitStatements(sql, dialect);
  return { sql: render(tokens!), tokens: tokens! };
}

const READ_HERE = [
  'CREATE TABLE seats (id serial PRIMARY KEY, code text UNIQUE NOT NULL, taken boolean DEFAULT false)',
  'CREATE TABLE IF NOT EXISTS public.orders (id bigint NOT NULL, ref varchar(36) NOT NULL, CONSTRAINT orders_pkey PRIMARY KEY (id), CONSTRAINT orders_ref_key UNIQUE (ref))',
  'CREATE TABLE "Account" ("id" TEXT NOT NULL, "type" "AccountType" NOT NULL DEFAULT E\'SECURITIES\', "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "tags" TEXT[] DEFAULT ARRAY[]::TEXT[], CONSTRAINT "Account_pkey" PRIMARY KEY ("id"))',
  'CREATE TABLE t (a double precision, b character varying(20), c timestamp(6) without time zone, d time with time zone, e bit varying(3), f int[][], g public.citext)',
  'CREATE TABLE t (id uuid DEFAULT gen_random_uuid() NOT NULL, owner_id uuid REFERENCES users (id) ON DELETE CASCADE ON UPDATE NO ACTION, n numeric(10, 2) DEFAULT 0)',
  'CREATE TABLE t (a int, b int, PRIMARY KEY (a, b), FOREIGN KEY (b) REFERENCES other (id) ON DELETE SET NULL)',
  'CREATE TEMP TABLE scratch (id int)'.replace('TEMP ', ''),
  'ALTER TABLE "User" ADD COLUMN "email" TEXT, DROP COLUMN "legacy", ALTER COLUMN "name" SET DATA TYPE VARCHAR(200)',
  'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email)',
  'ALTER TABLE ONLY users ADD CONSTRAINT users_pkey PRIMARY KEY (id)',
  'ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE',
  'ALTER TABLE "ApiKey" DROP CONSTRAINT "ApiKey_userId_fkey"',
  'ALTER TABLE IF EXISTS items DROP CONSTRAINT IF EXISTS items_code_key',
  'ALTER TABLE "Link" RENAME COLUMN "pdfPath" TO "pdf"',
  'ALTER TABLE "new_field" RENAME TO "field"',
  'ALTER TABLE t ALTER COLUMN n TYPE bigint, ALTER COLUMN m DROP NOT NULL, ALTER COLUMN k SET DEFAULT 0',
  'CREATE UNIQUE INDEX "User_email_key" ON "User"("email")',
  'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS idx ON ONLY public.t USING btree (a, b DESC)',
  'DROP TABLE "ApiKey"',
  'DROP TABLE IF EXISTS a, b CASCADE',
  'DROP INDEX "workspace_slug_unique"',
  'DROP INDEX CONCURRENTLY IF EXISTS a, b',
  'CREATE TABLE t (stock int CHECK (stock >= 0))',
  'CREATE TABLE t (stock int, CONSTRAINT stock_positive CHECK (stock >= 0))',
  'CREATE TABLE t (stock int NOT NULL DEFAULT 0 CHECK (0 <= stock AND stock < 100) REFERENCES x (id), price numeric CHECK (price > 0.5))',
  "CREATE TABLE t (kind text CHECK (kind IN ('a', 'b')), role_id text, CONSTRAINT role_type CHECK (public.check_role_type(role_id, 'User')), CHECK (kind IS NOT NULL))",
  "CREATE TABLE t (status text, CHECK (status <> 'gone'))",
  'ALTER TABLE t ADD CONSTRAINT n_positive CHECK (n >= 0)',
  'CREATE TABLE systems (key varchar(256) NOT NULL, value jsonb, PRIMARY KEY (key))',
  'CREATE TABLE t (id int, key text)',
  'CREATE UNIQUE INDEX idx ON t (tenant_id, app_id) WHERE active',
  'ALTER TABLE tenants ENABLE ROW LEVEL SECURITY',
  'ALTER TABLE t SET (autovacuum_vacuum_scale_factor = 0.05, fillfactor = 70)',
];

const LEFT_TO_THE_PARSER = [
  'CREATE TABLE t (stock int CHECK ((stock >= 0)))',
  'CREATE TABLE t (a int, b int, CHECK (a > 0 OR b > 0))',
  'CREATE TABLE t (name text CHECK (char_length(name) <= 128))',
  'CREATE TABLE t (n int CHECK (n > -1))',
  'CREATE TABLE t (id int, KEY idx (id))',
  'CREATE TABLE t (id int, KEY (id))',
  'CREATE UNIQUE INDEX idx ON t (a) WHERE active = true',
  'CREATE TABLE t (total int GENERATED ALWAYS AS (a + b) STORED)',
  'CREATE TABLE t (name text COLLATE "C")',
  'CREATE TABLE t (id int) PARTITION BY RANGE (id)',
  'CREATE TABLE t (LIKE other INCLUDING ALL)',
  'CREATE TABLE t (a int unsigned)',
  'CREATE UNIQUE INDEX idx ON t (lower(email))',
  'CREATE UNIQUE INDEX idx ON t (email) WHERE deleted_at IS NULL',
  'CREATE UNIQUE INDEX idx ON t USING gist (range)',
  'CREATE UNIQUE INDEX idx ON t (email) INCLUDE (name)',
  'ALTER TABLE t ADD CHECK (n >= 0)',
  'ALTER TABLE t RENAME a TO b',
  'ALTER TABLE t DROP a',
  'ALTER TABLE t ALTER COLUMN a ADD GENERATED ALWAYS AS IDENTITY',
  'ALTER TABLE t OWNER TO someone',
  'CREATE TABLE t (id int) ENGINE=InnoDB',
];

describe('quickSchemaOps', () => {
  it.each(READ_HERE)('reads %s as the parser does', (sql) => {
    const s = statement(sql);
    const quick = quickSchemaOps(significant(s.tokens));
    expect(quick).not.toBeNull();
    expect(quick).toEqual(parsedSchemaOps(s.sql, s.tokens));
  });

  it.each(LEFT_TO_THE_PARSER)('leaves %s to the parser', (sql) => {
    expect(quickSchemaOps(significant(statement(sql).tokens))).toBeNull();
  });

  it('reads a double-quoted name as a name where a backtick elsewhere made the tokenization MySQL', () => {
    const s = statement(
      'CREATE TABLE "Poll" ("id" TEXT NOT NULL, "type" "PollType" NOT NULL, CONSTRAINT "Poll_pkey" PRIMARY KEY ("id"))',
      'mysql',
    );
    expect(quickSchemaOps(significant(s.tokens))).toEqual(parsedSchemaOps(s.sql, statement(s.sql).tokens));
  });

  it('reads a change of type with USING, which the parser refuses (the lenient reader took USING for the type)', () => {
    const s = statement('ALTER TABLE t ALTER COLUMN n TYPE bigint USING n::bigint, ALTER COLUMN m DROP NOT NULL');
    expect(quickSchemaOps(significant(s.tokens))).toEqual([{ op: 'column', table: 't', column: 'n', type: 'bigint' }]);
    expect(() => parse(s.sql)).toThrow();
  });

  it('leaves backticked names to the readers that know them', () => {
    expect(quickSchemaOps(significant(statement('CREATE TABLE `t` (`id` int PRIMARY KEY)', 'mysql').tokens))).toBeNull();
  });
});
