import type { Finding } from '../finding.js';
import type { SourceLocation } from '../location.js';
import type { ManifestLocator } from '../manifest/manifest.js';
import { yamlLocator } from '../manifest/yaml-locator.js';
import { parseAllDocumentsBounded } from '../yaml/parse-document-bounded.js';
import { parseOptions } from '../yaml/parse-options.js';
import { readBlockYamlStream } from '../yaml/read-yaml.js';
import { toJSBounded } from '../yaml/to-js-bounded.js';
import { yamlPackage } from '../yaml/yaml-package.js';
import { yamlProblemMessage } from '../yaml/yaml-problem-message.js';
import type { ReadFile } from './compose-service.js';
import type { LayerReference } from './resolved-config.js';
import type { SourceEntry } from './source-file.js';
import { decodeUtf8 } from '../utf8-text.js';

/**
 * The environment a Kubernetes workload's container gets, read from manifests: its `envFrom`
 * (ConfigMaps and Secrets, with their prefix) in order, then its `env` over them — `value` with
 * `$(VAR)` expanded from the variables defined before it, as the kubelet does; `valueFrom` a
 * ConfigMap or Secret key found in the same manifests (`optional` honoured; a Secret's `data`
 * base64-decoded, its `stringData` as is). A value only the cluster knows (`fieldRef`,
 * `resourceFieldRef`, an object not in the manifests) is set at run time, and says so. Values from
 * a Secret are secrets, whatever the schema says of the key.
 */

/** One object of the manifests, with where it is. */
export interface KubernetesObject {
  kind: string;
  name: string;
  /** Other names a workload query may use (a rendered object's name before kustomize's prefix or suffix). */
  aliases?: string[];
  namespace?: string;
  data: Record<string, unknown>;
  file: string;
  tracked: boolean;
  /** The comment before its document (`helm template` names the template there: `Source: api/templates/x.yaml`). */
  comment?: string;
  /** Where a node of the object is written; a rendered object's nodes may be in other files, tracked or not. */
  locate: (...args: Parameters<ManifestLocator>) => SourceLocation & { tracked?: boolean };
}

/** Every object of some manifest files (multi-document YAML); a document that does not parse is a located problem. */
export function readManifests(files: readonly ReadFile[]): { objects: KubernetesObject[]; findings: Finding[] } {
  const objects: KubernetesObject[] = [];
  const findings: Finding[] = [];
  const add = (data: Record<string, unknown>, file: ReadFile, locate: KubernetesObject['locate'], comment: string | undefined) => {
    const metadata = record(data.metadata);
    if (typeof data.kind !== 'string' || typeof metadata.name !== 'string') return; // not an object (a kustomization, a Helm values file…)
    objects.push({
      kind: data.kind,
      name: metadata.name,
      ...(typeof metadata.namespace === 'string' ? { namespace: metadata.namespace } : {}),
      data,
      file: file.path,
      tracked: file.tracked,
      locate,
      ...(comment ? { comment } : {}),
    });
  };
  for (const file of files) {
    // Plain manifests — nearly all — through the fast reader; the rest, and every problem, through `yaml`.
    const fast = readBlockYamlStream(file.text, file.path);
    if (fast) {
      for (const doc of fast) add(record(doc.data), file, doc.locate, undefined);
      continue;
    }
    const lineCounter = new (yamlPackage().LineCounter)();
    const docs = parseAllDocumentsBounded(file.text, parseOptions(lineCounter));
    if (!Array.isArray(docs)) continue; // an empty stream
    for (const doc of docs) {
      const problems = [...doc.errors, ...doc.warnings];
      if (problems.length) {
        for (const error of problems) {
          const { line, col } = lineCounter.linePos(error.pos[0]);
          findings.push({
            rule: 'manifest/invalid',
            severity: 'error',
            message: yamlProblemMessage(error, file.text),
            location: { file: file.path, line, column: col },
          });
        }
        continue;
      }
      const converted = toJSBounded(doc);
      if ('problem' in converted) {
        const { line, col } = lineCounter.linePos(converted.problem.offset);
        findings.push({ rule: 'manifest/invalid', severity: 'error', message: converted.problem.message, location: { file: file.path, line, column: col } });
        continue;
      }
      add(record(converted.value), file, yamlLocator(doc, lineCounter, file.path), doc.commentBefore ?? doc.contents?.commentBefore ?? undefined);
    }
  }
  return { objects, findings };
}

/** Where each workload kind keeps its pod spec. */
const POD_SPEC: Record<string, string[]> = {
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  Pod: ['spec'],
};

export interface WorkloadQuery {
  workload: string;
  kind?: string;
  container?: string;
  /** Where the manifest names the source, for problems not located in a manifest file. */
  at: SourceLocation;
}

/**
 * The entries of a workload's container: envFrom first, then env; later entries win. `used` is
 * every file an object it read is in: what the source depends on, of all the files searched.
 */
