import type { ParseProblem } from '../location.js';
import { buildLockfile, type GraphNode } from './build-lockfile.js';
import type { LockfileParse } from './lockfile.js';

const HASH = /^h\d+:[A-Za-z0-9+/]+=*$/;

/**
 * Reads a `go.sum`: one `module version hash` line per module zip, plus `module version/go.mod hash`
 * lines for the go.mod files the module graph needed. A package is a module at a version whose
 * code is hashed; `/go.mod` lines add no package of their own, and a version seen only through its
 * go.mod (an older version the graph considered but did not select) is not built, so it is left
 * out. go.sum records no graph: `direct` (the `require` lines of go.mod without `// indirect`)
 * marks the direct modules, and without it every module counts as direct.
 */
export function parseGoSum(text: string, direct?: readonly string[]): LockfileParse {
  const problems: ParseProblem[] = [];
  const nodes = new Map<string, GraphNode>();
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const fields = [...raw.matchAll(/\S+/g)].map((match) => ({ text: match[0], column: match.index + 1 }));
    if (fields.length === 0) return;
    const [module, version, hash] = fields;
    if (!module || !version || !hash || fields.length > 3) {
      problems.push({ message: 'expected a line of the form: module version hash', line, column: module?.column ?? 1 });
      return;
    }
    if (!version.text.startsWith('v')) {
      problems.push({ message: `expected a version starting with v, found ${version.text}`, line, column: version.column });
      return;
    }
    if (!HASH.test(hash.text)) {
      problems.push({ message: 'expected a hash of the form h1:<base64>', line, column: hash.column });
      return;
    }
    if (version.text.endsWith('/go.mod')) return;
    const id = `${module.text}@${version.text}`;
    if (!nodes.has(id)) nodes.set(id, { name: module.text, version: version.text, line, dependencies: [] });
  });
  const wanted = direct === undefined ? undefined : new Set(direct);
  const directIds = [...nodes].filter(([, node]) => wanted === undefined || wanted.has(node.name)).map(([id]) => id);
  return { lockfile: buildLockfile('go', nodes, directIds, false), problems };
}
