import { describeLayer } from '../../config/describe-layer.js';
import type { Finding } from '../../finding.js';
import type { ConfigRuleInput } from './config-rule-input.js';

/**
 * `config/undefined-ref`: the value a service gets is built from a variable that nothing sets
 * (and the reference has no default), or a `${VAR:?message}` that fires: docker compose would put
 * nothing in its place, or refuse. Only the value that wins counts: an overridden one deploys
 * nothing.
 */
export function checkUndefinedRef({ env, toConfigs }: ConfigRuleInput): Finding[] {
  const findings: Finding[] = [];
  for (const config of toConfigs.get(env)?.values() ?? []) {
    for (const { key, spec, layers } of config.keys.values()) {
      const winner = layers[0];
      for (const { name, message } of winner?.interpolated?.unresolved ?? []) {
        findings.push({
          rule: 'config/undefined-ref',
          severity: 'error',
          service: config.service,
          env,
          key,
          message:
            message !== undefined
              ? `${describeLayer(winner!)} requires ${name} for ${key}${spec.secret ? '' : ` ("${message}")`}, and nothing sets it in ${env}`
              : `${describeLayer(winner!)} builds ${key} from \${${name}}, which nothing sets in ${env}: it would be empty`,
          hint: `set ${name} in a lower layer of ${config.service} (a source above this one, or a variables file of it), give the reference a default (\${${name}:-…}), or write $$ for a literal $`,
          location: winner!.location,
        });
      }
    }
  }
  return findings;
}
