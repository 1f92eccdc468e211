const NEWLINE = 0x0a;

/**
 * Cuts the output of `git cat-file --batch` into its answers, `<id> <type> <size>\n<content>\n`
 * or `<id> missing\n` (any answer without a size), however it is split into chunks. Each
 * content is copied once, into memory of its own of exactly its size (so that it can be handed
 * to another thread whole); `answer` is called once per object asked, in order, with undefined
 * for one git does not have.
 */
export class CatFileFraming {
  /** A header line begun in an earlier chunk. */
  private header: Buffer[] = [];
  /** The content being filled, and how much of it is. */
  private content: Buffer | undefined;
  private filled = 0;
  /** Whether the newline that ends a content is still to come. */
  private contentEnd = false;

  constructor(private readonly answer: (content: Buffer | undefined) => void) {}

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.contentEnd) {
        at++;
        this.contentEnd = false;
      } else if (this.content) {
        const n = Math.min(this.content.length - this.filled, chunk.length - at);
        chunk.copy(this.content, this.filled, at, at + n);
        this.filled += n;
        at += n;
        if (this.filled === this.content.length) this.finishContent();
      } else {
        const newline = chunk.indexOf(NEWLINE, at);
        if (newline < 0) {
          this.header.push(chunk.subarray(at));
          return;
        }
        const line = (this.header.length ? Buffer.concat([...this.header, chunk.subarray(at, newline)]) : chunk.subarray(at, newline)).toString('latin1');
        this.header = [];
        at = newline + 1;
        const size = line.split(' ')[2];
        if (size === undefined) this.answer(undefined);
        else {
          // Memory of its own (not a slice of a shared pool), so that it can be handed over whole.
          this.content = Buffer.allocUnsafeSlow(Number(size));
          this.filled = 0;
          if (this.content.length === 0) this.finishContent();
        }
      }
    }
  }

  private finishContent(): void {
    const content = this.content!;
    this.content = undefined;
    this.contentEnd = true;
    this.answer(content);
  }
}
