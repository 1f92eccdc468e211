// Writes schema/tranche.schema.json from the schema tranche itself validates with.
import { writeFileSync } from 'node:fs';
import { manifestSchema } from '../dist/src/core/manifest/manifest-schema.js';

writeFileSync(new URL('../schema/tranche.schema.json', import.meta.url), JSON.stringify(manifestSchema, null, 2) + '\n');
