import type { Layer } from './resolved-config.js';
import type { SourceEntry, SourceFile } from './source-file.js';
import { interpolateLayer } from './interpolate-layer.js';

/** What one service brings to a shared file's references: what it reads below the file, and its secret keys. */
export interface SharedFileReader {
  /** The highest layer below the file that sets a variable. */
  below(name: string): Layer | undefined;
  /** The source's `variables` files, last. */
  variables(name: string): Layer | undefined;
  /** Whether the service declares the variable a secret. */
  isSecret(name: string): boolean;
}

/** One service's reading of a shared file: the lines worked out for it, in file order. */
export class SharedFileReading {
  readonly layers = new Map<number, Layer>();
  /** Lines below this one have been worked out for the service where they had to be. */
  done = 0;
  /** Per line: built from a variable the service declares secret (undefined until asked; null: no line is). */
  tainted: Uint8Array | null | undefined;

  constructor(readonly reader: SharedFileReader) {}
}

/**
 * A key file many services read alike (a fleet-wide `.env` of hundreds of lines): each line's
 * layer is made once when it is the same for every service — a plain value, or one built only
 * from lines above it — and a service pays only for the lines it reads: the keys it declares and
 * what their references reach. A line built from something outside the file (a service's lower
 * layers, the variables files), or from a variable that service declares secret, is worked out for
 * that service as resolveConfig does line by line: in file order, so that a long chain of
 * references never nests calls.
 */
export class SharedKeyFile {
  /** Per line: its layer when every service gets the same one. */
  private readonly common: (Layer | undefined)[] = [];
  /** Per common line: the variables it read, and the lines they were found on. */
  private readonly read: { names: string[]; lines: number[] }[] = [];
  /** Every variable a common line read. */
  private readonly readNames = new Set<string>();
  /** The lines that set each key, in file order. */
  private readonly lines = new Map<string, number[]>();

  constructor(
    readonly file: SourceFile,
    private readonly makeLayer: (entry: SourceEntry) => Layer,
    private readonly interpolate: boolean,
  ) {
    file.entries.forEach((entry, index) => {
      let lines = this.lines.get(entry.key);
      if (!lines) this.lines.set(entry.key, (lines = []));
      lines.push(index);
      this.common.push(this.commonLayer(entry, index));
    });
  }

  /** The layer of a key as the file leaves it (its last line) for one service; undefined when the file does not set it. */
  layer(key: string, reading: SharedFileReading): Layer | undefined {
    const lines = this.lines.get(key);
    return lines === undefined ? undefined : this.layerAt(lines[lines.length - 1]!, reading);
  }

  private layerAt(index: number, reading: SharedFileReading): Layer {
    if (!this.isOwn(index, reading)) return this.common[index]!;
    // Every line above that is the service's own first, in order: each then finds what it reads worked out.
    for (; reading.done <= index; reading.done++) {
      const line = reading.done;
      if (!this.isOwn(line, reading)) continue;
      const entry = this.file.entries[line]!;
      const layer = this.makeLayer(entry);
      const { reader } = reading;
      interpolateLayer(layer, entry, (name) => this.lineBefore(name, line, reading) ?? reader.below(name) ?? reader.variables(name), reader.isSecret);
      reading.layers.set(line, layer);
    }
    return reading.layers.get(index)!;
  }

  /** Whether the line must be worked out for this service. */
  private isOwn(index: number, reading: SharedFileReading): boolean {
    return this.common[index] === undefined || this.taintedFor(reading)?.[index] === 1;
  }

  private taintedFor(reading: SharedFileReading): Uint8Array | null {
    if (reading.tainted !== undefined) return reading.tainted;
    const { isSecret } = reading.reader;
    if (![...this.readNames].some(isSecret)) return (reading.tainted = null);
    const tainted = new Uint8Array(this.common.length);
    this.common.forEach((common, index) => {
      if (common === undefined) return;
      const { names, lines } = this.read[index]!;
      if (names.some(isSecret) || lines.some((line) => tainted[line] === 1)) tainted[index] = 1;
    });
    return (reading.tainted = tainted);
  }

  private lineBefore(name: string, index: number, reading: SharedFileReading): Layer | undefined {
    const line = this.lastLineBefore(name, index);
    return line === undefined ? undefined : this.layerAt(line, reading);
  }

  /** The last line above `index` that sets `name`. */
  private lastLineBefore(name: string, index: number): number | undefined {
    const lines = this.lines.get(name);
    if (!lines || lines[0]! >= index) return undefined;
    let low = 0;
    let high = lines.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (lines[middle]! < index) low = middle;
      else high = middle - 1;
    }
    return lines[low];
  }

  /** The line's layer for every service, or undefined when it depends on the service. */
  private commonLayer(entry: SourceEntry, index: number): Layer | undefined {
    const layer = this.makeLayer(entry);
    const read = { names: [] as string[], lines: [] as number[] };
    this.read[index] = read;
    if (!this.interpolate || !entry.template) return layer;
    let outside = false;
    interpolateLayer(
      layer,
      entry,
      (name) => {
        const line = this.lastLineBefore(name, index);
        const found = line === undefined ? undefined : this.common[line];
        if (found === undefined) {
          outside = true;
          return undefined;
        }
        read.names.push(name);
        read.lines.push(line!);
        this.readNames.add(name);
        return found;
      },
      () => false,
    );
    return outside ? undefined : layer;
  }
}
