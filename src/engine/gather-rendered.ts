import { posix } from 'node:path';
import type { ReadFile } from '../core/config/compose-service.js';
import type { ValuesFile } from '../core/config/helm-values.js';
import { templateOf, tracedRender } from '../core/config/helm-render-origin.js';
import { kustomizationInputs, originFiles, renderedOrigin, traced, type OriginSources } from '../core/config/kustomize-origin.js';
import { readManifests, workloadEntries, type KubernetesObject, type WorkloadQuery } from '../core/config/kubernetes-workload.js';
import { parseDotenv, type DotenvFile } from '../core/config/parse-dotenv.js';
import type { RenderRequest } from '../core/config/render-request.js';
import { helmValuesPaths, renderRequest, type SourceEntry, type SourceFile } from '../core/config/source-file.js';
import type { Finding } from '../core/finding.js';
import type { Manifest, SourceSpec } from '../core/manifest/manifest.js';
import type { NotUtf8 } from '../core/utf8-text.js';
import { readYaml, type ReadYaml } from '../core/yaml/read-yaml.js';
import type { FileTree, TreeNode } from '../ports/file-tree.js';
import { mapLimited } from './map-limited.js';
import { notUtf8Finding, readTexts, refusedLinkFinding, type RefusedLink } from './read-texts.js';
import { missingSource, uniqueFindings, wantedSources } from './wanted-sources.js';

/** Renders run at once: each is a kubectl or helm process. */
const RENDERS_AT_ONCE = 2;

const KUSTOMIZATION = /(^|\/)(kustomization\.ya?ml|Kustomization)$/;
const YAML = /\.(ya?ml|json)$/;

/**
 * Reads every rendered source of a revision: a kustomize overlay rendered with `kubectl
 * kustomize`, or a chart rendered with the source's command, over the revision's files on disk
 * (each distinct render once). What they print is read as kubernetes (the workload's container),
 * each value traced back to the file and line that sets it (see `kustomize-origin.ts`,
 * `helm-render-origin.ts`), and every file that went into it counts as the source's. A render
 * that fails, an overlay that is not there (the source not optional), a workload or container
 * that is not in the output, are located `manifest/invalid` findings.
 */
export async function gatherRenderedSources(
  tree: FileTree,
  manifest: Manifest,
  sourcesOptional = false,
): Promise<{ files: Map<string, SourceFile>; findings: Finding[] }> {
  const describe = (service: Parameters<typeof renderRequest>[0], source: SourceSpec, env: string) => {
    const { workload, kind, container } = source.kubernetes!;
    return {
      request: renderRequest(service, source, env)!,
      values: source.format === 'helm-values' ? helmValuesPaths(service, source, env) : [],
      query: { workload, ...(kind !== undefined ? { kind } : {}), ...(container !== undefined ? { container } : {}) },
    };
  };
  const wanted = new Map([
    ...wantedSources(manifest, 'kustomize', sourcesOptional, describe),
    ...wantedSources(manifest, 'helm-values', sourcesOptional, describe, (source) => source.render !== undefined),
  ]);
  const files = new Map<string, SourceFile>();
  const findings: Finding[] = [];
  if (!wanted.size) return { files, findings };

  // What must be there before anything runs: overlays, values files.
  const needed = [...new Set([...wanted.values()].flatMap((w) => ('kustomize' in w.request ? [w.request.kustomize] : w.values)))];
  const nodes = await tree.lookup(needed);
  const ready = [...wanted].filter(([, want]) => {
    const what = 'kustomize' in want.request ? 'kustomize overlay' : 'values file';
    const paths = 'kustomize' in want.request ? [want.request.kustomize] : want.values;
    const refused = paths.flatMap((p) => {
      const node = nodes.get(p);
      return node?.kind === 'refused-link' ? [refusedLinkFinding(what, p, node, manifest.locate(want.at))] : [];
    });
    findings.push(...refused);
    if (refused.length) return false;
    const missing = paths.filter((p) => !nodes.has(p));
    if (missing.length && !want.optional) findings.push(missingSource(manifest, want, what, missing, tree.label));
    return !missing.length;
  });

  const requests = new Map(ready.map(([, want]) => [JSON.stringify(want.request), want.request] as const));
  const rendered = new Map(
    await mapLimited([...requests], RENDERS_AT_ONCE, async ([id, request]) => {
      // An overlay that reads through a link out of the repository is not rendered at all.
      const blocked = 'kustomize' in request ? await kustomizeBlocked(tree, request.kustomize) : [];
      return [id, blocked.length ? { blocked } : await renderObjects(tree, request)] as const;
    }),
  );
  const reportBlocked = (want: (typeof ready)[number][1], blocked: readonly Blocked[]) => {
    const what = `${'kustomize' in want.request ? `kustomize overlay ${want.request.kustomize}` : `the render ${want.request.argv.join(' ')}`}:`;
    for (const { path, node, notUtf8 } of blocked)
      findings.push(node ? refusedLinkFinding(what, path, node, manifest.locate(want.at)) : notUtf8Finding(path, notUtf8!));
  };

  for (const [key, want] of ready) {
    const result = rendered.get(JSON.stringify(want.request))!;
    if ('blocked' in result) {
      reportBlocked(want, result.blocked);
      continue;
    }
    if ('problem' in result) {
      findings.push({ rule: 'manifest/invalid', severity: 'error', message: result.problem, location: manifest.locate(want.at) });
      continue;
    }
    const query: WorkloadQuery = { ...want.query, at: manifest.locate(want.at) };
    const objects = 'kustomize' in want.request ? result.objects : await helmTraced(tree, result.objects.raw, want.values, want.request.argv, result.fallback);
    if (objects.blocked.length) {
      // The render went through a file that is not the repository's, or not text: none of what it printed is used.
      reportBlocked(want, objects.blocked);
      continue;
    }
    const { entries, findings: problems } = workloadEntries(objects.traced, query);
    findings.push(...problems);
    const byKey = new Map<string, SourceEntry>(entries.map((e) => [e.key, e]));
    const first = 'kustomize' in want.request ? want.request.kustomize : want.values[0]!;
    files.set(key, {
      path: first,
      format: 'kustomize' in want.request ? 'kustomize' : 'helm-values',
      tracked: objects.reads.every((p) => objects.tracked(p)),
      byKey,
      entries,
      reads: objects.reads,
    });
  }
  return { files, findings: uniqueFindings(findings) };
}

