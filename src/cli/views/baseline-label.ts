import type { Plan, VersionRef } from '../../core/plan/plan.js';
import type { ReleaseRevisions } from '../../engine/read-release.js';

const short = (commit: string) => commit.slice(0, 7);

/**
 * What a release starts from, as a header names it: the one revision every service runs
 * (`deployed (e30d538)`), several after a partial release (`2 deployed revisions: e30d538 (4
 * services), 9f1c2aa (1 service)`), or undefined when nothing runs yet. `labels` names known
 * commits (`v1 (e30d538)`); `whatIf` marks a baseline taken from --from.
 */
export function baselineLabel(deployed: Iterable<VersionRef>, labels: ReadonlyMap<string, string> = new Map(), whatIf = false): string | undefined {
  const counts = new Map<string, number>();
  for (const version of deployed) counts.set(version.commit, (counts.get(version.commit) ?? 0) + 1);
  if (!counts.size) return undefined;
  if (counts.size === 1) {
    const [commit] = counts.keys();
    const label = labels.get(commit!) ?? `deployed (${short(commit!)})`;
    return whatIf ? `${label} (as if every service ran it)` : label;
  }
  const list = [...counts].sort((a, b) => b[1] - a[1]).map(([commit, n]) => `${short(commit)} (${n} service${n === 1 ? '' : 's'})`);
  return `${counts.size} deployed revisions: ${list.slice(0, 4).join(', ')}${list.length > 4 ? `, and ${list.length - 4} more` : ''}`;
}

/** What a release read from the repository and the store starts from (see `baselineLabel`). */
export function releaseStart(revisions: ReleaseRevisions): string | undefined {
  const labels = new Map<string, string>();
  for (const base of revisions.bases.values()) if ('revision' in base) labels.set(base.commit, base.revision.label);
  const versions = [...revisions.baseline].filter(([name]) => revisions.to.manifest.services.has(name)).map(([, s]) => s.version);
  return baselineLabel(versions, labels, revisions.basis === 'what-if');
}

/** What a plan starts from, with the labels its change manifest recorded. */
export function planStart(plan: Plan): string | undefined {
  const labels = new Map<string, string>();
  if (plan.changes?.from) labels.set(plan.changes.from.commit, plan.changes.from.label);
  for (const s of plan.changes?.services ?? []) if (s.from) labels.set(s.from.commit, s.from.label);
  return baselineLabel(Object.values(plan.basis.deployed), labels);
}

/** Notes on how a release's revisions were read, as lines after the rest. */
export function notesText(notes: readonly string[]): string {
  return notes.map((n) => `note: ${n}\n`).join('');
}

export function notesJson(notes: readonly string[]): { notes?: string[] } {
  return notes.length ? { notes: [...notes] } : {};
}
