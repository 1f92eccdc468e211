import { join } from 'node:path';
import { interpolate } from '../core/checks/interpolate.js';
import { dependsOnlyOnConfig } from '../core/checks/preflight.js';
import { parseDuration } from '../core/config/duration.js';
import { sanityNames } from '../core/plan/build-plan.js';
import { CHECK_KINDS, type Check } from '../core/manifest/manifest.js';
import type { RunnableCheck } from '../ports/check-runner.js';
import type { ResolvedService } from './resolve-service.js';

const DEFAULT_TIMEOUT_MS = 5000;

/** A check ready to run, or why it cannot be (a `${KEY}` the config does not have). */
export type PreparedCheck = { check: RunnableCheck } | { name: string; problem: string };

/** The service's health check and sanity checks, interpolated with its config. */
export function serviceChecks(resolved: ResolvedService, fleetRoot: string): { health?: PreparedCheck; sanity: PreparedCheck[] } {
  const checks = resolved.service.checks ?? {};
  const names = sanityNames(resolved.service);
  return {
    ...(checks.health ? { health: prepare(checks.health, 'health', resolved, fleetRoot) } : {}),
    sanity: (checks.sanity ?? []).map((raw, i) => prepare(raw, names[i]!, resolved, fleetRoot)),
  };
}

/** The checks of a service that depend on config alone: run with the new config before deploying. */
export function preflightChecks(resolved: ResolvedService, fleetRoot: string): PreparedCheck[] {
  const checks = resolved.service.checks ?? {};
  const names = sanityNames(resolved.service);
  const all = [...(checks.health ? [{ raw: checks.health, name: 'health' }] : []), ...(checks.sanity ?? []).map((raw, i) => ({ raw, name: names[i]! }))];
  return all
    .filter(({ raw }) => {
      const kind = CHECK_KINDS.find((k) => raw[k] !== undefined);
      return kind !== undefined && dependsOnlyOnConfig(kind, raw[kind]);
    })
    .map(({ raw, name }) => prepare(raw, name, resolved, fleetRoot));
}

function prepare(raw: Check, name: string, resolved: ResolvedService, fleetRoot: string): PreparedCheck {
  const kind = CHECK_KINDS.find((k) => raw[k] !== undefined)!;
  const vars = { ...resolved.environment, ...(resolved.address !== undefined ? { address: resolved.address } : {}) };
  const { value, missing } = interpolate(raw[kind], vars);
  if (missing.length) return { name, problem: `uses ${missing.map((m) => `\${${m}}`).join(', ')}, which the config of ${resolved.service.name} does not set` };
  const timeout = typeof raw.timeout === 'string' ? parseDuration(raw.timeout) : undefined;
  return {
    check: {
      kind,
      name,
      spec: value as RunnableCheck['spec'],
      ...(resolved.address !== undefined ? { address: resolved.address } : {}),
      timeoutMs: timeout ?? DEFAULT_TIMEOUT_MS,
      cwd: join(fleetRoot, resolved.service.path),
      secrets: resolved.secrets,
    },
  };
}
