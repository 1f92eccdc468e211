import type { KeySpec } from '../manifest/manifest.js';
import type { Fingerprinter } from './fingerprint.js';

/** A raw value as text: strings as they are, plain YAML scalars as written, anything else as JSON. */
export function rawText(raw: unknown, sourceText?: string): string {
  if (typeof raw === 'string') return raw;
  if (sourceText !== undefined) return sourceText;
  if (raw === null || raw === undefined) return '';
  return typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
}

/**
 * The only way a config value reaches a person or a store: secrets become their fingerprint,
 * everything else its text.
 */
export function showValue(fingerprints: Fingerprinter, spec: Pick<KeySpec, 'secret'>, raw: unknown, sourceText?: string): string {
  const text = rawText(raw, sourceText);
  return spec.secret ? fingerprints.secret(text) : text;
}
