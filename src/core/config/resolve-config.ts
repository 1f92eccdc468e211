import type { KeySpec, Manifest, Service } from '../manifest/manifest.js';
import { coerceValue } from './coerce.js';
import type { Layer, ResolvedConfig, ResolvedKey, UnknownSetting } from './resolved-config.js';
import { sourcePath, type SourceFiles } from './source-file.js';

/**
 * Resolves every declared key of one service in one environment (PRODUCT §4): the highest layer
 * that sets a key wins — default, then the bound resource value, then each source in order, then
 * the deployment's own variables — and every value keeps its location and what it overrides.
 * `manifestTracked` says whether git tracks tranche.yaml (values written in it are then in git).
 */
export function resolveConfig(
  manifest: Manifest,
  service: Service,
  env: string,
  files: SourceFiles,
  manifestTracked = true,
): ResolvedConfig {
  const layersByKey = new Map<string, Layer[]>();
  const unknown: UnknownSetting[] = [];
  const add = (key: string, layer: Layer) => {
    if (!service.config.schema.has(key)) {
      unknown.push({ key, layer });
      return;
    }
    let layers = layersByKey.get(key);
    if (!layers) layersByKey.set(key, (layers = []));
    layers.push(layer);
  };
  const servicePath = ['services', service.name];

  for (const [key, spec] of service.config.schema) {
    if (spec.default) {
      add(key, {
        kind: 'default',
        source: 'default',
        raw: spec.default.value,
        origin: 'yaml',
        ...(spec.default.sourceText !== undefined ? { sourceText: spec.default.sourceText } : {}),
        location: manifest.locate([...servicePath, 'config', 'schema', key, 'default']),
        tracked: manifestTracked,
        perEnvironment: false,
      });
    }
    const bound = boundValue(manifest, spec, env);
    if (bound !== undefined) {
      const sourceText = manifest.resources.get(spec.bind!.resource)?.plainTexts.get(env)?.get(spec.bind!.field);
      add(key, {
        kind: 'bind',
        source: `${spec.bind!.resource}.${spec.bind!.field}`,
        raw: bound,
        origin: 'yaml',
        ...(sourceText !== undefined ? { sourceText } : {}),
        location: manifest.locate(['resources', spec.bind!.resource, 'values', env, spec.bind!.field]),
        tracked: manifestTracked,
        perEnvironment: true,
      });
    }
  }

  for (const source of service.config.sources) {
    const path = sourcePath(service, source, env);
    const file = files.get(path);
    if (!file) continue;
    for (const entry of file.byKey.values()) {
      add(entry.key, {
        kind: source.format === 'dotenv' ? 'dotenv' : 'file',
        source: path,
        raw: entry.value,
        origin: source.format === 'dotenv' ? 'text' : 'yaml',
        ...(entry.sourceText !== undefined ? { sourceText: entry.sourceText } : {}),
        location: { file: path, line: entry.line, column: entry.column },
        tracked: file.tracked,
        sourceIndex: source.index,
        perEnvironment: source.template.includes('{env}'),
      });
    }
  }

  for (const [key, text] of service.config.env.get(env) ?? []) {
    add(key, {
      kind: 'env',
      source: `env.${env}`,
      raw: text,
      origin: 'text',
      location: manifest.locate([...servicePath, 'config', 'env', env, key], 'key'),
      tracked: manifestTracked,
      perEnvironment: true,
    });
  }

  const keys = new Map<string, ResolvedKey>();
  for (const [key, spec] of service.config.schema) {
    const layers = (layersByKey.get(key) ?? []).reverse();
    const winner = layers[0];
    const resolved: ResolvedKey = { key, spec, layers };
    if (winner) resolved.value = coerceValue(spec, winner.raw, winner.origin, winner.sourceText);
    keys.set(key, resolved);
  }
  return { service: service.name, env, keys, unknown };
}

/** The resource value a key binds to in an environment, if the resource sets that field there. */
export function boundValue(manifest: Manifest, spec: KeySpec, env: string): string | number | boolean | undefined {
  if (!spec.bind) return undefined;
  return manifest.resources.get(spec.bind.resource)?.values.get(env)?.get(spec.bind.field);
}
