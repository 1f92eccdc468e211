import { createHash, createHmac } from 'node:crypto';
import type { Redactor } from './redact-secrets.js';

/** A fingerprint key as stored and as given here: 32 random bytes as 64 lowercase hex digits. */
const KEY = /^[0-9a-f]{64}$/;

/** Whether `text` is a fingerprint key (see Fingerprinter). */
export function isFingerprintKey(text: string): boolean {
  return KEY.test(text);
}

/** How fingerprints looked before they were keyed: recognised in what a store recorded, never written. */
const PREVIOUS_SECRET = /^sha256:[0-9a-f]{8}$/;
const PREVIOUS_CONFIG = /^sha256:[0-9a-f]{16}$/;

/**
 * How secret values and whole configs are shown, stored and compared (PRODUCT §4): `hmac:` and
 * the first 16 hex digits of an HMAC-SHA256 under a key of the state store. Equal values give
 * equal fingerprints within a team's records; without the key, trying short values cannot tell
 * which value a fingerprint is of. The key is an argument: reading or making it is the caller's
 * business (the store holds it, see `Store.fingerprintKey`).
 *
 * A value is fingerprinted only because it is a secret, so every value fingerprinted is also
 * handed to `redactor`: from then on it is kept out of whatever text passes through it (output,
 * store rows), in any form.
 */
export class Fingerprinter {
  private readonly key: Buffer;

  constructor(
    key: string,
    private readonly redactor?: Redactor,
  ) {
    if (!isFingerprintKey(key)) throw new Error('internal error: a fingerprint key is 64 lowercase hex digits');
    this.key = Buffer.from(key, 'hex');
  }

  /** A secret value as shown: `hmac:` and 16 hex digits. */
  secret(text: string): string {
    this.redactor?.add([text]);
    return this.hmac('secret', text);
  }

  /** One hash of a config: every key and the text it gets, secrets included (the hash reveals none). */
  config(config: Readonly<Record<string, string>>): string {
    return this.hmac('config', configText(config));
  }

  /**
   * Whether `recorded` is the fingerprint of `text`: as shown now, or as tranche showed secrets
   * before fingerprints were keyed (`sha256:` and 8 hex digits), which a store may still hold.
   */
  isSecretOf(recorded: string, text: string): boolean {
    if (PREVIOUS_SECRET.test(recorded)) return recorded === `sha256:${sha256(text).slice(0, 8)}`;
    return recorded === this.secret(text);
  }

  /** Whether `recorded` is the hash of `config`: as made now, or as before hashes were keyed (`sha256:` and 16 hex digits). */
  isConfigOf(recorded: string, config: Readonly<Record<string, string>>): boolean {
    if (PREVIOUS_CONFIG.test(recorded)) return recorded === `sha256:${sha256(configText(config)).slice(0, 16)}`;
    return recorded === this.config(config);
  }

  private hmac(purpose: 'secret' | 'config', text: string): string {
    // The purpose is hashed in, so a secret's fingerprint is never a config's hash.
    return `hmac:${createHmac('sha256', this.key).update(`${purpose}\u0000${text}`).digest('hex').slice(0, 16)}`;
  }
}

/** Whether a recorded fingerprint or config hash is in the form from before fingerprints were keyed. */
export function isPreviousFormat(recorded: string): boolean {
  return PREVIOUS_SECRET.test(recorded) || PREVIOUS_CONFIG.test(recorded);
}

/** A config as one text, keys sorted: what its hash is of. */
function configText(config: Readonly<Record<string, string>>): string {
  return Object.keys(config)
    .sort()
    .map((key) => `${key}=${JSON.stringify(config[key])}\n`)
    .join('');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