/** A render's objects, traced to their files, and the files that went into it. */
interface Traced {
  traced: KubernetesObject[];
  reads: string[];
  tracked(path: string): boolean;
  /** Files it went through that cannot be used: a link out of the repository, bytes that are not UTF-8. */
  blocked: Blocked[];
}

type Blocked = { path: string; node: RefusedLink; notUtf8?: undefined } | { path: string; node?: undefined; notUtf8: NotUtf8 };

/** What of `nodes` and `notUtf8` cannot be used. */
function blockedOf(nodes: ReadonlyMap<string, TreeNode>, notUtf8: ReadonlyMap<string, NotUtf8>): Blocked[] {
  const refused = [...nodes].flatMap(([path, node]) => (node.kind === 'refused-link' ? [{ path, node }] : []));
  return [...refused, ...[...notUtf8].map(([path, at]) => ({ path, notUtf8: at }))];
}

/** Renders, reads the output, and for kustomize traces every object to its files. */
async function renderObjects(
  tree: FileTree,
  request: RenderRequest,
): Promise<
  { problem: string } | { objects: Traced & { raw: KubernetesObject[] }; fallback: { file: string; line: number; column: number; tracked: boolean } }
> {
  const result = await tree.render(request);
  const shown = 'kustomize' in request ? `kubectl kustomize ${request.kustomize}` : request.argv.join(' ');
  if (!result.ok) return { problem: result.problem };
  const read = readManifests([{ path: shown, text: result.output, tracked: true }]);
  if (read.findings.length)
    return { problem: `${shown} printed manifests that do not parse (${read.findings.length} problem${read.findings.length === 1 ? '' : 's'})` };
  const fallback = { file: 'kustomize' in request ? `${request.kustomize}/kustomization.yaml` : shown, line: 1, column: 1, tracked: true };
  if (!('kustomize' in request)) return { objects: { traced: read.objects, raw: read.objects, reads: [], tracked: () => true, blocked: [] }, fallback };

  const origins = read.objects.map((o) => renderedOrigin(o, result.origin ?? (() => undefined)));
  const parsed = new Map<string, { objects?: KubernetesObject[]; kustomization?: ReadYaml; dotenv?: DotenvFile }>();
  const tracking = new Map<string, boolean>();
  const blocked: Blocked[] = [];
  const readRound = async (paths: string[]) => {
    const fresh = paths.filter((p) => !tracking.has(p));
    const found = await tree.lookup(fresh);
    const present = fresh.filter((p) => found.get(p)?.kind === 'file');
    const { texts, notUtf8 } = await readTexts(tree, present);
    blocked.push(...blockedOf(found, notUtf8));
    for (const path of present) {
      tracking.set(path, (found.get(path) as TreeNode & { kind: 'file' }).tracked);
      const text = texts.get(path) ?? '';
      if (KUSTOMIZATION.test(path)) {
        const yaml = readYaml(text, path).yaml;
        if (yaml) parsed.set(path, { kustomization: yaml });
      } else if (YAML.test(path)) {
        parsed.set(path, { objects: readManifests([{ path, text, tracked: tracking.get(path)! } satisfies ReadFile]).objects });
      } else {
        parsed.set(path, { dotenv: parseDotenv(text) });
      }
    }
  };
  // The resource files and kustomizations the annotations name, then the patches and env files those name.
  await readRound([...originFiles(origins), ...kustomizations([request.kustomize])]);
  await readRound([...parsed].flatMap(([path, p]) => (p.kustomization ? kustomizationInputs(path, p.kustomization) : [])));
  const sources: OriginSources = {
    objects: (file) => parsed.get(file)?.objects,
    kustomization: (file) => parsed.get(file)?.kustomization,
    dotenv: (file) => parsed.get(file)?.dotenv,
    tracked: (file) => tracking.get(file) ?? true,
  };
  const overlay = [...parsed.keys()].find((p) => KUSTOMIZATION.test(p) && posix.dirname(p) === request.kustomize);
  const home = { ...fallback, ...(overlay ? { file: overlay, tracked: tracking.get(overlay)! } : {}) };
  return {
    objects: {
      traced: read.objects.map((o, i) => traced(o, origins[i]!, sources, home)),
      raw: read.objects,
      reads: [...tracking.keys()].sort(),
      tracked: sources.tracked,
      blocked,
    },
    fallback: home,
  };
}

