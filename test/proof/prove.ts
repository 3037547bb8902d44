/**
 * `npm run prove [-- --json <file>]`: proves every fixture variant on a real PostgreSQL and prints
 * scenario, variant, library, the rule flagged, whether the invariant held and by how much it broke.
 * Exits non-zero when any proof fails (or PostgreSQL cannot be started).
 */
import { writeFileSync } from 'node:fs';
import { proveAll } from './harness/proof.js';
import { startPostgres } from './harness/postgres.js';
import { formatTable } from './harness/report.js';

function parseArgs(argv: string[]): { json: string | null } {
  let json: string | null = null;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === '--json') {
      json = argv[++index] ?? null;
      if (json === null) throw new Error('--json needs a file name');
    } else if (arg?.startsWith('--json=')) {
      json = arg.slice('--json='.length);
    } else {
      throw new Error(`Unknown argument ${arg ?? ''}; usage: prove [--json <file>]`);
    }
  }
  return { json };
}

async function main(): Promise<number> {
  const { json } = parseArgs(process.argv.slice(2));
  const server = await startPostgres();
  try {
    const lines = await proveAll(server.url);
    process.stdout.write(`PostgreSQL from ${server.origin}\n\n${formatTable(lines)}\n`);
    if (json !== null)
      writeFileSync(
        json,
        `${JSON.stringify(
          lines.map((line) => line.record),
          null,
          2,
        )}\n`,
      );
    return lines.every((line) => line.failures.length === 0) ? 0 : 1;
  } finally {
    await server.stop();
  }
}

// Exit explicitly, so that nothing left open (a pool, a timer) keeps the process alive.
main().then(
  (code) => process.stdout.write('', () => process.exit(code)),
  (error: unknown) => {
    process.stderr.write(`prove: ${error instanceof Error ? error.message : String(error)}\n`, () => process.exit(2));
  },
);
