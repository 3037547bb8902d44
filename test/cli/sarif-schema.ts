/**
 * Validation against the SARIF 2.1.0 JSON schema (rtm.5, the revision GitHub code scanning accepts),
 * as shipped in the @microsoft/jest-sarif package. The schema is draft-04, hence ajv-draft-04; one of
 * its patterns (`language`) is only valid without the regexp `u` flag, hence unicodeRegExp: false.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';

// CommonJS modules whose typings describe an ES default export: `.default` is the same function.
const AjvDraft04 = ajvDraft04.default;
const addFormats = ajvFormats.default;
const require = createRequire(import.meta.url);
const schemaFile = path.join(path.dirname(require.resolve('@microsoft/jest-sarif/package.json')), 'lib/schemas/sarif-2.1.0-rtm.5.json');

export function sarifValidator(): (log: unknown) => string[] {
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
  const ajv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return (log) =>
    validate(log)
      ? []
      : (validate.errors ?? []).map((e: { instancePath: string; message?: string }) => `${e.instancePath} ${e.message ?? ''}`);
}
