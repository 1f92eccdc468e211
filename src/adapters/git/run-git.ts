import { spawn } from 'node:child_process';
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
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], env });
    if (input !== undefined) child.stdin!.end(input);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new GitNotFoundError() : error));
    child.on('close', (code) => {
      if (okCodes.includes(code ?? -1)) resolve({ code: code!, stdout: Buffer.concat(out) });
      else reject(new GitError(args, code, Buffer.concat(err).toString('utf8')));
    });
  });
}

/** The environment git runs with: the operator's, without anything that would prompt or page. */
export function gitEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...base, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C' };
}
