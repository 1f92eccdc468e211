import { constants, promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { ParseCache, ParseCacheKey } from '../../ports/parse-cache.js';
import { decodeEntry, encodeEntry, entryName, ownedByThisUser, tempName } from './cache-entry.js';
import { pruneCache } from './prune-cache.js';

/** 256 MB: thousands of results of large lockfiles, a small part of a CI cache. */
const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;
/** File operations at once: enough to keep the disk busy, few enough never to run out of descriptors. */
const AT_ONCE = 16;

export interface FileParseCacheOptions {
  /** The directory of the entries, made when the first entry is written. */
  dir: string;
  /** At close, the least recently used entries are removed until the directory holds at most this many bytes. */
  maxBytes?: number;
  /**
   * The directory tranche keeps in a repository (`.tranche/cache`): it and its parent must be real
   * directories, not symbolic links (a repository could hold a link leading anywhere), and it is
   * made with a `.gitignore` of `*`. A directory the operator names is taken as named.
   */
  inRepository?: boolean;
  /** Says, once, why the cache is not used: one line, no newline. */
  warn(line: string): void;
}

/**
 * The parse cache as files, one per entry (see `cache-entry.ts`), in one directory. An entry is
 * written to a new temporary file of that directory, then renamed over its name: a reader sees a
 * whole entry or none, and two runs writing one key both succeed. Entries are opened without
 * following a symbolic link and written only as new files, so nothing planted there is read or
 * written through; an entry another user owns is a miss. A hit touches the entry's mtime: the
 * least recently used go first when the directory passes its size bound. A directory that cannot
 * be made or written is warned about once, and the run goes on without writing; one in a
 * repository reached through a symbolic link, without reading either.
 */
export class FileParseCache implements ParseCache {
  private readonly maxBytes: number;
  private placed: Promise<boolean> | undefined;
  private ready: Promise<boolean> | undefined;
  private disabled = false;
  private closed = false;
  private written = 0;
  private readonly writes = new Set<Promise<void>>();
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly options: FileParseCacheOptions) {
    this.maxBytes = options.maxBytes ?? DEFAULT_CACHE_BYTES;
  }

  async get(key: ParseCacheKey): Promise<unknown> {
    const path = join(this.options.dir, entryName(key));
    if (!(await (this.placed ??= this.inPlace()))) return undefined;
    return this.limited(async () => {
      let handle: fs.FileHandle;
      try {
        // O_NONBLOCK: a FIFO planted under an entry's name would otherwise wait for a writer forever.
        handle = await fs.open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      } catch {
        return undefined; // absent, a symbolic link (ELOOP), unreadable: a miss
      }
      try {
        const stat = await handle.stat();
        if (!stat.isFile() || stat.size > this.maxBytes || !ownedByThisUser(stat)) return undefined;
        const entry = decodeEntry(await handle.readFile(), key);
        if (!entry) return undefined;
        const now = new Date();
        await handle.utimes(now, now).catch(() => undefined);
        return entry.value;
      } catch {
        return undefined;
      } finally {
        await handle.close().catch(() => undefined);
      }
    });
  }

  put(key: ParseCacheKey, value: unknown): Promise<void> {
    if (this.closed || this.disabled) return Promise.resolve();
    const bytes = encodeEntry(key, value);
    if (!bytes || bytes.length > this.maxBytes) return Promise.resolve();
    const write = this.write(entryName(key), bytes).finally(() => this.writes.delete(write));
    this.writes.add(write);
    return write;
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.writes.size) await Promise.all(this.writes);
    if (this.written > 0 && !this.disabled) await pruneCache(this.options.dir, this.maxBytes);
  }

  private async write(name: string, bytes: Buffer): Promise<void> {
    if (!(await (this.ready ??= this.prepare()))) return;
    const temp = join(this.options.dir, tempName());
    await this.limited(async () => {
      if (this.disabled) return;
      try {
        const handle = await fs.open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
        try {
          await handle.writeFile(bytes);
        } finally {
          await handle.close();
        }
        // rename replaces whatever has the name, a symbolic link included, without following it.
        await fs.rename(temp, join(this.options.dir, name));
        this.written += bytes.length;
      } catch (error) {
        await fs.rm(temp, { force: true }).catch(() => undefined);
        this.disable(error);
      }
    });
  }

  /**
   * In a repository, whether the directory and its parent are real directories or not there yet,
   * for reads and writes alike; false (warned) when not.
   */
  private async inPlace(): Promise<boolean> {
    const { dir, inRepository } = this.options;
    if (!inRepository) return true;
    try {
      for (const path of [join(dir, '..'), dir]) {
        const stat = await fs.lstat(path).catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return undefined;
          throw error;
        });
        if (stat && !stat.isDirectory()) throw Object.assign(new Error(`${path} is not a directory (a symbolic link?)`), { code: 'ENOTDIR' });
      }
      return true;
    } catch (error) {
      this.disable(error);
      return false;
    }
  }

  /** Makes the directory when it is not there; false (warned) when it cannot be used. */
  private async prepare(): Promise<boolean> {
    const { dir, inRepository } = this.options;
    if (!(await (this.placed ??= this.inPlace()))) return false;
    try {
      const made = await fs.mkdir(dir, { recursive: true });
      if (made !== undefined && inRepository) await fs.writeFile(join(dir, '.gitignore'), '*\n', { flag: 'wx' }).catch(() => undefined);
      return true;
    } catch (error) {
      this.disable(error);
      return false;
    }
  }

  private disable(error: unknown): void {
    if (this.disabled) return;
    this.disabled = true;
    const why = error instanceof Error ? error.message : String(error);
    this.options.warn(`tranche: the parse cache in ${this.options.dir} cannot be written (${why}); going on without it`);
  }

  private async limited<T>(task: () => Promise<T>): Promise<T> {
    // A slot freed is handed to the next waiting task as it is: never more than AT_ONCE run.
    if (this.running >= AT_ONCE) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
