import { Worker } from 'node:worker_threads';

interface Pending {
  resolve: (content: Buffer | undefined) => void;
  reject: (error: Error) => void;
}

/**
 * One long-lived `git cat-file --batch` process serving every blob read of a command: reading a
 * thousand files costs one process, not a thousand. Requests are answered in order. The process is
 * run by a thread of its own (cat-file-reader.ts) that reads its output as it comes and hands
 * over each object's content whole: read from this thread, git would stall as soon as the pipe
 * is full, for as long as this thread is busy parsing what it already has.
 */
export class CatFileBatch {
  private reader: Worker | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly queue: Pending[] = [];
  private failure: Error | undefined;
  private closed = false;

  constructor(
    private readonly cwd: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** The content of an object, or undefined when the repository has no such object. */
  async read(id: string): Promise<Buffer | undefined> {
    const [content] = await this.request([id]);
    return content;
  }

  async readMany(ids: readonly string[]): Promise<Map<string, Buffer>> {
    const contents = await this.request(ids);
    const result = new Map<string, Buffer>();
    ids.forEach((id, i) => {
      const content = contents[i];
      if (content) result.set(id, content);
    });
    return result;
  }

  /** Ends git once it has answered what it was asked; resolves when its thread is gone. */
  close(): Promise<void> {
    this.closed = true;
    this.reader?.postMessage({ end: true });
    return this.exited;
  }

  private request(ids: readonly string[]): Promise<Array<Buffer | undefined>> {
    if (this.closed) return Promise.reject(new Error('git cat-file --batch was closed: no more reads'));
    if (this.failure) return Promise.reject(this.failure);
    if (ids.length === 0) return Promise.resolve([]);
    const reader = this.start();
    const answers = ids.map(() => new Promise<Buffer | undefined>((resolve, reject) => this.queue.push({ resolve, reject })));
    reader.postMessage({ write: `${ids.join('\n')}\n` });
    return Promise.all(answers);
  }

  private start(): Worker {
    if (this.reader) return this.reader;
    const reader = new Worker(new URL('./cat-file-reader.js', import.meta.url), { workerData: { cwd: this.cwd, env: this.env } });
    reader.on('message', (message: { blob?: ArrayBuffer; missing?: true; error?: string; exit?: number | null; stderr?: string }) => {
      if (message.blob) this.queue.shift()?.resolve(Buffer.from(message.blob));
      else if (message.missing) this.queue.shift()?.resolve(undefined);
      else if (message.error !== undefined) this.fail(new Error(message.error));
      // Once git is gone, every read fails, the ones waiting and any later one.
      else this.fail(new Error(`git cat-file --batch exited (${message.exit})${this.queue.length ? ` with requests pending: ${message.stderr}` : ''}`));
    });
    reader.on('error', (error) => this.fail(error));
    this.exited = new Promise((resolve) =>
      reader.once('exit', (code) => {
        this.fail(new Error(`git cat-file --batch reader exited (${code})`));
        resolve();
      }),
    );
    this.reader = reader;
    return reader;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.queue.splice(0)) pending.reject(error);
  }
}
