import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, relative, sep } from 'node:path';
import { parseProto } from '../core/contracts/protobuf/parse-proto.js';
import { MAX_PROTO_BYTES, type ProtoSource } from '../core/contracts/protobuf/read-proto-tree.js';
import { InputError } from '../core/input-error.js';

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
  const read = (file: string) => {
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      throw new InputError(`cannot read ${file}`);
    }
    if (size > MAX_PROTO_BYTES) throw new InputError(`${file} is ${size} bytes: a .proto file over ${MAX_PROTO_BYTES} bytes is not read`);
    try {
      return readFileSync(file, 'utf8');
    } catch {
      throw new InputError(`cannot read ${file}`);
    }
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
