import { posix } from 'node:path';
import type { SourceLocation } from '../location.js';
import type { ReadYaml } from '../yaml/read-yaml.js';
import { yamlPackage } from '../yaml/yaml-package.js';
import type { KubernetesObject } from './kubernetes-workload.js';
import type { DotenvFile } from './parse-dotenv.js';

/*
 * kubectl kustomize prints one stream of manifests; tranche asks it to annotate each object with
 * where it comes from (`buildMetadata: [originAnnotations, transformerAnnotations]`): the resource
 * file, or the kustomization whose generator made it, and the kustomizations whose transformers
 * (patches, prefixes) changed it. This traces a rendered value back to the line that sets it: the
 * resource file when the value is still what that file says, else a patch that sets it, else a
 * generator's literal or env file line — and the kustomization that changed it when no file line
 * can be found.
 */

/** What kustomize's annotations say of one rendered object, as fleet-relative paths. */
export interface RenderedOrigin {
  /** The resource file the object comes from. */
  path?: string;
  /** The kustomization whose generator made the object, and which generator. */
  generatedIn?: string;
  generator?: string;
  /** Kustomizations whose transformers changed the object, in the order they ran. */
  transformedIn: string[];
}

const ORIGIN = 'config.kubernetes.io/origin';
const TRANSFORMATIONS = 'alpha.config.kubernetes.io/transformations';

/** Reads an object's origin annotations; `fleetPath` turns an annotated path into a fleet-relative one. */
export function renderedOrigin(object: KubernetesObject, fleetPath: (annotated: string) => string | undefined): RenderedOrigin {
  const annotations = record(record(object.data.metadata).annotations);
  const read = (text: unknown): unknown => {
    if (typeof text !== 'string') return undefined;
    try {
      return yamlPackage().parse(text);
    } catch {
      return undefined;
    }
  };
  const origin = record(read(annotations[ORIGIN]));
  const path = typeof origin.path === 'string' ? fleetPath(origin.path) : undefined;
  const generatedIn = typeof origin.configuredIn === 'string' ? fleetPath(origin.configuredIn) : undefined;
  const generator = record(origin.configuredBy).kind;
  const transformedIn = (Array.isArray(read(annotations[TRANSFORMATIONS])) ? (read(annotations[TRANSFORMATIONS]) as unknown[]) : [])
    .map((t) => record(t).configuredIn)
    .filter((p): p is string => typeof p === 'string')
    .map(fleetPath)
    .filter((p): p is string => p !== undefined);
  return {
    ...(path !== undefined ? { path } : {}),
    ...(generatedIn !== undefined ? { generatedIn } : {}),
    ...(typeof generator === 'string' ? { generator } : {}),
    transformedIn: [...new Set(transformedIn)],
  };
}

/** The files a trace reads first: resource files and the kustomizations named. */
export function originFiles(origins: Iterable<RenderedOrigin>): string[] {
  const files = new Set<string>();
  for (const o of origins) for (const p of [o.path, o.generatedIn, ...o.transformedIn]) if (p !== undefined) files.add(p);
  return [...files];
}

/** The files a kustomization names that a trace reads next: patch files and generators' env files. */
export function kustomizationInputs(path: string, kustomization: ReadYaml): string[] {
  const dir = posix.dirname(path);
  const data = record(kustomization.data);
  const named = [
    ...asArray(data.patches).map((p) => record(p).path),
    ...asArray(data.patchesStrategicMerge),
    ...generators(data).flatMap(({ generator }) => [
      ...asArray(generator.envs),
      generator.env,
      ...asArray(generator.files).map((f) => (typeof f === 'string' ? f.slice(f.indexOf('=') + 1) : undefined)),
    ]),
  ];
  return named.filter((p): p is string => typeof p === 'string' && !p.includes('\n')).map((p) => posix.normalize(posix.join(dir, p)));
}

/** Parsed files a trace looks in, by fleet-relative path. */
export interface OriginSources {
  objects(file: string): readonly KubernetesObject[] | undefined;
  kustomization(file: string): ReadYaml | undefined;
  dotenv(file: string): DotenvFile | undefined;
  tracked(file: string): boolean;
}

/**
 * The rendered object, located in the files it comes from: `locate` answers with the line that
 * sets a value (see the top of this file), `fallback` when nothing is known. Its `aliases` hold
 * the name its resource file gives it (before a prefix or suffix).
 */
