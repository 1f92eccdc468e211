import { TypoIndex } from '../did-you-mean.js';
import { isKeyFile, type KeySpec, type Manifest, SECRET_RESOURCE_FIELDS, type Service, type SourceSpec } from '../manifest/manifest.js';
import { coerceValue } from './coerce.js';
import { holdsSecret, interpolateLayer } from './interpolate-layer.js';
import type { Layer, ResolvedConfig, ResolvedKey, UnknownSetting } from './resolved-config.js';
import { SharedFileReading, SharedKeyFile } from './shared-key-file.js';
import { sourceKey, sourcePath, variablesPaths, type SourceEntry, type SourceFile, type SourceFiles } from './source-file.js';

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
export function resolveConfig(manifest: Manifest, service: Service, env: string, files: SourceFiles, manifestTracked = true): ResolvedConfig {
  const layersByKey = new Map<string, Layer[]>();
  const unknown: UnknownSetting[] = [];
  const declare = (key: string, layer: Layer) => {
    let layers = layersByKey.get(key);
    if (!layers) layersByKey.set(key, (layers = []));
    layers.push(layer);
  };
  /** What a reference finds: each layer's variables in turn, the highest last. */
  const scopes: Array<(name: string) => Layer | undefined> = [];
  const visible = (name: string, top = scopes.length): Layer | undefined => {
    for (let i = top - 1; i >= 0; i--) {
      const found = scopes[i]!(name);
      if (found) return found;
    }
    return undefined;
  };
  /** A scope of its own for what follows: add() sets its variables. */
  const newScope = () => {
    const variables = new Map<string, Layer>();
    scopes.push((name) => variables.get(name));
    return variables;
  };
  let scope = newScope();
  const add = (key: string, layer: Layer) => {
    scope.set(key, layer);
    if (service.config.schema.has(key)) declare(key, layer);
    else if (!layer.shared || isTypo(key)) unknown.push({ key, layer });
  };
  // A shared file sets keys for other services: only a typo of one of this service's keys is its mistake.
  const isTypo = (key: string) => typosOf(manifest).guess(key, service.config.schema) !== undefined;
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
        // A resource's password or token is a secret whatever the key's schema says.
        ...(SECRET_RESOURCE_FIELDS.includes(spec.bind!.field) ? { holdsSecret: true as const } : {}),
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
    const kind = source.format === 'yaml' ? 'file' : source.format;
    const origin = source.format === 'yaml' ? 'yaml' : 'text';
    const perEnvironment = source.template.includes('{env}');
    const layerOf = (entry: SourceEntry): Layer => {
      // Field by field, not spread: this runs for every line of every source of every service.
      const layer: Layer = {
        kind,
        source: entry.file ?? path,
        raw: entry.value,
        origin,
        location: { file: entry.file ?? path, line: entry.line, column: entry.column },
        tracked: entry.tracked ?? file.tracked,
        sourceIndex: source.index,
        perEnvironment,
      };
      if (entry.sourceText !== undefined) layer.sourceText = entry.sourceText;
      if (shared) layer.shared = shared;
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
    if (shared && isKeyFile(source.format)) {
      // Read alike by many services: each pays only for the keys it declares and what they read.
      const sharedFile = sharedKeyFile(
        file,
        `${source.index}\0${source.format}\0${source.interpolate}\0${source.template}\0${path}`,
        layerOf,
        source.format === 'dotenv' && source.interpolate,
      );
      let variables: Map<string, Layer> | undefined;
      const lowerScopes = scopes.length;
      const reading = new SharedFileReading({
        below: (name) => visible(name, lowerScopes),
        variables: (name) => (variables ??= variablesOf(service, source, env, files)).get(name),
        isSecret: isSecretOf(service),
      });
      for (const key of service.config.schema.keys()) {
        const layer = sharedFile.layer(key, reading);
        if (layer) declare(key, layer);
      }
      for (const key of typoCandidates(file, typosOf(manifest))) {
        if (!service.config.schema.has(key) && isTypo(key)) unknown.push({ key, layer: sharedFile.layer(key, reading)! });
      }
      scopes.push((name) => sharedFile.layer(name, reading));
      scope = newScope();
      continue;
    }
    scope = newScope();
    if (source.format !== 'dotenv' || !source.interpolate || !file.entries.some((e) => e.template)) {
      for (const entry of file.byKey.values()) add(entry.key, layerOf(entry));
      continue;
    }
    // Line by line: a reference sees the lines above it, then the lower layers, then the variables files.
    const above = new Map<string, Layer>();
    const variables = variablesOf(service, source, env, files);
    for (const entry of file.entries) {
      const layer = layerOf(entry);
      if (entry.template) interpolateLayer(layer, entry, (name) => above.get(name) ?? visible(name) ?? variables.get(name), isSecretOf(service));
      above.set(entry.key, layer);
    }
    for (const entry of file.byKey.values()) add(entry.key, above.get(entry.key)!);
  }

  scope = newScope();
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
    if (winner)
      resolved.value = winner.atRunTime !== undefined ? { ok: true, value: null, text: '' } : coerceValue(spec, winner.raw, winner.origin, winner.sourceText);
    keys.set(key, resolved);
  }
  return { service: service.name, env, keys, unknown };
}

const sharedKeyFiles = new WeakMap<SourceFile, Map<string, SharedKeyFile>>();

/** The file as every service reading it the same way (`how`) reads it: worked out once per revision. */
function sharedKeyFile(file: SourceFile, how: string, makeLayer: (entry: SourceEntry) => Layer, interpolate: boolean): SharedKeyFile {
  let byHow = sharedKeyFiles.get(file);
  if (!byHow) sharedKeyFiles.set(file, (byHow = new Map()));
  let shared = byHow.get(how);
  if (!shared) byHow.set(how, (shared = new SharedKeyFile(file, makeLayer, interpolate)));
  return shared;
}

function isSecretOf(service: Service): (name: string) => boolean {
  return (name) => service.config.schema.get(name)?.secret === true;
}

const candidates = new WeakMap<SourceFile, { typos: TypoIndex; keys: string[] }>();

/** The keys of a shared file that look like a typo of some key the fleet declares: the few worth asking about per service. */
function typoCandidates(file: SourceFile, typos: TypoIndex): string[] {
  let known = candidates.get(file);
  if (known?.typos !== typos) candidates.set(file, (known = { typos, keys: [...file.byKey.keys()].filter((key) => typos.isNearAny(key)) }));
  return known.keys;
}

const typoIndexes = new WeakMap<Manifest, TypoIndex>();

/** Every key the fleet declares, to tell a typo of a service's key in a shared file. */
function typosOf(manifest: Manifest): TypoIndex {
  let index = typoIndexes.get(manifest);
  if (!index) {
    index = new TypoIndex([...manifest.services.values()].flatMap((s) => [...s.config.schema.keys()]));
    typoIndexes.set(manifest, index);
  }
  return index;
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
      if (entry.template) interpolateLayer(layer, entry, (name) => variables.get(name), isSecretOf(service));
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
function boundValue(manifest: Manifest, spec: KeySpec, env: string): string | number | boolean | undefined {
  if (!spec.bind) return undefined;
  return manifest.resources.get(spec.bind.resource)?.values.get(env)?.get(spec.bind.field);
}
