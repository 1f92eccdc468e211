import type { DocumentOptions, LineCounter, ParseOptions, SchemaOptions } from 'yaml';

/**
 * How both YAML readers call `parseDocument`: positions through `lineCounter`, one-line error
 * messages, duplicate keys as errors, and nothing logged (every warning becomes a problem). The
 * YAML 1.1 tags `yaml` would otherwise resolve in the core schema (`!!timestamp`, `!!binary`,
 * `!!set`, `!!omap`, `!!pairs`) are left unresolved, so they are reported like any unknown tag
 * instead of silently turning text into a Date or a Buffer.
 */
export function parseOptions(lineCounter: LineCounter): ParseOptions & DocumentOptions & SchemaOptions {
  return { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: 'error', resolveKnownTags: false };
}
