/**
 * Starts PostgreSQL once for the proof project (or checks DATABASE_URL) and stops it at the end.
 * If it cannot start, this throws PostgresUnavailable and the run fails with the reason and what to
 * do about it: nothing is skipped, and no wait here is unbounded.
 */
import type { TestProject } from 'vitest/node';
import { startPostgres } from './harness/postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres();
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
