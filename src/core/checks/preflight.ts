/** The one variable that is not config: the base URL of the running service. */
const ADDRESS_REFERENCE = '${address}';

/**
 * Whether a check can run before its service is deployed, against the new config alone
 * (PRODUCT §5 `check/preflight-failed`): a database, a cache, a broker (its queues, topics and
 * streams), a tcp endpoint or a downstream URL answers the same whether or not the new version of
 * this service runs yet. An http check addressed by `path` targets the service itself, a nats
 * `request` may be answered by the service itself, and a command may exercise anything, so none
 * of them can. Takes the spec as written (before interpolation) or after it; a spec written
 * with `${address}` anywhere depends on the deployed service whatever its kind.
 */
export function dependsOnlyOnConfig(kind: string, spec: unknown): boolean {
  if (mentionsAddress(spec)) return false;
  switch (kind) {
    case 'postgres':
    case 'redis':
    case 'tcp':
    case 'kafka':
    case 'amqp':
      return true;
    case 'nats':
      return !isRecord(spec) || spec.request === undefined;
    case 'http':
      return isDownstreamUrlCheck(spec);
    default:
      return false;
  }
}

function isRecord(spec: unknown): spec is Record<string, unknown> {
  return spec !== null && typeof spec === 'object' && !Array.isArray(spec);
}

function isDownstreamUrlCheck(spec: unknown): boolean {
  if (!isRecord(spec)) return false;
  const { url, path } = spec;
  if (path !== undefined || typeof url !== 'string') return false;
  // Before interpolation `${PAYMENTS_URL}/health` cannot be parsed yet, but it is config alone.
  if (url.includes('${')) return true;
  return isAbsoluteHttpUrl(url);
}

function isAbsoluteHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === 'http:' || protocol === 'https:';
}

function mentionsAddress(value: unknown): boolean {
  if (typeof value === 'string') return value.includes(ADDRESS_REFERENCE);
  if (Array.isArray(value)) return value.some(mentionsAddress);
  if (value !== null && typeof value === 'object') return Object.values(value).some(mentionsAddress);
  return false;
}