export function traced(object: KubernetesObject, origin: RenderedOrigin, sources: OriginSources, fallback: SourceLocation): KubernetesObject {
  const resource = origin.path !== undefined ? matching(sources.objects(origin.path), object) : undefined;
  const patches = origin.transformedIn.flatMap((k) => {
    const yaml = sources.kustomization(k);
    return yaml
      ? kustomizationInputs(k, yaml)
          .flatMap((file) => [...(sources.objects(file) ?? [])])
          .filter((p) => p.kind === object.kind && (p.name === resource?.name || object.name.includes(p.name)))
      : [];
  });
  const home = resource?.file ?? origin.generatedIn ?? origin.transformedIn[0] ?? fallback.file;
  const whole = (file: string): SourceLocation & { tracked: boolean } => ({ file, line: 1, column: 1, tracked: sources.tracked(file) });

  const locate = (path: readonly (string | number)[], part: 'key' | 'value' = 'value'): SourceLocation & { tracked: boolean } => {
    const wanted = at(object.data, path);
    // The latest patch that sets it as rendered, then the resource file if it still says so.
    for (const candidate of [...patches].reverse().concat(resource ? [resource] : [])) {
      const same = walkSame(object.data, candidate.data, path);
      if (same && JSON.stringify(same.value) === JSON.stringify(wanted)) return { ...candidate.locate(same.path, part), tracked: candidate.tracked };
    }
    if (origin.generator && (path[0] === 'data' || path[0] === 'stringData') && typeof path[1] === 'string') {
      const found = generatorLine(object, path[1], [...origin.transformedIn].reverse().concat(origin.generatedIn ?? []), sources);
      if (found) return found;
    }
    if (resource) {
      // Changed by a transformer tranche cannot follow (a JSON patch, a replacement): the object in its file.
      const deepest = walkSame(object.data, resource.data, path.slice(0, Math.max(0, path.length - 1)));
      return { ...resource.locate(deepest?.path ?? ['metadata', 'name'], part), tracked: resource.tracked };
    }
    return whole(origin.transformedIn.at(-1) ?? origin.generatedIn ?? fallback.file);
  };
  return {
    ...object,
    file: home,
    tracked: sources.tracked(home),
    ...(resource && resource.name !== object.name ? { aliases: [resource.name] } : {}),
    locate,
  };
}

/** The line of a generator (literal, env file line, file) that gives a generated ConfigMap or Secret `key`. */
function generatorLine(
  object: KubernetesObject,
  key: string,
  kustomizations: string[],
  sources: OriginSources,
): (SourceLocation & { tracked: boolean }) | undefined {
  for (const k of kustomizations) {
    const yaml = sources.kustomization(k);
    if (!yaml) continue;
    const dir = posix.dirname(k);
    for (const { field, index, generator } of generators(record(yaml.data))) {
      if (typeof generator.name !== 'string' || !object.name.includes(generator.name)) continue;
      if ((field === 'secretGenerator') !== (object.kind === 'Secret')) continue;
      const literal = asArray(generator.literals).findIndex((l) => typeof l === 'string' && l.startsWith(`${key}=`));
      if (literal >= 0) return { ...yaml.locate([field, index, 'literals', literal]), tracked: sources.tracked(k) };
      for (const env of [...asArray(generator.envs), generator.env].filter((e): e is string => typeof e === 'string')) {
        const file = posix.normalize(posix.join(dir, env));
        const entry = sources.dotenv(file)?.entries.findLast((e) => e.key === key);
        if (entry) return { file, line: entry.line, column: entry.column, tracked: sources.tracked(file) };
      }
      for (const spec of asArray(generator.files).filter((f): f is string => typeof f === 'string')) {
        const eq = spec.indexOf('=');
        const path = eq >= 0 ? spec.slice(eq + 1) : spec;
        if ((eq >= 0 ? spec.slice(0, eq) : posix.basename(path)) === key) {
          const file = posix.normalize(posix.join(dir, path));
          return { file, line: 1, column: 1, tracked: sources.tracked(file) };
        }
      }
    }
  }
  return undefined;
}

/** The ConfigMap and Secret generators of a kustomization, with where each is. */
function generators(data: Record<string, unknown>): { field: 'configMapGenerator' | 'secretGenerator'; index: number; generator: Record<string, unknown> }[] {
  return (['configMapGenerator', 'secretGenerator'] as const).flatMap((field) =>
    asArray(data[field]).map((g, index) => ({ field, index, generator: record(g) })),
  );
}

/** The object of a file that the rendered one comes from: same kind, its name or the longest name inside the rendered one. */
function matching(objects: readonly KubernetesObject[] | undefined, object: KubernetesObject): KubernetesObject | undefined {
  const sameKind = (objects ?? []).filter((o) => o.kind === object.kind);
  return sameKind.find((o) => o.name === object.name) ?? sameKind.filter((o) => object.name.includes(o.name)).sort((a, b) => b.name.length - a.name.length)[0];
}

/**
 * The path in `original` that corresponds to `path` in `rendered`: list items with a name (containers,
 * env) matched by name, as kustomize's strategic merge matches them, others by position.
 */
function walkSame(rendered: unknown, original: unknown, path: readonly (string | number)[]): { path: (string | number)[]; value: unknown } | undefined {
  let r = rendered;
  let o = original;
  const out: (string | number)[] = [];
  for (const segment of path) {
    if (typeof segment === 'number') {
      if (!Array.isArray(r) || !Array.isArray(o)) return undefined;
      const name = record(r[segment]).name;
      const index = typeof name === 'string' ? o.findIndex((item) => record(item).name === name) : segment;
      if (index < 0 || index >= o.length) return undefined;
      out.push(index);
      r = r[segment];
      o = o[index];
    } else {
      if (!isRecord(r) || !isRecord(o) || !Object.hasOwn(o, segment)) return undefined;
      out.push(segment);
      r = r[segment];
      o = o[segment];
    }
  }
  return { path: out, value: o };
}

function at(data: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>(
    (node, segment) => (node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[segment] : undefined),
    data,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
