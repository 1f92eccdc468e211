// The JSON Schema of a saved plan (`tranche plan -o`, format 1). schema/plan.schema.json is
// written from this object by `npm run schema` (a test keeps the two equal): tranche reads every
// plan — a plan file, a plan recorded in the state store — against this one schema.

import { CHANGE_KINDS } from '../changes/change-manifest.js';
import { manifestSchema } from '../manifest/manifest-schema.js';
import { ON_FAILURE } from '../manifest/manifest.js';
import { BATCH_KINDS, PLAN_FORMAT, STEP_CHANGES } from './plan.js';

const commit = { $ref: '#/definitions/commit' } as const;
const text = { type: 'string' } as const;
const texts = { type: 'array', items: text } as const;
const names = { type: 'array', items: { $ref: '#/definitions/name' } } as const;
const kinds = { type: 'array', items: { enum: [...CHANGE_KINDS] }, uniqueItems: true } as const;

export const planSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://tranche.dev/schema/plan.schema.json',
  title: 'tranche plan (tranche plan -o), format version 1',
  description:
    'A release of one environment as tranche plan worked it out: findings, then ordered batches of steps with their gates and rollbacks. tranche apply re-makes the plan and refuses the file unless its steps, rollbacks, batch order and policy are the ones it would deploy now.',
  type: 'object',
  additionalProperties: false,
  required: ['format', 'fleet', 'env', 'createdAt', 'to', 'basis', 'policy', 'findings', 'batches', 'unchanged'],
  properties: {
    format: { description: 'Format version of this file.', const: PLAN_FORMAT },
    fleet: { description: "The fleet's name (tranche.yaml name).", $ref: '#/definitions/name' },
    env: { description: 'The environment the release changes.', $ref: '#/definitions/name' },
    createdAt: { description: 'When the plan was made (ISO 8601).', type: 'string', minLength: 1 },
    intent: { description: 'One line of why.', type: 'string' },
    scope: { description: 'What the release may change.', ...kinds },
    to: { description: 'The target revision.', $ref: '#/definitions/revision' },
    basis: {
      description: 'What the plan was made against: what ran in the environment (as recorded), and the target commit.',
      type: 'object',
      additionalProperties: false,
      required: ['deployed', 'toCommit'],
      properties: {
        deployed: { type: 'object', propertyNames: { $ref: '#/definitions/name' }, additionalProperties: { $ref: '#/definitions/version' } },
        toCommit: commit,
      },
    },
    policy: {
      description: "The manifest's rollout policy at the target.",
      type: 'object',
      additionalProperties: false,
      required: ['batch_size', 'bake', 'on_failure'],
      properties: {
        batch_size: { type: 'integer', minimum: 1 },
        bake: { description: 'Milliseconds.', type: 'integer', minimum: 0 },
        on_failure: { enum: ON_FAILURE },
      },
    },
    findings: { type: 'array', items: { $ref: '#/definitions/finding' } },
    changes: { $ref: '#/definitions/changes' },
    batches: { type: 'array', items: { $ref: '#/definitions/batch' } },
    unchanged: { description: 'Services of the environment that the release leaves as they are.', ...names },
  },
  definitions: {
    name: manifestSchema.definitions.name,
    commit: { description: 'A git commit id.', type: 'string', pattern: '^[0-9a-f]{40}([0-9a-f]{24})?$' },
    revision: {
      type: 'object',
      additionalProperties: false,
      required: ['commit', 'label'],
      properties: { commit, label: text },
    },
    version: {
      description: 'A service at one version: the fleet commit, the content id of its paths, the hash of the config it runs with.',
      type: 'object',
      additionalProperties: false,
      required: ['commit', 'contentId', 'configHash'],
      properties: { commit, contentId: text, configHash: { type: 'string', minLength: 1 } },
    },
    batch: {
      type: 'object',
      additionalProperties: false,
      required: ['index', 'kind', 'services', 'steps', 'gates', 'reasons'],
      properties: {
        index: { description: '1 for the first batch.', type: 'integer', minimum: 1 },
        kind: { enum: BATCH_KINDS },
        services: names,
        steps: { type: 'array', items: { $ref: '#/definitions/step' } },
        gates: {
          type: 'object',
          additionalProperties: false,
          required: ['health', 'sanity', 'bakeMs'],
          properties: {
            health: names,
            sanity: { type: 'object', propertyNames: { $ref: '#/definitions/name' }, additionalProperties: texts },
            bakeMs: { type: 'integer', minimum: 0 },
          },
        },
        reasons: texts,
      },
    },
    step: {
      type: 'object',
      additionalProperties: false,
      required: ['service', 'change', 'to', 'rollback', 'configChanges'],
      properties: {
        service: { $ref: '#/definitions/name' },
        change: { enum: STEP_CHANGES },
        to: { $ref: '#/definitions/version' },
        from: { $ref: '#/definitions/version' },
        rollback: {
          description: 'Undoing the step: redeploy what ran before, or stop the service when nothing ran before.',
          type: 'object',
          additionalProperties: false,
          required: ['action'],
          properties: { action: { enum: ['redeploy', 'stop'] }, to: { $ref: '#/definitions/version' } },
          if: { properties: { action: { const: 'redeploy' } } },
          then: { required: ['to'] },
          else: { properties: { to: false } },
        },
        configChanges: {
          description: 'Config keys whose shown value changes (secrets as fingerprints): key → [before, after].',
          type: 'object',
          additionalProperties: { type: 'array', minItems: 2, maxItems: 2, items: { type: ['string', 'null'] } },
        },
      },
    },
    finding: {
      type: 'object',
      additionalProperties: false,
      required: ['rule', 'severity', 'message'],
      properties: {
        rule: { type: 'string', pattern: '^[a-z]+/[a-z]+(-[a-z]+)*$' },
        severity: { enum: ['error', 'warn', 'info'] },
        service: text,
        env: text,
        key: text,
        message: text,
        hint: text,
        location: {
          type: 'object',
          additionalProperties: false,
          required: ['file'],
          properties: { file: text, line: { type: 'integer', minimum: 1 }, column: { type: 'integer', minimum: 1 } },
        },
      },
    },
    changes: {
      description: 'Exactly what the release carries per service (commits, files, config keys, dependencies).',
      type: 'object',
      additionalProperties: false,
      required: ['env', 'to', 'services', 'unowned'],
      properties: {
        env: text,
        from: { $ref: '#/definitions/revision' },
        to: { $ref: '#/definitions/revision' },
        services: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['service', 'kinds', 'files', 'commits', 'configKeys', 'deps'],
            properties: {
              service: { $ref: '#/definitions/name' },
              from: { $ref: '#/definitions/revision' },
              kinds,
              files: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['path', 'status', 'kind'],
                  properties: { path: text, status: text, from: text, kind: { enum: [...CHANGE_KINDS] }, noEffectHere: { const: true } },
                },
              },
              commits: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['sha', 'author', 'date', 'subject', 'files'],
                  properties: { sha: text, author: text, date: text, subject: text, files: texts },
                },
              },
              configKeys: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['key', 'from', 'to'],
                  properties: { key: text, from: { type: ['string', 'null'] }, to: { type: ['string', 'null'] } },
                },
              },
              deps: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['kind', 'name', 'direct', 'via', 'explained', 'lockfile'],
                  properties: {
                    kind: { enum: ['added', 'removed', 'changed'] },
                    name: text,
                    from: text,
                    to: text,
                    direct: { type: 'boolean' },
                    via: texts,
                    semver: { enum: ['major', 'minor', 'patch', 'prerelease', 'other'] },
                    breaking: { const: true },
                    dev: { const: true },
                    explained: { type: 'boolean' },
                    line: { type: 'integer', minimum: 1 },
                    lockfile: text,
                  },
                },
              },
              unreadable: text,
            },
          },
        },
        unowned: texts,
      },
    },
  },
} as const;
