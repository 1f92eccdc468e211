import { posix } from 'node:path';
import type { ChangeManifest, ServiceDependencyChange } from '../core/changes/change-manifest.js';
import { diffLockfilePair, isLockfilePairDiff, type LockfilePairDiff } from '../core/deps/diff-lockfile-pair.js';
import { manifestBeside } from '../core/deps/dev-dependencies.js';
import { isLockfileName, isUnreadLockfile, resolutionFile } from '../core/deps/parse-lockfile.js';
import type { Finding } from '../core/finding.js';
import type { FileTree } from '../ports/file-tree.js';
import type { Git } from '../ports/git.js';
import type { ParseCache } from '../ports/parse-cache.js';
import { lockfilePairKeys, withManifestBeside } from './lockfile-pair-keys.js';
import { notUtf8Finding, readTexts, refusedLinkFinding } from './read-texts.js';

/** How many lockfile pairs are read from git at once: few requests, few enough pairs to stay small. */
const PAIRS_AT_ONCE = 8;
/** How many chunks are read ahead of the one being diffed, so that git is never left idle. */
const CHUNKS_AHEAD = 2;

/** What reading a release's lockfile pairs found wrong. */
export interface LockfileProblems {
  /** A lockfile of the target that does not parse: the fleet cannot be used as it is. */
  target: Finding[];
  /** A lockfile of a deployed revision that does not parse: its changes cannot be told. */
  deployed: { service: string; path: string; commit: string; message: string }[];
  /** A lockfile of a package manager tranche does not read, changed by the release: its changes go unchecked. */
  unread: { service: string; path: string }[];
}

/**
 * Diffs the lockfiles each service changes, each against the revision the service runs,
 * streamed: a few pairs are read ahead while one is diffed, then dropped, so a thousand large
 * lockfiles never sit in memory together. Fills `service.deps`. Go modules are read from go.mod
 * (what the build selects), whether go.sum or go.mod changed.
 *
 * With a parse cache, a pair's diff (its problems included) is kept under the blob ids of what it
 * reads (`lockfilePairKeys`), and a pair found there is not read from git at all. A pair that is
 * not diffed (a lockfile that is not UTF-8, or behind a refused link) is not kept: it is read
 * again, and says the same. Results are applied in the order of the pairs, found or computed.
 */
