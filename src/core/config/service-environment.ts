import type { Fingerprinter } from './fingerprint.js';
import type { ResolvedConfig } from './resolved-config.js';
import { rawText, showValue } from './show-value.js';

/**
 * The environment a service is started with: every key that has a value, as the text the
 * service receives. Secrets are in clear here: this goes to a driver, never to output or a store.
 */
export function serviceEnvironment(config: ResolvedConfig): Record<string, string> {
  // No prototype: a key named __proto__ is just a key.
  const environment: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const { key, layers, value } of config.keys.values()) {
    const winner = layers[0];
    // A value only the running system knows is its to set, not the deployment's.
    if (!winner || winner.atRunTime !== undefined) continue;
    environment[key] = value?.ok ? value.text : rawText(winner.raw, winner.sourceText);
  }
  return environment;
}

/** The same keys as people and stores see them: secrets as fingerprints. */
export function shownConfig(config: ResolvedConfig, fingerprints: Fingerprinter): Record<string, string> {
  const shown: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const { key, spec, layers, value } of config.keys.values()) {
    const winner = layers[0];
    if (!winner) continue;
    if (winner.atRunTime !== undefined) {
      shown[key] = `(set at run time ${winner.atRunTime})`;
      continue;
    }
    shown[key] = showValue(fingerprints, spec, value?.ok ? value.text : winner.raw, value?.ok ? undefined : winner.sourceText);
  }
  return shown;
}
