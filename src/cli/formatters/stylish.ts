import path from 'node:path';
/**
 * ESLint's stylish output, grouped by file, with a small code frame at each finding that shows the
 * reported line and the lines it relates to (the check, the act).
 */
import { palette, type Palette } from '../color.js';
import { totalCounts, type FileReport, type Problem } from '../results.js';
import type { FormatContext } from './index.js';

const MAX_LINE_WIDTH = 120;

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

interface FrameLine {
  line: number;
  labels: string[];
  reported: boolean;
}

function relativeFile(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') ? file : relative;
}

function frameLines(problem: Problem): FrameLine[] {
  const lines = new Map<number, FrameLine>();
  const at = (line: number): FrameLine => {
    let entry = lines.get(line);
    if (entry === undefined) {
      entry = { line, labels: [], reported: false };
      lines.set(line, entry);
    }
    return entry;
  };
  at(problem.line).reported = true;
  for (const related of problem.finding?.related ?? []) {
    if (related.file !== undefined) continue; // another file: listed under the frame
    const entry = at(related.line);
    if (!entry.labels.includes(related.label)) entry.labels.push(related.label);
  }
  return [...lines.values()].sort((a, b) => a.line - b.line);
}

function codeFrame(problem: Problem, sourceLines: readonly string[], colors: Palette): string[] {
  const shown = frameLines(problem).filter((entry) => sourceLines[entry.line - 1] !== undefined);
  if (shown.length === 0) return [];
  const texts = shown.map((entry) => (sourceLines[entry.line - 1] ?? '').replace(/\t/g, '  ').trimEnd());
  const indent = Math.min(...texts.filter((text) => text.trim() !== '').map((text) => /^ */.exec(text)?.[0].length ?? 0));
  const width = String(shown[shown.length - 1]?.line ?? 0).length;
  const out: string[] = [];
  shown.forEach((entry, index) => {
    const previous = shown[index - 1];
    if (previous !== undefined && entry.line > previous.line + 1) {
      out.push(colors.dim(`    ${' '.repeat(width)} ┆`));
    }
    let text = (texts[index] ?? '').slice(Number.isFinite(indent) ? indent : 0);
    if (text.length > MAX_LINE_WIDTH) text = `${text.slice(0, MAX_LINE_WIDTH - 1)}…`;
    const marker = entry.reported ? colors.red('>') : ' ';
    const number = colors.dim(`${String(entry.line).padStart(width)} │`);
    const labels = entry.labels.length > 0 ? `  ${colors.dim(`◂ ${entry.labels.join(', ')}`)}` : '';
    out.push(`  ${marker} ${number} ${text}${labels}`);
  });
  return out;
}

export function formatStylish(reports: readonly FileReport[], context: Pick<FormatContext, 'color'>): string {
  const colors = palette(context.color);
  const out: string[] = [];
  for (const report of reports) {
    if (report.messages.length === 0) continue;
    const sourceLines = report.source?.split(/\r?\n/) ?? [];
    out.push('', colors.underline(report.relativePath));
    const positionWidth = Math.max(...report.messages.map((m) => `${m.line}:${m.column}`.length));
    for (const problem of report.messages) {
      const position = `${problem.line}:${problem.column}`.padEnd(positionWidth);
      const severity = problem.severity === 2 ? colors.red('error  ') : colors.yellow('warning');
      const rule = problem.ruleId === null ? '' : `  ${colors.dim(problem.ruleId)}`;
      out.push(`  ${colors.dim(position)}  ${severity}  ${problem.message}${rule}`);
      if (problem.finding !== undefined) out.push(...codeFrame(problem, sourceLines, colors));
      for (const related of problem.finding?.related ?? []) {
        if (related.file !== undefined) out.push(`    ${colors.dim(`↳ ${related.label}: ${relativeFile(related.file)}:${related.line}`)}`);
      }
    }
  }
  const skipped = reports.flatMap((report) => report.notices.map((notice) => ({ report, notice })));
  if (skipped.length > 0) {
    out.push('', colors.underline(`Not audited (${plural(new Set(skipped.map(({ report }) => report)).size, 'file')}):`));
    for (const { report, notice } of skipped) out.push(`  ${report.relativePath}  ${colors.dim(notice.message)}`);
  }
  const totals = totalCounts(reports);
  const problems = totals.errorCount + totals.warningCount;
  if (problems > 0) {
    const summary =
      `✖ ${plural(problems, 'problem')} (${plural(totals.errorCount, 'error')}, ` + `${plural(totals.warningCount, 'warning')})`;
    out.push('', totals.errorCount > 0 ? colors.red(colors.bold(summary)) : colors.yellow(colors.bold(summary)));
  }
  if (totals.baselinedCount > 0) {
    if (problems === 0) out.push('');
    out.push(`${plural(totals.baselinedCount, 'finding')} in the baseline not shown.`);
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
