/**
 * Spreading the parse-and-analyze work over worker threads. Only files that passed the quick SQL
 * pre-scan get here, so most audits never start a worker.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FileAnalysis } from '../analyze-types.js';
import type { AnalyzeOptions } from '../analyze.js';
import type { CachedModule } from '../project/index.js';
import { failedAnalysis } from './analysis.js';

export interface WorkerJob {
  id: number;
  filePath: string;
  text: string;
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
}

/**
 * Below this many files a worker's start-up (each loads TypeScript's parser) costs more than it
 * saves: on logto's 199 pre-scanned files, two workers took 2.65 s and one thread 2.45 s.
 */
export const WORKER_THRESHOLD = 400;

export function defaultThreadCount(): number {
  return Math.min(availableParallelism(), 4);
}

const WORKER_URL = new URL('./worker.js', import.meta.url);

export async function analyzeInWorkers(
  jobs: readonly Omit<WorkerJob, 'id'>[],
  threads: number,
  options: AnalyzeOptions,
  onResult: (index: number, analysis: FileAnalysis) => void,
): Promise<void> {
  let next = 0;
  let finished = 0;
  const workers = new Set<Worker>();

  await new Promise<void>((resolve) => {
    const settle = (index: number, analysis: FileAnalysis): void => {
      onResult(index, analysis);
      finished += 1;
      if (finished === jobs.length) resolve();
    };

    const start = (): void => {
      const worker = new Worker(WORKER_URL, { workerData: options });
      workers.add(worker);
      let current = -1;
      const feed = (): void => {
        const job = jobs[next];
        if (job === undefined) {
          current = -1;
          workers.delete(worker);
          void worker.terminate();
          return;
        }
        current = next;
        next += 1;
        worker.postMessage({ id: current, filePath: job.filePath, text: job.text } satisfies WorkerJob);
      };
      worker.on('message', (reply: WorkerReply) => {
        if (reply.summarised.length > 0) {
          for (const other of workers) if (other !== worker) other.postMessage({ adopt: reply.summarised } satisfies WorkerAdopt);
        }
        settle(reply.id, reply.analysis);
        feed();
      });
      const crashed = (reason: string): void => {
        if (!workers.has(worker)) return;
        workers.delete(worker);
        const job = current >= 0 ? jobs[current] : undefined;
        if (job !== undefined) {
          settle(current, failedAnalysis(job.filePath, `Could not analyze this file: the analysis crashed (${reason}).`));
        }
        current = -1;
        if (next < jobs.length) start();
      };
      worker.on('error', (error) => crashed(error.message));
      worker.on('exit', (code) => crashed(`worker exited with code ${code}`));
      feed();
    };

    if (jobs.length === 0) resolve();
    for (let i = 0; i < Math.min(threads, jobs.length); i += 1) start();
  });

  await Promise.all([...workers].map((worker) => worker.terminate()));
}
