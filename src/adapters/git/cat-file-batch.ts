import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

interface Pending {
  id: string;
  resolve: (content: Buffer | undefined) => void;
  reject: (error: Error) => void;
}

/**
 * One long-lived `git cat-file --batch` process serving every blob read of a command: reading a
 * thousand files costs one process, not a thousand. Requests are answered in order.
 */
export class CatFileBatch {
  private child: ChildProcessWithoutNullStreams | undefined;
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
  read(id: string): Promise<Buffer | undefined> {
    if (this.closed) return Promise.reject(new Error('git cat-file --batch was closed: no more reads'));
    if (this.failure) return Promise.reject(this.failure);
    const child = this.start();
    return new Promise((resolve, reject) => {
      this.queue.push({ id, resolve, reject });
      child.stdin.write(`${id}\n`);
    });
  }

  async readMany(ids: readonly string[]): Promise<Map<string, Buffer>> {
    const contents = await Promise.all(ids.map((id) => this.read(id)));
    const result = new Map<string, Buffer>();
    ids.forEach((id, i) => {
      const content = contents[i];
      if (content) result.set(id, content);
    });
    return result;
  }

  close(): Promise<void> {
    this.closed = true;
    const child = this.child;
    this.child = undefined;
    if (!child) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('close', () => resolve());
      child.stdin.end();
    });
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn('git', ['cat-file', '--batch'], { cwd: this.cwd, env: this.env });
    child.stdout.on('data', (chunk: Buffer) => {
      // Chunks are joined only once the answer being waited for is complete: a large blob
      // arrives in many chunks, and joining at every one would copy it over and over.
      this.chunks.push(chunk);
      this.received += chunk.length;
      if (this.received < this.needed) return;
      this.buffer = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
      this.chunks = [this.buffer];
      this.drain();
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const fail = (error: Error) => {
      this.failure = error;
      for (const pending of this.queue.splice(0)) pending.reject(error);
    };
    child.on('error', fail);
    child.on('close', (code) => {
      if (this.queue.length) fail(new Error(`git cat-file --batch exited (${code}) with requests pending: ${stderr.trim()}`));
    });
    this.child = child;
    return child;
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
