import { isKeyFile, type KeySpec, type Manifest, type Service, type SourceSpec } from '../manifest/manifest.js';
import { coerceValue } from './coerce.js';
import { describeLayer } from './describe-layer.js';
import type { Layer, ResolvedConfig, ResolvedKey, UnknownSetting } from './resolved-config.js';
import { rawText } from './show-value.js';
import { sourceKey, sourcePath, variablesPaths, type SourceEntry, type SourceFiles } from './source-file.js';
import { evaluateTemplate, type VariableValue } from './template.js';

/**
 * Resolves every declared key of one service in one environment (PRODUCT §4): the highest layer
 * that sets a key wins — default, then the bound resource value, then each source in order, then
 * the deployment's own variables — and every value keeps its location and what it overrides.
 * `manifestTracked` says whether git tracks tranche.yaml (values written in it are then in git).
 *
 * A value in a dotenv source may refer to variables (`cart:${CART_PORT}`, docker compose's
 * rules): each is looked up in the lines above it in its file, then in everything the service's
 * lower layers set (declared or not), then in the source's `variables` files. The layer keeps the
 * text as written and where each variable came from.
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
  /** What a reference finds: every variable the layers added so far set, the highest last. */
  const visible = new Map<string, Layer>();
  const add = (key: string, layer: Layer) => {
    visible.set(key, layer);
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
    const file = files.get(sourceKey(service, source, env));
    if (!file) continue;
    // A compose service, a workload or values mapped key by key are the service's own, wherever their files are.
    const own = !isKeyFile(source.format) || isOwnPath(service, path);
    const shared = (source.shared ?? !own) ? (true as const) : undefined;
    const layerOf = (entry: SourceEntry): Layer => {
      const layer: Layer = {
        kind: source.format === 'yaml' ? 'file' : source.format,
        source: entry.file ?? path,
        raw: entry.value,
        origin: source.format === 'yaml' ? 'yaml' : 'text',
        ...(entry.sourceText !== undefined ? { sourceText: entry.sourceText } : {}),
        location: { file: entry.file ?? path, line: entry.line, column: entry.column },
        tracked: entry.tracked ?? file.tracked,
        sourceIndex: source.index,
        perEnvironment: source.template.includes('{env}'),
        ...(shared ? { shared } : {}),
      };
      // A compose or kubernetes value was interpolated where it was read.
      if (entry.resolved) {
        layer.interpolated = entry.resolved;
        if (entry.resolved.refs.some((r) => r.from && service.config.schema.get(r.name)?.secret)) holdsSecret(layer);
      }
      // A Secret committed to git is a plaintext secret all the same: its layer keeps the file's tracking.
      if (entry.secret) layer.holdsSecret = true;
      if (entry.atRunTime !== undefined) layer.atRunTime = entry.atRunTime;
      return layer;
    };
    if (source.format !== 'dotenv' || !source.interpolate || !file.entries.some((e) => e.template)) {
      for (const entry of file.byKey.values()) add(entry.key, layerOf(entry));
      continue;
    }
    // Line by line: a reference sees the lines above it, then the lower layers, then the variables files.
    const above = new Map<string, Layer>();
    const variables = variablesOf(service, source, env, files);
    for (const entry of file.entries) {
      const layer = layerOf(entry);
      if (entry.template) interpolate(layer, entry, (name) => above.get(name) ?? visible.get(name) ?? variables.get(name), service);
      above.set(entry.key, layer);
    }
    for (const entry of file.byKey.values()) add(entry.key, above.get(entry.key)!);
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
  for (const [key, declared] of service.config.schema) {
    const layers = (layersByKey.get(key) ?? []).reverse();
    const winner = layers[0];
    // A value built from a secret, or read from a secret store, holds one: it is shown, stored and scrubbed as one.
    const spec = winner?.holdsSecret && !declared.secret ? { ...declared, secret: true } : declared;
    const resolved: ResolvedKey = { key, spec, layers };
    // A value only the running system knows cannot be checked against the type here.
    if (winner) resolved.value = winner.atRunTime !== undefined ? { ok: true, value: null, text: '' } : coerceValue(spec, winner.raw, winner.origin, winner.sourceText);
    keys.set(key, resolved);
  }
  return { service: service.name, env, keys, unknown };
}

/**
 * Resolves the references of one entry into `layer`: its value becomes what they resolve to, and
 * the layer says how. A value that read a secret is not, as written, a secret in git: the secret's
 * own layer says where it is.
 */
function interpolate(layer: Layer, entry: SourceEntry, lookup: (name: string) => Layer | undefined, service: Service): void {
  const result = evaluateTemplate<Layer>(entry.template!, (name): VariableValue<Layer> | undefined => {
    const found = lookup(name);
    return found ? { value: rawText(found.raw, found.sourceText), origin: found } : undefined;
  });
  layer.raw = result.value;
  layer.interpolated = {
    written: String(entry.value),
    refs: result.used.map((u) => ({ name: u.name, ...(u.origin ? { from: { source: describeLayer(u.origin), location: u.origin.location } } : {}) })),
    unresolved: [...result.undefined.map((u) => ({ name: u.name })), ...result.errors.map((e) => ({ name: e.name, message: e.message }))],
  };
  if (result.used.some((u) => u.origin && (service.config.schema.get(u.name)?.secret || u.origin.holdsSecret))) holdsSecret(layer);
}

/** Marks a layer as holding a secret: not a plaintext secret of its own file (the secret's own layer says where it is). */
function holdsSecret(layer: Layer): void {
  layer.holdsSecret = true;
  layer.tracked = false;
}

/** The variables a source's `variables` files set, each file read line by line like an env file, the later file winning. */
function variablesOf(service: Service, source: SourceSpec, env: string, files: SourceFiles): Map<string, Layer> {
  const variables = new Map<string, Layer>();
  for (const path of variablesPaths(service, source, env)) {
    const file = files.get(path);
    for (const entry of file?.entries ?? []) {
      const layer: Layer = {
        kind: 'dotenv',
        source: path,
        raw: entry.value,
        origin: 'text',
        location: { file: path, line: entry.line, column: entry.column },
        tracked: file!.tracked,
        perEnvironment: source.variables.some((v) => v.includes('{env}')),
      };
      if (entry.template) interpolate(layer, entry, (name) => variables.get(name), service);
      variables.set(entry.key, layer);
    }
  }
  return variables;
}

/** Whether a repo path lies in the service's path or one of its watched paths. */
function isOwnPath(service: Service, path: string): boolean {
  return [service.path, ...service.watch].some((own) => own === '.' || path === own || path.startsWith(`${own}/`));
}

/** The resource value a key binds to in an environment, if the resource sets that field there. */
export function boundValue(manifest: Manifest, spec: KeySpec, env: string): string | number | boolean | undefined {
  if (!spec.bind) return undefined;
  return manifest.resources.get(spec.bind.resource)?.values.get(env)?.get(spec.bind.field);
}
