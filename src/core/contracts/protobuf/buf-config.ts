import { BUF_RULES, type BufConfigVersion } from './buf-rules.js';

/**
 * A breaking-change configuration as buf reads it from `buf.yaml`: `use` and `except` list rule
 * ids and categories (FILE, PACKAGE, WIRE_JSON, WIRE), `ignore` paths relative to the root (a
 * file, or a directory and everything under it), `ignoreUnstablePackages` skips what belongs to
 * packages like `foo.v1beta1`, `foo.v1alpha2`, `foo.v1test`.
 */
export interface BufConfig {
  version: BufConfigVersion;
  use: readonly string[];
  except: readonly string[];
  ignore: readonly string[];
  ignoreUnstablePackages: boolean;
}

/** The categories a breaking config may use. */
export const BUF_CATEGORIES = ['FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'] as const;

/** buf's default: config v1, the FILE category. */
export const DEFAULT_BUF_CONFIG: BufConfig = { version: 'v1', use: ['FILE'], except: [], ignore: [], ignoreUnstablePackages: false };

/**
 * The rule ids a config checks: `use` minus `except`, categories expanded for its version,
 * deprecated ids replaced by the ids that replace them. An id or category buf does not know (in
 * that version) is returned in `unknown`, for the caller to report.
 */
export function rulesInEffect(config: BufConfig): { rules: Set<string>; unknown: string[] } {
  const unknown: string[] = [];
  const expand = (names: readonly string[]) => {
    const ids = new Set<string>();
    for (const name of names) {
      const inCategory = Object.entries(BUF_RULES).filter(([, facts]) => facts.categories[config.version]?.includes(name));
      if (inCategory.length > 0 || name === 'CSR') {
        for (const [id] of inCategory) ids.add(id);
        continue;
      }
      const facts = BUF_RULES[name];
      if (!facts?.categories[config.version]) {
        unknown.push(name);
        continue;
      }
      for (const id of facts.replacedBy ?? (facts.noop ? [] : [name])) ids.add(id);
    }
    return ids;
  };
  const excluded = expand(config.except);
  const rules = new Set([...expand(config.use)].filter((id) => !excluded.has(id)));
  return { rules, unknown };
}

/** True for a package buf calls unstable: its last component a version like v1alpha, v2beta1, v1p1beta1 or v1test. */
export function isUnstablePackage(name: string | undefined): boolean {
  const last = name?.split('.').pop() ?? '';
  return /^v\d+(p\d+)?(alpha|beta)\d*$/.test(last) || /^v\d+test.*$/.test(last);
}

/** True when `path` (relative to the root) is one of `ignore` or under one of its directories. */
export function isIgnored(path: string | undefined, ignore: readonly string[]): boolean {
  if (path === undefined) return false;
  return ignore.some((entry) => {
    const prefix = entry.replace(/\/+$/, '');
    return path === prefix || path.startsWith(`${prefix}/`);
  });
}
