import type { Finding } from '../finding.js';
import { buildManifest } from './build-manifest.js';
import { checkReferences } from './check-references.js';
import { checkSchema } from './check-schema.js';
import type { Manifest } from './manifest.js';
import { readYaml } from '../yaml/read-yaml.js';

export const MANIFEST_FILE = 'tranche.yaml';

/**
 * The manifest and every problem found in it. The manifest is usable only when `findings` is
 * empty; it is also given alongside problems (built defensively) so that later checks — paths
 * that must exist at the revision — can add theirs to the same report. It is absent only when the
 * YAML itself does not parse.
 */
export interface ParsedManifest {
  manifest?: Manifest;
  findings: Finding[];
}

/**
 * Parses and validates `tranche.yaml`: YAML syntax (duplicate keys included), the JSON Schema,
 * then what the schema cannot say (references, cycles, defaults of the declared type). Every
 * problem is a `manifest/invalid` finding located at `file:line:column`, all reported together.
 */
export function parseManifest(text: string, file = MANIFEST_FILE): ParsedManifest {
  const read = readYaml(text, file);
  if (!read.yaml) return { findings: read.findings };
  const { data, locate, plainText } = read.yaml;
  if (data === null || data === undefined) {
    return { findings: [{ rule: 'manifest/invalid', severity: 'error', message: `${file} is empty`, location: { file, line: 1, column: 1 } }] };
  }
  const findings = checkSchema(data, locate);
  const built = buildManifest(data, plainText, locate);
  findings.push(...built.findings, ...checkReferences(built.manifest));
  return { manifest: built.manifest, findings };
}
