import { open, type FileHandle } from 'node:fs/promises';

/** Longest line kept whole in a tail: a process printing one huge line must not flood an error message. */
const MAX_LINE = 500;

/** The last lines of some output, for the message of a failure. */
export class LineTail {
  private readonly kept: string[] = [];

  constructor(
    private readonly size = 20,
    private readonly maxLine = MAX_LINE,
  ) {}

  push(line: string): void {
    this.kept.push(line.length > this.maxLine ? `${line.slice(0, this.maxLine)}…` : line);
    if (this.kept.length > this.size) this.kept.shift();
  }

  lines(): string[] {
    return [...this.kept];
  }
}

/**
 * The last `count` lines of `file` from byte `from` on, reading at most its last 64 KiB; none when
 * it is missing. Lines are whole: whoever quotes them removes secrets first and cuts after, so
 * that no part of a secret is left at a cut.
 */
export async function readLastLines(file: string, count = 20, from = 0): Promise<string[]> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  try {
    const size = (await handle.stat()).size;
    const start = Math.max(from, size - 64 * 1024);
    const buffer = Buffer.alloc(Math.max(0, size - start));
    await handle.read(buffer, 0, buffer.length, start);
    const tail = new LineTail(count, Infinity);
    for (const line of buffer.toString('utf8').split('\n')) if (line.trim()) tail.push(line.trimEnd());
    return tail.lines();
  } finally {
    await handle.close();
  }
}

/** `message`, followed by the lines a process printed last, when there are any. */
export function withLastLines(message: string, lines: readonly string[]): string {
  return lines.length ? `${message}; last output:\n${lines.map((line) => `  ${line}`).join('\n')}` : `${message} (no output)`;
}