export function workloadEntries(objects: readonly KubernetesObject[], query: WorkloadQuery): { entries: SourceEntry[]; findings: Finding[]; used: string[] } {
  const findings: Finding[] = [];
  const used = new Set<string>();
  const problem = (message: string, location: SourceLocation = query.at): { entries: SourceEntry[]; findings: Finding[]; used: string[] } => {
    findings.push({ rule: 'manifest/invalid', severity: 'error', message, location });
    return { entries: [], findings, used: [...used] };
  };
  const candidates = objects.filter(
    (o) =>
      Object.hasOwn(POD_SPEC, o.kind) &&
      (o.name === query.workload || o.aliases?.includes(query.workload)) &&
      (query.kind === undefined || o.kind === query.kind),
  );
  if (!candidates.length) {
    const names = objects.filter((o) => Object.hasOwn(POD_SPEC, o.kind)).map((o) => `${o.kind}/${o.name}`);
    return problem(
      `no workload named ${query.workload}${query.kind ? ` of kind ${query.kind}` : ''} in the manifests${names.length ? ` (they have ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''})` : ''}`,
    );
  }
  if (candidates.length > 1)
    return problem(`several workloads are named ${query.workload} (${candidates.map((c) => `${c.kind} in ${c.file}`).join(', ')}): say which with kind:`);
  const workload = candidates[0]!;
  used.add(workload.file);
  const podPath = POD_SPEC[workload.kind]!;
  const containers = podPath.reduce<unknown>((node, key) => record(node)[key], workload.data);
  const list = Array.isArray(record(containers).containers) ? (record(containers).containers as unknown[]) : [];
  const index = query.container === undefined ? (list.length === 1 ? 0 : -1) : list.findIndex((c) => record(c).name === query.container);
  if (index < 0) {
    const names = list.map((c) => String(record(c).name));
    return problem(
      query.container === undefined
        ? `${workload.kind}/${workload.name} has ${list.length} containers (${names.join(', ')}): name one with container:`
        : `${workload.kind}/${workload.name} has no container ${query.container} (it has ${names.join(', ') || 'none'})`,
      workload.locate([...podPath, 'containers']),
    );
  }
  const container = record(list[index]);
  const base = [...podPath, 'containers', index];
  const sameNamespace = (o: KubernetesObject) => o.namespace === undefined || workload.namespace === undefined || o.namespace === workload.namespace;
  const find = (kind: 'ConfigMap' | 'Secret', name: unknown) => {
    const found = objects.find((o) => o.kind === kind && o.name === name && sameNamespace(o));
    if (found) used.add(found.file);
    return found;
  };

  const entries: SourceEntry[] = [];
  /** What `$(VAR)` sees: the variables defined so far. */
  const defined = new Map<string, Defined>();
  const push = (entry: SourceEntry) => {
    entries.push(entry);
    defined.set(entry.key, {
      value: String(entry.value),
      location: { file: entry.file!, line: entry.line, column: entry.column },
      ...(entry.secret ? { secret: true as const } : {}),
      ...(entry.atRunTime !== undefined ? { atRunTime: true as const } : {}),
    });
  };
  const at = (object: KubernetesObject, path: (string | number)[], part: 'key' | 'value' = 'value') => {
    const location = object.locate(path, part);
    return { file: location.file, tracked: location.tracked ?? object.tracked, line: location.line ?? 1, column: location.column ?? 1 };
  };

  asArray(container.envFrom).forEach((raw, i) => {
    const from = record(raw);
    const prefix = typeof from.prefix === 'string' ? from.prefix : '';
    const ref =
      from.configMapRef !== undefined
        ? { kind: 'ConfigMap' as const, ref: record(from.configMapRef) }
        : from.secretRef !== undefined
          ? { kind: 'Secret' as const, ref: record(from.secretRef) }
          : undefined;
    if (!ref) return;
    const object = find(ref.kind, ref.ref.name);
    if (!object) {
      if (ref.ref.optional !== true) {
        findings.push({
          rule: 'manifest/invalid',
          severity: 'error',
          message: `envFrom names the ${ref.kind} ${String(ref.ref.name)}, which is not in the manifests: tranche cannot tell the keys it sets (mark it optional: true if the cluster may lack it)`,
          location: workload.locate([...base, 'envFrom', i]),
        });
      }
      return;
    }
    for (const [key, value, path] of objectValues(object))
      push({ key: `${prefix}${key}`, value, ...at(object, path, 'key'), ...(object.kind === 'Secret' ? { secret: true } : {}) });
  });

  asArray(container.env).forEach((raw, i) => {
    const item = record(raw);
    if (typeof item.name !== 'string') return;
    const path = [...base, 'env', i];
    if (item.valueFrom === undefined) {
      const text = item.value === undefined || item.value === null ? '' : String(item.value);
      const expanded = expand(text, defined);
      // Built from a Secret's value, it is a secret; from a value only the cluster knows, it is only known there.
      const fromSecret = expanded.resolved?.refs.some((r) => r.from && defined.get(r.name)?.secret) ?? false;
      const runTime = expanded.resolved?.refs.filter((r) => defined.get(r.name)?.atRunTime).map((r) => r.name) ?? [];
      push({
        key: item.name,
        value: runTime.length ? '' : expanded.value,
        ...at(workload, path),
        ...(expanded.resolved ? { resolved: expanded.resolved } : {}),
        ...(fromSecret ? { secret: true } : {}),
        ...(runTime.length ? { atRunTime: `built from ${runTime.join(', ')}, set at run time` } : {}),
      });
      return;
    }
    const from = record(item.valueFrom);
    const keyRef =
      from.configMapKeyRef !== undefined
        ? { kind: 'ConfigMap' as const, ref: record(from.configMapKeyRef) }
        : from.secretKeyRef !== undefined
          ? { kind: 'Secret' as const, ref: record(from.secretKeyRef) }
          : undefined;
    if (keyRef) {
      const object = find(keyRef.kind, keyRef.ref.name);
      const value = object ? objectValues(object).find(([k]) => k === keyRef.ref.key) : undefined;
      if (object && value) {
        push({ key: item.name, value: value[1], ...at(object, value[2], 'key'), ...(keyRef.kind === 'Secret' ? { secret: true } : {}) });
      } else if (keyRef.ref.optional !== true) {
        const what = `${keyRef.kind} ${String(keyRef.ref.name)}${object ? ` has no key ${String(keyRef.ref.key)}` : ', which is not in the manifests'}`;
        push({ key: item.name, value: '', ...at(workload, path), atRunTime: `from the ${what}`, ...(keyRef.kind === 'Secret' ? { secret: true } : {}) });
      }
      return;
    }
    const field =
      from.fieldRef !== undefined
        ? `fieldRef ${String(record(from.fieldRef).fieldPath)}`
        : from.resourceFieldRef !== undefined
          ? `resourceFieldRef ${String(record(from.resourceFieldRef).resource)}`
          : 'valueFrom';
    push({ key: item.name, value: '', ...at(workload, path), atRunTime: `by Kubernetes (${field})` });
  });
  return { entries, findings, used: [...used] };
}

