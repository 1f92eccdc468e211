// The JSON Schemas tranche checks its own documents against, and how: `npm run build` compiles each
// to validation code once (scripts/compile-schemas.mjs, ajv's standalone mode), so no run of tranche
// loads ajv or compiles a schema. A parity test compiles the same schemas with the same options at
// run time and expects the same verdicts and errors from both.

import type { Options } from 'ajv';
import { manifestSchema } from './manifest/manifest-schema.js';
import { planSchema } from './plan/plan-schema.js';

/** `verbose`: errors carry the data and the schema that describe-schema-error words them with. */
const options = { allErrors: true, verbose: true, allowUnionTypes: true, strict: true } as const satisfies Options;

/** Each schema with its options, the module (under dist/) the build writes, and the function it exports. */
export const COMPILED_SCHEMAS = [
  { schema: manifestSchema, options, module: 'src/core/manifest/manifest-validator.js', exported: 'validateManifest' },
  {
    schema: planSchema,
    // strictRequired off: the rollback's `then` requires `to`, which its `properties` declare one level up.
    options: { ...options, strictRequired: false },
    module: 'src/core/plan/plan-validator.js',
    exported: 'validatePlan',
  },
] as const satisfies readonly { schema: object; options: Options; module: string; exported: string }[];
