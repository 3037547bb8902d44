/**
 * Preloaded (`node --import`) into a process the bench measures: when the process exits, writes its
 * `process.resourceUsage()` (CPU time of every thread, peak RSS) to the file named by
 * `SQL_RACE_BENCH_USAGE_FILE`. Node cannot report a child's resource usage to its parent otherwise.
 */
import { writeFileSync } from 'node:fs';

const target = process.env['SQL_RACE_BENCH_USAGE_FILE'];
if (target !== undefined && target !== '') {
  process.on('exit', () => {
    try {
      writeFileSync(target, JSON.stringify(process.resourceUsage()));
    } catch {
      // Nowhere to report it; the bench then shows no CPU figure.
    }
  });
}
