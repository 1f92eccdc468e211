import type { Manifest } from '../manifest/manifest.js';
import { PLAN_FORMAT, type Plan, type VersionRef } from './plan.js';

/**
 * The plan of a record that deploys nothing in batches — `tranche down`, an adoption of what
 * runs: no batches, no findings, and what was recorded before it as its basis.
 */
export function planWithoutBatches(input: {
  manifest: Manifest;
  env: string;
  createdAt: string;
  intent: string;
  to: { commit: string; label: string };
  deployed?: Record<string, VersionRef>;
}): Plan {
  const { manifest, to } = input;
  return {
    format: PLAN_FORMAT,
    fleet: manifest.name,
    env: input.env,
    createdAt: input.createdAt,
    intent: input.intent,
    to,
    basis: { deployed: input.deployed ?? {}, toCommit: to.commit },
    policy: { batch_size: manifest.policy.batch_size, bake: manifest.policy.bake, on_failure: manifest.policy.on_failure },
    findings: [],
    batches: [],
    unchanged: [],
  };
}
