import { posix } from 'node:path';
import type { Finding } from '../finding.js';
import type { SourceLocation } from '../location.js';
import { joinRepoPath } from '../manifest/repo-path.js';
import { readYaml, type ReadYaml } from '../yaml/read-yaml.js';
import { parseDotenv } from './parse-dotenv.js';
import type { LayerReference } from './resolved-config.js';
import type { SourceEntry } from './source-file.js';
import { evaluateTemplate, isTemplateError, parseTemplate, type Template } from './template.js';

/**
 * A compose service's environment as docker compose gives it to the container, read from files
 * already fetched: its compose files merged in order (`environment` by key, `env_file` appended),
 * every value interpolated against the project's `.env` (never the operator's shell: what a
 * deployment gets must not depend on who runs tranche), then its env files, then `environment`
 * over them. Compose files are interpolated strictly, env files leniently (as compose reads them).
 */

/** A text file as read, with whether git tracks it. */
export interface ReadFile {
  path: string;
  text: string;
  tracked: boolean;
}

/** What the compose files say of one service, before its env files are read. */
export interface ComposeService {
  /** Its env files, in order, as repo paths. */
  envFiles: { path: string; required: boolean; location: SourceLocation }[];
  /** `environment`, merged across the files; a key with no value is left to the shell by compose, and unset here. */
  environment: SourceEntry[];
  /** The project's variables, for the env files' references. */
  variables: Map<string, Variable>;
  findings: Finding[];
}

interface Variable {
  value: string;
  location: SourceLocation;
}

/**
 * What the services of a compose project share, read once however many services are read from
 * it: each compose file parsed, each project `.env` read (keyed by path: one revision's files).
 */
export class ComposeProject {
  private readonly yamls = new Map<string, ReturnType<typeof readYaml>>();
  private readonly envs = new Map<string, Map<string, Variable>>();

  yaml(file: ReadFile): ReturnType<typeof readYaml> {
    let read = this.yamls.get(file.path);
    if (!read) this.yamls.set(file.path, (read = readYaml(file.text, file.path)));
    return read;
  }

  variables(file: ReadFile | undefined): Map<string, Variable> {
    if (!file) return new Map();
    let variables = this.envs.get(file.path);
    if (!variables) this.envs.set(file.path, (variables = projectVariables(file)));
    return variables;
  }
}

/**
 * Reads the compose files (`files`, in merge order; the first one's directory is the project's)
 * for `service`. `projectEnv` is the project's `.env`, when there is one; `project` shares the
 * parsed files between the services of one revision.
 */
export function readComposeService(
  files: readonly ReadFile[],
  projectEnv: ReadFile | undefined,
  service: string,
  project = new ComposeProject(),
): ComposeService {
  const findings: Finding[] = [];
  const variables = project.variables(projectEnv);
  const projectDir = posix.dirname(files[0]!.path);
  const environment = new Map<string, SourceEntry | undefined>();
  const envFiles: ComposeService['envFiles'] = [];
  let found = false;

  for (const file of files) {
    const read = project.yaml(file);
    if (!read.yaml) {
      findings.push(...read.findings);
      continue;
    }
    const services = asRecord(asRecord(read.yaml.data).services);
    if (!Object.hasOwn(services, service)) continue;
    found = true;
    const definition = asRecord(services[service]);
    const base = ['services', service];
    const interpolated = (raw: string, path: (string | number)[]) => {
      const result = interpolate(raw, variables);
      if ('message' in result) {
        findings.push({ rule: 'manifest/invalid', severity: 'error', message: `compose: ${result.message}`, location: read.yaml.locate(path) });
        return undefined;
      }
      return result;
    };
    readEnvironment(definition.environment, read.yaml, [...base, 'environment'], file, interpolated, environment, findings);
    readEnvFiles(definition.env_file, read.yaml, [...base, 'env_file'], projectDir, interpolated, envFiles, findings);
  }
  if (!found && !findings.length) {
    findings.push({
      rule: 'manifest/invalid',
      severity: 'error',
      message: `the compose service ${service} is in none of ${files.map((f) => f.path).join(', ')}`,
      hint: 'name the compose service with service: NAME in the source (it defaults to the tranche service name)',
      location: { file: files[0]!.path },
    });
  }
  return { envFiles, environment: [...environment.values()].filter((e): e is SourceEntry => e !== undefined), variables, findings };
}

