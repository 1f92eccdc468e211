import type { BatchKind } from '../core/plan/plan.js';
import type { Gate, ReleaseStatus } from '../core/state/records.js';

export type { Gate } from '../core/state/records.js';

/**
 * What a rollout reports as it goes. The CLI renders these (live on a terminal, plain lines
 * otherwise, JSON with --json) and the dashboard will too. Plain JSON, never a secret value.
 */
export type RolloutEvent =
  | { type: 'release'; phase: 'started' | 'finished'; releaseId: string; env: string; status?: ReleaseStatus; summary?: string }
  | { type: 'batch'; phase: 'started' | 'passed' | 'failed'; batch: number; total: number; kind: BatchKind; services: string[] }
  | { type: 'step'; action: 'deploy' | 'rollback' | 'stop'; phase: 'started' | 'done' | 'failed'; batch: number; service: string; detail?: string }
  | { type: 'gate'; gate: Gate; phase: 'started' | 'passed' | 'failed'; batch: number; detail?: string }
  | { type: 'check'; gate: Gate; batch: number; service: string; name: string; ok: boolean; message: string }
  | { type: 'note'; message: string };

export type EmitEvent = (event: RolloutEvent) => void;
