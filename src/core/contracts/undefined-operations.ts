import { didYouMean } from '../did-you-mean.js';
import type { Finding } from '../finding.js';
import { operationKey } from './contract-edges.js';
import { METHODS } from './diff-open-api.js';
import type { FleetContracts } from './fleet-contracts.js';
import { asSchema } from './schema-facts.js';

/**
 * `consumes.operations` entries the provider's spec does not define, as `manifest/invalid`
 * findings at the entry: a typo there would silently narrow the check to nothing.
 * `includes` limits the check to some providers (when the work is split).
 */
export function undefinedOperations(fleet: FleetContracts, includes: (provider: string) => boolean = () => true): Finding[] {
  const findings: Finding[] = [];
  const defined = new Map<string, Map<string, string>>();
  const operationsOf = (provider: string, document: unknown) => {
    let ops = defined.get(provider);
    if (!ops) {
      ops = new Map();
      for (const [path, item] of Object.entries(asSchema(asSchema(document)?.paths) ?? {})) {
        for (const method of METHODS) if (asSchema(asSchema(item)?.[method])) ops.set(operationKey(`${method} ${path}`), `${method.toUpperCase()} ${path}`);
      }
      defined.set(provider, ops);
    }
    return ops;
  };
  for (const [consumer, contracts] of fleet) {
    for (const [provider, how] of contracts.consumes) {
      const spec = fleet.get(provider)?.http;
      if (!how.http || !how.operations || !spec || !includes(provider)) continue;
      const ops = operationsOf(provider, spec.document);
      how.operations.forEach((operation, i) => {
        if (ops.has(operationKey(operation))) return;
        const near = didYouMean(operation, ops.values());
        findings.push({
          rule: 'manifest/invalid',
          severity: 'error',
          service: consumer,
          message: `${consumer} calls ${operation} of ${provider}, which ${spec.path} does not define${near ? ` (did you mean ${near}?)` : ''}`,
          ...(how.locations?.[i] ? { location: how.locations[i] } : {}),
        });
      });
    }
  }
  return findings;
}