/** The entries of a compose service's env files (in order, each read line by line), then its `environment`. */
export function composeEntries(
  service: ComposeService,
  envFiles: ReadonlyMap<string, ReadFile>,
  isKey?: (word: string) => boolean,
): { entries: SourceEntry[]; findings: Finding[] } {
  const entries: SourceEntry[] = [];
  const findings: Finding[] = [];
  for (const { path, required, location } of service.envFiles) {
    const file = envFiles.get(path);
    if (!file) {
      if (required)
        findings.push({
          rule: 'manifest/invalid',
          severity: 'error',
          message: `the env file ${path} of this compose service does not exist`,
          hint: 'create it, fix the path, or mark it required: false',
          location,
        });
      continue;
    }
    const parsed = parseDotenv(file.text, isKey);
    for (const p of parsed.problems)
      findings.push({ rule: 'manifest/invalid', severity: 'error', message: p.message, location: { file: path, line: p.line, column: p.column } });
    const above = new Map<string, Variable>();
    for (const entry of parsed.entries) {
      const location = { file: path, line: entry.line, column: entry.column };
      const literal = entry.quote === "'" || entry.quote === '`';
      const lookup = (name: string) => above.get(name) ?? service.variables.get(name);
      const result = literal ? undefined : interpolate(entry.value, { get: lookup }, false);
      const value = result && !('message' in result) ? result.value : entry.value;
      above.set(entry.key, { value, location });
      entries.push({
        key: entry.key,
        value,
        line: entry.line,
        column: entry.column,
        file: path,
        tracked: file.tracked,
        ...(result && !('message' in result) && result.resolved ? { resolved: result.resolved } : {}),
      });
    }
  }
  return { entries: [...entries, ...service.environment], findings };
}

function readEnvironment(
  raw: unknown,
  yaml: ReadYaml,
  path: (string | number)[],
  file: ReadFile,
  interpolated: (raw: string, path: (string | number)[]) => Interpolated | undefined,
  into: Map<string, SourceEntry | undefined>,
  findings: Finding[],
): void {
  if (raw === undefined || raw === null) return;
  const set = (key: string, value: unknown, at: (string | number)[], part: 'key' | 'value') => {
    const location = yaml.locate(at, part);
    if (value === null || value === undefined) {
      into.set(key, undefined); // compose takes it from the shell: nothing tranche deploys
      return;
    }
    const text = typeof value === 'string' ? value : String(value);
    const result = typeof value === 'string' ? interpolated(text, at) : { value: text };
    if (!result) return;
    into.delete(key); // a later file's value comes after the earlier ones
    into.set(key, {
      key,
      value: result.value,
      line: location.line ?? 1,
      column: location.column ?? 1,
      file: file.path,
      tracked: file.tracked,
      ...(result.resolved ? { resolved: result.resolved } : {}),
    });
  };
  if (Array.isArray(raw)) {
    raw.forEach((item, i) => {
      if (typeof item !== 'string') {
        findings.push({
          rule: 'manifest/invalid',
          severity: 'error',
          message: 'compose: an environment list item must be KEY=value',
          location: yaml.locate([...path, i]),
        });
        return;
      }
      const eq = item.indexOf('=');
      set(eq === -1 ? item : item.slice(0, eq), eq === -1 ? null : item.slice(eq + 1), [...path, i], 'value');
    });
  } else if (typeof raw === 'object') {
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
      if (value !== null && typeof value === 'object') {
        findings.push({
          rule: 'manifest/invalid',
          severity: 'error',
          message: `compose: environment ${key} must be a string, a number or a boolean`,
          location: yaml.locate([...path, key]),
        });
        continue;
      }
      set(key, value, [...path, key], 'key');
    }
  } else {
    findings.push({
      rule: 'manifest/invalid',
      severity: 'error',
      message: 'compose: environment must be a map or a list of KEY=value',
      location: yaml.locate(path),
    });
  }
}

