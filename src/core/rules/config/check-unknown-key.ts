import { didYouMean } from '../../did-you-mean.js';
import type { Finding } from '../../finding.js';
import type { ConfigRuleInput } from './config-rule-input.js';

/**
 * `config/unknown-key`: a source sets a key the schema does not declare (likely a typo, never
 * read). In a source shared with other services (a fleet-wide `.env`, a compose file) most keys
 * are other services': only one that looks like a typo of a declared key counts there.
 */
export function checkUnknownKey({ env, toConfigs }: ConfigRuleInput): Finding[] {
  const findings: Finding[] = [];
  for (const config of toConfigs.get(env)?.values() ?? []) {
    const declared = [...config.keys.keys()];
    for (const { key, layer } of config.unknown) {
      const guess = didYouMean(key, declared);
      if (layer.shared && !guess) continue;
      // A compose service, a workload, a chart give the service every key they hold; a key file sets only what it names.
      const gives = layer.kind !== 'file' && layer.kind !== 'dotenv';
      findings.push({
        rule: 'config/unknown-key',
        severity: 'warn',
        service: config.service,
        ...(layer.perEnvironment ? { env } : {}),
        key,
        message: gives
          ? `${layer.source} gives ${config.service} ${key}, which its schema does not declare${guess ? ` (did you mean ${guess}?)` : ''}: tranche neither checks nor tracks it`
          : `${layer.source} sets ${key}, which ${config.service} does not declare${guess ? ` (did you mean ${guess}?)` : ''}: the service never gets it`,
        hint:
          guess && !gives
            ? `rename it to ${guess}`
            : `declare ${key} under services.${config.service}.config.schema${guess ? ` (or rename it to ${guess})` : ''}, or remove it`,
        location: layer.location,
      });
    }
  }
  return findings;
}
