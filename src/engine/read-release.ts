import type { Fingerprinter } from '../core/config/fingerprint.js';
import { resolveFleet, type ResolvedFleet } from '../core/config/resolve-fleet.js';
import type { FleetRevision } from '../core/fleet-revision.js';
import { InputError } from '../core/input-error.js';
import { runsIn } from '../core/manifest/manifest.js';
import { selectEnv } from '../core/manifest/select.js';
import type { ServiceState } from '../core/plan/build-plan.js';
import { recognisePreviousFormat } from '../core/state/recorded-fingerprints.js';
import type { DeployedService } from '../core/state/records.js';
import type { RangeCommit } from '../core/changes/analyze-changes.js';
import { type ChangedFile, RefNotFoundError, type Git } from '../ports/git.js';
import { NoManifestError, type ParseMemo } from './gather.js';
import { InvalidFleetError, loadRevision } from './load-revision.js';
import { mapLimited } from './map-limited.js';
import { resolveService } from './resolve-service.js';

/** Deployed revisions read at once (each lists its tree and reads its files through git). */
export const REVISIONS_AT_ONCE = 4;

export interface ReleaseQuery {
  env: string | undefined;
  toRef: string;
  /**
   * `--from REF`: a what-if, as if every service of the environment ran REF. With `assertFrom`
   * (apply), not a what-if but what the operator expects to be recorded: refused unless every
   * recorded service runs REF.
   */
  fromRef?: string;
  assertFrom?: boolean;
  /** What is recorded as deployed in an environment (empty when nothing is); absent when no store is configured. */
  deployed?: (env: string) => Promise<Map<string, DeployedService>>;
  /** How secrets and configs are fingerprinted: with the key of the store `deployed` reads, when there is one. Asked for once the refs are read. */
  fingerprints: () => Promise<Fingerprinter>;
}

/** A revision some services of the release run, read and resolved; or why it cannot be. */
type DeployedBase = { commit: string; revision: FleetRevision & { commit: string }; configs: ResolvedFleet } | { commit: string; problem: string };

/**
 * One release's two ends, read: the target, and what each service runs before it — as the store
 * records it (services of one environment may run different commits after a partial release),
 * or, with `--from`, as if every service ran that revision. Every command that describes or
 * makes a release (check, changes, plan, apply, freeze check) starts from this.
 */
export interface ReleaseRevisions {
  env: string;
  to: FleetRevision & { commit: string };
  /** What each service runs before the release: its version and config as shown. */
  baseline: Map<string, ServiceState>;
  /** Where the baseline comes from: the store, a what-if from `--from`, or nowhere (no store is configured). */
  basis: 'recorded' | 'what-if' | 'no-store';
  /** Every revision the baseline's services run, by commit. */
  bases: Map<string, DeployedBase>;
  /** What a person should know of how the revisions were read (one with no tranche.yaml, read with the target's). */
  notes: string[];
  /** How the release's secrets and configs are fingerprinted: the baseline is in this form, and the target is compared in it. */
  fingerprints: Fingerprinter;
  /** The ranges from the deployed commits to the target, read from git while the fleets are (see `RangeReads`). */
  ranges: RangeReads;
}

/** The files and the commits between a deployed commit and the target. */
interface CommitRange {
  files: ChangedFile[];
  commits: RangeCommit[];
}

/**
 * The ranges from deployed commits to the target, each read from git once, and started as soon as
 * both of its commits are known: `git log` of a long range takes as long as reading the fleets,
 * and it needs nothing they hold. A range that cannot be read fails where it is asked for.
 */
class RangeReads {
  private readonly reads = new Map<string, Promise<CommitRange>>();

  constructor(private readonly git: Git) {}

  /** Starts reading the range from `from` to `to`, unless it is under way. */
  start(from: string, to: string): void {
    void this.get(from, to).catch(() => undefined); // a failure is met where the range is asked for
  }

