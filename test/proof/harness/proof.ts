/**
 * The whole proof: every scenario in a fresh database of its own, every variant linted and run.
 */
import { dropDatabase, freshDatabase } from './postgres.js';
import { listScenarios, loadScenario, type ScenarioDirectory, type VariantFile } from './fixtures.js';
import type { LintReport } from './lint.js';
import { proofLine, type ProofLine } from './report.js';
import { runVariant } from './run-variant.js';

export function databaseName(directory: ScenarioDirectory): string {
  return `proof_${directory.name.replace(/[^a-z0-9]+/g, '_')}`;
}

type Lint = (source: string, file: string) => LintReport;

/** Loads the linter half; an Error (the core failing to load) is reported per variant, not thrown. */
export async function loadLinter(): Promise<Lint | Error> {
  try {
    return (await import('./lint.js')).lintVariant;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

export async function proveAll(serverUrl: string, onLine: (line: ProofLine) => void = () => {}): Promise<ProofLine[]> {
  const lint = await loadLinter();
  const lines: ProofLine[] = [];
  for (const directory of listScenarios()) {
    const scenario = await loadScenario(directory);
    const name = databaseName(directory);
    const databaseUrl = await freshDatabase(serverUrl, name);
    try {
      for (const variant of directory.variants) {
        const line = proofLine(
          variant,
          lintOrError(lint, variant),
          await runOrError(() => runVariant(databaseUrl, directory, scenario, variant)),
        );
        lines.push(line);
        onLine(line);
      }
    } finally {
      await dropDatabase(serverUrl, name);
    }
  }
  return lines;
}

function lintOrError(lint: Lint | Error, variant: VariantFile): LintReport | Error {
  if (lint instanceof Error) return new Error(`could not load the linter (${lint.message})`);
  try {
    return lint(variant.source, variant.file);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

async function runOrError<T>(run: () => Promise<T>): Promise<T | Error> {
  try {
    return await run();
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
