import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { type FileHandle, open, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../core/input-error.js';

/** git is not on PATH: the operator's to fix, exit 2. */
export class GitNotFoundError extends InputError {
  constructor() {
    super('git is not installed (or not on PATH): tranche reads the fleet through git');
    this.name = 'GitNotFoundError';
  }
}

/** git exited non-zero: the command, its exit code and what it printed on stderr. */
export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} failed (exit ${code}): ${stderr.trim() || 'no message'}`);
    this.name = 'GitError';
  }
}

/**
 * Runs git with an argument array (never a shell) in `cwd`, with `env` (see `gitEnv`) and
 * optional standard input; resolves with stdout. Exit codes in `okCodes` (default: 0) succeed.
 */
export async function runGit(
  cwd: string,
  env: NodeJS.ProcessEnv,
  args: readonly string[],
  options: { input?: string; okCodes?: number[] } = {},
): Promise<Buffer> {
  return (await gitRun(cwd, env, args, options.okCodes ?? [0], options.input)).stdout;
}

/** Runs git for its exit code alone (`merge-base --is-ancestor`); a code outside `codes` is a GitError. */
export async function gitExitCode(cwd: string, env: NodeJS.ProcessEnv, args: readonly string[], codes: readonly number[]): Promise<number> {
  return (await gitRun(cwd, env, args, codes)).code;
}

function gitRun(
  cwd: string,
  env: NodeJS.ProcessEnv,
  args: readonly string[],
  okCodes: readonly number[],
  input?: string,
): Promise<{ code: number; stdout: Buffer }> {
  return withOutputFile(async (file) => {
    const { code, stderr, piped } = await new Promise<{ code: number | null; stderr: Buffer; piped: Buffer | undefined }>((resolve, reject) => {
      const child = spawn('git', args, { cwd, stdio: [input === undefined ? 'ignore' : 'pipe', file?.fd ?? 'pipe', 'pipe'], env });
      if (input !== undefined) child.stdin!.end(input);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
      child.on('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new GitNotFoundError() : error));
      child.on('close', (code) => resolve({ code, stderr: Buffer.concat(err), piped: file ? undefined : Buffer.concat(out) }));
    });
    if (!okCodes.includes(code ?? -1)) throw new GitError(args, code, stderr.toString('utf8'));
    return { code: code!, stdout: piped ?? (await readWhole(file!)) };
  });
}

/** How many output files this process has made: part of each one's name. */
let outputFiles = 0;

/**
 * Runs `use` with a file for git's output: git writes there at its own pace, where through a pipe
 * it would stop each time the pipe is full until this thread, busy parsing, read it (a `git log`
 * of a long range, started early, then took as long as the parsing). The file is removed from the
 * directory as soon as it is open, so that nothing is left behind, whatever happens to the
 * process; where no such file can be made, a pipe it is (undefined).
 */
async function withOutputFile<T>(use: (file: FileHandle | undefined) => Promise<T>): Promise<T> {
  let file: FileHandle | undefined;
  try {
    // A name no other file has (O_EXCL refuses one that exists, a planted link included); only this process can open it (0600).
    const path = join(tmpdir(), `tranche-git-${process.pid}-${++outputFiles}-${Math.random().toString(36).slice(2)}`);
    file = await open(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    await unlink(path);
  } catch {
    await file?.close().catch(() => undefined);
    file = undefined;
  }
  try {
    return await use(file);
  } finally {
    await file?.close().catch(() => undefined);
  }
}

/** Everything written to `file` (from its start: git moved the offset it shares with us). */
async function readWhole(file: FileHandle): Promise<Buffer> {
  const { size } = await file.stat();
  const bytes = Buffer.allocUnsafe(size);
  for (let at = 0; at < size; ) {
    const { bytesRead } = await file.read(bytes, at, size - at, at);
    if (bytesRead === 0) return bytes.subarray(0, at);
    at += bytesRead;
  }
  return bytes;
}

/** The environment git runs with: the operator's, without anything that would prompt or page. */
export function gitEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...base, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C' };
}
