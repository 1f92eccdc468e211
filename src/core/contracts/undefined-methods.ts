import { didYouMean } from '../did-you-mean.js';
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
          const near = didYouMean(
            method,
            resolved.unknown === 'method' ? resolved.methods : resolved.services.map((s) => `${s}/${method.slice(method.indexOf('/') + 1)}`),
          );
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
