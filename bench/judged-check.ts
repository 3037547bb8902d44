/**
 * Checks the audit against the judged list (`bench/judged/`): audits the codebases present, pairs the
 * current findings with the judged ones, prints precision (true / (true + false)) per codebase and the
 * findings nobody has judged yet, and exits non-zero when a finding judged false is reported or one
 * judged true is not. Outside `npm test`: CI cannot fetch the codebases. See bench/README.md.
 *
 *   npm run build && node dist/bench/judged-check.js [--root /tmp/real-code] [--unjudged] [--json] [names...]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { auditCodebase, DEFAULT_MIRRORS, DEFAULT_ROOT, DIST, listCodebases, type AuditFinding, type Codebase } from './corpus/audit.js';
import { judgedFileName, loadJudged, matchFindings, skeleton, type JudgedFinding, type Match } from './corpus/judged.js';
import { formatTable } from './corpus/table.js';

const DEFAULT_JUDGED = path.resolve(DIST, '..', 'bench', 'judged');

const USAGE = `usage: node dist/bench/judged-check.js [options] [names...]
  --root DIR        codebases, one directory per <owner>+<name> (default ${DEFAULT_ROOT})
  --mirrors DIR     git snapshots, for each codebase's commit (default ${DEFAULT_MIRRORS})
  --judged DIR      the judged list, one <owner>+<name>.json per codebase (default bench/judged)
  --from FILE       take the findings from a real-corpus.js --json file instead of auditing again
  --audit-arg ARG   pass ARG to sql-race audit (repeatable)
  --unjudged        list every finding not judged yet (file:line, rule, message)
  --json            with --unjudged: print them as judged-list entries to fill in (verdict "?")
  --lost-only       fail only when a finding judged true is lost (not when a false one is reported)
  names             owner/name, owner+name or name; all codebases present when none
`;

interface Flags {
  root: string;
  mirrors: string;
  judged: string;
  from: string | null;
  auditArgs: string[];
  unjudged: boolean;
  json: boolean;
  lostOnly: boolean;
  names: string[];
}

function parseFlags(argv: readonly string[]): Flags | null {
  const flags: Flags = {
    root: DEFAULT_ROOT,
    mirrors: DEFAULT_MIRRORS,
    judged: DEFAULT_JUDGED,
    from: null,
    auditArgs: [],
    unjudged: false,
    json: false,
    lostOnly: false,
    names: [],
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const value = (): string => {
      const next = argv[i + 1];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      i += 1;
      return next;
    };
    if (arg === '--root') flags.root = value();
    else if (arg === '--mirrors') flags.mirrors = value();
    else if (arg === '--judged') flags.judged = path.resolve(value());
    else if (arg === '--from') flags.from = value();
    else if (arg === '--audit-arg') flags.auditArgs.push(value());
    else if (arg === '--unjudged') flags.unjudged = true;
    else if (arg === '--json') flags.json = true;
    else if (arg === '--lost-only') flags.lostOnly = true;
    else if (arg === '--help' || arg === '-h') return null;
    else if (arg.startsWith('--')) throw new Error(`unknown flag ${arg}`);
    else flags.names.push(arg);
  }
  return flags;
}

interface Checked {
  codebase: Codebase;
  findings: number;
  matches: Match[];
  /** Judged true, not reported any more. */
  lost: JudgedFinding[];
  /** Judged false, reported again. */
  falseBack: Match[];
  commitNote: string | null;
}

async function currentFindings(codebases: readonly Codebase[], flags: Flags): Promise<Map<string, AuditFinding[]>> {
  const byCodebase = new Map<string, AuditFinding[]>();
  if (flags.from !== null) {
    const saved = JSON.parse(readFileSync(flags.from, 'utf8')) as { codebases: { codebase: string; findings: AuditFinding[] }[] };
    for (const entry of saved.codebases) byCodebase.set(entry.codebase, entry.findings);
    return byCodebase;
  }
  for (const codebase of codebases) {
    process.stderr.write(`${codebase.name} ...\n`);
    const outcome = await auditCodebase(codebase, { extraArgs: flags.auditArgs });
    if (outcome.failure !== null) throw new Error(`${codebase.name}: the audit failed: ${outcome.failure}`);
    byCodebase.set(codebase.name, outcome.findings);
  }
  return byCodebase;
}

const where = (entry: { path: string; line: number }): string => `${entry.path}:${entry.line}`;

/** A message that places a statement in a called function: ` (in getVoucher, vouchers.ts:5)`, ` (in f, line 12)`. */
const ACROSS_FUNCTIONS = /\(in [^,()]+, (?:[^\s:(),]+:|line )\d+[;)]/;

