import { posix } from 'node:path';
import type { SourceLocation } from '../location.js';
import type { ValuesFile } from './helm-values.js';
import type { KubernetesObject } from './kubernetes-workload.js';

/*
 * `helm template` prints manifests with no trace of the values they were made from, only the
 * template each comes from (`# Source: api/templates/deployment.yaml`). A rendered value is
 * located where it most likely comes from: the one value of the values files that is written
 * exactly so (the last file that has it), else the line of the template that names the key, else
 * the template, else the first values file.
 */

/** The template file a rendered object names, found under a chart directory of the render command. */
export function templateOf(object: KubernetesObject, chartDirs: readonly string[], exists: (path: string) => boolean): string | undefined {
  const source = /^\s*Source:\s*(\S+)\s*$/m.exec(object.comment ?? '')?.[1];
  if (!source) return undefined;
  const inChart = source.split('/').slice(1).join('/');
  for (const dir of chartDirs) {
    const path = posix.normalize(posix.join(dir, inChart));
    if (exists(path)) return path;
  }
  return undefined;
}

/** The rendered object, located in the values files and the template (see above). */
export function tracedRender(
  object: KubernetesObject,
  values: readonly ValuesFile[],
  template: { path: string; text: string; tracked: boolean } | undefined,
  fallback: SourceLocation & { tracked: boolean },
): KubernetesObject {
  const leaves = values.map((file) => ({ file, leaves: scalarLeaves(file.yaml.data) }));
  const locate = (path: readonly (string | number)[]): SourceLocation & { tracked: boolean } => {
    const node = at(object.data, path);
    const item = record(node);
    const written =
      typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean'
        ? String(node)
        : typeof item.value === 'string'
          ? item.value
          : undefined;
    if (written !== undefined && written !== '') {
      for (const { file, leaves: all } of [...leaves].reverse()) {
        const found = all.filter(([, value]) => value === written);
        if (found.length === 1) return { ...file.yaml.locate(found[0]![0]), tracked: file.tracked };
      }
    }
    if (template) {
      const key = typeof item.name === 'string' ? item.name : typeof path.at(-1) === 'string' ? (path.at(-1) as string) : undefined;
      const lines = template.text.split('\n');
      const line = key === undefined ? -1 : lines.findIndex((l) => l.includes(`name: ${key}`) || l.includes(`${key}:`));
      return { file: template.path, line: line + 1 || 1, column: 1, tracked: template.tracked };
    }
    return fallback;
  };
  const home = template?.path ?? fallback.file;
  return { ...object, file: home, tracked: template?.tracked ?? fallback.tracked, locate };
}

/** Every scalar of a values tree with its path. */
function scalarLeaves(data: unknown, path: (string | number)[] = []): [(string | number)[], string][] {
  if (Array.isArray(data)) return data.flatMap((item, i) => scalarLeaves(item, [...path, i]));
  if (data !== null && typeof data === 'object') return Object.entries(data).flatMap(([k, v]) => scalarLeaves(v, [...path, k]));
  return data === null || data === undefined ? [] : [[path, String(data)]];
}

function at(data: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>(
    (node, segment) => (node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[segment] : undefined),
    data,
  );
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
