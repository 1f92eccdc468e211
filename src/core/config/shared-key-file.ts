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

/**
 * A key file many services read alike (a fleet-wide `.env` of hundreds of lines): each line's
 * layer is made once when it is the same for every service — a plain value, or one built only
 * from lines above it — and a service pays only for the lines it reads: the keys it declares and
 * what their references reach. A line built from something outside the file (a service's lower
 * layers, the variables files) or from a variable that service declares secret is worked out for
 * that service, as resolveConfig does line by line.
 */
export class SharedKeyFile {
  /** Per line: its layer when every service gets the same one. */
  private readonly common: (Layer | undefined)[] = [];
  /** Per common line: every variable its value was built from, through the lines it read. */
  private readonly builtFrom: ReadonlySet<string>[] = [];
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
  layer(key: string, reader: SharedFileReader, memo: Map<number, Layer>): Layer | undefined {
    const lines = this.lines.get(key);
    return lines === undefined ? undefined : this.layerAt(lines[lines.length - 1]!, reader, memo);
  }

  private layerAt(index: number, reader: SharedFileReader, memo: Map<number, Layer>): Layer {
    const common = this.common[index];
    if (common && !hasSome(this.builtFrom[index]!, reader.isSecret)) return common;
    let layer = memo.get(index);
    if (!layer) {
      const entry = this.file.entries[index]!;
      layer = this.makeLayer(entry);
      interpolateLayer(layer, entry, (name) => this.lineBefore(name, index, reader, memo) ?? reader.below(name) ?? reader.variables(name), reader.isSecret);
      memo.set(index, layer);
    }
    return layer;
  }

  private lineBefore(name: string, index: number, reader: SharedFileReader, memo: Map<number, Layer>): Layer | undefined {
    const line = this.lastLineBefore(name, index);
    return line === undefined ? undefined : this.layerAt(line, reader, memo);
  }

  private lastLineBefore(name: string, index: number): number | undefined {
    const lines = this.lines.get(name);
    if (!lines) return undefined;
    for (let i = lines.length - 1; i >= 0; i--) if (lines[i]! < index) return lines[i];
    return undefined;
  }

  /** The line's layer for every service, or undefined when it depends on the service. */
  private commonLayer(entry: SourceEntry, index: number): Layer | undefined {
    const layer = this.makeLayer(entry);
    if (!this.interpolate || !entry.template) {
      this.builtFrom[index] = NONE;
      return layer;
    }
    let outside = false;
    const builtFrom = new Set<string>();
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
        builtFrom.add(name);
        for (const n of this.builtFrom[line!]!) builtFrom.add(n);
        return found;
      },
      () => false,
    );
    if (outside) return undefined;
    this.builtFrom[index] = builtFrom;
    return layer;
  }
}

const NONE: ReadonlySet<string> = new Set();

function hasSome(names: ReadonlySet<string>, test: (name: string) => boolean): boolean {
  for (const name of names) if (test(name)) return true;
  return false;
}
