import { createHash } from 'node:crypto';
import type { KeySpec } from '../manifest/manifest.js';

/** `sha256:` and the first 8 hex digits of the value's hash: how a secret is shown, stored and compared. */
export function fingerprint(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex').slice(0, 8)}`;
}

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
export function showValue(spec: Pick<KeySpec, 'secret'>, raw: unknown, sourceText?: string): string {
  const text = rawText(raw, sourceText);
  return spec.secret ? fingerprint(text) : text;
}
