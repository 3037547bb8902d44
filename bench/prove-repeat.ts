/**
 * Runs the proof N times in a row (default 20) and checks that every run gives the same results:
 * the scheduler, not luck, decides the interleaving. Each run is a fresh `prove` process with its
 * own PostgreSQL. After `tsc`:
 *
 *   node dist/bench/prove-repeat.js [runs]
 *
 * Exits 0 when all runs are identical, 1 when any differs from the first or a run crashes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 20);
if (!Number.isInteger(runs) || runs < 2) throw new Error(`Usage: prove-repeat [runs >= 2], got ${process.argv[2]}`);

const prove = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'proof', 'prove.js');
const scratch = mkdtempSync(join(tmpdir(), 'prove-repeat-'));

let first: string | null = null;
let differing = 0;
try {
  for (let run = 1; run <= runs; run++) {
    const json = join(scratch, `run-${run}.json`);
    const started = Date.now();
    const result = spawnSync(process.execPath, [prove, '--json', json], { encoding: 'utf8' });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    // prove exits 1 when a proof fails; that is a result to compare. Anything else is a crash.
    if (result.status !== 0 && result.status !== 1) {
      process.stderr.write(`run ${run}: prove exited with ${String(result.status)}\n${result.stderr}\n`);
      process.exit(1);
    }
    const records = readFileSync(json, 'utf8');
    if (first === null) {
      first = records;
      process.stdout.write(`run ${run}: ${seconds} s (reference, exit ${String(result.status)})\n`);
    } else if (records === first) {
      process.stdout.write(`run ${run}: ${seconds} s, identical\n`);
    } else {
      differing++;
      process.stdout.write(`run ${run}: ${seconds} s, DIFFERENT\n${describeDifference(first, records)}\n`);
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

process.stdout.write(
  differing === 0 ? `All ${runs} runs gave identical results.\n` : `${differing} of ${runs} runs differed from the first.\n`,
);
process.exitCode = differing === 0 ? 0 : 1;

function describeDifference(expected: string, actual: string): string {
  const before = JSON.parse(expected) as Record<string, unknown>[];
  const after = JSON.parse(actual) as Record<string, unknown>[];
  const lines: string[] = [];
  for (let index = 0; index < Math.max(before.length, after.length); index++) {
    const a = JSON.stringify(before[index]);
    const b = JSON.stringify(after[index]);
    if (a !== b) lines.push(`  was ${a}\n  now ${b}`);
  }
  return lines.join('\n');
}
