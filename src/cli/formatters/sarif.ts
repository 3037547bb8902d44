/**
 * SARIF 2.1.0 for GitHub code scanning, built with node-sarif-builder. Locations are relative to the
 * project root (`%SRCROOT%`), each finding carries its baseline fingerprint as a partial fingerprint,
 * its check and act as related locations; problems with files themselves (parse errors, skipped
 * files) are tool execution notifications, not results. Each rule carries its whole doc
 * (`rules/<id>.md`, shipped in the package) as help, and the tags code scanning filters by.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SarifBuilder, SarifResultBuilder, SarifRuleBuilder, SarifRunBuilder } from 'node-sarif-builder';
import type { Location, Notification } from 'sarif';
import { RULE_IDS, type RuleId } from '../../checks/types.js';
import { toPosixRelative } from '../baseline.js';
import { packageInfo } from '../../package-info.js';
import { fallbackRuleMeta, type RuleMeta } from '../rule-meta.js';
import { RULE_PREFIX, type FileReport, type Problem } from '../results.js';
import type { FormatContext } from './index.js';

export const FINGERPRINT_KEY = 'sqlRaceFinding/v2';
const SRCROOT = '%SRCROOT%';
/** Code scanning shows these on each alert and lets users filter by them. */
export const RULE_TAGS = ['security', 'concurrency'];

/** The package's `rules/` directory, from src/cli/formatters/ (tests) or dist/src/cli/formatters/. */
function rulesDocsDir(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'rules'))) return join(dir, 'rules');
    dir = dirname(dir);
  }
  return null;
}

/**
 * The rule's doc as SARIF help. Links between docs are relative on disk; code scanning shows the text
 * away from the repository, so they are made absolute against the doc's own URL.
 */
export function ruleHelp(id: RuleId, docUrl: string, docsDir = rulesDocsDir()): { text: string; markdown: string } | undefined {
  if (docsDir === null) return undefined;
  let markdown: string;
  try {
    markdown = readFileSync(join(docsDir, `${id}.md`), 'utf8');
  } catch {
    return undefined;
  }
  markdown = markdown.replace(/\]\(([^)\s]+)\)/g, (whole, target: string) => {
    if (/^[a-z][a-z0-9+.-]*:|^#/i.test(target)) return whole;
    try {
      return `](${new URL(target, docUrl).href})`;
    } catch {
      return whole;
    }
  });
  return { text: markdown, markdown };
}

function location(uri: string, line: number, column: number, endLine?: number, endColumn?: number): Location {
  return {
    physicalLocation: {
      artifactLocation: { uri, uriBaseId: SRCROOT },
      region: {
        startLine: Math.max(line, 1),
        startColumn: Math.max(column, 1),
        ...(endLine !== undefined && endLine >= line ? { endLine } : {}),
        ...(endColumn !== undefined && endLine !== undefined && endLine >= line ? { endColumn: Math.max(endColumn, 1) } : {}),
      },
    },
  };
}

function level(problem: Problem): 'error' | 'warning' {
  return problem.severity === 2 ? 'error' : 'warning';
}

export function formatSarif(
  reports: readonly FileReport[],
  context: Pick<FormatContext, 'projectRoot' | 'levels' | 'baselineInUse' | 'ruleMeta'>,
): string {
  const meta: Record<RuleId, RuleMeta> = context.ruleMeta ?? fallbackRuleMeta();
  const run = new SarifRunBuilder().initSimple({
    toolDriverName: 'sql-race',
    toolDriverVersion: packageInfo.version,
    url: meta[RULE_IDS[0]].url.replace(/\/blob\/.*$/, ''),
  });
  run.run.originalUriBaseIds = { [SRCROOT]: { uri: pathToFileURL(`${context.projectRoot}/`).href } };
  run.run.columnKind = 'utf16CodeUnits';

  for (const id of RULE_IDS) {
    const rule = new SarifRuleBuilder().initSimple({
      ruleId: `${RULE_PREFIX}${id}`,
      shortDescriptionText: meta[id].description,
      helpUri: meta[id].url,
    });
    rule.rule.name = id;
    const help = ruleHelp(id, meta[id].url);
    if (help !== undefined) rule.rule.help = help;
    rule.rule.properties = { tags: [...RULE_TAGS] };
    const configured = context.levels[id];
    rule.rule.defaultConfiguration = {
      enabled: configured !== 'off',
      level: configured === 'warn' ? 'warning' : 'error',
    };
    run.addRule(rule);
  }

  const notifications: Notification[] = [];
  for (const report of reports) {
    const uri = toPosixRelative(context.projectRoot, report.filePath);
    for (const notice of report.notices) {
      notifications.push({
        level: 'note',
        message: { text: notice.message },
        locations: [location(uri, notice.line, notice.column)],
        descriptor: { id: 'file-skipped' },
      });
    }
    for (const problem of report.messages) {
      if (problem.finding === undefined) {
        notifications.push({
          level: level(problem),
          message: { text: problem.message },
          locations: [location(uri, problem.line, problem.column)],
          descriptor: { id: problem.fatal ? 'file-not-analyzed' : 'disable-directive' },
        });
        continue;
      }
      const { finding } = problem;
      const result = new SarifResultBuilder();
      result.result = {
        ruleId: problem.ruleId ?? `${RULE_PREFIX}${finding.ruleId}`,
        level: level(problem),
        message: { text: problem.message },
        locations: [location(uri, problem.line, problem.column, problem.endLine, problem.endColumn)],
        partialFingerprints: { [FINGERPRINT_KEY]: problem.fingerprint ?? '' },
      };
      if (finding.related.length > 0) {
        result.result.relatedLocations = finding.related.map((related, index) => ({
          id: index + 1,
          ...location(related.file !== undefined ? toPosixRelative(context.projectRoot, related.file) : uri, related.line, related.column),
          message: { text: related.label },
        }));
      }
      if (context.baselineInUse) result.result.baselineState = 'new';
      run.addResult(result);
    }
  }
  run.run.invocations = [{ executionSuccessful: true, toolExecutionNotifications: notifications }];
  if (run.run.results === undefined) run.run.results = [];

  const builder = new SarifBuilder();
  builder.addRun(run);
  return `${builder.buildSarifJsonString({ indent: true })}\n`;
}
