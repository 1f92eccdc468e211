/**
 * Every rule id the OpenAPI diff can emit, defined once. Schema comparisons emit
 * `${prefix}-${suffix}` where the prefix names the location (`request-body`, `response-property`,
 * `request-parameter`, ...; see `prefixOf`) and the suffix the keyword that changed; the other
 * changes emit whole ids. The emitting code is typed against these lists, so an id it can
 * produce and an id listed here cannot drift apart.
 */
import { ruleLevel } from './rule-level.js';
import { prefixOf, type Family, type Side } from './schema-context.js';

const BOUND_STEMS = [
  'min',
  'exclusive-min',
  'min-length',
  'min-items',
  'min-contains',
  'min-properties',
  'max',
  'exclusive-max',
  'max-length',
  'max-items',
  'max-contains',
  'max-properties',
] as const;
const BOUND_MOVES = ['set', 'unset', 'increased', 'decreased'] as const;
const PRESENCE_STEMS = [
  'contains',
  'if',
  'then',
  'else',
  'property-names',
  'unevaluated-items',
  'unevaluated-properties',
  'content-schema',
  'dependent-required',
  'dependent-schema',
  'pattern-property',
  'prefix-items',
  'discriminator',
  'one-of',
  'any-of',
  'all-of',
] as const;

/** A bound keyword's rule-id stem (`min-length`, `exclusive-max`, ...). */
export type BoundStem = (typeof BOUND_STEMS)[number];
/** A keyword whose appearance or disappearance is itself a change (`if`, `one-of`, ...). */
export type PresenceStem = (typeof PRESENCE_STEMS)[number];

/** The keyword suffixes a schema comparison emits after its location prefix. */
const SCHEMA_SUFFIXES = [
  ...BOUND_STEMS.flatMap((stem) => BOUND_MOVES.map((move) => `${stem}-${move}` as const)),
  ...PRESENCE_STEMS.flatMap((stem) => [`${stem}-added`, `${stem}-removed`] as const),
  'all-of-added-annotation-only',
  'all-of-removed-annotation-only',
  'became-nullable',
  'became-not-nullable',
  'wrapped-in-one-of',
  'list-of-types-narrowed',
  'list-of-types-widened',
  'type-changed',
  'type-generalized',
  'type-specialized',
  'type-compatible',
  'became-enum',
  'enum-value-added',
  'enum-value-removed',
  'const-added',
  'const-removed',
  'const-changed',
  'default-value-added',
  'default-value-removed',
  'default-value-changed',
  'pattern-added',
  'pattern-removed',
  'pattern-changed',
  'pattern-generalized',
  'content-encoding-changed',
  'content-media-type-changed',
  'dependent-required-changed',
  'discriminator-property-name-changed',
  'discriminator-mapping-added',
  'discriminator-mapping-deleted',
  'discriminator-mapping-changed',
  'x-extensible-enum-value-removed',
] as const;

/** A keyword suffix of a schema rule id. */
export type SchemaSuffix = (typeof SCHEMA_SUFFIXES)[number];

