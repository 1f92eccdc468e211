import type { ChangeManifest, ServiceChanges } from '../../core/changes/change-manifest.js';

const short = (sha: string) => sha.slice(0, 7);

function serviceLines(s: ServiceChanges, bullet: string, code: (t: string) => string): string[] {
  const lines = [`${s.service} — ${s.kinds.join(', ') || 'no kind'}`];
  for (const c of s.commits) lines.push(`${bullet}${code(short(c.sha))} ${c.subject} (${c.author}, ${c.date.slice(0, 10)})`);
  for (const f of s.files) lines.push(`${bullet}${f.status} ${code(f.path)} [${f.kind}]`);
  for (const k of s.configKeys) lines.push(`${bullet}${code(k.key)}: ${k.from ?? '(unset)'} → ${k.to ?? '(unset)'}`);
  for (const d of s.deps) {
    const how = [d.semver, d.direct ? 'direct' : `transitive${d.via.length ? ` via ${d.via.join(', ')}` : ''}`].filter(Boolean).join(', ');
    lines.push(`${bullet}${code(d.name)} ${d.from ?? '(added)'} → ${d.to ?? '(removed)'} (${how})`);
  }
  return lines;
}

/** Per service: kinds, commits, files, config keys old → new, dependency changes. */
export function renderChanges(changes: ChangeManifest): string {
  const lines = [`tranche changes: ${changes.env}, ${changes.from.label} → ${changes.to.label}`, ''];
  if (!changes.services.length) lines.push('no service changes');
  for (const s of changes.services) {
    const [head, ...rest] = serviceLines(s, '    ', (t) => t);
    lines.push(head!, ...rest, '');
  }
  if (changes.unowned.length) lines.push(`files no service owns: ${changes.unowned.join(', ')}`, '');
  return lines.join('\n');
}

/** The same as markdown, fit for a pull-request comment. */
export function changesMarkdown(changes: ChangeManifest): string {
  const lines = [`### tranche: what ${short(changes.to.commit)} changes in ${changes.env}`, '', `From \`${changes.from.label}\` to \`${changes.to.label}\`.`, ''];
  if (!changes.services.length) lines.push('No service changes.');
  lines.push('| service | changes | commits | files |', '|---|---|---|---|');
  for (const s of changes.services) lines.push(`| ${s.service} | ${s.kinds.join(', ')} | ${s.commits.length} | ${s.files.length} |`);
  lines.push('');
  for (const s of changes.services) {
    const [head, ...rest] = serviceLines(s, '- ', (t) => `\`${t}\``);
    lines.push(`<details><summary><b>${head}</b></summary>`, '', ...rest, '', '</details>', '');
  }
  if (changes.unowned.length) lines.push(`Files no service owns: ${changes.unowned.map((f) => `\`${f}\``).join(', ')}`, '');
  return lines.join('\n');
}
