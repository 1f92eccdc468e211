// The manifest schema compiled to code: `npm run build` writes manifest-validator.js into dist/
// (scripts/compile-schemas.mjs, from core/compiled-schemas.ts); this file only declares it.

import type { ErrorObject } from 'ajv';

/** True when the data matches the manifest schema; otherwise `errors` holds every violation (ajv's `allErrors`, `verbose`). */
export declare const validateManifest: { (data: unknown): boolean; errors?: ErrorObject[] | null };
