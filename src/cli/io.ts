import type { Redactor } from '../core/config/redact-secrets.js';

/** The outside world as the CLI sees it: only the entry point hands in `process`. */
export interface CliIO {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: Output;
  stderr: Output;
  stdin?: { isTTY?: boolean };
  /** Asks the operator a yes/no question on the terminal. */
  confirm(question: string): Promise<boolean>;
  /** The operator's stop (signals, a closed pipe), for the commands that roll out. */
  stop?: StopSignals;
  /**
   * Every secret this run has met (each one the moment it is fingerprinted): kept out of stdout
   * and stderr, which `main` wraps with it, and out of the store (see RedactingStore).
   */
  secrets: Redactor;
}

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

import type { ReleaseStatus } from '../core/state/records.js';
import type { StopCause, StopSignals } from '../engine/stop.js';

/** Exit codes (PRODUCT §9). */
export const EXIT = {
  ok: 0,
  /** Error findings, or a failed apply that was rolled back. */
  findings: 1,
  /** Unusable input (manifest, flags, refs): nothing was touched. */
  input: 2,
  /** Needs an operator: a release paused, or a rollback that did not complete. */
  operator: 3,
  /** A bug in tranche. */
  internal: 70,
} as const;

/** What a user is asked to do about a bug in tranche, when --debug was not given. */
export const REPORT_BUG = 'rerun with --debug and report it with what that prints';

/**
 * The exit code of a command stopped by an operator (PRODUCT §9): the shell's 128 + the signal's
 * number — SIGHUP 129, SIGINT 130, SIGTERM 143 — and for a reader gone (EPIPE) that of SIGPIPE,
 * 141, the code a process killed by the closed pipe would have had.
 */
export function stoppedExit(cause: StopCause): number {
  switch (cause) {
    case 'SIGHUP':
      return 129;
    case 'SIGINT':
      return 130;
    case 'EPIPE':
      return 141;
    case 'SIGTERM':
      return 143;
  }
}

/** The exit code of a rollout that ran: done, failed and undone, or waiting for an operator. */
export function exitOf(status: ReleaseStatus): number {
  switch (status) {
    case 'succeeded':
    case 'rolled-back':
      return EXIT.ok;
    case 'failed':
      return EXIT.findings;
    case 'paused':
    case 'rollback-failed':
    case 'running':
      return EXIT.operator;
  }
}

/**
 * Characters a terminal acts on rather than shows — escape sequences, carriage returns, bells,
 * backspaces, the C1 controls, the bidirectional overrides that reorder a line, line separators —
 * as they may come in commit subjects, author names, file names, config values or a service's
 * build output. Newlines and tabs are not among them: they are the lines and columns of what
 * tranche prints (see `oneLine` for text that must stay on its line).
 */
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
const LINE_BREAKING = /[\n\t]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** How such a character is shown instead: `\x1b`, `\r`, `\u202e` — visible, and inert. */
function escaped(c: string): string {
  const code = c.charCodeAt(0);
  return NAMED[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/** `text` with every character a terminal would act on shown escaped (see UNPRINTABLE). */
export function neutralised(text: string): string {
  return text.replace(UNPRINTABLE, escaped);
}

/** Text from outside (a file name, a value) kept on the line it is printed in: newlines and tabs escaped too. */
export function oneLine(text: string): string {
  return neutralised(text).replace(LINE_BREAKING, escaped);
}

/** `out` with every secret `secrets` knows, in any form, replaced before it is written. */
export function redacting(out: Output, secrets: Redactor): Output {
  return mapWrites(out, (text) => secrets.redact(text));
}

/** `out` with nothing written to it that a terminal would act on (see UNPRINTABLE). */
export function printable(out: Output): Output {
  return mapWrites(out, neutralised);
}

function mapWrites(out: Output, change: (text: string) => string): Output {
  return { write: (text: string) => out.write(change(text)), ...(out.isTTY !== undefined ? { isTTY: out.isTTY } : {}) };
}
