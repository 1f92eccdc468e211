/** The outside world as the CLI sees it: only the entry point hands in `process`. */
export interface CliIO {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: Output;
  stderr: Output;
  stdin?: { isTTY?: boolean };
  /** Asks the operator a yes/no question on the terminal. */
  confirm(question: string): Promise<boolean>;
}

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Exit codes (PRODUCT §9). */
export const EXIT = {
  ok: 0,
  /** Error findings, or a failed apply that was rolled back. */
  findings: 1,
  /** Unusable input (manifest, flags, refs): nothing was touched. */
  input: 2,
  /** A failed apply whose rollback did not complete. */
  operator: 3,
  /** A bug in tranche. */
  internal: 70,
} as const;
