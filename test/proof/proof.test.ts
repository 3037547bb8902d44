/**
 * The proof suite: for every fixture variant, both halves.
 * - The linter: the ESLint plugin and the core the CLI runs report exactly the `// expect:` markers
 *   of an unsafe variant, and nothing on a safe one.
 * - The database: N callers run the operation at once under the scheduler; the unsafe variant breaks
 *   the scenario's invariant (by the measured amount), the safe one keeps it.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { listScenarios, loadScenario } from './harness/fixtures.js';
import { lintVariant } from './harness/lint.js';
import { dropDatabase, freshDatabase } from './harness/postgres.js';
import { databaseName } from './harness/proof.js';
import { formatFinding } from './harness/report.js';
import { readProof } from './proof-docs.js';
import { runVariant } from './harness/run-variant.js';
import type { Scenario } from './harness/scenario.js';

// The figures the documents cite (fixtures/proof.json) must be what this run measures.
const documented = new Map(readProof().map((record) => [record.file, record]));

for (const directory of listScenarios()) {
  describe(directory.name, () => {
    const serverUrl = inject('postgresUrl');
    const name = databaseName(directory);
    let databaseUrl = '';
    let scenario: Scenario;

    beforeAll(async () => {
      scenario = await loadScenario(directory);
      databaseUrl = await freshDatabase(serverUrl, name);
    });
    afterAll(() => dropDatabase(serverUrl, name));

    test('has an unsafe variant and a safe one', () => {
      expect(directory.variants.some((variant) => !variant.safe)).toBe(true);
      expect(directory.variants.some((variant) => variant.safe)).toBe(true);
    });

    for (const variant of directory.variants) {
      const kind = variant.safe ? 'is clean and keeps the invariant' : 'is flagged and breaks the invariant';
      test(`${variant.variant}.${variant.library} ${kind}`, async () => {
        const expected = variant.expected.map(formatFinding);
        if (variant.safe) expect(expected, 'a safe variant carries no expect marker').toEqual([]);
        else expect(expected.length, 'an unsafe variant marks the line the rule reports').toBeGreaterThan(0);

        const lint = lintVariant(variant.source, variant.file);
        expect.soft(lint.problems, 'parse errors').toEqual([]);
        expect.soft(lint.eslint.map(formatFinding), 'ESLint plugin findings').toEqual(expected);
        expect.soft(lint.core.map(formatFinding), 'core (CLI) findings').toEqual(expected);

        const run = await runVariant(databaseUrl, directory, scenario, variant);
        expect(run.errors, 'callers that threw').toEqual([]);
        expect(run.held, `invariant ${run.held ? 'held' : 'broken'}: ${run.measured}`).toBe(variant.safe);
        expect(
          run.measured,
          'the figure fixtures/proof.json and the docs cite (refresh: npm run prove -- --json fixtures/proof.json && npm run proof:docs)',
        ).toBe(documented.get(variant.file)?.measured);
      });
    }
  });
}
