/**
 * Ctrl-C on a real pseudo-terminal (util-linux `script` gives the audit one): the progress bar is
 * erased before the process exits with 130, so the shell prompt does not land after it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, RACY, project } from './cli-process.js';

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
const ERASE = '\r\u001b[2K';
const FILES = 4000;

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

describe('Ctrl-C', { timeout: 300_000 }, () => {
  it.skipIf(!hasScript)('erases the progress bar and exits with 130', async () => {
    const files: Record<string, string> = {};
    // Enough files that the bar (shown after 400 ms) is on screen long before the audit ends: 400 copies
    // of one file took 0.7 s on an idle machine, too close to the bar's delay; 4,000 files, each its own
    // text, take several seconds. The audit is interrupted as soon as the bar shows, so a slow machine
    // does not wait for the rest.
    for (let i = 0; i < FILES; i += 1) files[`src/f${String(i).padStart(4, '0')}.ts`] = RACY.replaceAll('bookSlot', `bookSlot${i}`);
    const cwd = project(files);
    const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', TERM: 'xterm', HOME: cwd };
    const command = `${shellQuote(process.execPath)} ${shellQuote(BIN)} audit --jobs 1 --format json -o report.json src`;
    const child = spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], { cwd, env });
    let output = '';
    let interrupted = false;
    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      if (!interrupted && new RegExp(`sql-race .* \\d+/${FILES} files`).test(output)) {
        interrupted = true;
        child.stdin.write('\u0003');
      }
    });
    const code = await exit;
    expect(interrupted).toBe(true);
    expect(code).toBe(130);
    const lastBar = output.lastIndexOf(' files');
    expect(lastBar).toBeGreaterThan(0);
    expect(output.slice(lastBar)).toContain(ERASE);
    expect(output.endsWith(ERASE)).toBe(true);
  });
});
