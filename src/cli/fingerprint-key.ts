import { randomBytes } from 'node:crypto';
import { closeSync, constants, existsSync, fstatSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isFingerprintKey } from '../core/config/fingerprint.js';
import { InputError } from '../core/input-error.js';

/**
 * The fingerprint key of a fleet that has no state store (PRODUCT §4): `.tranche/fingerprint.key`,
 * mode 0600. A state store keeps its own key; the first one made in a fleet takes this one, so
 * that fingerprints shown before it existed still compare with what it records.
 */
export const LOCAL_KEY_FILE = join('.tranche', 'fingerprint.key');

/** 32 random bytes, as a fingerprint key. */
export function newFingerprintKey(): string {
  return randomBytes(32).toString('hex');
}

/** The fleet's local key; undefined when it has none. A file that is not one is exit 2. */
export function readLocalKey(fleetRoot: string): string | undefined {
  const path = join(fleetRoot, LOCAL_KEY_FILE);
  let fd: number;
  try {
    // Never through a symbolic link: the key is read from where tranche wrote it, or not at all.
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new InputError(`${path} is a symbolic link, not tranche's fingerprint key: remove it (tranche makes a new key)`);
    throw new InputError(`cannot read the fingerprint key ${path}: ${(error as Error).message}`);
  }
  try {
    if (!fstatSync(fd).isFile()) throw new InputError(`${path} is not a file: remove it (tranche makes a new key)`);
    const key = readFileSync(fd, 'utf8').trim();
    if (!isFingerprintKey(key)) {
      throw new InputError(
        `${path} is not a tranche fingerprint key (64 hex digits): remove it and tranche makes a new one (fingerprints shown before then will not compare)`,
      );
    }
    return key;
  } finally {
    closeSync(fd);
  }
}

/**
 * The fleet's local key, made when there is none: written to a private temp file, then linked
 * into place, which fails if another process linked its own first; either way, every process
 * ends up with the one in place. A `.tranche` folder made here gets a .gitignore that keeps it
 * out of git whatever the fleet's own says.
 */
export function localKey(fleetRoot: string): string {
  const existing = readLocalKey(fleetRoot);
  if (existing !== undefined) return existing;
  const dir = join(fleetRoot, '.tranche');
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(join(dir, '.gitignore'), '*\n', { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const path = join(fleetRoot, LOCAL_KEY_FILE);
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, `${newFingerprintKey()}\n`, { flag: 'wx', mode: 0o600 });
    linkSync(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new InputError(`cannot write the fingerprint key ${path}: ${(error as Error).message}`);
  } finally {
    rmSync(temp, { force: true });
  }
  return readLocalKey(fleetRoot)!;
}
