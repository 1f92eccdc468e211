import { JSON_PATH_FORMS, parseJsonPath } from '../checks/json-path.js';
import { CONFIG_TYPES, coerceValue, parseDuration, type ConfigType } from '../config/coerce.js';
import { parseValuePath } from '../config/value-path.js';
import { didYouMean } from '../did-you-mean.js';
import type { Finding } from '../finding.js';
import { isRuleId, type RuleId, type RuleSeverity } from '../rules/rule-ids.js';
import { joinRepoPath, normalizeRepoPath } from './repo-path.js';
import {
  BROKER_FIELDS,
  CHECK_KINDS,
  type DriverName,
  type Environment,
  type KeySpec,
  type Manifest,
  type ManifestLocator,
  type Policy,
  type Resource,
  type ResourceKind,
  type Scalar,
  type Service,
  type ServiceChecks,
  type ServiceContracts,
  type SourceSpec,
} from './manifest.js';

const POLICY_DEFAULTS: Omit<Policy, 'rules'> = {
  batch_size: 3,
  bake: 5000,
  on_failure: 'rollback-batch',
  separate_config: true,
};

type Raw = Record<string, unknown>;
type Path = (string | number)[];
/** The source text of the plain scalar at a path, if it is one. */
type PlainText = (path: readonly (string | number)[]) => string | undefined;

/**
 * Builds the manifest model from the parsed YAML data. The data has already been checked against
 * the schema, but the builder stays defensive (it also runs when the schema found problems, so
 * that reference problems are reported in the same pass) and adds the checks a schema cannot
 * express: one source kind per entry, paths that stay inside the repository, enum values,
 * defaults of the declared type.
 */
export function buildManifest(data: unknown, plainText: PlainText, locate: ManifestLocator): { manifest: Manifest; findings: Finding[] } {
  const findings: Finding[] = [];
  const problem = (path: Path, message: string, part: 'key' | 'value' = 'value') =>
    findings.push({ rule: 'manifest/invalid', severity: 'error', message, location: locate(path, part) });

  const root = asRecord(data);
  const environments: Environment[] = entries(root.environments).map(([name, env]) => ({
    name,
    driver: (asRecord(env).driver as DriverName) ?? 'local',
  }));

  const rawPolicy = asRecord(root.policy);
  const rules = new Map<RuleId, RuleSeverity>();
  for (const [id, severity] of entries(rawPolicy.rules)) {
    if (isRuleId(id) && typeof severity === 'string') rules.set(id, severity as RuleSeverity);
  }
  const policy: Policy = {
    batch_size: typeof rawPolicy.batch_size === 'number' ? rawPolicy.batch_size : POLICY_DEFAULTS.batch_size,
    bake: (typeof rawPolicy.bake === 'string' ? parseDuration(rawPolicy.bake) : undefined) ?? POLICY_DEFAULTS.bake,
    on_failure: (rawPolicy.on_failure as Policy['on_failure']) ?? POLICY_DEFAULTS.on_failure,
    separate_config: typeof rawPolicy.separate_config === 'boolean' ? rawPolicy.separate_config : POLICY_DEFAULTS.separate_config,
    rules,
  };

  const resources = new Map<string, Resource>();
  for (const [name, raw] of entries(root.resources)) {
    const r = asRecord(raw);
    const values = new Map<string, Map<string, Scalar>>();
    const plainTexts = new Map<string, Map<string, string>>();
    for (const [env, fields] of entries(r.values)) {
      const scalars = entries(fields).filter((e): e is [string, Scalar] => isScalarValue(e[1]));
      values.set(env, new Map(scalars));
      const texts = new Map<string, string>();
      for (const [field, value] of scalars) {
        const text = typeof value === 'string' ? undefined : plainText(['resources', name, 'values', env, field]);
        if (text !== undefined) texts.set(field, text);
      }
      plainTexts.set(env, texts);
    }
    checkBrokerFields(name, r.kind, r.values, problem);
    resources.set(name, { name, kind: r.kind as ResourceKind, values, plainTexts });
  }

  const services = new Map<string, Service>();
  for (const [name, raw] of entries(root.services)) {
    services.set(name, buildService(name, asRecord(raw), plainText, problem));
  }

  const manifest: Manifest = {
    version: 1,
    name: typeof root.name === 'string' ? root.name : '',
    environments,
    policy,
    resources,
    services,
    locate,
  };
  return { manifest, findings };
}

