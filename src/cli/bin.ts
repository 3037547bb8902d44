#!/usr/bin/env node
/** The `sql-race` command. Anything unexpected ends in one line on stderr and exit code 2, never a stack trace. */
import { runCli } from './main.js';

function fail(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`sql-race: fatal error: ${message}\n`);
  if (process.env['SQL_RACE_DEBUG'] && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exit(2);
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
}).then((code) => {
  process.exitCode = code;
}, fail);
