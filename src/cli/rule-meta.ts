/** What the ESLint plugin says about each rule (description, doc URL), for SARIF's rule descriptors. */
import { RULE_IDS, type RuleId } from '../checks/types.js';
import { ruleDocsUrl } from '../package-info.js';

export interface RuleMeta {
  description: string;
  url: string;
}

interface PluginShape {
  default?: { rules?: Record<string, { meta?: { docs?: { description?: string; url?: string } } }> };
}

/** Loaded only for SARIF: the plugin brings in ESLint's rule utilities, which other formats do not need. */
export async function loadRuleMeta(): Promise<Record<RuleId, RuleMeta>> {
  let rules: NonNullable<PluginShape['default']>['rules'] = {};
  try {
    const plugin = (await import('../index.js')) as PluginShape;
    rules = plugin.default?.rules ?? {};
  } catch {
    // Descriptions are a courtesy: the report is complete without them.
  }
  return Object.fromEntries(
    RULE_IDS.map((id) => {
      const docs = rules?.[id]?.meta?.docs;
      return [id, { description: docs?.description ?? `sql-race rule ${id}`, url: docs?.url ?? ruleDocsUrl(id) }];
    }),
  ) as Record<RuleId, RuleMeta>;
}

export function fallbackRuleMeta(): Record<RuleId, RuleMeta> {
  return Object.fromEntries(RULE_IDS.map((id) => [id, { description: `sql-race rule ${id}`, url: ruleDocsUrl(id) }])) as Record<
    RuleId,
    RuleMeta
  >;
}
