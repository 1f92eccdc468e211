import type { ReleaseCheck } from '../../engine/check-release.js';
import { groupedFindings, countBySeverity, summarize } from './findings.js';
import { findingJson } from './json.js';

/** The findings of a release grouped by service; `from` names what the release starts from. */
export function renderCheck(result: ReleaseCheck, from: string | undefined): string {
  const services = result.to.manifest.services.size;
  const affected = new Set(result.findings.map((f) => f.service).filter(Boolean)).size;
  const lines = [`tranche check: ${result.env}, ${from ? `${from} → ` : ''}${result.to.label}, ${services} service${services === 1 ? '' : 's'}`, ''];
  if (result.findings.length) lines.push(groupedFindings(result.findings), '');
  for (const skip of result.skipped) lines.push(`note: ${skip.rules.join(', ')} skipped: ${skip.reason}`);
  lines.push(`${summarize(result.findings)}${affected ? ` in ${affected} service${affected === 1 ? '' : 's'}` : ''}`, '');
  return lines.join('\n');
}

/** `from`: the revision every service runs, when they run one. */
export function checkJson(result: ReleaseCheck): Record<string, unknown> {
  return {
    env: result.env,
    ...(result.changes.from ? { from: result.changes.from } : {}),
    to: { label: result.to.label, commit: result.to.commit },
    findings: result.findings.map(findingJson),
    skipped: result.skipped,
    summary: countBySeverity(result.findings),
  };
}
