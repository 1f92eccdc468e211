import { sourcePath } from '../../config/source-file.js';
import type { Finding } from '../../finding.js';
import type { ConfigRuleInput } from './config-rule-input.js';

/** `config/missing`: a required key that no layer sets in the environment. */
export function checkMissing({ env, to, toConfigs }: ConfigRuleInput): Finding[] {
  const findings: Finding[] = [];
  for (const config of toConfigs.get(env)?.values() ?? []) {
    const service = to.manifest.services.get(config.service)!;
    for (const resolved of config.keys.values()) {
      if (!resolved.spec.required || resolved.layers.length > 0) continue;
      const { key, spec } = resolved;
      let message = `${key} is required but nothing sets it in ${env}`;
      if (spec.bind) {
        const resource = to.manifest.resources.get(spec.bind.resource);
        message = resource?.values.has(env)
          ? `${key} is required and binds to ${spec.bind.resource}.${spec.bind.field}, but ${spec.bind.resource} has no ${spec.bind.field} in ${env}`
          : `${key} is required and binds to ${spec.bind.resource}.${spec.bind.field}, but ${spec.bind.resource} has no values for ${env}`;
      }
      const places = service.config.sources.map((s) => sourcePath(service, s, env));
      findings.push({
        rule: 'config/missing',
        severity: 'error',
        service: config.service,
        env,
        key,
        message,
        hint: spec.bind
          ? `add ${spec.bind.field} under resources.${spec.bind.resource}.values.${env} in tranche.yaml`
          : `set ${key} in ${places.length ? `${places.join(' or ')}, or in ` : ''}services.${config.service}.config.env.${env}`,
        location: to.manifest.locate(['services', config.service, 'config', 'schema', key], 'key'),
      });
    }
  }
  return findings;
}
