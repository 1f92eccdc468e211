import { posix } from 'node:path';
import type { Finding } from '../finding.js';
import { joinRepoPath } from '../manifest/repo-path.js';
import type { Manifest, Service, SourceSpec } from '../manifest/manifest.js';
import { parseConfigFile } from './parse-config-file.js';
import { parseDotenv, type DotenvEntry, type DotenvFile } from './parse-dotenv.js';
import type { RenderRequest } from './render-request.js';
import type { LayerReference } from './resolved-config.js';
import { parseTemplate, type Template } from './template.js';

/** One key set by a config source file; line and column locate the key. */
export interface SourceEntry {
  key: string;
  value: unknown;
  line: number;
  column: number;
  sourceText?: string;
  /**
   * The references the value holds (`cart:${CART_PORT}`), parsed, in a dotenv file (a value in
   * single quotes is literal, as in docker compose's env files).
   */
  template?: Template;
  /** The file the entry is in, when it is not the source's own (a compose service's env file). */
  file?: string;
  /** Whether git tracks that file (default: the source's). */
  tracked?: boolean;
  /** A value whose references were resolved where it was read (a compose service's): how it was built. */
  resolved?: { written: string; refs: LayerReference[]; unresolved: { name: string; message?: string }[] };
  /** The value comes from a secret store (a Kubernetes Secret): a secret, whatever the schema says. */
  secret?: true;
  /** Only the running system knows the value (a Kubernetes fieldRef): what sets it. */
  atRunTime?: string;
}

/** A config source file as read at one revision. */
export interface SourceFile {
  path: string;
  format: SourceSpec['format'];
  /** Whether git tracks the file (a secret read from it is then in the repository in plain text). */
  tracked: boolean;
  /** The entry that wins within the file (the last one, for a key a dotenv file sets twice). */
  byKey: Map<string, SourceEntry>;
  /** Every entry in file order: a reference sees the lines above it. */
  entries: SourceEntry[];
  /** Every repo file the source was built from, when more than its own (a compose service's compose files and env files). */
  reads?: string[];
}

/** Config source files by repo path. A path that is absent does not exist at that revision. */
export type SourceFiles = ReadonlyMap<string, SourceFile>;

/** A path the manifest writes relative to the service, `{env}` filled in, as a repo path. */
function envPath(service: Service, template: string, env: string): string {
  // The template was checked to stay inside the repository when the manifest was built.
  return joinRepoPath(service.path, template.replaceAll('{env}', env)) ?? template;
}

/** The repo path a source entry names in one environment. */
export function sourcePath(service: Service, source: SourceSpec, env: string): string {
  return (namesOf(service, source).path[env] ??= envPath(service, source.template, env));
}

// Every service's sources are named for every environment again and again (each resolution, each
// rule): each name is worked out once, per source (each service has sources of its own) and environment.
interface Names {
  service: Service;
  path: Record<string, string>;
  key: Record<string, string>;
}
const names = new WeakMap<SourceSpec, Names>();

function namesOf(service: Service, source: SourceSpec): Names {
  let known = names.get(source);
  if (known?.service !== service) names.set(source, (known = { service, path: Object.create(null), key: Object.create(null) }));
  return known;
}

/** A compose source's files in one environment: its compose files in merge order, and the project's `.env`. */
export function composePaths(service: Service, source: SourceSpec, env: string): { files: string[]; projectEnv: string } {
  const join = (template: string) => envPath(service, template, env);
  const files = (source.compose?.files ?? [source.template]).map(join);
  const projectDir = posix.dirname(files[0]!);
  return { files, projectEnv: source.compose?.projectEnv !== undefined ? join(source.compose.projectEnv) : projectDir === '.' ? '.env' : `${projectDir}/.env` };
}

/**
 * Where a revision keeps what a source read, in `FleetRevision.files`: the file's path, or for a
 * compose source one key per compose files and service (`docker-compose.yml#cart`), since one
 * compose file holds many services.
 */
export function sourceKey(service: Service, source: SourceSpec, env: string): string {
  return (namesOf(service, source).key[env] ??= sourceKeyOf(service, source, env));
}

function sourceKeyOf(service: Service, source: SourceSpec, env: string): string {
  const workload = () => {
    const { workload, kind, container } = source.kubernetes!;
    return `${kind ?? ''}/${workload}/${container ?? ''}`;
  };
  if (source.format === 'kubernetes') return `${kubernetesPaths(service, source, env).join('+')}#${workload()}`;
  const render = renderRequest(service, source, env);
  if (render)
    return `${'kustomize' in render ? `${render.kustomize}#kustomize` : `${helmValuesPaths(service, source, env).join('+')}#render ${JSON.stringify(render.argv)}`}#${workload()}`;
  // A helm-values source maps keys of its own: two services reading one values file read different keys.
  if (source.format === 'helm-values') return `${helmValuesPaths(service, source, env).join('+')}#helm@${service.name}`;
  if (source.format !== 'compose') return sourcePath(service, source, env);
  const { files, projectEnv } = composePaths(service, source, env);
  return `${files.join('+')}#${source.compose!.service}${source.compose?.projectEnv !== undefined ? `@${projectEnv}` : ''}`;
}