/** The kustomization files of paths that are kustomizations or directories holding one. */
function kustomizations(paths: readonly string[]): string[] {
  return paths.flatMap((p) =>
    KUSTOMIZATION.test(p) ? [p] : [posix.join(p, 'kustomization.yaml'), posix.join(p, 'kustomization.yml'), posix.join(p, 'Kustomization')],
  );
}

/**
 * What an overlay would read that cannot be used, found before kubectl reads anything: its
 * kustomization, those of the directories its `resources`, `bases` and `components` name (at any
 * depth), and the files they name (resources, patches, generators' files), as far as those fields
 * say — a path through a link out of the repository, a kustomization that is not UTF-8. (kubectl
 * itself refuses a file whose real path is outside its kustomization's directory, but not a base.)
 */
async function kustomizeBlocked(tree: FileTree, overlay: string): Promise<Blocked[]> {
  const blocked: Blocked[] = [];
  const seen = new Set<string>();
  for (let dirs = [overlay]; dirs.length; ) {
    dirs.forEach((d) => seen.add(d));
    const candidates = kustomizations(dirs);
    const nodes = await tree.lookup(candidates);
    const present = candidates.filter((p) => nodes.get(p)?.kind === 'file');
    const { texts, notUtf8 } = await readTexts(tree, present);
    blocked.push(...blockedOf(nodes, notUtf8));
    const named = new Set<string>();
    for (const [path, text] of texts) {
      const yaml = readYaml(text, path).yaml;
      if (!yaml) continue; // kubectl says why
      const data = (yaml.data ?? {}) as Record<string, unknown>;
      const listed = ['resources', 'bases', 'components'].flatMap((field) => (Array.isArray(data[field]) ? (data[field] as unknown[]) : []));
      for (const p of listed) if (typeof p === 'string' && !p.includes('\n')) named.add(posix.normalize(posix.join(posix.dirname(path), p)));
      for (const p of kustomizationInputs(path, yaml)) named.add(p);
    }
    const found = await tree.lookup([...named]);
    blocked.push(...blockedOf(found, new Map()));
    dirs = [...named].filter((p) => found.get(p)?.kind === 'dir' && !seen.has(p));
  }
  return blocked;
}

/** A chart's rendered objects, traced to the values files and templates (the chart directories are those the command names). */
async function helmTraced(
  tree: FileTree,
  objects: KubernetesObject[],
  valuesPaths: string[],
  argv: readonly string[],
  fallback: { file: string; line: number; column: number; tracked: boolean },
): Promise<Traced> {
  const args = argv.slice(1).filter((a) => !a.startsWith('-') && !a.includes('\0'));
  const argNodes = await tree.lookup([...new Set(args.map((a) => posix.normalize(a)))]);
  const chartDirs = [...argNodes].filter(([, node]) => node.kind === 'dir').map(([path]) => path);
  const chartFiles = (await Promise.all(chartDirs.map((dir) => tree.list(dir)))).flat();
  const all = [...new Set([...valuesPaths, ...chartFiles])];
  const [nodes, { texts, notUtf8 }] = await Promise.all([tree.lookup(all), readTexts(tree, all)]);
  const tracked = (path: string) => (nodes.get(path) as (TreeNode & { kind: 'file' }) | undefined)?.tracked ?? true;
  const values: ValuesFile[] = [];
  for (const path of valuesPaths) {
    const yaml = readYaml(texts.get(path) ?? '', path).yaml;
    if (yaml) values.push({ path, tracked: tracked(path), yaml });
  }
  const first = values[0] ? { file: values[0].path, line: 1, column: 1, tracked: values[0].tracked } : fallback;
  const traced = objects.map((object) => {
    const template = templateOf(object, chartDirs, (p) => texts.has(p));
    return tracedRender(object, values, template ? { path: template, text: texts.get(template)!, tracked: tracked(template) } : undefined, first);
  });
  return { traced, reads: all.filter((p) => nodes.has(p)).sort(), tracked, blocked: [...blockedOf(argNodes, new Map()), ...blockedOf(nodes, notUtf8)] };
}