function buildService(name: string, raw: Raw, plainText: PlainText, problem: (path: Path, message: string, part?: 'key' | 'value') => void): Service {
  const at = (...rest: Path): Path => ['services', name, ...rest];
  const repoPath = (value: unknown, path: Path, what: string): string => {
    if (typeof value !== 'string') return '';
    const normalized = normalizeRepoPath(value);
    if (normalized === undefined) {
      problem(path, `${what} ${JSON.stringify(value)} must be a relative path inside the repository`);
      return '';
    }
    return normalized;
  };

  const path = repoPath(raw.path, at('path'), 'path');
  const watch = strings(raw.watch).map((w, i) => repoPath(w, at('watch', i), 'watch path'));
  const rawConfig = asRecord(raw.config);

  const schema = new Map<string, KeySpec>();
  for (const [key, rawSpec] of entries(rawConfig.schema)) {
    const spec = buildKeySpec(key, asRecord(rawSpec), at('config', 'schema', key), plainText, problem);
    if (spec) schema.set(key, spec);
  }

  const sources: SourceSpec[] = [];
  asArray(rawConfig.sources).forEach((rawSource, index) => {
    const s = asRecord(rawSource);
    const sourcePath = at('config', 'sources', index);
    const kinds = (['file', 'dotenv', 'compose', 'kubernetes', 'helm-values', 'kustomize'] as const).filter((k) => s[k] !== undefined);
    if (kinds.length !== 1) {
      problem(
        sourcePath,
        kinds.length
          ? `a source has ${kinds.length === 2 ? 'both ' : ''}${kinds.join(' and ')}: give one per entry`
          : 'a source needs file: PATH, dotenv: PATH, compose: PATH, kubernetes: PATH, helm-values: PATH or kustomize: DIR',
      );
      return;
    }
    const kind = kinds[0]!;
    /** A path relative to the service that stays inside the repository ({env} allowed), or undefined after reporting it. */
    const relative = (raw: unknown, at: (string | number)[], what: string): string | undefined => {
      if (typeof raw !== 'string') return undefined;
      if (joinRepoPath(path || '.', raw.replaceAll('{env}', 'env')) !== undefined && !raw.startsWith('/')) return raw;
      problem(at, `${what} ${JSON.stringify(raw)} must be a path relative to the service (${path}) that stays inside the repository`);
      return undefined;
    };
    const variables = asArray(s.variables)
      .map((raw, i) => relative(raw, [...sourcePath, 'variables', i], 'variables'))
      .filter((v): v is string => v !== undefined);
    if (variables.length && kind !== 'dotenv') problem([...sourcePath, 'variables'], 'variables: only a dotenv source resolves ${VAR} references');
    const common = {
      index,
      optional: s.optional === true,
      variables,
      interpolate: s.interpolate !== false,
      ...(typeof s.shared === 'boolean' ? { shared: s.shared } : {}),
    };
    if (kind === 'file' || kind === 'dotenv') {
      const template = relative(s[kind], [...sourcePath, kind], kind);
      if (template !== undefined) sources.push({ ...common, format: kind === 'file' ? 'yaml' : 'dotenv', template });
      return;
    }
    /** The paths of a source that takes one or a list. */
    const paths = (field: 'compose' | 'kubernetes' | 'helm-values', what: string) =>
      (Array.isArray(s[field]) ? (s[field] as unknown[]) : [s[field]]).map((raw, i) =>
        relative(raw, Array.isArray(s[field]) ? [...sourcePath, field, i] : [...sourcePath, field], what),
      );
    const text = (field: string) => (typeof s[field] === 'string' ? { [field]: s[field] as string } : {});
    const workload = () => ({ paths: [] as string[], workload: typeof s.workload === 'string' ? s.workload : name, ...text('kind'), ...text('container') });
    if (kind === 'helm-values') {
      const files = paths('helm-values', 'values file');
      const keys = new Map<string, (string | number)[]>();
      for (const [key, raw] of entries(s.keys)) {
        const parsed = typeof raw === 'string' ? parseValuePath(raw) : undefined;
        if (parsed) keys.set(key, parsed);
        else problem([...sourcePath, 'keys', key], `keys.${key} must be the path of a value in the values files, like database.port or servers[0].host`);
      }
      const argv = Array.isArray(s.render) && s.render.length && s.render.every((a) => typeof a === 'string') ? (s.render as string[]) : undefined;
      if (s.render !== undefined && !argv)
        problem(
          [...sourcePath, 'render'],
          'render must be a command as a list of arguments, like [helm, template, api, charts/api, -f, charts/api/values.yaml]',
        );
      if (s.render !== undefined && s.keys !== undefined)
        problem(sourcePath, 'a helm-values source has keys: (values read by path) or render: (manifests read as kubernetes), not both');
      else if (s.render === undefined && !keys.size && !entries(s.keys).length)
        problem(
          sourcePath,
          'a helm-values source needs keys: which config key is which value path (DB_PORT: database.port), or render: a command that renders the chart',
        );
      if (!files.length || files.some((f) => f === undefined)) return;
      sources.push({
        ...common,
        format: 'helm-values',
        template: files[0]!,
        helm: { files: files as string[], keys },
        ...(argv ? { render: { argv }, kubernetes: workload() } : {}),
      });
      return;
    }
    if (kind === 'kustomize') {
      // The overlay is relative to the service, like every source; kubectl kustomize reads the bases it names.
      const overlay = relative(s.kustomize, [...sourcePath, 'kustomize'], 'kustomize');
      if (overlay === undefined) return;
      sources.push({ ...common, format: 'kustomize', template: overlay, render: { kustomize: overlay }, kubernetes: workload() });
      return;
    }
    if (kind === 'kubernetes') {
      const manifests = paths('kubernetes', 'kubernetes manifests');
      if (!manifests.length || manifests.some((f) => f === undefined)) return;
      sources.push({ ...common, format: 'kubernetes', template: manifests[0]!, kubernetes: { ...workload(), paths: manifests as string[] } });
      return;
    }
    const files = paths('compose', 'compose file');
    const projectEnv = s.project_env === undefined ? undefined : relative(s.project_env, [...sourcePath, 'project_env'], 'project_env');
    if (!files.length || files.some((f) => f === undefined)) return;
    sources.push({
      ...common,
      format: 'compose',
      template: files[0]!,
      compose: { files: files as string[], service: typeof s.service === 'string' ? s.service : name, ...(projectEnv !== undefined ? { projectEnv } : {}) },
    });
  });

  const env = new Map<string, Map<string, string>>();
  for (const [envName, vars] of entries(rawConfig.env)) {
    const values = new Map<string, string>();
    for (const [key, value] of entries(vars)) {
      if (!isScalarValue(value)) continue;
      values.set(key, typeof value === 'string' ? value : (plainText(at('config', 'env', envName, key)) ?? String(value)));
    }
    env.set(envName, values);
  }

  const service: Service = {
    name,
    path,
    watch,
    depends_on: strings(raw.depends_on),
    uses: strings(raw.uses),
    address: new Map(entries(raw.address).filter((e): e is [string, string] => typeof e[1] === 'string')),
    config: { schema, sources, env },
  };
  if (Array.isArray(raw.environments)) service.environments = { only: strings(raw.environments) };
  else if (raw.environments && typeof raw.environments === 'object') service.environments = { except: strings(asRecord(raw.environments).except) };
  const run = asRecord(raw.run);
  if (Array.isArray(run.command)) service.run = { command: strings(run.command), ...(run.build ? { build: strings(run.build) } : {}) };
  const exec = asRecord(raw.exec);
  if (Array.isArray(exec.deploy))
    service.exec = {
      deploy: strings(exec.deploy),
      ...(exec.rollback ? { rollback: strings(exec.rollback) } : {}),
      ...(exec.stop ? { stop: strings(exec.stop) } : {}),
    };
  if (raw.kubernetes && typeof raw.kubernetes === 'object') service.kubernetes = raw.kubernetes as Service['kubernetes'];
  // Typed as the schema allows them: a manifest is returned only when the schema holds.
  if (raw.contracts && typeof raw.contracts === 'object') {
    service.contracts = raw.contracts as ServiceContracts;
    checkContractPaths(path, asRecord(asRecord(raw.contracts).provides), at('contracts', 'provides'), problem);
  }
  if (raw.checks && typeof raw.checks === 'object') {
    service.checks = raw.checks as ServiceChecks;
    checkChecks(asRecord(raw.checks), at('checks'), problem);
  }
  return service;
}

