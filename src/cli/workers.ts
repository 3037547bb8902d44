/**
 * Spreading the parse-and-analyze work over worker threads. Only files that passed the quick SQL
 * pre-scan get here, so most audits never start a worker.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FileAnalysis } from '../analyze-types.js';
import type { AnalyzeOptions } from '../analyze.js';
import type { CachedModule } from '../project/index.js';
import { failedAnalysis } from './analysis.js';

export interface WorkerJob {
  id: number;
  filePath: string;
  text: string;
  /** Files whose held parse the worker should forget: another worker has them. */
  drop?: string[];
}

/** What a worker starts with: the analysis options and the files of the audit (absolute paths). */
export interface WorkerSetup {
  options: AnalyzeOptions;
  files: string[];
}

/** Modules another worker summarised, for this worker's project to adopt. */
export interface WorkerAdopt {
  adopt: CachedModule[];
}

export type WorkerMessage = WorkerJob | WorkerAdopt;

export interface WorkerReply {
  id: number;
  analysis: FileAnalysis;
  /** The modules the worker summarised for this file (and had not received from the others). */
  summarised: CachedModule[];
  /** Files of the audit the worker parsed as modules and holds the parse of (src/project/held-parses.ts). */
  held: string[];
}

/**
 * Below this many files a worker's start-up (each loads TypeScript's parser) costs more than it
 * saves: on logto's 199 pre-scanned files, two workers took 2.65 s and one thread 2.45 s.
 */
export const WORKER_THRESHOLD = 400;

/**
 * The old-generation heap of a worker thread. Left to itself V8 lets a worker's heap grow to several
 * times what it holds between collections: on opencollective-api two workers made the audit's peak
 * 670 MB while each held under 100 MB after a collection. A worker that runs out of it on some huge
 * file is not an error: the file is analyzed again in the main thread, which has no such limit.
 */
export const WORKER_HEAP_MB = 256;

/**
 * The default number of worker threads (once more than WORKER_THRESHOLD files hold database code).
 * On a 2-core machine, one: a thread already keeps about one and a half cores busy (V8's collector
 * runs beside it), and on opencollective-api two workers took 9.6-10.1 s and 17.3-18.1 s of CPU where
 * one thread took 8.2-8.4 s and 11.8-12.0 s, for only 10 % more modules summarised. One worker costs
 * about the CPU of one thread (trigger.dev 21.7 and 25.8 s against 23.0 and 24.9 s; opencollective-api
 * 14.2 and 16.2 s against 13.9 and 13.8 s, a load of 8) but caps the heap: peak RSS 310-347 MB against
 * 499-513 MB on trigger.dev, 285 MB against 343-347 MB on opencollective-api.
 */
export function defaultThreadCount(cores = availableParallelism()): number {
  return cores <= 2 ? 1 : Math.min(cores, 4);
}

const WORKER_URL = new URL('./worker.js', import.meta.url);

/**
 * Analyze the jobs in worker threads; resolves to the indices of the jobs a worker ran out of memory
 * on, for the caller to analyze in its own thread.
 */
export async function analyzeInWorkers(
  jobs: readonly Omit<WorkerJob, 'id'>[],
  threads: number,
  options: AnalyzeOptions,
  onResult: (index: number, analysis: FileAnalysis) => void,
  heapMb = WORKER_HEAP_MB,
): Promise<number[]> {
  let next = 0;
  let finished = 0;
  // A job is taken once it is sent, or promised to the worker that holds its parse (it is sent there next).
  const keys = jobs.map((job) => resolve(job.filePath));
  const byKey = new Map(keys.map((key, index) => [key, index]));
  const taken = new Uint8Array(jobs.length);
  const returned: number[] = [];
  const workers = new Set<Worker>();
  const outOfMemory: number[] = [];
  // The first file of each worker reaches much the same modules (the codebase's models, its database
  // module): on opencollective-api each worker's first file summarised the same 78. The others wait for
  // the first worker's first file, and adopt what it summarised before they start.
  let primed = false;
  const waiting: (() => void)[] = [];
  const prime = (): void => {
    primed = true;
    for (const feed of waiting.splice(0)) feed();
  };

  await new Promise<void>((resolve) => {
    const settle = (index: number, analysis: FileAnalysis): void => {
      onResult(index, analysis);
      finished += 1;
      if (finished === jobs.length) resolve();
    };

    const start = (): void => {
      const setup: WorkerSetup = { options, files: keys };
      const worker = new Worker(WORKER_URL, { workerData: setup, resourceLimits: { maxOldGenerationSizeMb: heapMb } });
      workers.add(worker);
      let current = -1;
      const promised: number[] = [];
      const drop: string[] = [];
      const feed = (): void => {
        // A worker that died while it waited for the first file is given nothing.
        if (!workers.has(worker)) return;
        let index = promised.shift() ?? returned.shift();
        if (index === undefined) {
          while (next < jobs.length && taken[next] === 1) next += 1;
          if (next < jobs.length) index = next;
        }
        const job = index === undefined ? undefined : jobs[index];
        if (index === undefined || job === undefined) {
          current = -1;
          workers.delete(worker);
          void worker.terminate();
          return;
        }
        taken[index] = 1;
        current = index;
        worker.postMessage({ id: current, filePath: job.filePath, text: job.text, drop: drop.splice(0) } satisfies WorkerJob);
      };
      worker.on('message', (reply: WorkerReply) => {
        for (const file of reply.held) {
          const index = byKey.get(file);
          if (index !== undefined && promised.includes(index)) continue;
          if (index !== undefined && taken[index] === 0) {
            taken[index] = 1;
            promised.push(index);
          } else drop.push(file);
        }
        if (reply.summarised.length > 0) {
          for (const other of workers) if (other !== worker) other.postMessage({ adopt: reply.summarised } satisfies WorkerAdopt);
        }
        settle(reply.id, reply.analysis);
        feed();
        prime();
      });
      const crashed = (reason: string, memory = false): void => {
        if (!workers.has(worker)) return;
        workers.delete(worker);
        returned.push(...promised.splice(0));
        const job = current >= 0 ? jobs[current] : undefined;
        if (job !== undefined && memory) {
          outOfMemory.push(current);
          finished += 1;
          if (finished === jobs.length) resolve();
        } else if (job !== undefined) {
          settle(current, failedAnalysis(job.filePath, `Could not analyze this file: the analysis crashed (${reason}).`));
        }
        current = -1;
        prime();
        if (next < jobs.length) start();
      };
      worker.on('error', (error) => crashed(error.message, (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY'));
      worker.on('exit', (code) => crashed(`worker exited with code ${code}`));
      if (primed || workers.size === 1) feed();
      else waiting.push(feed);
    };

    if (jobs.length === 0) resolve();
    for (let i = 0; i < Math.min(threads, jobs.length); i += 1) start();
  });

  await Promise.all([...workers].map((worker) => worker.terminate()));
  return outOfMemory.sort((a, b) => a - b);
}
