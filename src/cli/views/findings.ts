import { compareFindings, type Finding } from '../../core/finding.js';
import { formatLocation } from '../../core/location.js';
import type { Severity } from '../../core/rules/rule-ids.js';
import { appendTo } from '../../core/append-to.js';

/** `file:line:col: message`: one line per problem, the form of compilers and linters. */
export function locatedLines(findings: readonly Finding[]): string {
  return [...findings]
    .sort((a, b) => compareLocations(a, b) || compareFindings(a, b))
    .map((f) => `${f.location ? `${formatLocation(f.location)}: ` : ''}${f.message}${f.hint ? `\n  fix: ${f.hint}` : ''}`)
    .join('\n');
}

/** Findings grouped by service, each with its rule, key, location, message and fix. */
export function groupedFindings(findings: readonly Finding[]): string {
  const byService = new Map<string, Finding[]>();
  for (const f of [...findings].sort(compareFindings)) {
    appendTo(byService, f.service ?? '(fleet)', f);
  }
  const blocks: string[] = [];
  for (const [service, group] of byService) {
    const lines = [service];
    for (const f of group) {
      const head = [f.severity.padEnd(5), f.rule, f.key, f.env && `[${f.env}]`, f.location && formatLocation(f.location)].filter(Boolean).join('  ');
      lines.push(`  ${head}`, `      ${f.message}`);
      if (f.hint) lines.push(`      fix: ${f.hint}`);
    }
    blocks.push(lines.join('\n'));
  }
  return blocks.join('\n\n');
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warn: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** `2 errors, 1 warning` (or `no findings`). */
export function summarize(findings: readonly Finding[]): string {
  const c = countBySeverity(findings);
  const parts = [
    c.error && `${c.error} error${c.error === 1 ? '' : 's'}`,
    c.warn && `${c.warn} warning${c.warn === 1 ? '' : 's'}`,
    c.info && `${c.info} note${c.info === 1 ? '' : 's'}`,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'no findings';
}

function compareLocations(a: Finding, b: Finding): number {
  return (
    (a.location?.file ?? '').localeCompare(b.location?.file ?? '') ||
    (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
    (a.location?.column ?? 0) - (b.location?.column ?? 0)
  );
}
