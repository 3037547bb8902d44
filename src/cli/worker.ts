/** A worker thread of the audit: analyzes the files the main thread sends it, one message each. */
import { parentPort, workerData } from 'node:worker_threads';
import { analyzePrescannedText } from '../analyze.js';
import type { AnalyzeOptions } from '../analyze.js';
import { analyzeSafely } from './analysis.js';
import type { WorkerJob, WorkerReply } from './workers.js';

const options = workerData as AnalyzeOptions;

parentPort?.on('message', (job: WorkerJob) => {
  const reply: WorkerReply = { id: job.id, analysis: analyzeSafely(analyzePrescannedText, job.text, job.filePath, options) };
  parentPort?.postMessage(reply);
});
