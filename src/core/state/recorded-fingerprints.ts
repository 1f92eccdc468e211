import { isPreviousFormat, type Fingerprinter } from '../config/fingerprint.js';
import type { ServiceState } from '../plan/build-plan.js';

/** A service as resolved now: what its config is, in clear (memory only) and as shown. */
export interface ResolvedState extends ServiceState {
  environment: Readonly<Record<string, string>>;
}

/**
 * A service's recorded state with every fingerprint and config hash written before they were
 * keyed (`sha256:…`) that matches `now` put in today's form: so that the first release after an
 * upgrade does not take every secret, and every service, for changed. A recorded value that does
 * not match stays as it is: it differs whatever its form. `resolve` is asked for only when
 * something recorded is in the earlier form.
 */
export function recognisePreviousFormat(recorded: ServiceState, resolve: () => ResolvedState, fingerprints: Fingerprinter): ServiceState {
  const previous = Object.values(recorded.shown).some(isPreviousFormat) || isPreviousFormat(recorded.version.configHash);
  if (!previous) return recorded;
  const now = resolve();
  const shown: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of Object.entries(recorded.shown)) {
    const text = now.environment[key];
    const same = isPreviousFormat(value) && text !== undefined && now.shown[key] !== text && fingerprints.isSecretOf(value, text);
    shown[key] = same ? now.shown[key]! : value;
  }
  const sameConfig = isPreviousFormat(recorded.version.configHash) && fingerprints.isConfigOf(recorded.version.configHash, now.environment);
  return { version: { ...recorded.version, ...(sameConfig ? { configHash: now.version.configHash } : {}) }, shown };
}
