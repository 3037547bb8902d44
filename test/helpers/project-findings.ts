/** What the CLI and ESLint report on a multi-file project under `src/`, in one shape, to compare the front ends. */
import path from 'node:path';
import { sqlRace } from '../cli/cli-process.js';
import { projectEslint } from './lint.js';

export interface Found {
  file: string;
  line: number;
  ruleId: string;
  message: string;
}

function sorted(found: Found[]): Found[] {
  return [...found].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.ruleId.localeCompare(b.ruleId));
}

/** ESLint with the plugin's recommended rules over `src/**\/*.ts` of the project at `root`. */
export async function eslintFindings(root: string): Promise<Found[]> {
  const results = await projectEslint(root).lintFiles(['src/**/*.ts']);
  return sorted(
    results.flatMap((r) =>
      r.messages.map((m) => ({ file: path.relative(root, r.filePath), line: m.line, ruleId: m.ruleId ?? 'fatal', message: m.message })),
    ),
  );
}

/** `sql-race audit src` in the project at `root` (no schema discovery), as JSON. */
export function cliFindings(root: string): Found[] {
  const result = sqlRace(['audit', 'src', '--format', 'json', '--no-progress', '--no-schema-discovery'], { cwd: root });
  const parsed = JSON.parse(result.stdout) as { filePath: string; messages: { line: number; ruleId: string; message: string }[] }[];
  return sorted(
    parsed.flatMap((r) =>
      r.messages.map((m) => ({
        file: path.relative(root, path.resolve(root, r.filePath)),
        line: m.line,
        ruleId: m.ruleId,
        message: m.message,
      })),
    ),
  );
}

/** Where the findings are, without their messages. */
export function located(found: readonly Found[]): Omit<Found, 'message'>[] {
  return found.map(({ file, line, ruleId }) => ({ file, line, ruleId }));
}
