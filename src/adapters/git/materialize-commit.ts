import { spawn } from 'node:child_process';
import { copyFile, lstat, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runGit } from './run-git.js';

/**
 * A commit's files on disk, for tools that read files themselves: `git archive` of the whole
 * repository (an overlay may name bases outside the fleet's directory) extracted into a new
 * private temporary directory, then the working tree's git-ignored files copied in, as `read`
 * sees them at any revision — files ignored one by one (a `secrets.env`), not ignored
 * directories (`node_modules/`, `.tranche/`). Returns the temporary directory: the caller
 * removes it.
 */
export async function materializeCommit(topLevel: string, env: NodeJS.ProcessEnv, commit: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tranche-rev-'));
  await new Promise<void>((resolve, reject) => {
    const archive = spawn('git', ['archive', '--format=tar', '--end-of-options', commit], { cwd: topLevel, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tar = spawn('tar', ['-x', '-f', '-', '-C', dir], { stdio: ['pipe', 'ignore', 'pipe'] });
    archive.stdout.pipe(tar.stdin);
    const errors: string[] = [];
    archive.stderr.on('data', (chunk: Buffer) => errors.push(chunk.toString('utf8')));
    tar.stderr.on('data', (chunk: Buffer) => errors.push(chunk.toString('utf8')));
    let pending = 2;
    const done = (what: string) => (code: number | null) => {
      if (code !== 0) errors.unshift(`${what} exited with ${code}`);
      if (--pending === 0) (errors.length ? reject(new Error(`extracting ${commit.slice(0, 7)} failed: ${errors.join('; ').trim()}`)) : resolve());
    };
    archive.on('error', reject);
    tar.on('error', reject);
    archive.on('close', done('git archive'));
    tar.on('close', done('tar'));
  });
  const ignored = (await runGit(topLevel, env, ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory']))
    .toString('utf8')
    .split('\0')
    .filter((p) => p && !p.endsWith('/'));
  for (const path of ignored) {
    const from = join(topLevel, path);
    if (!(await lstat(from)).isFile()) continue;
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await copyFile(from, join(dir, path));
  }
  return dir;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs `cleanup` (synchronously) when a signal would end the process, then ends it as that
 * signal would: handlers are installed once, on `install`, and removed by `remove`.
 */
export function signalCleanup(cleanup: () => void): { install(): void; remove(): void } {
  let installed = false;
  const handler = (signal: NodeJS.Signals) => {
    remove();
    cleanup();
    process.kill(process.pid, signal);
  };
  const remove = () => {
    if (!installed) return;
    installed = false;
    for (const signal of SIGNALS) process.removeListener(signal, handler);
  };
  return {
    install: () => {
      if (installed) return;
      installed = true;
      for (const signal of SIGNALS) process.once(signal, handler);
    },
    remove,
  };
}
