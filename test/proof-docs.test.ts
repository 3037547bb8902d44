/**
 * The figures the documents cite are the ones the proof measured: each rule doc's proof block and the
 * README's table equal what `fixtures/proof.json` renders to, and that JSON has one record for every
 * variant file (the proof suite checks each record against a fresh run on PostgreSQL).
 * To refresh: `npm run prove -- --json fixtures/proof.json && npm run proof:docs`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULE_IDS } from '../src/checks/types.js';
import { listScenarios, repositoryRoot } from './proof/harness/fixtures.js';
import { block, readProof, renderProveTable, renderRuleProof } from './proof/proof-docs.js';

const records = readProof();
const read = (path: string): string => readFileSync(join(repositoryRoot, path), 'utf8');

describe('proof figures in the documents', () => {
  it('fixtures/proof.json has exactly one record per variant file', () => {
    const files = listScenarios()
      .flatMap((s) => s.variants.map((v) => v.file))
      .sort();
    expect(records.map((r) => r.file).sort()).toEqual(files);
  });

  it('the README table is the proof as measured', () => {
    expect(block(read('README.md'), 'prove-table')).toBe(renderProveTable(records));
  });

  for (const rule of RULE_IDS) {
    it(`${rule}: its doc cites the measured oversell of every unsafe variant it flags`, () => {
      expect(records.some((r) => r.reportedRules.includes(rule) && !r.invariantHeld)).toBe(true);
      expect(block(read(`rules/${rule}.md`), 'proof-figures')).toBe(renderRuleProof(rule, records));
    });
  }
});
