import { analyzeChanges, type BaseRange, type RangeCommit } from '../core/changes/analyze-changes.js';
import type { ChangeManifest, RevisionRef } from '../core/changes/change-manifest.js';
import { isDependencyEdit, isPackageManifest } from '../core/changes/dependency-files.js';
import type { ResolvedFleet } from '../core/config/resolve-fleet.js';
import { runsIn } from '../core/manifest/manifest.js';
import type { Finding } from '../core/finding.js';
import { listed } from '../core/listed.js';
import { checkRevertsDeployed } from '../core/rules/change/check-reverts.js';
import type { ChangedFile, Git } from '../ports/git.js';
import type { ParseCache } from '../ports/parse-cache.js';
import { addDependencyChanges } from './dependency-changes.js';
import { InvalidFleetError } from './load-revision.js';
import { mapLimited } from './map-limited.js';
import { readTexts } from './read-texts.js';
import { REVISIONS_AT_ONCE, type ReleaseRevisions } from './read-release.js';
import { appendTo } from '../core/append-to.js';

/** What a release carries, and what could not be told about it. */
export interface ReleaseContent {
  changes: ChangeManifest;
  /** `change/reverts-deployed` and `change/unreadable` findings (before policy). */
  findings: Finding[];
}

/**
 * The content of a release (PRODUCT §2): per service, against the revision that service runs,
 * its commits, files by kind, config keys old → new and (with `dependencies`) the dependency
 * changes of its lockfiles (each pair's diff kept in `parseCache` across runs, when given) — one
 * diff and one log per deployed revision. Nothing that cannot be read is passed over: a deployed
 * revision that cannot be read, a history a shallow clone cuts, a deployed lockfile that does not
 * parse, each is a `change/unreadable` finding naming it; a deployed commit the target does not
 * contain is `change/reverts-deployed` when the release would undo it.
 */
export async function releaseContent(
  git: Git,
  revisions: ReleaseRevisions,
  toConfigs: ResolvedFleet,
  options: { dependencies: boolean; parseCache?: ParseCache },
): Promise<ReleaseContent> {
  const { env, to } = revisions;
  const groups = new Map<string, string[]>();
  const added: string[] = [];
  for (const [name, service] of to.manifest.services) {
    if (!runsIn(service, env)) continue;
    const state = revisions.baseline.get(name);
    if (!state) added.push(name);
    else appendTo(groups, state.version.commit, name);
  }

  const findings: Finding[] = [];
  const unreadable = new Map<string, { from: RevisionRef; reason: string }>();
  const dropped = new Map<string, RangeCommit[]>();
  const bases: BaseRange[] = [];
  const cannotRead = (commit: string, services: string[], reason: string) => {
    for (const service of services) unreadable.set(service, { from: { commit, label: commit.slice(0, 7) }, reason });
    findings.push(
      unreadableFinding(
        env,
        services,
        `what ${listed(services, 5)} ${services.length === 1 ? 'runs' : 'run'} in ${env} (${commit.slice(0, 7)}) cannot be read: ${reason}`,
      ),
    );
  };
  await mapLimited([...groups], REVISIONS_AT_ONCE, async ([commit, services]) => {
    const base = revisions.bases.get(commit);
    if (!base || 'problem' in base) return cannotRead(commit, services, base?.problem ?? `commit ${commit.slice(0, 7)} was not read`);
    if (commit === to.commit) {
      bases.push({ revision: base.revision, services, files: [], commits: [], dependencyEdits: new Set() });
      return;
    }
    const [range, contained] = await Promise.all([revisions.ranges.get(commit, to.commit), git.isAncestor(commit, to.commit)]);
    // In a shallow clone a commit may look unrelated to the target only because history is cut: neither its commits nor what it would undo can be told.
    if (!contained && (await git.isShallow())) {
      return cannotRead(
        commit,
        services,
        `this clone is shallow, and the history between it and the target is not all here (run git fetch --unshallow, or git fetch --deepen=N until it is)`,
      );
    }
    bases.push({ revision: base.revision, services, ...range, dependencyEdits: await dependencyEdits(git, commit, to.commit, range.files) });
    if (!contained) dropped.set(commit, await git.droppedCommits(commit, to.commit));
  });
  bases.sort((a, b) => a.revision.commit.localeCompare(b.revision.commit));
  const runningConfig = new Map([...revisions.baseline].map(([name, state]) => [name, state.shown]));
  const changes = analyzeChanges({ env, to, toConfigs, bases, added, unreadable, runningConfig, fingerprints: revisions.fingerprints });
  findings.push(...checkRevertsDeployed(changes, dropped));

  if (options.dependencies) {
    const problems = await addDependencyChanges(git, changes, options.parseCache);
    if (problems.target.length) throw new InvalidFleetError(problems.target);
    const unread = new Map<string, string[]>();
    for (const p of problems.unread) unread.set(p.path, [...(unread.get(p.path) ?? []), p.service]);
    for (const [path, services] of unread) {
      findings.push({
        rule: 'deps/unread-lockfile',
        severity: 'info',
        env,
        ...(services.length === 1 ? { service: services[0]! } : {}),
        message: `${path} changes in this release (${services.join(', ')}), and tranche does not read ${path.slice(path.lastIndexOf('/') + 1)} files: its dependency changes go unchecked`,
        hint: 'review its diff by hand',
        location: { file: path },
      });
    }
    for (const p of problems.deployed) {
      findings.push({
        ...unreadableFinding(
          env,
          [p.service],
          `the lockfile ${p.path} that ${p.service} runs (${p.commit.slice(0, 7)}) does not parse (${p.message}): its dependency changes cannot be told, and every package is taken as added`,
        ),
        location: { file: p.path },
      });
    }
  }
  return { changes, findings };
}

/** The files of a range whose edit changes dependencies only: package manifests are read at both ends to tell. */
async function dependencyEdits(git: Git, from: string, to: string, files: readonly ChangedFile[]): Promise<Set<string>> {
  const edits = new Set<string>();
  const manifests = files.filter((f) => isPackageManifest(f.path));
  // A manifest that cannot be read as text (not UTF-8, a link out of the repository) tells nothing: its edit counts as more than dependencies.
  const [before, after] = manifests.length
    ? await Promise.all([
        readTexts(
          git.commitTree(from, from),
          manifests.map((f) => f.from ?? f.path),
        ),
        readTexts(
          git.commitTree(to, to),
          manifests.map((f) => f.path),
        ),
      ]).then(([b, a]): [Map<string, string>, Map<string, string>] => [b.texts, a.texts])
    : [new Map<string, string>(), new Map<string, string>()];
  for (const file of files) {
    const manifest = isPackageManifest(file.path);
    if (isDependencyEdit(file.path, manifest ? before.get(file.from ?? file.path) : undefined, manifest ? after.get(file.path) : undefined))
      edits.add(file.path);
  }
  return edits;
}

const COMPARED = 'config/shadowed-change, config/stale-value, change/unrelated, change/reverts-deployed, the deps and contract rules';

function unreadableFinding(env: string, services: readonly string[], what: string): Finding {
  return {
    rule: 'change/unreadable',
    severity: 'error',
    ...(services.length === 1 ? { service: services[0]! } : {}),
    env,
    message: `${what}; the rules that compare with it (${COMPARED}) cannot be evaluated`,
    hint: 'make that revision readable (fetch it, fix what does not parse), or, once you have checked what runs, lower change/unreadable in policy.rules',
  };
}
