import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Output } from '../cli/io.js';

/** bin/tranche of this installation (from dist/src/demo/). */
const BIN = fileURLToPath(new URL('../../../bin/tranche', import.meta.url));
const KILL_AFTER_MS = 3000;

export interface TrancheResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `tranche` as a child process in the fleet's directory, as the user would type it:
 * the command line is echoed (`$ tranche check --env prod`), then everything it prints, as it
 * prints it. Aborting kills the running command and waits until it has exited.
 */
export class TrancheRunner {
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    private readonly root: string,
    env: NodeJS.ProcessEnv,
    private readonly out: Output,
    private readonly signal: AbortSignal,
  ) {
    // The demo keeps its state in the fleet (.tranche/state.db), whatever the operator set.
    const { TRANCHE_STATE: _ignored, ...rest } = env;
    this.env = rest;
  }

  /** Runs `tranche ...args`, echoing it and its output. */
  run(args: string[]): Promise<TrancheResult> {
    if (this.signal.aborted) return Promise.reject(this.signal.reason);
    this.out.write(`$ tranche ${args.map(quote).join(' ')}\n`);
    return this.spawn(args, true);
  }

  /** Runs `tranche ...args` without showing anything: for what the narration reads (`--json`). */
  read(args: string[]): Promise<TrancheResult> {
    return this.spawn(args, false);
  }

  private spawn(args: string[], show: boolean): Promise<TrancheResult> {
    if (this.signal.aborted) return Promise.reject(this.signal.reason);
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: this.root, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (show) this.out.write(chunk);
      });
      // Progress and plans come on stderr: in the story they read in order with the rest.
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        if (show) this.out.write(chunk);
      });
      const onAbort = () => stop(child);
      this.signal.addEventListener('abort', onAbort, { once: true });
      child.once('error', (error) => {
        this.signal.removeEventListener('abort', onAbort);
        reject(error);
      });
      child.once('close', (code, signal) => {
        this.signal.removeEventListener('abort', onAbort);
        if (this.signal.aborted) reject(this.signal.reason);
        else resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
      });
    });
  }
}

/** SIGTERM, then SIGKILL if it is still there a few seconds later. */
function stop(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
  child.once('close', () => clearTimeout(timer));
}

/** An argument as a shell would need it to read it back: the echo is a command line the user can copy. */
function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
