/**
 * A progress bar on stderr, only on a terminal, never in CI, and only once the audit has taken more
 * than a moment (so quick audits print nothing). It erases itself when done.
 */

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressOptions {
  enabled: boolean;
  /** Show nothing before this many milliseconds have passed. */
  delayMs?: number;
  /** Redraw at most this often. */
  intervalMs?: number;
  now?: () => number;
}

export function progressWanted(stream: ProgressStream, env: NodeJS.ProcessEnv, flag: boolean): boolean {
  const ci = env['CI'] !== undefined && env['CI'] !== '' && env['CI'] !== 'false' && env['CI'] !== '0';
  return flag && stream.isTTY === true && !ci && env['TERM'] !== 'dumb';
}

export class ProgressBar {
  readonly #stream: ProgressStream;
  readonly #enabled: boolean;
  readonly #delayMs: number;
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #started: number;
  #lastDraw = -Infinity;
  #drawn = false;

  constructor(stream: ProgressStream, options: ProgressOptions) {
    this.#stream = stream;
    this.#enabled = options.enabled;
    this.#delayMs = options.delayMs ?? 400;
    this.#intervalMs = options.intervalMs ?? 80;
    this.#now = options.now ?? (() => performance.now());
    this.#started = this.#now();
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  update(done: number, total: number): void {
    if (!this.#enabled || total === 0) return;
    const now = this.#now();
    if (now - this.#started < this.#delayMs) return;
    if (now - this.#lastDraw < this.#intervalMs && done < total) return;
    this.#lastDraw = now;
    const width = Math.max(10, Math.min(40, (this.#stream.columns ?? 80) - 40));
    const filled = Math.round((done / total) * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    this.#stream.write(`\r\u001b[2Ksql-race ${bar} ${done}/${total} files`);
    this.#drawn = true;
  }

  stop(): void {
    if (this.#drawn) this.#stream.write('\r\u001b[2K');
    this.#drawn = false;
  }
}
