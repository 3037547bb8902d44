/**
 * Properties of the extractor and the analysis on generated and damaged JS/TS: `analyzeText` never
 * throws and never ends in its internal-error catch-all, its findings point inside the file and name a
 * known rule, and the same text gives the same answer every time (the SQL memo, shared between files,
 * must not make a second run differ).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../src/analyze.js';
import type { FileAnalysis } from '../../src/analyze-types.js';
import { RULE_IDS } from '../../src/checks/types.js';
import { FIXTURE_SOURCES, mutatedLines, SEED, statement, withRandomBytes } from './corpus.js';

const settings = { seed: SEED, numRuns: 120 } as const;
/** Generous: only a hang should reach it. */
const HANG_GUARD_MS = 120_000;

// ---------------------------------------------------------------------------------------------------
// Generated sources: a function whose steps run statements of the grammar through a client library
// and test their results, in a transaction or not, in callbacks and loops.

interface Library {
  imports: string;
  params: string;
  run: (sql: string, result: string) => string;
  begin: string;
  commit: string;
  count: (result: string) => string;
  rows: (result: string) => string;
}

const quote = (sql: string): string => `'${sql.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

const LIBRARIES: Library[] = [
  {
    imports: "import type { Pool, PoolClient } from 'pg';",
    params: 'pool: Pool, client: PoolClient, id: string, qty: number',
    run: (sql, result) => `const ${result} = await client.query(${quote(sql)}, [id, qty]);`,
    begin: "await client.query('BEGIN');",
    commit: "await client.query('COMMIT');",
    count: (result) => `${result}.rowCount`,
    rows: (result) => `${result}.rows`,
  },
  {
    imports: "import type { Pool } from 'pg';",
    params: 'pool: Pool, id: string, qty: number',
    run: (sql, result) => `const ${result} = await pool.query(${quote(sql)}, [id, qty]);`,
    begin: "await pool.query('BEGIN');",
    commit: "await pool.query('COMMIT');",
    count: (result) => `${result}.rowCount`,
    rows: (result) => `${result}.rows`,
  },
  {
    imports: "import postgres from 'postgres';\nconst sql = postgres();",
    params: 'id: string, qty: number',
    run: (text, result) => `const ${result} = await sql\`${text.replace(/\$1/g, '${id}').replace(/\$\d/g, '${qty}').replace(/`/g, '')}\`;`,
    begin: 'await sql`BEGIN`;',
    commit: 'await sql`COMMIT`;',
    count: (result) => `${result}.count`,
    rows: (result) => result,
  },
  {
    imports: "import mysql from 'mysql2/promise';\nconst db = mysql.createPool({});",
    params: 'id: string, qty: number',
    run: (sql, result) => `const [${result}] = await db.execute(${quote(sql.replace(/\$\d/g, '?'))}, [id, qty]);`,
    begin: "await db.query('START TRANSACTION');",
    commit: "await db.query('COMMIT');",
    count: (result) => `${result}.affectedRows`,
    rows: (result) => result,
  },
];

type Step = (library: Library, results: string[]) => string;

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: statement.map((sql): Step => (library, results) => {
      const name = `r${results.length}`;
      results.push(name);
      return library.run(sql, name);
    }),
  },
  fc.nat().map((i): Step => (library, results) => {
    const name = results[i % Math.max(1, results.length)];
    return name === undefined ? '' : `if (${library.rows(name)}.length === 0) return null;`;
  }),
  fc.nat().map((i): Step => (library, results) => {
    const name = results[i % Math.max(1, results.length)];
    return name === undefined ? '' : `if (${library.count(name)} === 0) throw new Error('conflict');`;
  }),
  fc.nat().map((i): Step => (library, results) => {
    const name = results[i % Math.max(1, results.length)];
    return name === undefined ? '' : `if (${library.rows(name)}[0].qty < qty) return false;`;
  }),
  fc.constant<Step>((library) => library.begin),
  fc.constant<Step>((library) => library.commit),
);

