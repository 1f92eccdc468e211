import { DAY, minimumDays, sunsetOf } from './diff-deprecation.js';
import { emitId, type SchemaContext } from './schema-context.js';
import { show, type Schema } from './schema-facts.js';

const STABILITY = ['draft', 'alpha', 'beta', 'stable'];

/**
 * Deprecation and stability of a body property present on both sides. A property deprecated in
 * the revision needs a readable sunset far enough ahead (the same policy as operations); a
 * property's `x-stability-level` (absent means stable) must not go down.
 */
export function diffPropertyLifecycle(name: string, base: Schema, revision: Schema, ctx: SchemaContext, at: string): void {
  const side = ctx.side;
  const was = base.deprecated === true;
  const is = revision.deprecated === true;
  if (was && !is) emitId(ctx, [`${side}-property-reactivated`], `${side} property ${name} is no longer deprecated`, at);
  if (!was && is) {
    const sunset = sunsetOf(revision);
    const policy = ctx.policy ?? {};
    const days = minimumDays(revision, policy);
    if (sunset.kind === 'none') {
      // Without a minimum deprecation period (policy 0 days) a missing sunset is only news.
      if (days > 0) emitId(ctx, [`${side}-property-deprecated-sunset-missing`], `${side} property ${name} deprecated without a sunset date`, at);
      else emitId(ctx, [`${side}-property-deprecated`], `${side} property ${name} deprecated`, at);
    } else if (sunset.kind === 'invalid')
      emitId(ctx, [`${side}-property-deprecated-sunset-invalid`], `${side} property ${name} has an unreadable sunset ${show(sunset.raw)}`, at);
    else if (policy.now !== undefined && sunset.time < policy.now + days * DAY)
      emitId(ctx, [`${side}-property-sunset-date-too-small`], `${side} property ${name} sunset is less than ${days} days away`, at);
    else emitId(ctx, [`${side}-property-deprecated-with-sunset`], `${side} property ${name} deprecated with sunset`, at);
  }
  const from = base['x-stability-level'] ?? 'stable';
  const to = revision['x-stability-level'] ?? 'stable';
  if (from === to) return;
  const invalid = [from, to].find((s) => !STABILITY.includes(String(s)));
  if (invalid !== undefined) return void emitId(ctx, ['api-invalid-stability-level'], `invalid stability level ${show(invalid)} on property ${name}`, at);
  const change = STABILITY.indexOf(String(to)) < STABILITY.indexOf(String(from)) ? 'decreased' : 'increased';
  emitId(ctx, [`${side}-property-stability-${change}`], `${side} property ${name} stability ${change} from ${show(from)} to ${show(to)}`, at);
}