/**
 * A ConfigMap's `data`, or a Secret's `data` (base64-decoded) then `stringData`: key, value, path in
 * the object. A Secret value that is not UTF-8 text (a keystore, a DER certificate) stays as its
 * base64: decoding it would turn every bad byte into U+FFFD, and two different secrets into one.
 */
function objectValues(object: KubernetesObject): [string, string, (string | number)[]][] {
  const out: [string, string, (string | number)[]][] = [];
  for (const [key, value] of Object.entries(record(object.data.data))) {
    if (value === null || value === undefined) continue;
    const decoded = object.kind === 'Secret' ? decodeUtf8(Buffer.from(String(value), 'base64')) : undefined;
    const text = decoded && 'text' in decoded ? decoded.text : String(value);
    out.push([key, text, ['data', key]]);
  }
  if (object.kind === 'Secret') for (const [key, value] of Object.entries(record(object.data.stringData))) out.push([key, String(value), ['stringData', key]]);
  return out;
}

/** A variable defined earlier in the container's environment, as `$(VAR)` sees it. */
interface Defined {
  value: string;
  location: SourceLocation;
  secret?: true;
  atRunTime?: true;
}

/**
 * `$(VAR)` expanded from the variables defined before, as the kubelet's scanner reads a value:
 * `$$` is `$`; `$(` reads a name up to the first `)`, replaced when defined and kept as written
 * when not; an unclosed `$(` and a `$` before anything else are kept as written.
 */
function expand(text: string, defined: Map<string, Defined>): { value: string; resolved?: NonNullable<SourceEntry['resolved']> } {
  if (!text.includes('$')) return { value: text };
  const refs: LayerReference[] = [];
  let value = '';
  let close = 0;
  for (let i = 0; i < text.length; i++) {
    const next = text[i + 1];
    if (text[i] !== '$' || next === undefined) {
      value += text[i];
    } else if (next === '$') {
      value += '$';
      i++;
    } else if (next === '(' && close !== -1 && (close = text.indexOf(')', i + 2)) !== -1) {
      const name = text.slice(i + 2, close);
      const found = defined.get(name);
      refs.push({ name, ...(found ? { from: { source: found.location.file, location: found.location } } : {}) });
      value += found ? found.value : text.slice(i, close + 1);
      i = close;
    } else {
      // `$(` with no `)` (then no later one has either: `close` stays -1), or `$x`: both
      // characters as written, the scan goes on after them.
      value += text[i]! + next;
      i++;
    }
  }
  const unresolved = refs.filter((r) => !r.from).map((r) => ({ name: r.name }));
  return { value, ...(refs.length ? { resolved: { written: text, refs, unresolved } } : {}) };
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