/** Ids emitted whole (not composed from a location prefix). */
const WHOLE_IDS = [
  // paths, operations, lifecycle
  'endpoint-added',
  'endpoint-deprecated',
  'endpoint-deprecated-with-sunset',
  'endpoint-reactivated',
  'api-deprecated-sunset-missing',
  'api-deprecated-sunset-parse',
  'api-sunset-date-too-small',
  'api-sunset-date-changed-too-small',
  'sunset-deleted',
  'api-removed-without-deprecation',
  'api-removed-before-sunset',
  'api-removed-with-deprecation',
  'api-path-sunset-parse',
  'api-path-removed-without-deprecation',
  'api-path-removed-before-sunset',
  'api-path-removed-with-deprecation',
  'api-invalid-stability-level',
  'api-stability-decreased',
  'api-stability-increased',
  'api-operation-id-added',
  'api-operation-id-removed',
  'api-tag-added',
  'api-tag-removed',
  'api-schema-removed',
  'webhook-added',
  'webhook-removed',
  'api-version-not-bumped',
  'api-version-decreased',
  'api-major-version-not-bumped',
  // parameters
  'request-parameter-deprecated',
  'request-parameter-deprecated-sunset-missing',
  'request-parameter-sunset-parse',
  'request-parameter-sunset-date-too-small',
  'request-parameter-sunset-date-changed-too-small',
  'request-parameter-sunset-deleted',
  'request-parameter-reactivated',
  'request-parameter-removed',
  'request-parameter-removed-before-sunset',
  'request-parameter-removed-with-deprecation',
  'request-parameter-became-required',
  'request-parameter-became-optional',
  'new-request-path-parameter',
  'new-required-request-parameter',
  'new-optional-request-parameter',
  'new-required-request-default-parameter-to-existing-path',
  'new-optional-request-default-parameter-to-existing-path',
  // bodies, media types, responses, headers
  'request-body-removed',
  'request-body-added-required',
  'request-body-added-optional',
  'request-body-became-required',
  'request-body-became-optional',
  'request-body-media-type-added',
  'request-body-media-type-removed',
  'request-body-media-type-schema-added',
  'request-body-media-type-schema-removed',
  'response-media-type-added',
  'response-media-type-removed',
  'response-media-type-name-changed',
  'response-media-type-name-generalized',
  'response-media-type-name-specialized',
  'response-body-media-type-schema-added',
  'response-body-media-type-schema-removed',
  'response-mediatype-enum-value-removed',
  'response-success-status-added',
  'response-success-status-removed',
  'response-non-success-status-added',
  'response-non-success-status-removed',
  'required-response-header-removed',
  'optional-response-header-removed',
  'response-header-became-optional',
  'response-header-added',
  // properties
  'request-property-removed',
  'new-optional-request-property',
  'new-required-request-property',
  'new-required-request-property-with-default',
  'request-property-became-required',
  'request-property-became-required-with-default',
  'request-property-became-optional',
  'response-required-property-removed',
  'response-optional-property-removed',
  'response-required-write-only-property-removed',
  'response-optional-write-only-property-removed',
  'response-required-property-added',
  'response-optional-property-added',
  'response-required-write-only-property-added',
  'response-optional-write-only-property-added',
  'response-property-became-required',
  'response-property-became-optional',
  'response-write-only-property-became-required',
  'response-write-only-property-became-optional',
  ...(['request', 'response'] as const).flatMap((side) =>
    (['required', 'optional'] as const).flatMap((kind) =>
      (['read-only', 'not-read-only', 'write-only', 'not-write-only'] as const).map((change) => `${side}-${kind}-property-became-${change}` as const),
    ),
  ),
  'new-required-request-header-property',
  'request-header-property-became-required',
  'request-header-property-became-enum',
  ...(['request', 'response'] as const).flatMap((side) =>
    (
      [
        'deprecated',
        'deprecated-with-sunset',
        'deprecated-sunset-missing',
        'deprecated-sunset-invalid',
        'sunset-date-too-small',
        'reactivated',
        'stability-decreased',
        'stability-increased',
      ] as const
    ).map((change) => `${side}-property-${change}` as const),
  ),
  // security
  'api-global-security-added',
  'api-global-security-removed',
  'api-global-security-scope-added',
  'api-global-security-scope-removed',
  'api-security-added',
  'api-security-removed',
  'api-security-scope-added',
  'api-security-scope-removed',
  'api-security-component-added',
  'api-security-component-removed',
  'api-security-component-type-changed',
  'api-security-component-oauth-token-url-changed',
  'api-security-component-oauth-url-changed',
  'api-security-component-oauth-scope-added',
  'api-security-component-oauth-scope-removed',
  'api-security-component-oauth-scope-changed',
] as const;

/** An id emitted whole. */
export type WholeId = (typeof WHOLE_IDS)[number];

/** Every location prefix a schema comparison can take. */
function schemaPrefixes(): string[] {
  const sides: Side[] = ['request', 'response'];
  const families: Family[] = ['body', 'parameter', 'header'];
  const out = new Set<string>();
  for (const side of sides)
    for (const family of families)
      for (const nested of [false, true]) {
        // Parameters only exist on the request side.
        if (family === 'parameter' && side === 'response') continue;
        out.add(prefixOf({ side, family, nested }));
      }
  // A read-only request property's bound and enum changes, a write-only response property's
  // enum values (see `emitAttribute`).
  out.add('request-read-only-property');
  out.add('response-write-only-property');
  return [...out];
}

/**
 * The oasdiff rule ids the diff can emit: whole ids and every prefix × suffix that is in the
 * taxonomy (the sink drops the others), sorted.
 */
export function emittedRuleIds(): string[] {
  const composed = schemaPrefixes().flatMap((prefix) => SCHEMA_SUFFIXES.map((suffix) => `${prefix}-${suffix}`));
  return [...new Set([...WHOLE_IDS, ...composed])].filter((id) => ruleLevel(id) !== undefined).sort();
}
