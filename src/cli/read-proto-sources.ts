import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, relative, sep } from 'node:path';
import { parseProto } from '../core/contracts/protobuf/parse-proto.js';
import { MAX_PROTO_BYTES, type ProtoSource } from '../core/contracts/protobuf/read-proto-tree.js';
import { InputError } from '../core/input-error.js';
import { decodeUtf8 } from '../core/utf8-text.js';

/**
 * The .proto files of a tree given on the command line: every .proto under a directory (paths
 * relative to it), or one file and the files it imports, found beside it (paths relative to its
 * directory). `shown` is the argument as the user typed it, for messages.
 */
export function readProtoSources(path: string, shown: string): ProtoSource[] {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    throw new InputError(`cannot read ${shown}`);
  }
  const top = isDirectory ? path : dirname(path);
  const inside = realpathOf(top, shown);
  const read = (file: string) => {
    let size: number;
    try {
      // A link is followed only to a file of the tree: imports stay inside it, and so do the files read.
      const real = realpathSync(file);
      if (real !== inside && !real.startsWith(`${inside}${sep}`)) throw new InputError(`${file} is a link to ${real}, outside ${shown}: it is not read`);
      size = statSync(file).size;
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(`cannot read ${file}`);
    }
    if (size > MAX_PROTO_BYTES) throw new InputError(`${file} is ${size} bytes: a .proto file over ${MAX_PROTO_BYTES} bytes is not read`);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      throw new InputError(`cannot read ${file}`);
    }
    const decoded = decodeUtf8(bytes);
    if ('notUtf8' in decoded) throw new InputError(`${file}:${decoded.notUtf8.line}:${decoded.notUtf8.column}: not valid UTF-8 text`);
    return decoded.text;
  };
  if (isDirectory) {
    const files = protoFilesUnder(path).sort();
    if (files.length === 0) throw new InputError(`${shown}: no .proto file under it`);
    return files.map((file) => ({ path: relative(path, file).split(sep).join('/'), text: read(file) }));
  }
  const root = dirname(path);
  const sources: ProtoSource[] = [];
  const seen = new Set<string>();
  const queue = [relative(root, path).split(sep).join('/')];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const text = read(join(root, name));
    sources.push({ path: name, text });
    // Imports the tree does not hold are reported by readProtoTree, at the import.
    for (const imported of parseProto(text, name).imports) {
      if (seen.has(imported.path) || imported.path.startsWith('google/protobuf/')) continue;
      // Only files beside the one given, or below it: an import leading out of its directory is not followed.
      const target = normalize(imported.path);
      if (isAbsolute(target) || target === '..' || target.startsWith(`..${sep}`)) continue;
      try {
        if (statSync(join(root, imported.path)).isFile()) queue.push(imported.path);
      } catch {}
    }
  }
  return sources;
}

function protoFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? protoFilesUnder(path) : entry.name.endsWith('.proto') ? [path] : [];
  });
}

function realpathOf(path: string, shown: string): string {
  try {
    return realpathSync(path);
  } catch {
    throw new InputError(`cannot read ${shown}`);
  }
}
