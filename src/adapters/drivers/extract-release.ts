import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GitError, gitEnv, runGit } from '../git/run-git.js';

export interface ReleaseSource {
  fleetRoot: string;
  /** The operator's environment, for git (see `gitEnv`). */
  env: NodeJS.ProcessEnv;
  commit: string;
  /** The service's path: it must exist at `commit`. */
  servicePath: string;
  /** Its watched paths: extracted when they exist at `commit`. */
  watch: readonly string[];
}

/** Where an interrupted extraction is left: `.extract-*` beside the release directories. */
const TEMP_PREFIX = '.extract-';

/**
 * Extracts the service's paths at one commit into the new directory `target`, with
 * `git archive | tar -x` (two processes and a pipe, no shell). The tree is extracted into a temp
 * directory renamed into place, so `target` is complete or absent, whenever the process dies; what
 * an earlier, interrupted extraction left is removed first.
 */
export async function extractRelease(source: ReleaseSource, target: string, signal?: AbortSignal): Promise<void> {
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  for (const entry of await readdir(parent)) {
    if (entry.startsWith(TEMP_PREFIX)) await rm(join(parent, entry), { recursive: true, force: true });
  }
  const paths = await existingPaths(source);
  const temp = await mkdtemp(join(parent, TEMP_PREFIX));
  try {
    await archiveInto(source, paths, temp, signal);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    // Extracted meanwhile by another run: the same commit gives the same tree.
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return;
    throw error;
  }
}

/** The service path and those of its watched paths that exist at the commit; throws when the service path does not. */
async function existingPaths(source: ReleaseSource): Promise<string[]> {
  const wanted = [source.servicePath, ...source.watch].filter((path) => path !== '.');
  const found = new Set<string>();
  if (wanted.length) {
    const out = await runGit(source.fleetRoot, gitEnv(source.env), [
      '--literal-pathspecs',
      'ls-tree',
      '-z',
      '--name-only',
      '--end-of-options',
      source.commit,
      ...wanted,
    ]);
    for (const path of out.toString('utf8').split('\0')) if (path) found.add(path);
  }
  const exists = (path: string) => path === '.' || found.has(path);
  if (!exists(source.servicePath)) throw new Error(`${source.servicePath} does not exist at commit ${source.commit}`);
  if (source.servicePath === '.' || source.watch.includes('.')) return ['.'];
  return [source.servicePath, ...source.watch.filter(exists)];
}

function archiveInto(source: ReleaseSource, paths: readonly string[], dir: string, signal?: AbortSignal): Promise<void> {
  // Paths are literal (no pathspec magic); no `--` after `--end-of-options`, where git archive would take it for a path.
  const args = ['--literal-pathspecs', 'archive', '--format=tar', '--end-of-options', source.commit, ...paths];
  const git = spawn('git', args, { cwd: source.fleetRoot, env: gitEnv(source.env), stdio: ['ignore', 'pipe', 'pipe'], signal });
  const tar = spawn('tar', ['-x', '-f', '-', '-C', dir], { env: gitEnv(source.env), stdio: ['pipe', 'ignore', 'pipe'], signal });
  git.stdout.pipe(tar.stdin);
  // When tar dies early, writing to it fails with EPIPE; its exit status says why.
  tar.stdin.on('error', () => undefined);
  const run = (child: typeof git | typeof tar) =>
    new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const err: Buffer[] = [];
      child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stderr: Buffer.concat(err).toString('utf8') }));
    });
  return Promise.all([run(git), run(tar)]).then(([gitResult, tarResult]) => {
    if (gitResult.code !== 0) throw new GitError(args, gitResult.code, gitResult.stderr);
    if (tarResult.code !== 0) throw new Error(`tar -x failed (exit ${tarResult.code}): ${tarResult.stderr.trim() || 'no message'}`);
  });
}
