import { createInterface } from 'node:readline/promises';
import type { Output } from '../cli/io.js';

const WIDTH = 96;

/**
 * How the demo talks: act titles, narration wrapped to the terminal's usual width, and — on a
 * terminal — a pause before each act that waits for Enter. Without a terminal on stdin the story
 * runs straight through.
 */
export class Narrator {
  constructor(
    private readonly out: Output,
    /** Standard input when it is a terminal to wait on; undefined to never pause. */
    private readonly terminal: NodeJS.ReadableStream | undefined,
    private readonly signal: AbortSignal,
  ) {}

  get interactive(): boolean {
    return this.terminal !== undefined;
  }

  act(number: number, title: string): void {
    const heading = `━━━ Act ${number} · ${title} `;
    this.out.write(`\n${heading.padEnd(WIDTH, '━')}\n\n`);
  }

  /** A paragraph of narration, wrapped; a blank line after it. */
  say(...paragraphs: string[]): void {
    for (const paragraph of paragraphs) this.out.write(`${wrap(paragraph)}\n\n`);
  }

  /** Lines as they are (tables, lists). */
  lines(lines: string[]): void {
    this.out.write(`${lines.join('\n')}\n\n`);
  }

  /** A blank line after a command's output, so that the narration stands apart from it. */
  gap(): void {
    this.out.write('\n');
  }

  /** Waits for Enter on a terminal; returns at once otherwise. Aborting ends the wait. */
  async pause(next: string): Promise<void> {
    if (!this.terminal) return;
    this.out.write(`── press Enter for ${next} (Ctrl-C stops the demo and everything it started) `);
    // No terminal mode: Ctrl-C stays a signal, which the demo handles like any other.
    const reader = createInterface({ input: this.terminal, terminal: false });
    try {
      await reader.question('', { signal: this.signal });
    } catch (error) {
      if (this.signal.aborted) throw this.signal.reason;
      throw error;
    } finally {
      reader.close();
    }
  }
}

/** Wraps text at WIDTH, keeping its own line breaks and the indentation of each line. */
function wrap(text: string, width = WIDTH): string {
  return text
    .split('\n')
    .map((line) => {
      const indent = /^\s*/.exec(line)![0];
      const words = line.trim().split(/\s+/);
      const out: string[] = [];
      let current = indent;
      for (const word of words) {
        if (current.trim() && current.length + 1 + word.length > width) {
          out.push(current);
          current = indent + word;
        } else {
          current = current.trim() ? `${current} ${word}` : indent + word;
        }
      }
      out.push(current);
      return out.join('\n');
    })
    .join('\n');
}
