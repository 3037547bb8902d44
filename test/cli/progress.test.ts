import { describe, expect, it } from 'vitest';
import { ProgressBar, progressWanted } from '../../src/cli/progress.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, columns: 80, write: (text: string) => writes.push(text) }, writes };
}

describe('progress bar', () => {
  it('is wanted only on a terminal, outside CI, unless turned off', () => {
    expect(progressWanted({ isTTY: true, write: () => 0 }, {}, true)).toBe(true);
    expect(progressWanted({ isTTY: false, write: () => 0 }, {}, true)).toBe(false);
    expect(progressWanted({ isTTY: true, write: () => 0 }, { CI: 'true' }, true)).toBe(false);
    expect(progressWanted({ isTTY: true, write: () => 0 }, {}, false)).toBe(false);
  });

  it('draws nothing in the first moment, then a bar, then erases it', () => {
    let now = 0;
    const { stream, writes } = fakeStream(true);
    const bar = new ProgressBar(stream, { enabled: true, delayMs: 400, intervalMs: 50, now: () => now });
    bar.update(1, 10);
    now = 100;
    bar.update(2, 10);
    expect(writes).toEqual([]);
    now = 500;
    bar.update(5, 10);
    expect(writes.at(-1)).toMatch(/sql-race █+░+ 5\/10 files$/);
    now = 510;
    bar.update(6, 10);
    expect(writes).toHaveLength(1);
    bar.stop();
    expect(writes.at(-1)).toBe('\r\u001b[2K');
  });

  it('writes nothing at all when disabled', () => {
    let now = 0;
    const { stream, writes } = fakeStream(false);
    const bar = new ProgressBar(stream, { enabled: false, now: () => now });
    now = 10_000;
    bar.update(5, 10);
    bar.stop();
    expect(writes).toEqual([]);
  });
});
