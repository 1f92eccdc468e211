import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { ParseCacheKey } from '../../ports/parse-cache.js';

/** The first line of every entry: what wrote it and the layout's version. */
const MAGIC = 'tranche-parse-cache 1\n';
const MAGIC_BYTES = Buffer.from(MAGIC, 'utf8');

/**
 * The version of tranche writing and reading entries: part of every key, so that an upgrade never
 * reads what an older tranche computed (whose readers or libraries may have answered otherwise,
 * where a computation's own version was not raised); the older entries go as the least used.
 */
const TRANCHE_VERSION = (createRequire(import.meta.url)('../../../../package.json') as { version: string }).version;

/** The key as one line of text: the same key always gives the same line, two keys never one. */
function keyLine(key: ParseCacheKey): string {
  return JSON.stringify([TRANCHE_VERSION, key.kind, key.version, ...key.inputs]);
}

/** The file name of a key's entry in the cache directory: its kind, then the hash of the whole key. */
export function entryName(key: ParseCacheKey): string {
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(key.kind)) throw new Error(`internal error: parse cache kind ${JSON.stringify(key.kind)} is not a plain name`);
  return `${key.kind}-${createHash('sha256').update(keyLine(key)).digest('hex')}`;
}

/** Whether a file name of the cache directory is an entry's. */
export function isEntryName(name: string): boolean {
  return /^[a-z0-9]+(?:-[a-z0-9]+)*-[0-9a-f]{64}$/.test(name);
}

/** A new name for a temporary file of the cache directory: an entry is written there, then renamed to its name. */
export function tempName(): string {
  return `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** Whether a file name of the cache directory is a temporary file's, as `tempName` makes them. */
export function isTempName(name: string): boolean {
  return /^\.tmp-[0-9]+-[0-9a-f]{12}$/.test(name);
}

/**
 * Whether a file of the cache directory belongs to the user running tranche (always, where there
 * are no user ids): another user who can write to the directory supplies no answer and loses nothing.
 */
export function ownedByThisUser(stat: { uid: number }): boolean {
  return process.geteuid === undefined || stat.uid === process.geteuid();
}

/** How many first bytes of a file `beginsAsEntry` looks at. */
export const ENTRY_HEAD_BYTES = MAGIC_BYTES.length;

/**
 * Whether a file's first bytes (up to `ENTRY_HEAD_BYTES`) are how every entry begins, or, for a
 * temporary file a run may have left half written (`partial`), any beginning of that: a file
 * named alike by another program does not begin so.
 */
export function beginsAsEntry(head: Uint8Array, partial: boolean): boolean {
  const length = Math.min(head.length, MAGIC_BYTES.length);
  if (!partial && length < MAGIC_BYTES.length) return false;
  return MAGIC_BYTES.subarray(0, length).equals(head.subarray(0, length));
}

/**
 * An entry: a header that says what wrote it, the whole key (a file found under the key's name is
 * checked to be that key's, not another's) and the body's length and SHA-256, then the body, the
 * value as JSON. Undefined for a value JSON cannot hold.
 */
export function encodeEntry(key: ParseCacheKey, value: unknown): Buffer | undefined {
  const json = JSON.stringify(value);
  if (json === undefined) return undefined;
  const body = Buffer.from(json, 'utf8');
  const header = `${MAGIC}${keyLine(key)}\n${body.length} ${createHash('sha256').update(body).digest('hex')}\n`;
  return Buffer.concat([Buffer.from(header, 'utf8'), body]);
}

/**
 * The value an entry holds for `key`, or undefined when the bytes are not exactly an entry of that
 * key as `encodeEntry` writes it (truncated, corrupt, another key's, another layout). Never throws.
 */
export function decodeEntry(bytes: Uint8Array, key: ParseCacheKey): { value: unknown } | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!buffer.subarray(0, MAGIC_BYTES.length).equals(MAGIC_BYTES)) return undefined;
  const keyEnd = buffer.indexOf(10, MAGIC_BYTES.length);
  if (keyEnd < 0 || buffer.toString('utf8', MAGIC_BYTES.length, keyEnd) !== keyLine(key)) return undefined;
  const sumEnd = buffer.indexOf(10, keyEnd + 1);
  if (sumEnd < 0) return undefined;
  const sum = /^(0|[1-9][0-9]{0,15}) ([0-9a-f]{64})$/.exec(buffer.toString('latin1', keyEnd + 1, sumEnd));
  if (!sum) return undefined;
  const body = buffer.subarray(sumEnd + 1);
  if (body.length !== Number(sum[1]) || createHash('sha256').update(body).digest('hex') !== sum[2]) return undefined;
  try {
    return { value: JSON.parse(body.toString('utf8')) };
  } catch {
    return undefined;
  }
}
