import type { ChangeKind, ChangeManifest } from '../../changes/change-manifest.js';
import type { Finding } from '../../finding.js';
import { listed } from '../../listed.js';

export interface ChangeRuleInput {
  changes: ChangeManifest;
  intent?: string;
  /** The declared scope of the release: what it may change. */
  scope?: ChangeKind[];
  /** Per service, its files that differ from HEAD in the working tree (when the target is HEAD). */
  uncommitted?: Map<string, string[]>;
  /** `--allow-dirty`, allowed only for the least critical environment. */
  allowDirty: boolean;
}

/**
 * The change rules of a release (PRODUCT §5): `change/unrelated` (a service changes outside the
 * declared scope: the commits and files that do it), `change/no-intent`, `change/uncommitted`
 * (the target is HEAD and a service's paths have uncommitted changes).
 */
export function checkChangeRules(input: ChangeRuleInput): Finding[] {
  const { changes } = input;
  const findings: Finding[] = [];
  if (input.intent === undefined || input.intent.trim() === '') {
    findings.push({
      rule: 'change/no-intent',
      severity: 'warn',
      env: changes.env,
      message: 'the release has no intent: say in one line why it goes out',
      hint: 'add --intent "…" (it is recorded with the release)',
    });
  }
  if (input.scope) {
    for (const service of changes.services) {
      const outside = service.kinds.filter((k) => !input.scope!.includes(k));
      if (!outside.length) continue;
      const files = service.files.filter((f) => outside.includes(f.kind) && !f.noEffectHere);
      const paths = new Set(files.flatMap((f) => (f.from !== undefined ? [f.path, f.from] : [f.path])));
      const commits = service.commits.filter((c) => c.files.some((f) => paths.has(f)));
      const list = [
        commits.length
          ? `commits ${listed(
              commits.map((c) => `${c.sha.slice(0, 7)} "${c.subject}" (${c.author})`),
              10,
              '; ',
            )}`
          : 'no commit of the range (the target lacks what runs, or history was rewritten)',
        files.length
          ? `files ${listed(
              files.map((f) => f.path),
              20,
            )}`
          : service.unreadable !== undefined
            ? 'what it runs cannot be read'
            : service.from
              ? 'its resolved config'
              : 'all of it: it is new here',
      ].join('; ');
      findings.push({
        rule: 'change/unrelated',
        severity: 'error',
        service: service.service,
        env: changes.env,
        message: `the release is scoped to ${input.scope.join(', ')}, but it also changes the ${outside.join(' and ')} of ${service.service}: ${list}`,
        hint: 'release those commits separately, or widen --scope if they belong to this release',
        ...(files[0] ? { location: { file: files[0].path } } : {}),
      });
    }
  }
  if (!input.allowDirty) {
    for (const [service, files] of input.uncommitted ?? []) {
      findings.push({
        rule: 'change/uncommitted',
        severity: 'error',
        service,
        env: changes.env,
        message: `the target is HEAD, but ${service} has uncommitted changes: ${listed(files, 20)}; they would not be deployed, and nobody could tell`,
        hint: 'commit or stash them (--allow-dirty is accepted for the first environment only)',
        location: { file: files[0]! },
      });
    }
  }
  return findings;
}
