/**
 * The schema's token reader of common DDL (src/schema/ddl-tokens.ts) against pgsql-ast-parser, on the
 * SQL files of real codebases: for every statement that may state schema, what each reads, and the CPU
 * each takes (a ratio measured in the same run). Exits non-zero when the token reader reads a statement
 * the parser also reads and the two disagree. Where the parser refuses a statement (and the lenient
 * token reader of src/schema/sql.ts used to answer), a disagreement is listed, not counted as a failure.
 * Outside `npm test`: CI cannot fetch the codebases. See bench/README.md.
 *
 *   npm run build && node dist/bench/ddl-agreement.js [--root /tmp/real-code] [--show N]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'pgsql-ast-parser';
import { quickSchemaOps } from '../src/schema/ddl-tokens.js';
import { mayStateSchema, parsedSchemaOps } from '../src/schema/sql.js';
import { splitStatements } from '../src/sql/split.js';
import { render, significant } from '../src/sql/tokenize.js';
import { DEFAULT_ROOT } from './corpus/audit.js';

function sqlFiles(dir: string, into: string[]): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return into;
  }
  for (const entry of entries) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) sqlFiles(full, into);
    else if (entry.isFile() && entry.name.endsWith('.sql')) into.push(full);
  }
  return into;
}

const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function main(): number {
  const args = process.argv.slice(2);
  const rootAt = args.indexOf('--root');
  const root = rootAt >= 0 ? (args[rootAt + 1] ?? DEFAULT_ROOT) : DEFAULT_ROOT;
  const showAt = args.indexOf('--show');
  const show = showAt >= 0 ? Number(args[showAt + 1] ?? 5) : 5;
  const files = sqlFiles(root, []).filter((f) => statSync(f).size <= 2 * 1024 * 1024);
  let statements = 0;
  let read = 0;
  let agree = 0;
  let quickMs = 0;
  let parserMs = 0;
  const disagree: { file: string; sql: string; parser: boolean }[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const tokens of splitStatements(text, text.includes('`') ? 'mysql' : 'postgres')) {
      const sql = render(tokens);
      if (!mayStateSchema(sql)) continue;
      statements += 1;
      let start = cpu();
      const quick = quickSchemaOps(significant(tokens));
      quickMs += cpu() - start;
      start = cpu();
      const parsed = parsedSchemaOps(sql, tokens);
      parserMs += cpu() - start;
      if (quick === null) continue;
      read += 1;
      if (JSON.stringify(quick) === JSON.stringify(parsed)) {
        agree += 1;
        continue;
      }
      let parserReads = true;
      try {
        parse(sql, { locationTracking: false });
      } catch {
        parserReads = false;
      }
      disagree.push({ file: path.relative(root, file), sql: sql.slice(0, 160), parser: parserReads });
    }
  }
  const failures = disagree.filter((d) => d.parser);
  console.log(`${files.length} SQL files under ${root}; ${statements} statements that may state schema`);
  console.log(
    `read by the token reader: ${read} (${((100 * read) / Math.max(statements, 1)).toFixed(1)} %); the same ops as the parser's reading: ${agree}`,
  );
  console.log(
    `differing where the parser reads the statement: ${failures.length}; where it refuses it: ${disagree.length - failures.length}`,
  );
  console.log(
    `CPU: token reader ${quickMs.toFixed(0)} ms, parser path ${parserMs.toFixed(0)} ms over every statement (ratio ${(quickMs / Math.max(parserMs, 1)).toFixed(3)})`,
  );
  for (const d of [...failures, ...disagree.filter((x) => !x.parser)].slice(0, show))
    console.log(`  ${d.parser ? 'DIFFERS' : 'parser refuses'}: ${d.file}: ${d.sql}`);
  return failures.length > 0 ? 1 : 0;
}

process.exitCode = main();
