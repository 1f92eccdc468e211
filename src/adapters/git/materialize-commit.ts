import { spawn } from 'node:child_process';
import { copyFile, lstat, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { runGit } from './run-git.js';

/**
 * A commit's files on disk, for tools that read files themselves: `git archive` of the whole
 * repository (an overlay may name bases outside the fleet's directory) extracted into `dir` (a
 * new private temporary directory, which the caller makes and removes, whatever happens here),
 * then the working tree's git-ignored files copied in, as `read` sees them at any revision —
 * files ignored one by one (a `secrets.env`), not ignored directories (`node_modules/`,
 * `.tranche/`). A failure says what failed, in a message for people.
 */
export async function materializeCommit(topLevel: string, env: NodeJS.ProcessEnv, commit: string, dir: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const archive = spawn('git', ['archive', '--format=tar', '--end-of-options', commit], { cwd: topLevel, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tar = spawn('tar', ['-x', '-f', '-', '-C', dir], { stdio: ['pipe', 'ignore', 'pipe'] });
    archive.stdout.pipe(tar.stdin);
    const errors: string[] = [];
    archive.stderr.on('data', (chunk: Buffer) => errors.push(chunk.toString('utf8')));
    tar.stderr.on('data', (chunk: Buffer) => errors.push(chunk.toString('utf8')));
    tar.stdin.on('error', () => undefined); // tar gone: its own error or exit says why
    let pending = 2;
    const done = (what: string) => (code: number | null) => {
      if (code !== 0) errors.unshift(`${what} exited with ${code}`);
      if (--pending === 0) errors.length ? reject(new Error(`extracting ${commit.slice(0, 7)} failed: ${errors.join('; ').trim()}`)) : resolve();
    };
    const cannotStart = (what: string) => (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'ENOENT' ? `${what} is not installed: it is needed to give a tool the files of ${commit.slice(0, 7)}` : `${what}: ${error.message}`,
        ),
      );
    archive.on('error', cannotStart('git'));
    tar.on('error', cannotStart('tar'));
    archive.on('close', done('git archive'));
    tar.on('close', done('tar'));
  });
  const ignored = (await runGit(topLevel, env, ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory']))
    .toString('utf8')
    .split('\0')
    .filter((p) => p && !p.endsWith('/'));
  for (const path of ignored) {
    const from = join(topLevel, path);
    // A file removed since git listed it is not there to copy.
    const stat = await lstat(from).catch(() => undefined);
    if (!stat?.isFile()) continue;
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await copyFile(from, join(dir, path));
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs `cleanup` (synchronously) before the process ends: on a signal that would end it, after
 * which it ends as that signal would, or on `process.exit`. A signal that something else also
 * listens for (tranche's entry point, which stops gracefully or exits) is left to it: the process
 * then ends through `exit`, or lives on and `remove`s this. Installed once, on `install`.
 */
export function signalCleanup(cleanup: () => void): { install(): void; remove(): void } {
  let installed = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (process.listenerCount(signal) > 1) return;
    remove();
    cleanup();
    process.kill(process.pid, signal);
  };
  const onExit = () => {
    remove();
    cleanup();
  };
  const remove = () => {
    if (!installed) return;
    installed = false;
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
    process.removeListener('exit', onExit);
  };
  return {
    install: () => {
      if (installed) return;
      installed = true;
      for (const signal of SIGNALS) process.on(signal, onSignal);
      process.on('exit', onExit);
    },
    remove,
  };
}