/**
 * Every path of `contracts.provides` (http, grpc, events, asyncapi; a proto's `proto` and `root`)
 * must stay inside the repository once joined to the service's path: a contract is read from
 * the repository alone, so a path out of it is told as such, not as a file that does not exist.
 */
function checkContractPaths(service: string, provides: Raw, at: Path, problem: (path: Path, message: string) => void): void {
  const inside = (value: unknown, path: Path) => {
    if (typeof value !== 'string' || value === '' || joinRepoPath(service || '.', value) !== undefined) return;
    const dir = service || '.';
    const where = value.startsWith('/') ? `${value} is outside the repository` : `${dir}/${value} leads out of the repository`;
    problem(
      path,
      `${path.at(-1) === 'root' ? 'import root' : 'contract'} ${where}: ${path.slice(2).join('.')} is relative to the service (${dir}) and must stay inside the repository`,
    );
  };
  const proto = (value: unknown, path: Path) => {
    if (typeof value === 'string') return inside(value, path);
    const form = asRecord(value);
    inside(form.proto, [...path, 'proto']);
    inside(form.root, [...path, 'root']);
  };
  inside(provides.http, [...at, 'http']);
  proto(provides.grpc, [...at, 'grpc']);
  for (const [event, value] of entries(provides.events)) proto(value, [...at, 'events', event]);
  inside(provides.asyncapi, [...at, 'asyncapi']);
}

