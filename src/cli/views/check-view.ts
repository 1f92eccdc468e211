import type { ReleaseCheck } from '../../engine/check-release.js';
import { groupedFindings, countBySeverity, summarize } from './findings.js';
import { findingJson } from './json.js';

export function renderCheck(result: ReleaseCheck): string {
  const services = result.to.manifest.services.size;
  const affected = new Set(result.findings.map((f) => f.service).filter(Boolean)).size;
  const lines = [
    `tranche check: ${result.env}, ${result.from ? `${result.from.label} → ` : ''}${result.to.label}, ${services} service${services === 1 ? '' : 's'}`,
    '',
  ];
  if (result.findings.length) lines.push(groupedFindings(result.findings), '');
  for (const skip of result.skipped) lines.push(`note: ${skip.rules.join(', ')} skipped: ${skip.reason}`);
  lines.push(`${summarize(result.findings)}${affected ? ` in ${affected} service${affected === 1 ? '' : 's'}` : ''}`, '');
  return lines.join('\n');
}

export function checkJson(result: ReleaseCheck): Record<string, unknown> {
  const revision = (r: ReleaseCheck['to']) => ({ label: r.label, ...(r.commit ? { commit: r.commit } : {}) });
  return {
    env: result.env,
    ...(result.from ? { from: revision(result.from) } : {}),
    to: revision(result.to),
    findings: result.findings.map(findingJson),
    skipped: result.skipped,
    summary: countBySeverity(result.findings),
  };
}