/** A kubernetes source's manifest files and directories in one environment. */
export function kubernetesPaths(service: Service, source: SourceSpec, env: string): string[] {
  return (source.kubernetes?.paths ?? [source.template]).map((template) => envPath(service, template, env));
}

/** What renders a kustomize or rendered helm-values source's manifests in one environment; undefined for other sources. */
export function renderRequest(service: Service, source: SourceSpec, env: string): RenderRequest | undefined {
  if (!source.render) return undefined;
  if ('argv' in source.render) return { argv: source.render.argv.map((arg) => arg.replaceAll('{env}', env)) };
  return { kustomize: sourcePath(service, source, env) };
}

/** A helm-values source's values files in one environment, in layering order. */
export function helmValuesPaths(service: Service, source: SourceSpec, env: string): string[] {
  return (source.helm?.files ?? [source.template]).map((template) => envPath(service, template, env));
}

/** The repo paths of the variables files a source names in one environment (see `SourceSpec.variables`). */
export function variablesPaths(service: Service, source: SourceSpec, env: string): string[] {
  return source.variables.map((template) => envPath(service, template, env));
}

/**
 * Every file a source reads in one environment, as far as the manifest says: the source itself
 * and its variables files, or a compose source's compose files and project `.env` (the env files
 * its compose files name are in its `SourceFile.reads`).
 */
export function sourceFiles(service: Service, source: SourceSpec, env: string): string[] {
  if (source.format === 'compose') {
    const { files, projectEnv } = composePaths(service, source, env);
    return [...files, projectEnv];
  }
  // Directories among them: the files read below them are in `SourceFile.reads`.
  if (source.format === 'kubernetes') return kubernetesPaths(service, source, env);
  if (source.format === 'helm-values') return helmValuesPaths(service, source, env);
  if (source.format === 'kustomize') return [sourcePath(service, source, env)];
  return [sourcePath(service, source, env), ...variablesPaths(service, source, env)];
}

/** Whether a word is a key some service of `manifest` declares: the only word a dotenv problem names. */
export function declaredKey(manifest: Manifest): (word: string) => boolean {
  const keys = new Set([...manifest.services.values()].flatMap((s) => [...s.config.schema.keys()]));
  return (word) => keys.has(word);
}

/**
 * The largest config file (dotenv or YAML keys) tranche reads: 1 MiB, Kubernetes' own limit on a
 * ConfigMap. Config files hold a few kilobytes; a larger one is most likely something else named
 * by mistake, and one of millions of keys would cost gigabytes to resolve and report key by key.
 */
const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

/**
 * Parses one source file. Syntax problems make the fleet unusable (exit 2), so they come back as
 * `manifest/invalid` findings located in the file itself; one in a dotenv file names the word
 * where a key was expected only when `isKey` says it is a key (see `declaredKey`); a file over
 * MAX_CONFIG_FILE_BYTES is such a finding too, and is not read.
 */
export function readSourceFile(
  path: string,
  format: SourceSpec['format'],
  text: string,
  tracked: boolean,
  isKey?: (word: string) => boolean,
): { file: SourceFile; findings: Finding[] } {
  const size = text.length * 3 > MAX_CONFIG_FILE_BYTES ? Buffer.byteLength(text) : text.length;
  if (size > MAX_CONFIG_FILE_BYTES) {
    const message = `this config file is ${size.toLocaleString('en-US')} bytes: tranche reads config files of up to ${MAX_CONFIG_FILE_BYTES.toLocaleString('en-US')} bytes (1 MiB)`;
    const hint = 'a config file this large is most likely not one: check the source the manifest names, or split the file';
    return {
      file: { path, format, tracked, byKey: new Map(), entries: [] },
      findings: [{ rule: 'manifest/invalid', severity: 'error', message, hint, location: { file: path } }],
    };
  }
  const parsed = format === 'dotenv' ? parseDotenv(text, isKey) : parseConfigFile(text);
  const entries: SourceEntry[] = format === 'dotenv' ? (parsed as DotenvFile).entries.map(withTemplate) : parsed.entries;
  const byKey = new Map<string, SourceEntry>();
  for (const entry of entries) byKey.set(entry.key, entry);
  const findings: Finding[] = parsed.problems.map((p) => ({
    rule: 'manifest/invalid',
    severity: 'error',
    message: p.message,
    location: { file: path, line: p.line, column: p.column },
  }));
  return { file: { path, format, tracked, byKey, entries }, findings };
}

/** A dotenv entry with the references its value holds, unless it was written in single quotes (or backticks). */
function withTemplate({ quote, ...entry }: DotenvEntry): SourceEntry {
  if (quote === "'" || quote === '`') return entry;
  // Env files are read leniently: a "$" that starts no reference stays as written, so parsing never fails.
  const template = parseTemplate(entry.value, false);
  const unchanged =
    !template || !('parts' in template) || (template.parts.length === 1 && 'text' in template.parts[0]! && template.parts[0].text === entry.value);
  return unchanged ? entry : { ...entry, template };
}
