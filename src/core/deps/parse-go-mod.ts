import type { ParseProblem } from '../location.js';
import type { LockedPackage, LockfileParse } from './lockfile.js';
import { compareVersions } from './semver.js';

/**
 * Reads a `go.mod` as what the module builds with: each `require` (single or in a block) is a
 * module at the version minimal version selection picks (since Go 1.17 go.mod lists the whole
 * build list), direct unless marked `// indirect`; a `replace` of a module by another version
 * takes its place. go.sum, which also keeps versions the graph only considered, is not what
 * changes in a release: go.mod is. go.mod records no graph (`tracesVia` false).
 */
export function parseGoMod(text: string): LockfileParse {
  const problems: ParseProblem[] = [];
  const required = new Map<string, LockedPackage>();
  const replaced = new Map<string, string>();
  let block: 'require' | 'replace' | 'other' | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const comment = raw.indexOf('//');
    const indirect = comment >= 0 && /^\/\/\s*indirect\b/.test(raw.slice(comment));
    const code = (comment >= 0 ? raw.slice(0, comment) : raw).trim();
    if (!code) return;
    if (block) {
      if (code === ')') block = undefined;
      else if (block === 'require') require(code, line, indirect, raw.indexOf(code) + 1);
      else if (block === 'replace') replace(code, line);
      return;
    }
    const [directive, ...rest] = code.split(/\s+/);
    if (rest.join(' ') === '(') {
      block = directive === 'require' ? 'require' : directive === 'replace' ? 'replace' : 'other';
      return;
    }
    if (directive === 'require') require(rest.join(' '), line, indirect, raw.indexOf(rest[0] ?? '') + 1);
    else if (directive === 'replace') replace(rest.join(' '), line);
  });
  if (block) problems.push({ message: `a ${block} ( block is not closed`, line: text.split('\n').length, column: 1 });

  function require(spec: string, line: number, indirect: boolean, column: number) {
    const [module, version, extra] = spec.split(/\s+/);
    if (!module || !version || extra !== undefined || !version.startsWith('v')) {
      problems.push({ message: 'expected a require of the form: module version', line, column });
      return;
    }
    required.set(module, { name: module, version, direct: !indirect, via: [], line });
  }
  function replace(spec: string, line: number) {
    // `old [v] => new v`: only a replacement by a version of a module moves what is built.
    const match = /^(\S+)(?:\s+\S+)?\s*=>\s*(\S+)\s+(v\S+)$/.exec(spec);
    if (match) replaced.set(match[1]!, match[3]!);
    else if (!/=>/.test(spec)) problems.push({ message: 'expected a replace of the form: module => replacement [version]', line, column: 1 });
  }

  const packages = [...required.values()].map((pkg) => (replaced.has(pkg.name) ? { ...pkg, version: replaced.get(pkg.name)! } : pkg));
  packages.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : compareVersions(a.version, b.version)));
  return problems.length ? { problems } : { lockfile: { format: 'go', packages, tracesVia: false }, problems };
}
