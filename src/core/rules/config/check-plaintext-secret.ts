import type { Finding } from '../../finding.js';
import { formatLocation } from '../../location.js';
import type { ConfigRuleInput } from './config-rule-input.js';

/**
 * `config/plaintext-secret`: a secret key set in a file git tracks. Every such layer counts, not
 * just the winner: an overridden secret is still in the repository.
 */
export function checkPlaintextSecret({ env, toConfigs }: ConfigRuleInput): Finding[] {
  const findings: Finding[] = [];
  for (const config of toConfigs.get(env)?.values() ?? []) {
    for (const { key, spec, layers } of config.keys.values()) {
      if (!spec.secret) continue;
      for (const layer of layers) {
        if (!layer.tracked || layer.raw === '' || layer.raw === null) continue;
        findings.push({
          rule: 'config/plaintext-secret',
          severity: 'error',
          service: config.service,
          ...(layer.perEnvironment ? { env } : {}),
          key,
          message: `${key} is a secret, but ${formatLocation(layer.location)} sets it in a file tracked by git`,
          hint: 'move it to a git-ignored source (e.g. an optional dotenv file) and rotate it: it is in the history',
          location: layer.location,
        });
      }
    }
  }
  return findings;
}
