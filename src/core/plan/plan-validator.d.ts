// The plan schema compiled to code: `npm run build` writes plan-validator.js into dist/
// (scripts/compile-schemas.mjs, from core/compiled-schemas.ts); this file only declares it.

import type { ErrorObject } from 'ajv';
import type { Plan } from './plan.js';

/** True when the data matches the plan schema; otherwise `errors` holds every violation (ajv's `allErrors`, `verbose`). */
export declare const validatePlan: { (data: unknown): data is Plan; errors?: ErrorObject[] | null };
