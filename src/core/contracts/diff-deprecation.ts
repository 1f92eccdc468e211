import type { ChangeLocation, ChangeSink } from './change-sink.js';
import type { WholeId } from './emitted-rule-ids.js';
import { show } from './schema-facts.js';

/** Clock and policy for sunset rules. */
export interface DeprecationPolicy {
  /** Milliseconds since the epoch; without it a sunset date is assumed not yet reached. */
  now?: number;
  /** Minimum days between deprecation and sunset, by stability level (default beta 31, stable 180). */
  deprecationDays?: { beta?: number; stable?: number };
}

/** The rule ids one kind of element (an operation, a path, a parameter) uses for its lifecycle. */
export interface LifecycleIds {
  deprecated: WholeId;
  deprecatedWithSunset: WholeId;
  sunsetMissing: WholeId;
  sunsetParse: WholeId;
  sunsetTooSmall: WholeId;
  sunsetChangedTooSmall: WholeId;
  sunsetDeleted: WholeId;
  reactivated: WholeId;
  removedWithout: WholeId;
  removedBeforeSunset: WholeId;
  removedWithDeprecation: WholeId;
}

/** Something that can be deprecated: an operation or a parameter object. */
type Deprecatable = Record<string, unknown>;

type Sunset = { kind: 'none' } | { kind: 'invalid'; raw: unknown } | { kind: 'date'; time: number };

/** One day in milliseconds. */
export const DAY = 24 * 60 * 60 * 1000;

/** Reads `x-sunset` (an RFC 3339 date or date-time). */
export function sunsetOf(element: Deprecatable): Sunset {
  const raw = element['x-sunset'];
  if (raw === undefined) return { kind: 'none' };
  if (raw instanceof Date) return { kind: 'date', time: raw.getTime() };
  if (typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}([Tt ][\d:.]+([Zz]|[+-]\d{2}:\d{2})?)?$/.test(raw.trim())) {
    const time = Date.parse(raw.trim());
    if (!Number.isNaN(time)) return { kind: 'date', time };
  }
  return { kind: 'invalid', raw };
}

/** Reports deprecation, reactivation and sunset changes of an element present on both sides. */
export function diffLifecycle(
  base: Deprecatable,
  revision: Deprecatable,
  ids: LifecycleIds,
  what: string,
  policy: DeprecationPolicy,
  sink: ChangeSink,
  where: ChangeLocation,
): void {
  const was = base.deprecated === true;
  const is = revision.deprecated === true;
  const from = sunsetOf(base);
  const to = sunsetOf(revision);
  if (was && !is) return void sink.emit(ids.reactivated, `${what} is no longer deprecated`, where);
  if (!is) return;
  if (to.kind === 'invalid') return void sink.emit(ids.sunsetParse, `${what} has an unreadable sunset ${show(to.raw)}`, where);
  if (!was) {
    if (to.kind === 'none') {
      sink.emit(ids.deprecated, `${what} deprecated`, where);
      sink.emit(ids.sunsetMissing, `${what} deprecated without a sunset date`, where);
      return;
    }
    const minDays = minimumDays(revision, policy);
    if (policy.now !== undefined && to.time < policy.now + minDays * DAY) {
      sink.emit(ids.sunsetTooSmall, `${what} sunset is less than ${minDays} days away`, where);
    }
    sink.emit(ids.deprecatedWithSunset, `${what} deprecated with sunset`, where);
    return;
  }
  if (from.kind === 'invalid') return void sink.emit(ids.sunsetParse, `${what} had an unreadable sunset ${show(from.raw)}`, where);
  if (from.kind === 'date' && to.kind === 'none') return void sink.emit(ids.sunsetDeleted, `${what} sunset date was deleted`, where);
  if (from.kind === 'date' && to.kind === 'date' && to.time < from.time) {
    sink.emit(ids.sunsetChangedTooSmall, `${what} sunset moved earlier`, where);
  }
}

/** Reports the removal of an element, judged by whether it was deprecated and its sunset passed. */
export function reportRemoval(base: Deprecatable, ids: LifecycleIds, what: string, policy: DeprecationPolicy, sink: ChangeSink, where: ChangeLocation): void {
  if (base.deprecated !== true) return void sink.emit(ids.removedWithout, `${what} removed without deprecation`, where);
  const sunset = sunsetOf(base);
  if (sunset.kind === 'invalid') return void sink.emit(ids.sunsetParse, `${what} had an unreadable sunset ${show(sunset.raw)}`, where);
  if (sunset.kind === 'date' && (policy.now === undefined || sunset.time > policy.now)) {
    return void sink.emit(ids.removedBeforeSunset, `${what} removed before its sunset`, where);
  }
  sink.emit(ids.removedWithDeprecation, `${what} removed after deprecation`, where);
}

/** Days a deprecation must run before its sunset, by the element's stability level. */
export function minimumDays(element: Deprecatable, policy: DeprecationPolicy): number {
  return element['x-stability-level'] === 'beta' ? (policy.deprecationDays?.beta ?? 31) : (policy.deprecationDays?.stable ?? 180);
}

/** Lifecycle ids for operations. */
export const OPERATION_IDS: LifecycleIds = {
  deprecated: 'endpoint-deprecated',
  deprecatedWithSunset: 'endpoint-deprecated-with-sunset',
  sunsetMissing: 'api-deprecated-sunset-missing',
  sunsetParse: 'api-deprecated-sunset-parse',
  sunsetTooSmall: 'api-sunset-date-too-small',
  sunsetChangedTooSmall: 'api-sunset-date-changed-too-small',
  sunsetDeleted: 'sunset-deleted',
  reactivated: 'endpoint-reactivated',
  removedWithout: 'api-removed-without-deprecation',
  removedBeforeSunset: 'api-removed-before-sunset',
  removedWithDeprecation: 'api-removed-with-deprecation',
};

/** Lifecycle ids for operations whose whole path was removed. */
export const PATH_IDS: LifecycleIds = {
  ...OPERATION_IDS,
  sunsetParse: 'api-path-sunset-parse',
  removedWithout: 'api-path-removed-without-deprecation',
  removedBeforeSunset: 'api-path-removed-before-sunset',
  removedWithDeprecation: 'api-path-removed-with-deprecation',
};

/** Lifecycle ids for request parameters. */
export const PARAMETER_IDS: LifecycleIds = {
  deprecated: 'request-parameter-deprecated',
  deprecatedWithSunset: 'request-parameter-deprecated',
  sunsetMissing: 'request-parameter-deprecated-sunset-missing',
  sunsetParse: 'request-parameter-sunset-parse',
  sunsetTooSmall: 'request-parameter-sunset-date-too-small',
  sunsetChangedTooSmall: 'request-parameter-sunset-date-changed-too-small',
  sunsetDeleted: 'request-parameter-sunset-deleted',
  reactivated: 'request-parameter-reactivated',
  removedWithout: 'request-parameter-removed',
  removedBeforeSunset: 'request-parameter-removed-before-sunset',
  removedWithDeprecation: 'request-parameter-removed-with-deprecation',
};
