import type { Finding } from '../finding.js';
import { joinRepoPath } from '../manifest/repo-path.js';
import type { Service, SourceSpec } from '../manifest/manifest.js';
import { parseConfigFile } from './parse-config-file.js';
import { parseDotenv } from './parse-dotenv.js';

/** One key set by a config source file; line and column locate the key. */
export interface SourceEntry {
  key: string;
  value: unknown;
  line: number;
  column: number;
  sourceText?: string;
}

/** A config source file as read at one revision. */
export interface SourceFile {
  path: string;
  format: SourceSpec['format'];
  /** Whether git tracks the file (a secret read from it is then in the repository in plain text). */
  tracked: boolean;
  /** The entry that wins within the file (the last one, for a key a dotenv file sets twice). */
  byKey: Map<string, SourceEntry>;
}

/** Config source files by repo path. A path that is absent does not exist at that revision. */
export type SourceFiles = ReadonlyMap<string, SourceFile>;

/** The repo path a source entry names in one environment. */
export function sourcePath(service: Service, source: SourceSpec, env: string): string {
  // The template was checked to stay inside the repository when the manifest was built.
  return joinRepoPath(service.path, source.template.replaceAll('{env}', env)) ?? source.template;
}

/**
 * Parses one source file. Syntax problems make the fleet unusable (exit 2), so they come back as
 * `manifest/invalid` findings located in the file itself.
 */
export function readSourceFile(
  path: string,
  format: SourceSpec['format'],
  text: string,
  tracked: boolean,
): { file: SourceFile; findings: Finding[] } {
  const parsed = format === 'dotenv' ? parseDotenv(text) : parseConfigFile(text);
  const byKey = new Map<string, SourceEntry>();
  for (const entry of parsed.entries) byKey.set(entry.key, entry);
  const findings: Finding[] = parsed.problems.map((p) => ({
    rule: 'manifest/invalid',
    severity: 'error',
    message: p.message,
    location: { file: path, line: p.line, column: p.column },
  }));
  return { file: { path, format, tracked, byKey }, findings };
}
