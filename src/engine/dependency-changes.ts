import { posix } from 'node:path';
import type { ChangeManifest, ServiceDependencyChange } from '../core/changes/change-manifest.js';
import { diffLockfiles } from '../core/deps/diff-lockfiles.js';
import { diffNpmLocks } from '../core/deps/diff-npm-locks.js';
import { isLockfileName, parseLockfile } from '../core/deps/parse-lockfile.js';
import type { Finding } from '../core/finding.js';
import type { Git } from '../ports/git.js';

/** How many lockfile pairs are held in memory at once: enough to keep git busy, few enough to stay small. */
const PAIRS_AT_ONCE = 8;
/** How many chunks are read ahead of the one being parsed, so that git is never left idle. */
const CHUNKS_AHEAD = 2;

/**
 * Diffs the lockfiles each service changes, streamed: a few pairs are read, parsed, diffed and
 * dropped at a time, so a thousand large lockfiles never sit in memory together. Fills
 * `service.deps`; a lockfile that does not parse at the target is a located problem (the fleet
 * cannot be used as it is).
 */
export async function addDependencyChanges(git: Git, changes: ChangeManifest): Promise<Finding[]> {
  const before = git.commitTree(changes.from.commit, changes.from.label);
  const after = git.commitTree(changes.to.commit, changes.to.label);
  const jobs = changes.services.flatMap((service) =>
    service.files.filter((f) => f.kind === 'deps' && isLockfileName(f.path)).map((file) => ({ service, file })),
  );
  const problems: Finding[] = [];
  const read = (start: number) => {
    const chunk = jobs.slice(start, start + PAIRS_AT_ONCE);
    const paths = chunk.flatMap(({ file }) => [file.path, posix.join(posix.dirname(file.path), 'package.json')]);
    return Promise.all([before.read(paths), after.read(paths)]).then(([old, now]) => ({ chunk, old, now }));
  };
  // The next chunks are read while this one is parsed: CHUNKS_AHEAD + 1 chunks at most are held at once.
  const pending: Array<ReturnType<typeof read>> = [];
  let nextStart = 0;
  const readAhead = () => {
    while (pending.length < CHUNKS_AHEAD && nextStart < jobs.length) {
      const chunk = read(nextStart);
      // A failed read surfaces when its chunk is awaited; until then it must not count as unhandled.
      chunk.catch(() => undefined);
      pending.push(chunk);
      nextStart += PAIRS_AT_ONCE;
    }
  };
  readAhead();
  for (let current = pending.shift(); current !== undefined; current = pending.shift()) {
    const { chunk, old, now } = await current;
    readAhead();
    for (const { service, file } of chunk) {
      const text = now.get(file.path);
      if (text === undefined) continue; // deleted: its packages are gone with it
      const previousText = old.get(file.path);
      const fast = isNpmLockName(file.path) ? diffNpmLocks(previousText, text) : undefined;
      if (fast !== undefined) {
        service.deps.push(...fast.map((change): ServiceDependencyChange => ({ ...change, lockfile: file.path })));
        continue;
      }
      const manifestPath = posix.join(posix.dirname(file.path), 'package.json');
      const next = parseLockfile(file.path, text, directOf(now.get(manifestPath)));
      if (!next.lockfile) {
        problems.push(
          ...next.problems.map((p): Finding => ({
            rule: 'manifest/invalid',
            severity: 'error',
            service: service.service,
            message: `lockfile: ${p.message}`,
            location: { file: file.path, line: p.line, column: p.column },
          })),
        );
        continue;
      }
      const previous = previousText === undefined ? undefined : parseLockfile(file.path, previousText, directOf(old.get(manifestPath))).lockfile;
      const diff: ServiceDependencyChange[] = diffLockfiles(previous, next.lockfile).map((change) => ({ ...change, lockfile: file.path }));
      service.deps.push(...diff);
    }
  }
  return problems;
}

/** package-lock.json and npm-shrinkwrap.json, which diffNpmLocks compares without building either lockfile. */
function isNpmLockName(path: string): boolean {
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  return name === 'package-lock.json' || name === 'npm-shrinkwrap.json';
}

/** The direct dependencies a package.json names (`name@range`), for lockfiles that do not record them. */
function directOf(packageJson: string | undefined): string[] | undefined {
  if (packageJson === undefined) return undefined;
  try {
    const manifest = JSON.parse(packageJson) as Record<string, Record<string, string> | undefined>;
    const sections = ['dependencies', 'devDependencies', 'optionalDependencies'];
    return sections.flatMap((section) => Object.entries(manifest[section] ?? {}).map(([name, range]) => `${name}@${range}`));
  } catch {
    return undefined;
  }
}