function buildKeySpec(
  key: string,
  raw: Raw,
  path: Path,
  plainText: PlainText,
  problem: (path: Path, message: string, part?: 'key' | 'value') => void,
): KeySpec | undefined {
  if (!CONFIG_TYPES.includes(raw.type as ConfigType)) return undefined;
  const type = raw.type as ConfigType;
  const spec: KeySpec = { name: key, type, required: raw.required === true, secret: raw.secret === true };
  if (raw.same === true) spec.same = true;
  else if (Array.isArray(raw.same)) spec.same = raw.same.filter((e): e is string => typeof e === 'string');
  if (type === 'enum') {
    if (!Array.isArray(raw.values)) problem([...path, 'type'], `${key} is an enum: list its allowed values under values`);
    else spec.values = raw.values.filter(isScalarValue);
  } else if (raw.values !== undefined) {
    problem([...path, 'values'], `values only apply to type enum, and ${key} is ${type}`, 'key');
  }
  if (typeof raw.bind === 'string') {
    const dot = raw.bind.lastIndexOf('.');
    if (dot > 0) spec.bind = { resource: raw.bind.slice(0, dot), field: raw.bind.slice(dot + 1) };
  }
  if (Object.hasOwn(raw, 'default')) {
    const sourceText = plainText([...path, 'default']);
    spec.default = { value: raw.default, ...(sourceText !== undefined ? { sourceText } : {}) };
    const coerced = coerceValue(spec, raw.default, 'yaml', sourceText);
    // A secret's message must not quote its value.
    if (!coerced.ok) problem([...path, 'default'], spec.secret ? `default of ${key} is not a valid ${type}` : `default of ${key}: ${coerced.message}`);
  }
  return spec;
}

/** A broker resource's fields are its own (a typo would bind nothing), and it has what it needs to be reached. */
function checkBrokerFields(name: string, kind: unknown, values: unknown, problem: (path: Path, message: string, part?: 'key' | 'value') => void): void {
  const known = BROKER_FIELDS[kind as ResourceKind];
  if (!known) return;
  for (const [env, fields] of entries(values)) {
    const at: Path = ['resources', name, 'values', env];
    const given = entries(fields).map(([field]) => field);
    for (const field of given) {
      if (known.fields.includes(field)) continue;
      const guess = didYouMean(field, known.fields);
      problem(
        [...at, field],
        `the ${String(kind)} resource ${name} has no field ${field}${guess ? ` (did you mean ${guess}?)` : ''}; its fields: ${known.fields.join(', ')}`,
        'key',
      );
    }
    if (!known.needs.some((field) => given.includes(field)))
      problem(at, `the ${String(kind)} resource ${name} needs ${known.needs.join(' or ')} in ${env}`, 'key');
  }
}

function checkChecks(checks: Raw, path: Path, problem: (path: Path, message: string, part?: 'key' | 'value') => void): void {
  const one = (check: unknown, at: Path) => {
    const kinds = CHECK_KINDS.filter((k) => asRecord(check)[k] !== undefined);
    if (kinds.length !== 1) {
      problem(at, kinds.length ? `a check has ${kinds.join(' and ')}: give one kind per check` : `a check needs one of ${CHECK_KINDS.join(', ')}`);
    }
    for (const [jsonPath, assertion] of entries(asRecord(asRecord(asRecord(check).http).expect).json)) {
      if (parseJsonPath(jsonPath) === undefined)
        problem([...at, 'http', 'expect', 'json', jsonPath], `${JSON.stringify(jsonPath)} is not a JSON path (write ${JSON_PATH_FORMS})`, 'key');
      const { matches } = asRecord(assertion);
      if (typeof matches !== 'string') continue;
      const invalid = regexProblem(matches);
      if (invalid) problem([...at, 'http', 'expect', 'json', jsonPath, 'matches'], `matches is not a regular expression: ${invalid}`);
    }
  };
  if (checks.health !== undefined) one(checks.health, [...path, 'health']);
  asArray(checks.sanity).forEach((check, i) => one(check, [...path, 'sanity', i]));
}

/**
 * Why a `matches` pattern is not a JavaScript regular expression, if it is not. A `${KEY}` in it
 * is taken for a letter: the value it stands for is only known where the check runs.
 */
function regexProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern.replace(/\$\{[^{}]+\}/g, 'x'));
    return undefined;
  } catch (error) {
    return (error instanceof Error ? error.message : String(error)).replace(/^Invalid regular expression: /, '');
  }
}

function isScalarValue(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function asRecord(value: unknown): Raw {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function entries(value: unknown): [string, unknown][] {
  return Object.entries(asRecord(value));
}

function strings(value: unknown): string[] {
  return asArray(value).filter((v): v is string => typeof v === 'string');
}
