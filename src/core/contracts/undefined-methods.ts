import { didYouMean, didYouMeanName } from '../did-you-mean.js';
import type { Finding } from '../finding.js';
import type { FleetContracts } from './fleet-contracts.js';
import { resolveMethod, servicesOf } from './proto-edges.js';
import type { ProtoTree } from './protobuf/read-proto-tree.js';

/**
 * `consumes.methods` entries the provider's .proto files do not declare (or that name a service
 * several packages declare), as `manifest/invalid` findings at the entry: a typo there would
 * silently narrow the check to nothing. `includes` limits the check to some providers.
 */
export function undefinedMethods(fleet: FleetContracts, includes: (provider: string) => boolean = () => true): Finding[] {
  const findings: Finding[] = [];
  for (const [consumer, contracts] of fleet) {
    for (const [provider, how] of contracts.consumes) {
      const spec = fleet.get(provider)?.grpc;
      if (!how.grpc || !how.methods || !spec || !includes(provider)) continue;
      const services = servicesOf(spec.document as ProtoTree);
      how.methods.forEach((method, i) => {
        const resolved = resolveMethod(services, method);
        if (typeof resolved === 'string') return;
        let why: string;
        if (resolved.unknown === 'ambiguous') {
          why = `which names ${resolved.services.join(' and ')} in ${spec.path}: write the package (${resolved.services[0]}/${method.slice(method.indexOf('/') + 1)})`;
        } else {
          const near = nearestMethod(services, method);
          why = `which ${spec.path} does not declare${near ? ` (did you mean ${near}?)` : ''}`;
        }
        findings.push({
          rule: 'manifest/invalid',
          severity: 'error',
          service: consumer,
          message: `${consumer} calls ${method} of ${provider}, ${why}`,
          ...(how.methodLocations?.[i] ? { location: how.methodLocations[i] } : {}),
        });
      });
    }
  }
  return findings;
}

/**
 * The declared method (full name) that `written` (`Service/Method`, with or without the package)
 * is a plausible typo of: its service's name, its method's or both mistyped.
 */
function nearestMethod(services: ReturnType<typeof servicesOf>, written: string): string | undefined {
  const slash = written.indexOf('/');
  const method = written.slice(slash + 1);
  const found = services.get(didYouMeanName(written.slice(0, slash), services.keys()) ?? '')?.node;
  if (!found) return undefined;
  const names = found.methods.map((m) => m.name);
  const name = names.includes(method) ? method : didYouMean(method, names);
  return name === undefined ? undefined : `${found.fullName}/${name}`;
}
