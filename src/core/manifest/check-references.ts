import { suggestion } from '../did-you-mean.js';
import type { Finding } from '../finding.js';
import type { Manifest } from './manifest.js';

/**
 * Checks what names in the manifest point at: services, resources, resource fields and
 * environments must exist, and `depends_on` must not form a cycle.
 */
export function checkReferences(manifest: Manifest): Finding[] {
  const findings: Finding[] = [];
  const problem = (path: (string | number)[], message: string, part: 'key' | 'value' = 'value') =>
    findings.push({ rule: 'manifest/invalid', severity: 'error', message, location: manifest.locate(path, part) });
  const envNames = manifest.environments.map((e) => e.name);
  const serviceNames = [...manifest.services.keys()];
  const resourceNames = [...manifest.resources.keys()];
  const unknown = (what: string, name: string, known: string[]) => {
    return `unknown ${what} ${name}${known.length ? suggestion(name, known) : ' (none is declared)'}`;
  };
  const checkEnvKeys = (keys: Iterable<string>, path: (string | number)[]) => {
    for (const env of keys) {
      if (!envNames.includes(env)) problem([...path, env], unknown('environment', env, envNames), 'key');
    }
  };

  for (const [name, resource] of manifest.resources) checkEnvKeys(resource.values.keys(), ['resources', name, 'values']);

  const providedEvents = new Set<string>();
  let asyncApi = false;
  for (const service of manifest.services.values()) {
    const events = service.contracts?.provides?.events;
    for (const event of Object.keys(events ?? {})) providedEvents.add(event);
    asyncApi ||= service.contracts?.provides?.asyncapi !== undefined;
  }

  for (const [name, service] of manifest.services) {
    const at = (...rest: (string | number)[]) => ['services', name, ...rest];
    service.depends_on.forEach((dep, i) => {
      if (dep === name) problem(at('depends_on', i), `${name} cannot depend on itself`);
      else if (!manifest.services.has(dep)) problem(at('depends_on', i), unknown('service', dep, serviceNames));
    });
    service.uses.forEach((use, i) => {
      if (!manifest.resources.has(use)) problem(at('uses', i), unknown('resource', use, resourceNames));
    });
    for (const [key, spec] of service.config.schema) {
      if (!spec.bind) continue;
      const resource = manifest.resources.get(spec.bind.resource);
      const bindPath = at('config', 'schema', key, 'bind');
      if (!resource) {
        problem(bindPath, `${key} binds to ${unknown('resource', spec.bind.resource, resourceNames)}`);
        continue;
      }
      const fields = new Set([...resource.values.values()].flatMap((v) => [...v.keys()]));
      if (!fields.has(spec.bind.field)) {
        problem(
          bindPath,
          `${key} binds to ${spec.bind.resource}.${spec.bind.field}, but ${spec.bind.resource} has no field ${spec.bind.field}${suggestion(spec.bind.field, fields)}`,
        );
      }
    }
    checkEnvKeys(service.config.env.keys(), at('config', 'env'));
    const runs = service.environments;
    const listed = runs ? ('only' in runs ? runs.only : runs.except) : [];
    listed.forEach((env, i) => {
      if (!envNames.includes(env)) problem(at('environments', ...(runs && 'except' in runs ? ['except'] : []), i), unknown('environment', env, envNames));
    });
    for (const [key, spec] of service.config.schema) {
      if (!Array.isArray(spec.same)) continue;
      spec.same.forEach((env, i) => {
        if (!envNames.includes(env)) problem(at('config', 'schema', key, 'same', i), unknown('environment', env, envNames));
      });
    }
    checkEnvKeys(service.address.keys(), at('address'));
    const consumes = service.contracts?.consumes ?? {};
    for (const [target, how] of Object.entries(consumes)) {
      if (how?.http && !manifest.services.has(target)) {
        problem(at('contracts', 'consumes', target), `${name} consumes the HTTP API of ${unknown('service', target, serviceNames)}`, 'key');
      }
      if (how?.grpc && !manifest.services.has(target)) {
        problem(at('contracts', 'consumes', target), `${name} calls the gRPC services of ${unknown('service', target, serviceNames)}`, 'key');
      } else if (how?.grpc && manifest.services.get(target)!.contracts?.provides?.grpc === undefined) {
        problem(at('contracts', 'consumes', target), `${name} calls the gRPC services of ${target}, which provides none (contracts.provides.grpc)`, 'key');
      }
      // AsyncAPI documents name events too: then the contract analysis, which reads them, checks this.
      if (how?.event && !providedEvents.has(target) && !asyncApi) {
        problem(at('contracts', 'consumes', target), `${name} consumes the event ${target}, which no service provides`, 'key');
      }
    }
  }

  for (const cycle of dependencyCycles(manifest)) {
    const first = cycle[0]!;
    const index = manifest.services.get(first)!.depends_on.indexOf(cycle[1]!);
    problem(['services', first, 'depends_on', index], `dependency cycle: ${cycle.join(' → ')}`);
  }
  return findings;
}

/**
 * One cycle per strongly connected component of `depends_on`, each closed (`a → b → a`) and
 * starting from the component's first service in file order, so the report is stable.
 */
function dependencyCycles(manifest: Manifest): string[][] {
  const order = [...manifest.services.keys()];
  const edges = (name: string) => (manifest.services.get(name)?.depends_on ?? []).filter((d) => manifest.services.has(d) && d !== name);
  const state = new Map<string, 'active' | 'done'>();
  const cycles: string[][] = [];
  const inCycle = new Set<string>();
  const stack: string[] = [];

  const visit = (node: string) => {
    state.set(node, 'active');
    stack.push(node);
    for (const next of edges(node)) {
      if (state.get(next) === 'active') {
        const cycle = stack.slice(stack.indexOf(next));
        if (!cycle.some((n) => inCycle.has(n))) {
          cycle.forEach((n) => inCycle.add(n));
          cycles.push([...cycle, next]);
        }
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const name of order) if (!state.has(name)) visit(name);
  return cycles;
}
