import { describeLayer } from '../../config/describe-layer.js';
import { rawText } from '../../config/show-value.js';
import type { Finding } from '../../finding.js';
import type { Manifest, Scalar, Service } from '../../manifest/manifest.js';
import type { ConfigRuleInput } from './config-rule-input.js';

interface FieldChange {
  resource: string;
  field: string;
  before: Scalar;
  after: Scalar;
}

/**
 * `config/stale-value`: a resource value changed in this release, and a service still sets the
 * old value literally instead of binding to it. Candidates are the services that use the
 * resource (or bind to it): a key named after the resource whose value equals an old field value
 * (`DB_PORT: 5432` for `orders-db`, not `METRICS_PORT: 5432`), or any string holding the old
 * `host:port`.
 */
export function checkStaleValue({ env, to, toConfigs, from }: ConfigRuleInput): Finding[] {
  if (!from) return [];
  const findings: Finding[] = [];
  const kinds = new Map([...to.manifest.resources].map(([name, r]) => [name, r.kind]));
  for (const [resource, changes] of resourceChanges(from.revision.manifest, to.manifest, env)) {
    const oldAddress = hostPort(from.revision.manifest, resource, env);
    const newAddress = hostPort(to.manifest, resource, env);
    const staleAddress = oldAddress !== newAddress ? oldAddress : undefined;
    for (const service of to.manifest.services.values()) {
      if (!usesResource(service, resource)) continue;
      const config = toConfigs.get(env)?.get(service.name);
      for (const { key, spec, layers } of config?.keys.values() ?? []) {
        const winner = layers[0];
        if (!winner || winner.kind === 'bind') continue;
        const text = rawText(winner.raw, winner.sourceText);
        const change = changes.find((c) => text === String(c.before) && fits(spec.type, c.before) && related(key, resource, kinds.get(resource)));
        const inAddress = staleAddress !== undefined && typeof winner.raw === 'string' && winner.raw.includes(staleAddress);
        if (!change && !inAddress) continue;
        const what = change
          ? `the old value of ${resource}.${change.field} (now ${String(change.after)})`
          : `the old address of ${resource} (${staleAddress}, now ${newAddress})`;
        findings.push({
          rule: 'config/stale-value',
          severity: 'error',
          service: service.name,
          env,
          key,
          message: `${describeLayer(winner)} sets ${key} to ${spec.secret ? 'a value holding' : JSON.stringify(text) + ','} ${what}`,
          hint: change
            ? `bind it instead of a literal: ${key}: { bind: ${resource}.${change.field} } in the schema, and remove the literal`
            : `update it to ${newAddress}, or build it from keys bound to ${resource}`,
          location: winner.location,
        });
      }
    }
  }
  return findings;
}

/** Fields of each resource whose value in `env` differs between the two manifests. */
function resourceChanges(before: Manifest, after: Manifest, env: string): Map<string, FieldChange[]> {
  const result = new Map<string, FieldChange[]>();
  for (const [name, resource] of after.resources) {
    const oldValues = before.resources.get(name)?.values.get(env);
    const newValues = resource.values.get(env);
    if (!oldValues || !newValues) continue;
    const changes: FieldChange[] = [];
    for (const [field, old] of oldValues) {
      const now = newValues.get(field);
      if (now !== undefined && String(now) !== String(old)) changes.push({ resource: name, field, before: old, after: now });
    }
    if (changes.length) result.set(name, changes);
  }
  return result;
}

function hostPort(manifest: Manifest, resource: string, env: string): string | undefined {
  const values = manifest.resources.get(resource)?.values.get(env);
  const host = values?.get('host');
  const port = values?.get('port');
  return host !== undefined && port !== undefined ? `${String(host)}:${String(port)}` : undefined;
}

function usesResource(service: Service, resource: string): boolean {
  if (service.uses.includes(resource)) return true;
  for (const spec of service.config.schema.values()) if (spec.bind?.resource === resource) return true;
  return false;
}

/** Whether a key of this type could hold the old field value (a port is not a host). */
function fits(type: string, value: Scalar): boolean {
  if (typeof value === 'number') return ['port', 'int', 'number', 'string'].includes(type);
  if (typeof value === 'boolean') return ['boolean', 'string'].includes(type);
  return ['host', 'string', 'url', 'enum'].includes(type);
}

const KIND_WORDS: Record<string, string[]> = {
  postgres: ['pg', 'postgres', 'postgresql', 'db', 'database', 'sql'],
  redis: ['redis', 'cache'],
  http: ['api', 'url', 'http'],
  tcp: [],
};

/**
 * Whether a key is plausibly about the resource: one of its words begins or ends with a word of
 * the resource's name or kind (`DB_PORT`, `PGPORT`, `ORDERS_DB_HOST` for a postgres `orders-db`).
 * An equal literal alone is too weak a sign: `BIND_HOST: 127.0.0.1` is not the database.
 */
function related(key: string, resource: string, kind: string | undefined): boolean {
  const words = [...resource.toLowerCase().split(/[^a-z0-9]+/), ...(KIND_WORDS[kind ?? ''] ?? [])].filter((w) => w.length >= 2);
  return key
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .some((token) => words.some((w) => token.startsWith(w) || token.endsWith(w)));
}