function readEnvFiles(
  raw: unknown,
  yaml: ReadYaml,
  path: (string | number)[],
  projectDir: string,
  interpolated: (raw: string, path: (string | number)[]) => Interpolated | undefined,
  into: ComposeService['envFiles'],
  findings: Finding[],
): void {
  if (raw === undefined || raw === null) return;
  const items = Array.isArray(raw) ? raw : [raw];
  items.forEach((item, i) => {
    const at = Array.isArray(raw) ? [...path, i] : path;
    const long = item !== null && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : undefined;
    const written = long ? long.path : item;
    if (typeof written !== 'string' || (long && long.required !== undefined && typeof long.required !== 'boolean')) {
      findings.push({
        rule: 'manifest/invalid',
        severity: 'error',
        message: 'compose: an env_file is a path, or { path: PATH, required: true|false }',
        location: yaml.locate(at),
      });
      return;
    }
    const result = interpolated(written, long ? [...at, 'path'] : at);
    if (!result) return;
    // Paths are relative to the project's directory (the first compose file's), whatever file names them.
    const repoPath = joinRepoPath(projectDir, result.value);
    if (repoPath === undefined || result.value.startsWith('/')) {
      findings.push({
        rule: 'manifest/invalid',
        severity: 'error',
        message: 'compose: an env_file must be a path inside the repository, relative to the project directory',
        location: yaml.locate(at),
      });
      return;
    }
    into.push({ path: repoPath, required: long?.required !== false, location: yaml.locate(at) });
  });
}

/** The project `.env`'s variables, each read line by line (a reference sees the lines above it). */
function projectVariables(file: ReadFile | undefined): Map<string, Variable> {
  const variables = new Map<string, Variable>();
  if (!file) return variables;
  for (const entry of parseDotenv(file.text).entries) {
    const literal = entry.quote === "'" || entry.quote === '`';
    const result = literal ? undefined : interpolate(entry.value, variables, false);
    variables.set(entry.key, {
      value: result && !('message' in result) ? result.value : entry.value,
      location: { file: file.path, line: entry.line, column: entry.column },
    });
  }
  return variables;
}

interface Interpolated {
  value: string;
  /** How it was built, when it held references. */
  resolved?: NonNullable<SourceEntry['resolved']>;
}

/** A value with its references resolved against `variables`; an error for a malformed one (strict). */
function interpolate(text: string, variables: Pick<Map<string, Variable>, 'get'>, strict = true): Interpolated | { message: string } {
  const template = parseTemplate(text, strict);
  if (template === undefined) return { value: text };
  if (isTemplateError(template)) return { message: template.message };
  return resolve(text, template, variables);
}

function resolve(text: string, template: Template, variables: Pick<Map<string, Variable>, 'get'>): Interpolated {
  const result = evaluateTemplate<SourceLocation>(template, (name) => {
    const found = variables.get(name);
    return found ? { value: found.value, origin: found.location } : undefined;
  });
  const refs: LayerReference[] = result.used.map((u) => ({ name: u.name, ...(u.origin ? { from: { source: u.origin.file, location: u.origin } } : {}) }));
  const unresolved = [...result.undefined.map((u) => ({ name: u.name })), ...result.errors.map((e) => ({ name: e.name, message: e.message }))];
  return { value: result.value, ...(refs.length || unresolved.length ? { resolved: { written: text, refs, unresolved } } : {}) };
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