  get(from: string, to: string): Promise<CommitRange> {
    const key = `${from}..${to}`;
    let read = this.reads.get(key);
    if (!read) {
      read = Promise.all([this.git.changedFiles(from, to), this.git.commits(from, to)]).then(([files, commits]) => ({ files, commits }));
      this.reads.set(key, read);
    }
    return read;
  }
}

/**
 * Reads the target, the baseline and every revision it runs. The target and `--from` are the
 * user's input: a ref that names nothing, or a fleet definition there that cannot be used, is
 * exit 2. A recorded revision that cannot be read (gone from the repository, cut off by a shallow
 * clone, or a definition that does not parse) is not: it comes back as a problem, for the
 * release's findings to report.
 */
export async function readReleaseRevisions(git: Git, cache: ParseMemo, query: ReleaseQuery): Promise<ReleaseRevisions> {
  const ranges = new RangeReads(git);
  // The refs are resolved first, so that the range between --from and the target is read from
  // git while their fleets are; each is then read at the commit it resolved to (no second lookup).
  const resolve = (ref: string) =>
    git.resolveCommit(ref).then(
      (commit) => ({ commit }),
      (error: unknown) => ({ error }),
    );
  const [toCommit, fromCommit] = await Promise.all([resolve(query.toRef), query.fromRef !== undefined ? resolve(query.fromRef) : undefined]);
  if ('commit' in toCommit && fromCommit && 'commit' in fromCommit && fromCommit.commit !== toCommit.commit && !query.assertFrom)
    ranges.start(fromCommit.commit, toCommit.commit);
  const load = (ref: string, resolved: { commit: string } | { error: unknown }, fallback?: FleetRevision['manifest']) =>
    ('error' in resolved ? Promise.reject(resolved.error) : loadRevision(git, cache, resolved.commit, ref, fallback)).then(
      (revision) => ({ revision: revision as FleetRevision & { commit: string } }),
      (error: unknown) => ({ error }),
    );
  const whatIf = query.fromRef !== undefined ? load(query.fromRef, fromCommit!) : undefined;
  const target = await load(query.toRef, toCommit);
  if ('error' in target) {
    await whatIf;
    throw target.error;
  }
  const to = target.revision;
  const env = selectEnv(to.manifest, query.env);
  const recorded = query.deployed ? await query.deployed(env) : new Map<string, DeployedService>();
  const fingerprints = await query.fingerprints();
  let from = whatIf ? await whatIf : undefined;
  // A --from from before the fleet had a tranche.yaml (right after tranche init) is read with the target's.
  if (from && 'error' in from && from.error instanceof NoManifestError) from = await load(query.fromRef!, fromCommit!, to.manifest);
  if (from && 'error' in from) {
    if (from.error instanceof InvalidFleetError) throw new InvalidFleetError(from.error.findings, `--from ${query.fromRef}`);
    throw from.error;
  }

  if (from && query.assertFrom) {
    assertRecordedAt(env, recorded, query.fromRef!, from.revision.commit);
  } else if (from) {
    const configs = resolveFleet(from.revision);
    const baseline = new Map<string, ServiceState>();
    for (const name of from.revision.manifest.services.keys()) {
      const state = resolveService(from.revision, name, env, fingerprints, configs.get(env)?.get(name));
      baseline.set(name, { version: state.version, shown: state.shown });
    }
    const bases = new Map<string, DeployedBase>([[from.revision.commit, { commit: from.revision.commit, revision: from.revision, configs }]]);
    return { env, to, baseline, basis: 'what-if', bases, notes: borrowedNotes([from.revision]), fingerprints, ranges };
  }

  const baseline = new Map<string, ServiceState>();
  for (const [name, d] of recorded) {
    const state = { version: { commit: d.commit, contentId: d.contentId, configHash: d.configHash }, shown: d.config };
    const service = to.manifest.services.get(name);
    // Recorded before fingerprints were keyed: what still matches the target is in today's form.
    const now = service && runsIn(service, env) ? () => resolveService(to, name, env, fingerprints) : undefined;
    baseline.set(name, now ? recognisePreviousFormat(state, now, fingerprints) : state);
  }
  const commits = [...new Set([...recorded.values()].filter((d) => to.manifest.services.has(d.service)).map((d) => d.commit))];
  for (const commit of commits) if (commit !== to.commit) ranges.start(commit, to.commit);
  const bases = new Map(await mapLimited(commits, REVISIONS_AT_ONCE, async (commit) => [commit, await readBase(git, cache, commit, to)] as const));
  const read = [...bases.values()].flatMap((b) => ('revision' in b ? [b.revision] : []));
  return { env, to, baseline, basis: query.deployed ? 'recorded' : 'no-store', bases, notes: borrowedNotes(read), fingerprints, ranges };
}

