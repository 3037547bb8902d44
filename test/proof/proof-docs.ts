/**
 * The measured proof, written into the documents that cite it: each rule doc's Proof section and the
 * README's table come from `fixtures/proof.json` (what `npm run prove -- --json fixtures/proof.json`
 * wrote). `test/proof-docs.test.ts` fails when a document and the JSON disagree, and the proof suite
 * fails when the JSON and a fresh run disagree, so no figure can drift.
 *
 *   npm run proof:docs    rewrites the blocks from fixtures/proof.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repositoryRoot } from './harness/fixtures.js';
import type { ProofRecord } from './harness/report.js';

export const PROOF_JSON = join(repositoryRoot, 'fixtures', 'proof.json');

export function readProof(): ProofRecord[] {
  return JSON.parse(readFileSync(PROOF_JSON, 'utf8')) as ProofRecord[];
}

const order = (a: ProofRecord, b: ProofRecord): number => a.file.localeCompare(b.file);

/** The figures proving one rule: each unsafe variant it flags, and how the fixes of those scenarios did. */
export function renderRuleProof(rule: string, records: readonly ProofRecord[]): string {
  const flagged = records.filter((r) => r.reportedRules.includes(rule) && !r.invariantHeld).sort(order);
  const scenarios = new Set(flagged.map((r) => r.scenario));
  const fixes = records.filter((r) => scenarios.has(r.scenario) && r.expectedRule === null);
  const held = fixes.filter((r) => r.invariantHeld && r.reportedRules.length === 0);
  const lines = flagged.map((r) => `- \`${r.file}\` (${r.library}): flagged; ${r.measured}.`);
  lines.push(
    `- The ${fixes.length} fixed variants of ${[...scenarios].map((s) => `\`${s}\``).join(', ')}: ${held.length} quiet and holding.`,
  );
  return lines.join('\n');
}

export function renderProveTable(records: readonly ProofRecord[]): string {
  const rows = [...records].sort(
    (a, b) => a.scenario.localeCompare(b.scenario) || a.variant.localeCompare(b.variant) || a.library.localeCompare(b.library),
  );
  return [
    '| scenario | variant | library | rule flagged | invariant | measured |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.variant} | ${r.library} | ${r.reportedRules.join(', ') || 'none'} | ${r.invariantHeld ? 'held' : 'broken'} | ${r.measured} |`,
    ),
  ].join('\n');
}

/** The text between `<!-- name -->` and `<!-- /name -->`, or null when the markers are missing. */
export function block(text: string, name: string): string | null {
  const start = text.indexOf(`<!-- ${name} -->`);
  const end = text.indexOf(`<!-- /${name} -->`);
  return start === -1 || end < start ? null : text.slice(start + `<!-- ${name} -->`.length, end).trim();
}

function replaceBlock(text: string, name: string, content: string): string {
  const start = text.indexOf(`<!-- ${name} -->`);
  const end = text.indexOf(`<!-- /${name} -->`);
  if (start === -1 || end < start) throw new Error(`missing <!-- ${name} --> ... <!-- /${name} --> markers`);
  return `${text.slice(0, start)}<!-- ${name} -->\n${content}\n${text.slice(end)}`;
}

function writeDocs(): void {
  const records = readProof();
  const readme = join(repositoryRoot, 'README.md');
  writeFileSync(readme, replaceBlock(readFileSync(readme, 'utf8'), 'prove-table', renderProveTable(records)));
  const rules = new Set(records.flatMap((r) => r.reportedRules));
  for (const rule of rules) {
    const doc = join(repositoryRoot, 'rules', `${rule}.md`);
    writeFileSync(doc, replaceBlock(readFileSync(doc, 'utf8'), 'proof-figures', renderRuleProof(rule, records)));
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) writeDocs();
