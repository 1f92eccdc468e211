import type { ChangeSink } from './change-sink.js';

const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

function parse(version: unknown): [number, number, number] | undefined {
  const m = typeof version === 'string' ? SEMVER.exec(version) : null;
  return m === null ? undefined : [Number(m[1]), Number(m[2]), Number(m[3])];
}

/**
 * A revision with an ERR change should say so in `info.version` (semantic versions only; other
 * version schemes are left alone): the same version, a lower one, or one whose major part (minor
 * below 1.0) did not grow are noted. Runs after every other comparison.
 */
export function checkApiVersion(baseVersion: unknown, revisionVersion: unknown, sink: ChangeSink): void {
  const base = parse(baseVersion);
  const revision = parse(revisionVersion);
  if (base === undefined || revision === undefined || !sink.changes.some((c) => c.level === 'ERR')) return;
  const where = { path: 'info/version' };
  const order = revision[0] - base[0] || revision[1] - base[1] || revision[2] - base[2];
  const majorBumped = base[0] === 0 && revision[0] === 0 ? revision[1] > base[1] : revision[0] > base[0];
  if (baseVersion === revisionVersion) sink.emit('api-version-not-bumped', `breaking changes but the version stays ${String(revisionVersion)}`, where);
  else if (order <= 0) sink.emit('api-version-decreased', `version went from ${String(baseVersion)} to ${String(revisionVersion)}`, where);
  else if (!majorBumped)
    sink.emit('api-major-version-not-bumped', `breaking changes but the version went only from ${String(baseVersion)} to ${String(revisionVersion)}`, where);
}
