import type { ParseProblem } from '../location.js';
import { buildLockfile, type GraphNode } from './build-lockfile.js';
import type { LockfileParse } from './lockfile.js';

/** `name`, `name[extra,…]`, then whatever follows. */
const REQUIREMENT = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*(.*)$/;

interface Requirement {
  name: string;
  version: string;
  line: number;
  /** pip-compile's `# via` entries: parent packages, or the input file that asks for it (`-r requirements.in`). */
  via: string[];
}

/**
 * Reads a pip `requirements.txt`. Only pinned lines (`name==1.2.3`, `name===1.2.3`) are locked
 * packages; ranges, URLs, paths and options (`-r`, `-c`, `-e`, `--hash`, `--index-url`…) are
 * tolerated and skipped, as are comments and environment markers (`; python_version < "3.11"`).
 * Names are normalised as PyPI compares them (`Foo_Bar` is `foo-bar`). pip-compile's `# via`
 * annotations (below a requirement, or on its line) give the dependency graph: a package asked
 * for by an input file is direct. Without them `direct` names the direct packages, and without
 * either every pinned package is direct.
 */
export function parseRequirementsTxt(text: string, direct?: readonly string[]): LockfileParse {
  const problems: ParseProblem[] = [];
  const requirements = new Map<string, Requirement>();
  let annotated = false;
  let last: Requirement | undefined;
  let inVia = false;
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1;
    let logical = lines[index]?.replace(/\r$/, '') ?? '';
    while (/(^|[^\\])\\$/.test(logical) && index + 1 < lines.length) {
      logical = `${logical.slice(0, -1)} ${lines[++index]?.replace(/\r$/, '') ?? ''}`;
    }
    const trimmed = logical.trim();
    const column = logical.length - logical.trimStart().length + 1;
    if (trimmed.startsWith('#')) {
      const via = /^#\s+via(?:\s+(.*))?$/.exec(trimmed);
      const more = /^#\s{2,}(\S.*)$/.exec(trimmed);
      if (via && last) {
        annotated = inVia = true;
        if (via[1]) last.via.push(via[1].trim());
      } else if (more?.[1] && inVia && last) {
        last.via.push(more[1].trim());
      } else {
        inVia = false;
      }
      continue;
    }
    inVia = false;
    if (trimmed === '' || trimmed.startsWith('-') || /^[./~]|:\/\//.test(trimmed)) continue;
    // pip-compile --annotation-style=line: `markupsafe==2.1.3  # via jinja2, werkzeug`
    const inlineVia = /\s#\s*via\s+(.+)$/.exec(trimmed)?.[1]?.split(/,\s*/) ?? [];
    const spec =
      trimmed
        .replace(/\s+#.*$/, '')
        .replace(/\s--?[a-z].*$/, '')
        .split(';')[0]
        ?.trim() ?? '';
    const match = REQUIREMENT.exec(spec);
    if (!match) {
      problems.push({ message: 'expected a requirement such as name==1.2.3', line: lineNumber, column });
      continue;
    }
    const [, rawName = '', rest = ''] = match;
    if (rest === '' || rest.startsWith('@') || !/^===?/.test(rest)) continue;
    const pinned = /^===?\s*([^\s,]+)$/.exec(rest);
    if (!pinned?.[1]) {
      problems.push({ message: `expected a single version after == for ${rawName}`, line: lineNumber, column });
      continue;
    }
    if (pinned[1].includes('*')) continue;
    const name = normalizeName(rawName);
    const earlier = requirements.get(name);
    if (earlier) {
      if (earlier.version !== pinned[1]) {
        const message = `${name} is pinned to ${earlier.version} at line ${earlier.line} and to ${pinned[1]} here`;
        problems.push({ message, line: lineNumber, column });
      }
      last = earlier;
      continue;
    }
    last = { name, version: pinned[1], line: lineNumber, via: inlineVia };
    if (inlineVia.length > 0) annotated = true;
    requirements.set(name, last);
  }
  const nodes = new Map<string, GraphNode & { dependencies: string[] }>();
  for (const { name, version, line } of requirements.values()) nodes.set(name, { name, version, line, dependencies: [] });
  const fromInput: string[] = [];
  for (const requirement of requirements.values()) {
    if (requirement.via.length === 0) fromInput.push(requirement.name);
    for (const entry of requirement.via) {
      const parent = nodes.get(normalizeName(entry));
      if (parent && !isInputFile(entry)) parent.dependencies.push(requirement.name);
      else fromInput.push(requirement.name);
    }
  }
  const directIds = direct !== undefined ? direct.map(normalizeName) : annotated ? fromInput : [...nodes.keys()];
  return { lockfile: buildLockfile('pip', nodes, directIds, annotated), problems };
}

/** PEP 503: case-insensitive, with runs of `-`, `_` and `.` the same. */
function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** A `# via` entry naming an input rather than a package: `-r requirements.in`, `pyproject.toml`, `app (setup.cfg)`. */
function isInputFile(entry: string): boolean {
  return entry.startsWith('-') || entry.includes('(') || entry.includes('/') || /\.(in|txt|toml|py|cfg)$/.test(entry);
}
