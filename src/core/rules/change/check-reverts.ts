import type { ChangeManifest } from '../../changes/change-manifest.js';
import type { RangeCommit } from '../../changes/analyze-changes.js';
import type { Finding } from '../../finding.js';
import { listed } from '../../listed.js';

/**
 * `change/reverts-deployed`: a service runs a commit the target does not contain (deployed from
 * a hotfix branch, then a release of a branch without it), and releasing the target would undo
 * what that commit changed in the service. `dropped` holds, per deployed commit the target does
 * not contain, the commits reachable from it and not from the target, less those the target has
 * as a patch of its own (a cherry-pick). A dropped commit counts for a service only when it
 * touched a file the release changes there.
 */
export function checkRevertsDeployed(changes: ChangeManifest, dropped: ReadonlyMap<string, readonly RangeCommit[]>): Finding[] {
  const findings: Finding[] = [];
  for (const service of changes.services) {
    const commits = service.from ? dropped.get(service.from.commit) : undefined;
    if (!commits?.length) continue;
    const paths = new Set(service.files.flatMap((f) => (f.from !== undefined ? [f.path, f.from] : [f.path])));
    const undone = commits.filter((c) => c.files.some((f) => paths.has(f)));
    if (!undone.length) continue;
    const files = [...new Set(undone.flatMap((c) => c.files.filter((f) => paths.has(f))))];
    findings.push({
      rule: 'change/reverts-deployed',
      severity: 'error',
      service: service.service,
      env: changes.env,
      message:
        `${service.service} runs ${service.from!.label} in ${changes.env}, and the target does not contain ${undone.length === 1 ? 'a commit' : `${undone.length} commits`} of it: ` +
        `releasing the target would undo ${listed(
          undone.map((c) => `${c.sha.slice(0, 7)} "${c.subject}" (${c.author})`),
          10,
        )} in ${listed(files, 10)}`,
      hint: 'merge those commits into the target first (or revert them on purpose, in a commit of their own), then release',
      location: { file: files[0]! },
    });
  }
  return findings;
}
