import { Worker } from 'node:worker_threads';

interface Pending {
  resolve: (content: Buffer | undefined) => void;
  reject: (error: Error) => void;
}

/**
 * One long-lived `git cat-file --batch` process serving every blob read of a command: reading a
 * thousand files costs one process, not a thousand. Requests are answered in order. The process is
 * run by a thread of its own (cat-file-reader.ts) that relays its output as it comes: read from
 * this thread, git would stall as soon as the pipe is full, for as long as this thread is busy
 * parsing what it already has.
 */
export class CatFileBatch {
  private reader: Worker | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly queue: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private chunks: Buffer[] = [];
  private received = 0;
  /** Bytes the answer at the head of the queue needs before it can be read. */
  private needed = 0;
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
    reader.on('message', (message: { data?: ArrayBuffer; error?: string; exit?: number | null; stderr?: string }) => {
      if (message.data) this.receive(Buffer.from(message.data));
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

  private receive(chunk: Buffer): void {
    // Chunks are joined only once the answer being waited for is complete: a large blob
    // arrives in many chunks, and joining at every one would copy it over and over.
    this.chunks.push(chunk);
    this.received += chunk.length;
    if (this.received < this.needed) return;
    this.buffer = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = [this.buffer];
    this.drain();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.queue.splice(0)) pending.reject(error);
  }

  /** Answers every request whose whole response has arrived: `<id> <type> <size>\n<content>\n` or `<id> missing\n`. */
  private drain(): void {
    while (this.queue.length) {
      const newline = this.buffer.indexOf(10);
      if (newline < 0) return;
      const header = this.buffer.subarray(0, newline).toString('utf8');
      const parts = header.split(' ');
      if (parts[1] === 'missing' || parts.length < 3) {
        this.consume(newline + 1);
        this.queue.shift()!.resolve(undefined);
        continue;
      }
      const size = Number(parts[2]);
      const end = newline + 1 + size;
      if (this.buffer.length < end + 1) {
        this.needed = end + 1;
        return;
      }
      const content = Buffer.from(this.buffer.subarray(newline + 1, end));
      this.consume(end + 1);
      this.queue.shift()!.resolve(content);
    }
    this.needed = 0;
  }

  private consume(bytes: number): void {
    this.buffer = this.buffer.subarray(bytes);
    this.chunks = this.buffer.length ? [this.buffer] : [];
    this.received = this.buffer.length;
    this.needed = 0;
  }
}
