import { posix } from 'node:path';
import type { ChangeManifest, ServiceDependencyChange } from '../core/changes/change-manifest.js';
import { diffLockfilePair } from '../core/deps/diff-lockfile-pair.js';
import { isLockfileName } from '../core/deps/parse-lockfile.js';
import type { Finding } from '../core/finding.js';
import type { Git } from '../ports/git.js';

/** How many lockfile pairs are read from git at once: few requests, few enough pairs to stay small. */
const PAIRS_AT_ONCE = 8;
/** How many chunks are read ahead of the one being diffed, so that git is never left idle. */
const CHUNKS_AHEAD = 2;

/**
 * Diffs the lockfiles each service changes, streamed: a few pairs are read ahead while one is
 * diffed, then dropped, so a thousand large lockfiles never sit in memory together. Fills
 * `service.deps`; a lockfile that does not parse at the target is a located problem (the fleet
 * cannot be used as it is).
 */
export async function addDependencyChanges(git: Git, changes: ChangeManifest): Promise<Finding[]> {
  const before = git.commitTree(changes.from.commit, changes.from.label);
  const after = git.commitTree(changes.to.commit, changes.to.label);
  const jobs = changes.services.flatMap((service) =>
    service.files.filter((f) => f.kind === 'deps' && isLockfileName(f.path)).map((file) => ({ service, path: file.path })),
  );
  const read = async (start: number) => {
    const chunk = jobs.slice(start, start + PAIRS_AT_ONCE);
    const paths = chunk.flatMap(({ path }) => [path, manifestBeside(path)]);
    const [old, now] = await Promise.all([before.read(paths), after.read(paths)]);
    return { chunk, old, now };
  };
  // CHUNKS_AHEAD + 1 chunks at most are held at once.
  const pending: Array<ReturnType<typeof read>> = [];
  let next = 0;
  const readAhead = () => {
    for (; pending.length < CHUNKS_AHEAD && next < jobs.length; next += PAIRS_AT_ONCE) {
      const chunk = read(next);
      // A failed read surfaces when its chunk is awaited; until then it must not count as unhandled.
      chunk.catch(() => undefined);
      pending.push(chunk);
    }
  };
  const problems: Finding[] = [];
  readAhead();
  for (let current = pending.shift(); current !== undefined; current = pending.shift()) {
    const { chunk, old, now } = await current;
    readAhead();
    for (const { service, path } of chunk) {
      const text = now.get(path);
      if (text === undefined) continue; // deleted: its packages are gone with it
      const manifest = manifestBeside(path);
      const diff = diffLockfilePair({ path, before: old.get(path), after: text, manifestBefore: old.get(manifest), manifestAfter: now.get(manifest) });
      if ('changes' in diff) {
        service.deps.push(...diff.changes.map((change): ServiceDependencyChange => ({ ...change, lockfile: path })));
        continue;
      }
      for (const p of diff.problems) {
        problems.push({ rule: 'manifest/invalid', severity: 'error', service: service.service, message: `lockfile: ${p.message}`, location: { file: path, line: p.line, column: p.column } });
      }
    }
  }
  return problems;
}

function manifestBeside(lockfile: string): string {
  return posix.join(posix.dirname(lockfile), 'package.json');
}
