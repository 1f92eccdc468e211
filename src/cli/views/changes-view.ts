import type { ChangeManifest, ServiceChanges } from '../../core/changes/change-manifest.js';
import { listed } from '../../core/listed.js';
import { oneLine } from '../io.js';
import { htmlText, mdCode, mdText } from './markdown.js';

const short = (sha: string) => sha.slice(0, 7);

/** How much of each list a view shows; the rest is counted. */
interface Limits {
  commits: number;
  files: number;
  keys: number;
  deps: number;
}
const TEXT_LIMITS: Limits = { commits: 200, files: 500, keys: 500, deps: 500 };
const MARKDOWN_LIMITS: Limits = { commits: 20, files: 30, keys: 30, deps: 30 };

/** How a view writes what came from commits, files and config: on its line, or escaped for markdown. */
interface Writer {
  text(t: string): string;
  code(t: string): string;
  bullet: string;
}
const PLAIN: Writer = { text: oneLine, code: oneLine, bullet: '    ' };
const MARKDOWN: Writer = { text: mdText, code: (t) => mdCode(t), bullet: '- ' };

/** What a service's change starts from, as a header says it. */
function origin(s: ServiceChanges, changes: ChangeManifest): string {
  if (s.unreadable !== undefined) return `, from ${short(s.from!.commit)}, which cannot be read`;
  if (!s.from) return ', new in this environment';
  return changes.from ? '' : `, from ${short(s.from.commit)}`;
}

function serviceLines(s: ServiceChanges, w: Writer, limits: Limits): string[] {
  const lines: string[] = [];
  const more = (shown: number, total: number, what: string) => {
    if (total > shown) lines.push(`${w.bullet}… and ${total - shown} more ${what}`);
  };
  for (const c of s.commits.slice(0, limits.commits))
    lines.push(`${w.bullet}${w.code(short(c.sha))} ${w.text(c.subject)} (${w.text(c.author)}, ${c.date.slice(0, 10)})`);
  more(limits.commits, s.commits.length, 'commits');
  for (const f of s.files.slice(0, limits.files)) {
    const path = f.from !== undefined ? `${w.code(f.from)} → ${w.code(f.path)}` : w.code(f.path);
    lines.push(`${w.bullet}${f.status} ${path} [${f.kind}${f.noEffectHere ? ', changes nothing in this environment' : ''}]`);
  }
  more(limits.files, s.files.length, 'files');
  for (const k of s.configKeys.slice(0, limits.keys))
    lines.push(`${w.bullet}${w.code(k.key)}: ${k.from === null ? '(unset)' : w.code(k.from)} → ${k.to === null ? '(unset)' : w.code(k.to)}`);
  more(limits.keys, s.configKeys.length, 'config keys');
  for (const d of s.deps.slice(0, limits.deps)) {
    const how = [
      d.breaking ? `${d.semver}, breaking` : d.semver,
      d.direct ? 'direct' : `transitive${d.via.length ? ` via ${listed(d.via, 5)}` : ''}`,
      d.dev ? 'development only' : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    lines.push(
      `${w.bullet}${w.code(d.name)} ${d.from === undefined ? '(added)' : w.code(d.from)} → ${d.to === undefined ? '(removed)' : w.code(d.to)} (${w.text(how)})`,
    );
  }
  more(limits.deps, s.deps.length, 'dependency changes');
  if (s.unreadable !== undefined) lines.push(`${w.bullet}${w.text(s.unreadable)}`);
  return lines;
}

/** `deployed (e30d538) → HEAD (e699689)`: `from` names what the release starts from (see baseline-label). */
function range(changes: ChangeManifest, from: string | undefined): string {
  return `${from ?? 'nothing deployed'} → ${changes.to.label}`;
}

/** Per service: kinds, commits, files, config keys old → new, dependency changes; `from` as in the header of check. */
export function renderChanges(changes: ChangeManifest, from: string | undefined): string {
  const lines = [`tranche changes: ${changes.env}, ${range(changes, from)}`, ''];
  if (!changes.services.length) lines.push('no service changes');
  for (const s of changes.services)
    lines.push(`${s.service} — ${s.kinds.join(', ') || 'nothing here'}${origin(s, changes)}`, ...serviceLines(s, PLAIN, TEXT_LIMITS), '');
  if (changes.unowned.length) lines.push(`files no service owns: ${listed(changes.unowned, TEXT_LIMITS.files)}`, '');
  return lines.join('\n');
}

/**
 * The same as markdown, fit for a pull-request comment: everything that comes from commits,
 * files and config is escaped (no HTML, mention or table break gets through), and long lists are
 * cut with a count.
 */
export function changesMarkdown(changes: ChangeManifest, from: string | undefined): string {
  const lines = [`### tranche: what ${short(changes.to.commit)} changes in ${mdText(changes.env)}`, '', `${mdText(range(changes, from))}.`, ''];
  if (!changes.services.length) lines.push('No service changes.');
  lines.push('| service | changes | commits | files |', '|---|---|---|---|');
  for (const s of changes.services) lines.push(`| ${mdText(s.service)} | ${s.kinds.join(', ')} | ${s.commits.length} | ${s.files.length} |`);
  lines.push('');
  for (const s of changes.services) {
    const head = `${s.service} — ${s.kinds.join(', ') || 'nothing here'}${origin(s, changes)}`;
    lines.push(`<details><summary><b>${htmlText(head)}</b></summary>`, '', ...serviceLines(s, MARKDOWN, MARKDOWN_LIMITS), '', '</details>', '');
  }
  if (changes.unowned.length)
    lines.push(
      `Files no service owns: ${listed(
        changes.unowned.map((f) => mdCode(f)),
        MARKDOWN_LIMITS.files,
      )}`,
      '',
    );
  return lines.join('\n');
}