async function main(argv: readonly string[]): Promise<number> {
  let flags: Flags | null;
  try {
    flags = parseFlags(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (flags === null) {
    process.stdout.write(USAGE);
    return 0;
  }
  const judged = loadJudged(flags.judged);
  const codebases = await listCodebases(flags.root, flags.names, flags.mirrors);
  const findings = await currentFindings(codebases, flags);
  const checked: Checked[] = [];
  for (const codebase of codebases) {
    const current = findings.get(codebase.name);
    if (current === undefined) continue;
    const list = judged.get(codebase.name);
    const { matches, unmatched } = matchFindings(current, list?.findings ?? []);
    checked.push({
      codebase,
      findings: current.length,
      matches,
      lost: unmatched.filter((entry) => entry.verdict === 'true'),
      falseBack: matches.filter((match) => match.judged?.verdict === 'false'),
      commitNote:
        list !== undefined && codebase.commit !== null && codebase.commit !== list.commit
          ? `judged at ${list.commit.slice(0, 10)}, present at ${codebase.commit.slice(0, 10)}: lines may have moved`
          : null,
    });
  }

  if (flags.unjudged && flags.json) {
    const entries = checked
      .map((c) => ({
        codebase: c.codebase.name,
        commit: c.codebase.commit,
        file: judgedFileName(c.codebase.name),
        findings: c.matches.filter((m) => m.judged === null).map((m) => ({ ...skeleton(m.finding), message: m.finding.message })),
      }))
      .filter((entry) => entry.findings.length > 0);
    process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    return 0;
  }

  const count = (c: Checked, verdict: string): number => c.matches.filter((m) => m.judged?.verdict === verdict).length;
  const rows = checked.map((c) => {
    const t = count(c, 'true');
    const f = count(c, 'false');
    return [
      c.codebase.name,
      String(c.findings),
      String(t),
      String(f),
      String(count(c, 'debatable')),
      String(c.matches.filter((m) => m.judged === null).length),
      t + f > 0 ? `${((100 * t) / (t + f)).toFixed(0)} %` : '-',
      String(c.lost.length),
    ];
  });
  const total = (pick: (c: Checked) => number): number => checked.reduce((sum, c) => sum + pick(c), 0);
  const allTrue = total((c) => count(c, 'true'));
  const allFalse = total((c) => count(c, 'false'));
  rows.push([
    'total',
    String(total((c) => c.findings)),
    String(allTrue),
    String(allFalse),
    String(total((c) => count(c, 'debatable'))),
    String(total((c) => c.matches.filter((m) => m.judged === null).length)),
    allTrue + allFalse > 0 ? `${((100 * allTrue) / (allTrue + allFalse)).toFixed(0)} %` : '-',
    String(total((c) => c.lost.length)),
  ]);
  process.stdout.write(
    `${formatTable(['codebase', 'findings', 'true', 'false', 'debatable', 'unjudged', 'precision', 'true lost'], rows)}\n`,
  );
  // Findings the analysis across functions makes: a read, test or write of theirs is a statement a called
  // function runs, which the message places (` (in getVoucher, vouchers.ts:5)`, src/checks/shared.ts).
  const across = checked.flatMap((c) => c.matches.filter((m) => ACROSS_FUNCTIONS.test(m.finding.message)));
  const acrossCount = (verdict: string | null): number => across.filter((m) => (m.judged?.verdict ?? null) === verdict).length;
  const [acrossTrue, acrossFalse] = [acrossCount('true'), acrossCount('false')];
  process.stdout.write(
    `\nacross functions: ${across.length} findings, ${acrossTrue} true, ${acrossFalse} false, ${acrossCount('debatable')} debatable, ` +
      `${acrossCount(null)} unjudged, precision ${acrossTrue + acrossFalse > 0 ? `${((100 * acrossTrue) / (acrossTrue + acrossFalse)).toFixed(0)} %` : '-'}\n`,
  );

  for (const c of checked) {
    const lines: string[] = [];
    if (c.commitNote !== null) lines.push(`  note: ${c.commitNote}`);
    for (const entry of c.lost) lines.push(`  LOST (judged true, not reported): ${where(entry)} ${entry.rule} — ${entry.reason}`);
    for (const match of c.falseBack) {
      lines.push(`  FALSE (judged false, reported): ${where(match.finding)} ${match.finding.rule} — ${match.judged?.reason ?? ''}`);
    }
    if (flags.unjudged) {
      for (const match of c.matches.filter((m) => m.judged === null)) {
        lines.push(`  unjudged: ${where(match.finding)} ${match.finding.rule} (${match.finding.functionName}) ${match.finding.message}`);
      }
    }
    if (lines.length > 0) process.stdout.write(`\n${c.codebase.name}\n${lines.join('\n')}\n`);
  }
  const unjudged = total((c) => c.matches.filter((m) => m.judged === null).length);
  if (unjudged > 0 && !flags.unjudged) process.stdout.write(`\n${unjudged} findings not judged yet: --unjudged lists them.\n`);

  const lost = total((c) => c.lost.length);
  const falseBack = total((c) => c.falseBack.length);
  return lost > 0 || (!flags.lostOnly && falseBack > 0) ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
