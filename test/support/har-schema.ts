// HAR 1.2 validation with the community JSON Schema (har-schema, the one har-validator uses) and Ajv, formats
// checked (uri, date-time, ipv4/6). The schema is draft-06 and uses two non-standard keywords ("optional",
// "min"), so Ajv runs with draft-06's meta schema and strict mode off.
import { createRequire } from 'node:module';
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';

const require = createRequire(import.meta.url);
const schemas = require('har-schema') as Record<string, { $id: string }>;
const draft06 = require('ajv/dist/refs/json-schema-draft-06.json') as object;

let validate: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null } | undefined;

/** The problems Ajv finds in `har` against HAR 1.2; empty when it is valid. */
export function harProblems(har: unknown): string[] {
  if (!validate) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addMetaSchema(draft06);
    addFormats(ajv);
    for (const schema of Object.values(schemas)) ajv.addSchema(schema);
    validate = ajv.getSchema('har.json#') as typeof validate;
  }
  if (validate!(har)) return [];
  return (validate!.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}`);
}
