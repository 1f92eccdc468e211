// Writes the published JSON Schemas from the schemas tranche itself validates with:
// schema/tranche.schema.json (the manifest) and schema/plan.schema.json (a saved plan).
import { writeFileSync } from 'node:fs';
import { manifestSchema } from '../dist/src/core/manifest/manifest-schema.js';
import { planSchema } from '../dist/src/core/plan/plan-schema.js';

const write = (name, schema) => writeFileSync(new URL(`../schema/${name}`, import.meta.url), `${JSON.stringify(schema, null, 2)}\n`);
write('tranche.schema.json', manifestSchema);
write('plan.schema.json', planSchema);
