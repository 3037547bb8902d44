/**
 * A worker thread of the audit: analyzes the files the main thread sends it, one message each, and
 * sends back with each analysis the modules it summarised on the way; the main thread passes them on
 * to the other workers, whose projects adopt them (src/project: `takeFresh`, `adopt`).
 */
import { resolve } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { analyzePrescannedText, defaultProject, dropHeldParse, heldParseFiles, holdParses } from '../analyze.js';
import { analyzeSafely } from './analysis.js';
import type { WorkerJob, WorkerMessage, WorkerReply, WorkerSetup } from './workers.js';

const { options, files } = workerData as WorkerSetup;
const project = options.project === false ? null : defaultProject(options.unchangingFiles);
project?.share();
// The files of the audit not analysed here yet: a module among them keeps its parse for its own analysis.
const pending = new Set(files);
holdParses((file) => pending.has(file));

parentPort?.on('message', (message: WorkerMessage) => {
  if ('adopt' in message) {
    project?.adopt(message.adopt);
    return;
  }
  const job: WorkerJob = message;
  pending.delete(resolve(job.filePath));
  for (const file of job.drop ?? []) {
    pending.delete(file);
    dropHeldParse(file);
  }
  const analysis = analyzeSafely(analyzePrescannedText, job.text, job.filePath, options);
  const reply: WorkerReply = { id: job.id, analysis, summarised: project?.takeFresh() ?? [], held: heldParseFiles() };
  parentPort?.postMessage(reply);
});
