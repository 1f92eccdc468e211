import type { CheckKind } from '../core/manifest/manifest.js';

export type { CheckKind } from '../core/manifest/manifest.js';

/**
 * One check, ready to run: `${KEY}` and `${address}` already replaced by the service's resolved
 * config. `spec` is the check's body as written in the manifest under its kind.
 */
export interface RunnableCheck {
  kind: CheckKind;
  name: string;
  spec: Record<string, unknown> | string[];
  /** The service's base URL, for http checks with a `path`. */
  address?: string;
  timeoutMs: number;
  /** Working directory of a command check (default: the directory tranche runs in). */
  cwd?: string;
  /** Values that must never appear in a result's message (the service's secrets), as they were interpolated. */
  secrets?: string[];
}

/** The outcome of one run of a check; `message` says what was seen (never a secret value). */
export interface CheckResult {
  ok: boolean;
  message: string;
  durationMs: number;
}

/** Runs checks of every kind against real endpoints. Never throws for a failing check: returns ok: false. */
export interface CheckRunner {
  run(check: RunnableCheck, signal?: AbortSignal): Promise<CheckResult>;
}
