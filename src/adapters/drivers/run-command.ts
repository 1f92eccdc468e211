import { spawn } from 'node:child_process';
import { writeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { LineTail } from './line-tail.js';
import { stopProcessGroup } from './process-group.js';

/** How a command ended. */
export interface CommandResult {
  /** Exit code; null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The abort signal fired and the command's process group was stopped. */
  aborted: boolean;
  /** The last lines it printed (stdout and stderr, as they came). */
  lastLines: string[];
}

export interface RunCommandOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Receives every line the command prints, stdout and stderr, as they come. */
  onLine?: (line: string) => void;
  /** What each line is shown as, before it is cut short or kept among the last lines (secrets blanked). */
  redact?: (line: string) => string;
  /** An open file that also receives everything the command prints, as is. */
  output?: number;
  /** Aborting stops the command's whole process tree (its process group). */
  signal?: AbortSignal;
  /** After SIGTERM on abort, how long before SIGKILL. */
  graceMs?: number;
}

/** How long output may still come after the command exited: a background child can hold its pipes open for ever. */
const DRAIN_MS = 200;
/** A "line" longer than this without a newline (a progress bar) is passed on anyway. */
const MAX_PARTIAL = 64 * 1024;

/**
 * Runs `command` (an argument array, never a shell) in its own process group and resolves when it
 * exits, whatever its exit code. Rejects only when it cannot be started.
 */
export async function runCommand(command: readonly string[], options: RunCommandOptions): Promise<CommandResult> {
  const [file, ...args] = command;
  if (file === undefined) throw new Error('empty command');
  const tail = new LineTail();
  if (options.signal?.aborted) return { code: null, signal: null, aborted: true, lastLines: [] };
  const emit = (printed: string) => {
    const line = options.redact ? options.redact(printed) : printed;
    tail.push(line);
    options.onLine?.(line);
  };
  const child = spawn(file, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve([code, signal]));
  });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const flushers = [child.stdout, child.stderr].map((stream) => splitLines(stream, emit, options.output));

  let stopping: Promise<unknown> | undefined;
  const abort = () => {
    // Kept as a value, not a rejected promise, until the command has exited and it is awaited.
    if (child.pid !== undefined)
      stopping ??= stopProcessGroup(child.pid, options.graceMs).then(
        () => undefined,
        (error: unknown) => error ?? new Error('stop failed'),
      );
  };
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    const [code, signal] = await exited;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, DRAIN_MS)))]);
    clearTimeout(timer);
    child.stdout.destroy();
    child.stderr.destroy();
    flushers.forEach((flush) => flush());
    const stopError = await stopping;
    if (stopError) throw stopError;
    return { code, signal, aborted: stopping !== undefined, lastLines: tail.lines() };
  } finally {
    options.signal?.removeEventListener('abort', abort);
  }
}

/** "exited with code 2", "was killed by SIGTERM": how a command ended, for a message. */
export function describeExit(result: Pick<CommandResult, 'code' | 'signal'>): string {
  return result.signal ? `was killed by ${result.signal}` : `exited with code ${result.code}`;
}

/** Passes each complete line of `stream` to `emit` (and every byte to `output`); returns a function flushing the last partial line. */
function splitLines(stream: Readable, emit: (line: string) => void, output: number | undefined): () => void {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  stream.on('data', (chunk: Buffer) => {
    if (output !== undefined) writeSync(output, chunk);
    const lines = (partial + decoder.write(chunk)).split(/\r\n|\r|\n/);
    partial = lines.pop() ?? '';
    lines.forEach(emit);
    if (partial.length > MAX_PARTIAL) {
      emit(partial);
      partial = '';
    }
  });
  return () => {
    partial += decoder.end();
    if (partial) emit(partial);
    partial = '';
  };
}
