/**
 * Reading one file's text, turning every way that can fail into a message for that file: unreadable,
 * not a regular file, too large, binary, not UTF-8.
 */
import { readFileSync, statSync } from 'node:fs';
import { fileProblem, type Problem } from './results.js';

export const DEFAULT_MAX_FILE_MB = 2;

export type SourceRead = { kind: 'text'; text: string; bytes: number } | { kind: 'problem'; problem: Problem };

const decoder = new TextDecoder('utf-8', { fatal: true });

function formatMegabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function readFailure(error: unknown): SourceRead {
  const { code, message } = error as NodeJS.ErrnoException;
  const reason =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'EISDIR'
        ? 'it is a directory'
        : code === 'ENOENT'
          ? 'it no longer exists'
          : (code ?? message);
  return { kind: 'problem', problem: fileProblem(2, `Cannot read file: ${reason}.`, true) };
}

export function readSource(file: string, maxBytes: number): SourceRead {
  let size: number;
  try {
    const stats = statSync(file);
    if (stats.isDirectory()) return readFailure(Object.assign(new Error('EISDIR'), { code: 'EISDIR' }));
    if (!stats.isFile()) return { kind: 'problem', problem: fileProblem(1, 'Skipped: not a regular file.', false) };
    size = stats.size;
  } catch (error) {
    return readFailure(error);
  }
  if (size > maxBytes) {
    return {
      kind: 'problem',
      problem: fileProblem(
        1,
        `Skipped: ${formatMegabytes(size)} is larger than the ${formatMegabytes(maxBytes)} limit ` +
          '(generated or bundled code?). Raise it with --max-file-size or ignore the file.',
        false,
      ),
    };
  }
  let buffer: Buffer;
  try {
    buffer = readFileSync(file);
  } catch (error) {
    return readFailure(error);
  }
  if (buffer.subarray(0, 8000).includes(0)) {
    return { kind: 'problem', problem: fileProblem(1, 'Skipped: binary file (it contains NUL bytes).', false) };
  }
  try {
    return { kind: 'text', text: decoder.decode(buffer), bytes: buffer.length };
  } catch {
    return { kind: 'problem', problem: fileProblem(1, 'Skipped: the file is not valid UTF-8 text.', false) };
  }
}