export async function addDependencyChanges(git: Git, changes: ChangeManifest, cache?: ParseCache): Promise<LockfileProblems> {
  const after = git.commitTree(changes.to.commit, changes.to.label);
  const trees = new Map<string, FileTree>();
  const treeAt = (commit: string) => {
    let tree = trees.get(commit);
    if (!tree) trees.set(commit, (tree = git.commitTree(commit, commit.slice(0, 7))));
    return tree;
  };
  // A changed go.sum or go.mod is read as its go.mod (what the build selects), once per directory.
  const jobs = changes.services.flatMap((service) => {
    if (!service.from) return [];
    const seen = new Set<string>();
    return service.files.flatMap((file) => {
      const path = resolutionFile(file.path);
      if (!isLockfileName(path) || (file.kind !== 'deps' && posix.basename(path) !== 'go.mod') || seen.has(path)) return [];
      seen.add(path);
      return [{ service, from: service.from!.commit, path, was: resolutionFile(file.from ?? file.path) }];
    });
  });
  const problems: LockfileProblems = { target: [], deployed: [], unread: [] };
  for (const service of changes.services) {
    for (const file of service.files)
      if (isUnreadLockfile(file.path) && file.status !== 'D') problems.unread.push({ service: service.service, path: file.path });
  }
  const nodes = await after.lookup(jobs.flatMap(({ path }) => withManifestBeside(path)));
  // What each pair adds to the services and the problems, applied once every pair is settled.
  const settled: Array<(() => void) | undefined> = new Array(jobs.length);
  const diffed = (job: (typeof jobs)[number], diff: LockfilePairDiff) => () => {
    const { service, from, path, was } = job;
    if ('changes' in diff) {
      service.deps.push(...diff.changes.map((change): ServiceDependencyChange => ({ ...change, lockfile: path })));
      if (diff.beforeProblem) problems.deployed.push({ service: service.service, path: was, commit: from, message: diff.beforeProblem.message });
      return;
    }
    for (const p of diff.problems) {
      problems.target.push({
        rule: 'manifest/invalid',
        severity: 'error',
        service: service.service,
        message: `lockfile: ${p.message}`,
        location: { file: path, line: p.line, column: p.column },
      });
    }
  };
  const keys = cache ? await lockfilePairKeys(jobs, nodes, treeAt) : [];
  if (cache) {
    const found = await Promise.all(keys.map((key) => (key ? cache.get(key) : undefined)));
    found.forEach((diff, i) => {
      // A value of another shape (an entry written by something else) is no answer: diffed again.
      if (isLockfilePairDiff(diff)) settled[i] = diffed(jobs[i]!, diff);
    });
  }
  const missed = jobs.flatMap((job, index) => (settled[index] ? [] : [{ ...job, index }]));
  const puts: Promise<void>[] = [];
  const read = async (start: number) => {
    const chunk = missed.slice(start, start + PAIRS_AT_ONCE);
    const bases = [...new Set(chunk.map((j) => j.from))];
    const [now, ...olds] = await Promise.all([
      readTexts(
        after,
        chunk.flatMap(({ path }) => withManifestBeside(path)),
      ),
      ...bases.map((commit) =>
        readTexts(
          treeAt(commit),
          chunk.filter((j) => j.from === commit).flatMap(({ was }) => withManifestBeside(was)),
        ),
      ),
    ]);
    const old = new Map(bases.map((commit, i) => [commit, olds[i]!]));
    return { chunk, old, now };
  };
  // CHUNKS_AHEAD + 1 chunks at most are held at once.
  const pending: Array<ReturnType<typeof read>> = [];
  let next = 0;
  const readAhead = () => {
    for (; pending.length < CHUNKS_AHEAD && next < missed.length; next += PAIRS_AT_ONCE) {
      const chunk = read(next);
      // A failed read surfaces when its chunk is awaited; until then it must not count as unhandled.
      chunk.catch(() => undefined);
      pending.push(chunk);
    }
  };
  readAhead();
  for (let current = pending.shift(); current !== undefined; current = pending.shift()) {
    const { chunk, old, now } = await current;
    readAhead();
    for (const job of chunk) {
      const { service, from, path, was, index } = job;
      const node = nodes.get(path);
      const bad = now.notUtf8.get(path);
      if (node?.kind === 'refused-link') {
        const finding = refusedLinkFinding('the lockfile', path, node, { file: path }, service.service);
        settled[index] = () => problems.target.push(finding);
        continue;
      }
      if (bad) {
        const finding = notUtf8Finding(path, bad, 'manifest/invalid', service.service);
        settled[index] = () => problems.target.push(finding);
        continue;
      }
      const text = now.texts.get(path);
      if (text === undefined) continue; // deleted: its packages are gone with it
      const read = old.get(from)!;
      const unreadBefore = read.notUtf8.get(was);
      if (unreadBefore) {
        const problem = {
          service: service.service,
          path: was,
          commit: from,
          message: `not valid UTF-8 at line ${unreadBefore.line}, column ${unreadBefore.column}`,
        };
        settled[index] = () => problems.deployed.push(problem);
        continue;
      }
      const before = read.texts;
      const beside = (side: Map<string, string>, lockfile: string) => {
        const manifest = manifestBeside(lockfile);
        return manifest === undefined ? undefined : side.get(manifest);
      };
      const diff = diffLockfilePair({
        path,
        before: before.get(was),
        after: text,
        manifestBefore: beside(before, was),
        manifestAfter: beside(now.texts, path),
      });
      settled[index] = diffed(job, diff);
      const key = keys[index];
      if (cache && key) puts.push(cache.put(key, diff));
    }
  }
  await Promise.all(puts);
  for (const settle of settled) settle?.();
  return problems;
}
