import { showValue } from '../../config/show-value.js';
import type { Finding } from '../../finding.js';
import type { ConfigRuleInput } from './config-rule-input.js';

/** `config/invalid`: the value that wins does not fit the key's type. */
export function checkInvalid({ env, toConfigs, fingerprints }: ConfigRuleInput): Finding[] {
  const findings: Finding[] = [];
  for (const config of toConfigs.get(env)?.values() ?? []) {
    for (const { key, spec, layers, value } of config.keys.values()) {
      if (!value || value.ok) continue;
      const winner = layers[0]!;
      // A secret's message must not quote the value: describe the type instead.
      const detail = spec.secret
        ? `the value (${showValue(fingerprints, spec, winner.raw, winner.sourceText)}) is not valid for type ${spec.type}`
        : value.message;
      findings.push({
        rule: 'config/invalid',
        severity: 'error',
        service: config.service,
        env,
        key,
        message: `${key}: ${detail}`,
        ...(value.hint && !spec.secret ? { hint: value.hint } : {}),
        location: winner.location,
      });
    }
  }
  return findings;
}
