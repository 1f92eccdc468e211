import { constants, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { beginsAsEntry, ENTRY_HEAD_BYTES, isEntryName, isTempName, ownedByThisUser } from './cache-entry.js';

/** A temporary file this old was left by a run that died while writing it. */
const STALE_TEMP_MS = 60 * 60 * 1000;
/** Pruning goes down to this share of the bound, so that the next few runs need not prune again. */
const LOW_WATER = 0.9;

/**
 * Keeps the cache directory within `maxBytes`: when its entries (and temporary files) pass it,
 * removes the least recently used (oldest mtime; a hit touches it) until they hold at most 90% of
 * it, and removes temporary files left by runs that died. Another run may remove or replace
 * files meanwhile: a file gone is simply not counted. Only regular files of this user named as
 * entries or temporary files are counted, and one is removed only when it begins as the cache writes them
 * (the directory may be one the operator named, holding other files); nothing is followed.
 */
export async function pruneCache(dir: string, maxBytes: number, now = Date.now()): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return;
  }
  const files: { path: string; size: number; mtime: number }[] = [];
  let total = 0;
  for (const name of names) {
    const temp = isTempName(name);
    if (!temp && !isEntryName(name)) continue;
    const path = join(dir, name);
    const stat = await fs.lstat(path).catch(() => undefined);
    if (!stat?.isFile() || !ownedByThisUser(stat)) continue;
    if (temp && now - stat.mtimeMs > STALE_TEMP_MS) {
      if (await writtenByCache(path, true)) await fs.rm(path, { force: true }).catch(() => undefined);
      continue;
    }
    total += stat.size;
    if (!temp) files.push({ path, size: stat.size, mtime: stat.mtimeMs });
  }
  if (total <= maxBytes) return;
  files.sort((a, b) => a.mtime - b.mtime || (a.path < b.path ? -1 : 1));
  for (const file of files) {
    if (total <= maxBytes * LOW_WATER) break;
    // Another program's file is neither removed nor counted.
    if (await writtenByCache(file.path, false)) await fs.rm(file.path, { force: true }).catch(() => undefined);
    total -= file.size;
  }
}

/** Whether the file at `path` begins as the cache's files do (see `beginsAsEntry`); false when it cannot be read. */
async function writtenByCache(path: string, partial: boolean): Promise<boolean> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return false;
  }
  try {
    const head = Buffer.alloc(ENTRY_HEAD_BYTES);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return beginsAsEntry(head.subarray(0, bytesRead), partial);
  } catch {
    return false;
  } finally {
    await handle.close().catch(() => undefined);
  }
}
