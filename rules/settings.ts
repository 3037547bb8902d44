/**
 * The plugin's shared settings, `settings['sql-race']` in the ESLint config:
 *
 *   settings: { 'sql-race': { schema: ['db/schema.sql', 'prisma/schema.prisma'] } }
 *
 * - `schema`: files or directories (relative to ESLint's cwd) to read the declared schema from, besides
 *   what is found under the cwd (`*.prisma`, `*.sql`, entities, models, migrations).
 * - `schemaDiscovery`: `false` to read only the `schema` paths, not search the cwd (default `true`).
 */
import path from 'node:path';
import { loadSchema } from '../src/schema/load.js';
import type { Schema } from '../src/schema/types.js';

export interface PluginSettings {
  schema: string[];
  schemaDiscovery: boolean;
}

function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function pluginSettings(settings: Readonly<Record<string, unknown>> | undefined): PluginSettings {
  const raw = settings?.['sql-race'];
  const own = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  return { schema: stringList(own['schema']), schemaDiscovery: own['schemaDiscovery'] !== false };
}

/** One schema per cwd and setting for the life of the process (one lint run); files are memoized per content. */
const schemas = new Map<string, Schema>();

export function schemaFor(cwd: string, settings: PluginSettings): Schema {
  const key = JSON.stringify([cwd, settings.schema, settings.schemaDiscovery]);
  let schema = schemas.get(key);
  if (!schema) {
    schema = loadSchema({ discover: settings.schemaDiscovery ? [cwd] : [], paths: settings.schema.map((p) => path.resolve(cwd, p)) });
    schemas.set(key, schema);
  }
  return schema;
}
