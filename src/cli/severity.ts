/** Per-rule severities: every rule is an error unless the config or `--rule` says otherwise. */
import { RULE_IDS, type RuleId } from '../checks/types.js';
import { RULE_PREFIX } from './results.js';
import { UsageError } from './usage-error.js';

export type RuleLevel = 'off' | 'warn' | 'error';
export type RuleLevels = Record<RuleId, RuleLevel>;

const LEVELS: Record<string, RuleLevel> = {
  off: 'off',
  '0': 'off',
  warn: 'warn',
  warning: 'warn',
  '1': 'warn',
  error: 'error',
  '2': 'error',
};

export function defaultRuleLevels(): RuleLevels {
  return Object.fromEntries(RULE_IDS.map((id) => [id, 'error'])) as RuleLevels;
}

export function toRuleId(name: string, where: string): RuleId {
  const bare = name.startsWith(RULE_PREFIX) ? name.slice(RULE_PREFIX.length) : name;
  const id = RULE_IDS.find((candidate) => candidate === bare);
  if (id === undefined) {
    throw new UsageError(`${where}: unknown rule "${name}". Rules: ${RULE_IDS.join(', ')}.`);
  }
  return id;
}

export function toRuleLevel(value: unknown, where: string): RuleLevel {
  const level = LEVELS[String(value).trim().toLowerCase()];
  if (level === undefined) {
    throw new UsageError(`${where}: severity must be off, warn or error (or 0, 1, 2), not "${String(value)}".`);
  }
  return level;
}

/** `no-lost-update=warn` (also `sql-race/no-lost-update:off`). */
export function parseRuleFlag(flag: string): [RuleId, RuleLevel] {
  const match = /^\s*([^=:\s]+)\s*[=:]\s*(\S+)\s*$/.exec(flag);
  if (match === null || match[1] === undefined || match[2] === undefined) {
    throw new UsageError(`--rule "${flag}": expected <rule>=<off|warn|error>, e.g. --rule no-lost-update=warn.`);
  }
  return [toRuleId(match[1], `--rule ${flag}`), toRuleLevel(match[2], `--rule ${flag}`)];
}

export function severityOf(level: RuleLevel): 1 | 2 | 0 {
  return level === 'error' ? 2 : level === 'warn' ? 1 : 0;
}
