/**
 * The files a .proto text imports, as written; google/protobuf/* left out (the compilers' own).
 * A line-level scan, so that a revision's files can be gathered import by import without parsing
 * them twice: what it misses (an import that shares a line with another statement) is a file the
 * tree then lacks, which the tree's reader reports at the import.
 */
export function protoImports(text: string): string[] {
  const imports: string[] = [];
  for (const match of text.matchAll(/^[ \t]*import[ \t]+(?:public[ \t]+|weak[ \t]+)?(["'])([^"'\n]+)\1[ \t]*;/gm)) {
    if (!match[2]!.startsWith('google/protobuf/')) imports.push(match[2]!);
  }
  return imports;
}