const body: fc.Arbitrary<(library: Library) => string> = fc
  .tuple(fc.array(step, { minLength: 1, maxLength: 6 }), fc.constantFrom('plain', 'try', 'loop', 'arrow', 'nested'))
  .map(([steps, wrapper]) => (library) => {
    const results: string[] = [];
    const lines = steps.map((s) => s(library, results)).join('\n    ');
    if (wrapper === 'try') return `try {\n    ${lines}\n  } finally {\n    void 0;\n  }`;
    if (wrapper === 'loop') return `for (const item of [1, 2]) {\n    void item;\n    ${lines}\n  }`;
    if (wrapper === 'arrow') return `const run = async () => {\n    ${lines}\n    return true;\n  };\n  return run();`;
    if (wrapper === 'nested') return `async function inner() {\n    ${lines}\n    return true;\n  }\n  return inner();`;
    return lines;
  });

const generatedSource: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...LIBRARIES), fc.array(body, { minLength: 1, maxLength: 3 }))
  .map(([library, bodies]) =>
    [
      library.imports,
      ...bodies.map((make, i) => `export async function handler${i}(${library.params}) {\n  ${make(library)}\n  return true;\n}`),
    ].join('\n\n'),
  );

const fixtureSource = fc.constantFrom(...FIXTURE_SOURCES);

const source = fc.oneof(
  { weight: 3, arbitrary: generatedSource },
  { weight: 3, arbitrary: mutatedLines(fixtureSource) },
  { weight: 2, arbitrary: mutatedLines(generatedSource) },
  { weight: 1, arbitrary: withRandomBytes(fc.oneof(fixtureSource, generatedSource)) },
);

const fileName = fc.constantFrom('handler.ts', 'handler.js', 'view.tsx', 'legacy.cjs', 'module.mts');

const RULES = new Set<string>(RULE_IDS);

function checkAnalysis(text: string, result: FileAnalysis): void {
  if (result.fatal !== null) {
    // The analysis's catch-all (`Could not analyze this file: internal error (...)`): a bug, never an answer.
    expect(result.fatal.message).not.toMatch(/could not analy[sz]e|internal error/i);
    expect(result.findings).toEqual([]);
  }
  const lines = text.split(/\r\n|\r|\n|\u2028|\u2029/).length;
  for (const finding of result.findings) {
    expect(RULES.has(finding.ruleId)).toBe(true);
    expect(finding.message).not.toBe('');
    expect(finding.message).not.toMatch(/\{\{|undefined/);
    for (const at of [finding, ...finding.related]) {
      expect(at.line).toBeGreaterThanOrEqual(1);
      expect(at.line).toBeLessThanOrEqual(lines);
      expect(at.column).toBeGreaterThanOrEqual(1);
    }
  }
  expect(result.stats.statements).toBeGreaterThanOrEqual(result.stats.unparsed.length);
}

describe('analyzeText on generated and damaged sources', () => {
  it('starts from the fixtures (the mutations damage them)', () => {
    expect(FIXTURE_SOURCES.length).toBeGreaterThan(20);
  });

  it(
    'never throws, never reaches its internal-error catch-all, and reports inside the file',
    () => {
      fc.assert(
        fc.property(source, fileName, (text, name) => {
          checkAnalysis(text, analyzeText(text, name));
        }),
        settings,
      );
    },
    HANG_GUARD_MS,
  );

  it(
    'gives the same answer for the same text, the second time from the SQL memo',
    () => {
      fc.assert(
        fc.property(source, fileName, (text, name) => {
          const first = structuredClone(analyzeText(text, name));
          expect(analyzeText(text, name)).toEqual(first);
        }),
        settings,
      );
    },
    HANG_GUARD_MS,
  );

  it(
    'finds on generated code at all (the generator reaches the checks)',
    () => {
      const samples = fc.sample(generatedSource, { seed: SEED, numRuns: 60 });
      const reported = samples.filter((text) => analyzeText(text, 'handler.ts').findings.length > 0);
      expect(reported.length).toBeGreaterThan(3);
    },
    HANG_GUARD_MS,
  );
});