/** A recorded revision, read; the target itself when it is the one. */
async function readBase(git: Git, cache: ParseMemo, commit: string, to: FleetRevision & { commit: string }): Promise<DeployedBase> {
  const short = commit.slice(0, 7);
  try {
    const revision = commit === to.commit ? to : ((await loadRevision(git, cache, commit, 'deployed', to.manifest)) as FleetRevision & { commit: string });
    return { commit, revision, configs: resolveFleet(revision) };
  } catch (error) {
    if (error instanceof RefNotFoundError) {
      return {
        commit,
        problem: `commit ${short} is not in this repository${error.shallowHint ? ` (${error.shallowHint})` : ' (was the branch that held it rewritten or deleted? fetch it, or record what runs now)'}`,
      };
    }
    if (error instanceof InvalidFleetError) {
      const [first] = error.findings;
      const where = first?.location ? `${first.location.file}${first.location.line ? `:${first.location.line}` : ''}: ` : '';
      const more = error.findings.length > 1 ? ` (and ${error.findings.length - 1} more)` : '';
      return { commit, problem: `the fleet definition at ${short} cannot be read: ${where}${first?.message ?? 'invalid'}${more}` };
    }
    // Anything else that makes it unusable (no tranche.yaml there: the fleet moved since).
    if (error instanceof InputError) return { commit, problem: error.message };
    throw error;
  }
}

/** What to say of revisions read with the target's manifest. */
export function borrowedNotes(revisions: readonly FleetRevision[]): string[] {
  return revisions.flatMap((r) => {
    if (!r.manifestBorrowed) return [];
    const { absent } = r.manifestBorrowed;
    const without = absent.length ? `; ${absent.join(', ')} ${absent.length === 1 ? 'is' : 'are'} not there` : '';
    return [`${r.label} has no tranche.yaml: it is read with the target's${without}`];
  });
}

/** `apply --from REF` states what runs: refused unless every recorded service runs REF. */
function assertRecordedAt(env: string, recorded: Map<string, DeployedService>, ref: string, commit: string): void {
  const elsewhere = [...recorded.values()].filter((d) => d.commit !== commit);
  const how = `apply deploys from what is recorded as running; --from is a what-if for check, changes and plan`;
  if (!recorded.size)
    throw new InputError(
      `apply --from ${ref}: nothing is recorded as deployed in ${env}, so nothing runs ${ref} as far as tranche knows; ${how}; to record that ${ref} runs, deploying nothing: tranche adopt --env ${env} --at ${ref}`,
    );
  if (elsewhere.length) {
    const list = elsewhere
      .slice(0, 5)
      .map((d) => `${d.service} runs ${d.commit.slice(0, 7)}`)
      .join(', ');
    const more = elsewhere.length > 5 ? ` and ${elsewhere.length - 5} more` : '';
    throw new InputError(`apply --from ${ref} (${commit.slice(0, 7)}): not every service of ${env} runs it — ${list}${more}; ${how}`);
  }
}
