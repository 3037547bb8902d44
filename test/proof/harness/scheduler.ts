/**
 * Makes the racy interleaving happen on every run.
 *
 * Every statement a caller sends first stops at a barrier. The scheduler lets one statement through
 * at a time, and only once every live caller is quiet: waiting at its barrier, finished, or blocked
 * on a lock inside PostgreSQL (asked through a separate observer connection). Among the waiting
 * callers it releases the one at the lowest step (statement count), the lowest index first, so the
 * callers move in rounds: everyone's first statement, then everyone's second, ... — every read of a
 * check-then-act happens before any write. A caller blocked on a lock is simply passed over, so a
 * correct locking variant can never deadlock the schedule; a caller retrying after 40001 keeps
 * counting steps and is scheduled like any other. Every wait is bounded: a schedule that stops
 * moving fails with the scenario, the caller, its step and its statement.
 */
import type pg from 'pg';

export class ScheduleStuck extends Error {
  override name = 'ScheduleStuck';
}

type CallerState = 'running' | 'waiting' | 'done';

export class Caller {
  state: CallerState = 'running';
  /** Statements this caller has been released to send so far. */
  step = 0;
  /** The statement it waits to send or is running. */
  statement = '';
  /** Backend running its current statement (null between statements). */
  pid: number | null = null;
  release: (() => void) | null = null;
  abort: ((error: Error) => void) | null = null;

  constructor(readonly index: number) {}

  describe(): string {
    const where =
      this.state === 'done'
        ? 'finished'
        : this.state === 'waiting'
          ? `waiting before statement ${this.step + 1}`
          : `running statement ${this.step}`;
    return `caller ${this.index} ${where}${this.statement === '' ? '' : ` (${this.statement})`}`;
  }
}

export type Outcome<T> = { value: T; error?: undefined } | { value?: undefined; error: unknown };

export interface SchedulerOptions {
  /** Names the run in failures: "01-concert / unsafe.pg". */
  label: string;
  /** A connection of no caller, used to ask PostgreSQL who waits on a lock. */
  observer: pg.Client;
  /** Longest time anything may take to move (ms). */
  timeoutMs?: number;
}

const POLL_MS = 2;

export class Scheduler {
  private readonly callers: Caller[] = [];
  private changed!: Promise<void>;
  private signal!: () => void;
  private failure: ScheduleStuck | null = null;
  private readonly timeoutMs: number;
  private released = 0;

  constructor(private readonly options: SchedulerOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.resetSignal();
  }

  /** Statements released in total (for the record). */
  get statements(): number {
    return this.released;
  }

  /** Called by a wrapped client before it sends a statement; resolves when the caller may send it. */
  before(caller: Caller, statement: string): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      caller.state = 'waiting';
      caller.statement = statement;
      caller.pid = null;
      caller.release = resolve;
      caller.abort = reject;
      this.notify();
    });
  }

  /** The caller's statement is now running on backend `pid`. */
  running(caller: Caller, pid: number | null): void {
    caller.pid = pid;
  }

  /** The caller's statement has returned. */
  ran(caller: Caller): void {
    caller.pid = null;
    this.notify();
  }

  /** Runs `operation` once per caller, all at once, under the schedule. */
  async run<T>(count: number, operation: (caller: Caller) => Promise<T>): Promise<Outcome<T>[]> {
    for (let index = 0; index < count; index++) this.callers.push(new Caller(index));
    const outcomes = this.callers.map(async (caller): Promise<Outcome<T>> => {
      try {
        return { value: await operation(caller) };
      } catch (error) {
        return { error };
      } finally {
        caller.state = 'done';
        caller.pid = null;
        this.notify();
      }
    });
    try {
      await this.drive();
    } catch (error) {
      this.failure = error instanceof ScheduleStuck ? error : new ScheduleStuck(String(error));
      // Disconnect everyone else on this database so that statements stuck in PostgreSQL return.
      await this.options.observer
        .query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')
        .catch(() => {});
      for (const caller of this.callers) caller.abort?.(this.failure);
      throw this.failure;
    }
    return Promise.all(outcomes);
  }

  private async drive(): Promise<void> {
    for (;;) {
      const blocked = await this.settle();
      const live = this.callers.filter((caller) => caller.state !== 'done');
      if (live.length === 0) return;
      const next = live.filter((caller) => caller.state === 'waiting').sort((a, b) => a.step - b.step || a.index - b.index)[0];
      if (next === undefined) {
        // Everyone left is blocked on a lock held by someone else left: only PostgreSQL can end
        // this (its deadlock detector), so wait for any of them to move.
        await this.waitForChange(`every live caller is blocked on a lock (${describeAll(blocked)})`);
        continue;
      }
      next.state = 'running';
      next.step++;
      this.released++;
      const release = next.release;
      next.release = null;
      next.abort = null;
      release?.();
    }
  }

  /** Waits until no caller is running outside a lock wait; returns the callers blocked on locks. */
  private async settle(): Promise<Caller[]> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const running = this.callers.filter((caller) => caller.state === 'running');
      if (running.length === 0) return [];
      const pids = running.map((caller) => caller.pid);
      if (pids.every((pid) => pid !== null)) {
        const waiting = await this.lockWaiters(pids as number[]);
        const blocked = running.filter((caller) => waiting.has(caller.pid ?? -1));
        if (blocked.length === running.length) return blocked;
      }
      if (Date.now() > deadline) {
        throw new ScheduleStuck(
          `${this.options.label}: the schedule stopped moving for ${this.timeoutMs} ms; ` +
            `${describeAll(running)} has neither reached its next statement, finished, nor waits on a lock ` +
            `(others: ${describeAll(this.callers.filter((caller) => caller.state !== 'running'))})`,
        );
      }
      await Promise.race([this.changed, sleep(POLL_MS)]);
    }
  }

  private async waitForChange(why: string): Promise<void> {
    const timedOut = Symbol('timeout');
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      this.changed,
      new Promise<symbol>((resolve) => {
        timer = setTimeout(() => resolve(timedOut), this.timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (result === timedOut) {
      throw new ScheduleStuck(`${this.options.label}: stuck for ${this.timeoutMs} ms: ${why}`);
    }
  }

  /** Backends among `pids` that wait on a lock someone holds. */
  private async lockWaiters(pids: number[]): Promise<Set<number>> {
    const { rows } = await this.options.observer.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE pid = ANY($1::int[]) AND wait_event_type = 'Lock' AND cardinality(pg_blocking_pids(pid)) > 0`,
      [pids],
    );
    return new Set(rows.map((row) => row.pid));
  }

  private notify(): void {
    const signal = this.signal;
    this.resetSignal();
    signal();
  }

  private resetSignal(): void {
    this.changed = new Promise<void>((resolve) => {
      this.signal = resolve;
    });
  }
}

function describeAll(callers: Caller[]): string {
  return callers.length === 0 ? 'none' : callers.map((caller) => caller.describe()).join('; ');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
