import Database from 'better-sqlite3';
import { Fingerprinter } from '../../src/core/config/fingerprint.js';

/** A fixed fingerprint key, for tests of what is fingerprinted rather than of the key. */
export const TEST_KEY = 'a5'.repeat(32);

/** Fingerprints under TEST_KEY. */
export const testFingerprints = new Fingerprinter(TEST_KEY);

/** Fingerprints under the key a SQLite state store holds. */
export function storeFingerprints(stateDb: string): Fingerprinter {
  const db = new Database(stateDb, { readonly: true });
  try {
    const row = db.prepare('SELECT key FROM fingerprint_key').get() as { key: string } | undefined;
    if (!row) throw new Error(`${stateDb} holds no fingerprint key`);
    return new Fingerprinter(row.key);
  } finally {
    db.close();
  }
}
