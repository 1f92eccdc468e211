import { describeLayer } from '../../config/describe-layer.js';
import { rawText } from '../../config/show-value.js';
import type { Finding } from '../../finding.js';
import { BROKER_FIELDS, type Manifest, type Resource, type Scalar, type Service } from '../../manifest/manifest.js';
import type { ConfigRuleInput } from './config-rule-input.js';

interface FieldChange {
  field: string;
  before: Scalar;
  after: Scalar;
}

/**
 * `config/stale-value`: a resource value changed in this release, and a service still sets the
 * old value literally instead of binding to it. Two signs count:
 * - a key about the resource (named after it, or after its kind in a service that uses it:
 *   `DB_PORT` for `orders-db`, not `METRICS_PORT`) whose value equals an old field value, unless
 *   the key is more plausibly about another resource the service uses, or equals that
 *   resource's current value;
 * - any string holding an old `host:port` (of `host` and `port`, or one of a broker list that
 *   the new list no longer has), in any service.
 */
export function checkStaleValue({ env, to, toConfigs, from }: ConfigRuleInput): Finding[] {
  if (!from) return [];
  const findings: Finding[] = [];
  for (const [name, changes] of resourceChanges(from.revision.manifest, to.manifest, env)) {
    const resource = to.manifest.resources.get(name)!;
    const oldAddresses = addresses(from.revision.manifest, name, env);
    const newAddresses = addresses(to.manifest, name, env);
    const gone = oldAddresses.filter((address) => !newAddresses.includes(address));
    const oldAddress = gone.join(', ');
    const newAddress = newAddresses.join(', ');
    const staleAddress = gone.length ? new RegExp(`(?:${gone.map(escapeRegExp).join('|')})(?![0-9])`) : undefined;
    for (const service of to.manifest.services.values()) {
      const config = toConfigs.get(env)?.get(service.name);
      const uses = usedResources(service, to.manifest);
      for (const { key, spec, layers } of config?.keys.values() ?? []) {
        const winner = layers[0];
        if (!winner || winner.kind === 'bind') continue;
        const text = rawText(winner.raw, winner.sourceText);
        const change = changes.find((c) => text === String(c.before) && fits(spec.type, c.before) && isAbout(key, resource, uses, text, c.field, env));
        const inAddress = staleAddress !== undefined && typeof winner.raw === 'string' && staleAddress.test(winner.raw);
        if (!change && !inAddress) continue;
        const what = change
          ? `the old value of ${name}.${change.field} (now ${String(change.after)})`
          : `the old address of ${name} (${oldAddress}, now ${newAddress || 'none'})`;
        findings.push({
          rule: 'config/stale-value',
          severity: 'error',
          service: service.name,
          env,
          key,
          message: `${describeLayer(winner)} sets ${key} to ${spec.secret ? 'a value holding' : `${JSON.stringify(text)},`} ${what}`,
          hint: change
            ? `bind it instead of a literal: ${key}: { bind: ${name}.${change.field} } in the schema, and remove the literal`
            : `update it to ${newAddress}, or build it from keys bound to ${name}`,
          location: winner.location,
        });
      }
    }
  }
  return findings;
}

/** Whether a key holding an old value of `resource.field` is about that resource. */
function isAbout(key: string, resource: Resource, uses: Resource[], text: string, field: string, env: string): boolean {
  const here = affinity(key, resource, uses.includes(resource));
  if (here === 0) return false;
  for (const other of uses) {
    if (other === resource) continue;
    if (affinity(key, other, true) > here) return false;
    // The value is right for another resource the service uses: not stale.
    const current = other.values.get(env)?.get(field);
    if (current !== undefined && String(current) === text) return false;
  }
  return true;
}

const KIND_WORDS: Record<string, string[]> = {
  postgres: ['pg', 'postgres', 'postgresql', 'db', 'database', 'sql'],
  redis: ['redis', 'cache'],
  http: ['api', 'url', 'http'],
  tcp: [],
  kafka: ['kafka', 'broker', 'brokers', 'topic'],
  amqp: ['amqp', 'rabbit', 'rabbitmq', 'mq', 'queue', 'exchange', 'broker'],
  nats: ['nats', 'subject', 'stream'],
};

/**
 * How plausibly a key is about a resource: two points per word of the resource's name that
 * begins or ends a word of the key (`ORDERS_DB_PORT` and `orders-db`: 4), one for a word of its
 * kind when the service uses it (`PGPORT` and a postgres resource: 1), 0 when nothing matches.
 */
function affinity(key: string, resource: Resource, used: boolean): number {
  const tokens = key
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const matches = (word: string) => word.length >= 2 && tokens.some((t) => t.startsWith(word) || t.endsWith(word));
  const nameWords = new Set(resource.name.toLowerCase().split(/[^a-z0-9]+/));
  let score = 0;
  for (const word of nameWords) if (matches(word)) score += 2;
  if (score === 0 && used && (KIND_WORDS[resource.kind] ?? []).some(matches)) score = 1;
  return score;
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
      if (now !== undefined && String(now) !== String(old)) changes.push({ field, before: old, after: now });
    }
    if (changes.length) result.set(name, changes);
  }
  return result;
}

/** Where a resource listens in an environment: `host:port`, and for a broker each entry of its list (`brokers`, `servers`) or its `url`. */
function addresses(manifest: Manifest, resource: string, env: string): string[] {
  const found = manifest.resources.get(resource);
  const values = found?.values.get(env);
  const host = values?.get('host');
  const port = values?.get('port');
  const listed = host !== undefined && port !== undefined ? [`${String(host)}:${String(port)}`] : [];
  for (const field of found && BROKER_FIELDS[found.kind] ? BROKER_ADDRESSES : []) {
    const list = values?.get(field);
    if (typeof list !== 'string') continue;
    // `nats://user:password@host:port`: the address is what follows the scheme and the login.
    for (const entry of list.split(/[\s,]+/)) {
      const address = entry
        .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
        .replace(/^[^@/]*@/, '')
        .replace(/\/.*$/, '');
      if (/:\d+$/.test(address) && !listed.includes(address)) listed.push(address);
    }
  }
  return listed;
}

/** The fields of a broker resource that say where it listens, as `host:port` entries or URLs. */
const BROKER_ADDRESSES = ['brokers', 'servers', 'url'];

/** The resources a service declares in `uses` or binds a key to. */
function usedResources(service: Service, manifest: Manifest): Resource[] {
  const names = new Set(service.uses);
  for (const spec of service.config.schema.values()) if (spec.bind) names.add(spec.bind.resource);
  return [...names].map((n) => manifest.resources.get(n)).filter((r): r is Resource => r !== undefined);
}

/** Whether a key of this type could hold the old field value (a port is not a host). */
function fits(type: string, value: Scalar): boolean {
  if (typeof value === 'number') return ['port', 'int', 'number', 'string'].includes(type);
  if (typeof value === 'boolean') return ['boolean', 'string'].includes(type);
  return ['host', 'string', 'url', 'enum'].includes(type);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
