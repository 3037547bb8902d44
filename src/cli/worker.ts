/**
 * A worker thread of the audit: analyzes the files the main thread sends it, one message each, and
 * sends back with each analysis the modules it summarised on the way; the main thread passes them on
 * to the other workers, whose projects adopt them (src/project: `takeFresh`, `adopt`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { analyzePrescannedText, defaultProject } from '../analyze.js';
import type { AnalyzeOptions } from '../analyze.js';
import { analyzeSafely } from './analysis.js';
import type { WorkerJob, WorkerMessage, WorkerReply } from './workers.js';

const options = workerData as AnalyzeOptions;
const project = options.project === false ? null : defaultProject();
project?.share();

parentPort?.on('message', (message: WorkerMessage) => {
  if ('adopt' in message) {
    project?.adopt(message.adopt);
    return;
  }
  const job: WorkerJob = message;
  const analysis = analyzeSafely(analyzePrescannedText, job.text, job.filePath, options);
  const reply: WorkerReply = { id: job.id, analysis, summarised: project?.takeFresh() ?? [] };
  parentPort?.postMessage(reply);
});
