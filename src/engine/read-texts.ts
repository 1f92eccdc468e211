import type { Finding } from '../core/finding.js';
import type { SourceLocation } from '../core/location.js';
import { decodeUtf8, isUtf8Text, type NotUtf8 } from '../core/utf8-text.js';
import { MAX_LINKS, type FileTree, type TreeNode } from '../ports/file-tree.js';

/** A path whose way passes through a symbolic link that is not followed (see `FileTree`). */
export type RefusedLink = TreeNode & { kind: 'refused-link' };

/**
 * The text of each file `tree` reads, decoded as UTF-8 (`decodeUtf8`): a file that is not
 * well-formed UTF-8 is not in `texts` but in `notUtf8`, with where its first bad byte is.
 */
export async function readTexts(tree: FileTree, paths: readonly string[]): Promise<{ texts: Map<string, string>; notUtf8: Map<string, NotUtf8> }> {
  const texts = new Map<string, string>();
  const notUtf8 = new Map<string, NotUtf8>();
  for (const [path, bytes] of await tree.read(paths)) {
    const decoded = decodeUtf8(bytes);
    if ('text' in decoded) texts.set(path, decoded.text);
    else notUtf8.set(path, decoded.notUtf8);
  }
  return { texts, notUtf8 };
}

/**
 * The bytes of each file `tree` reads that is well-formed UTF-8, left undecoded for a reader that
 * needs the text only later or elsewhere (the same check as `readTexts`, without making strings);
 * a file that is not is in `notUtf8`, with where its first bad byte is.
 */
export async function readUtf8(tree: FileTree, paths: readonly string[]): Promise<{ bytes: Map<string, Uint8Array>; notUtf8: Map<string, NotUtf8> }> {
  const bytes = new Map<string, Uint8Array>();
  const notUtf8 = new Map<string, NotUtf8>();
  for (const [path, content] of await tree.read(paths)) {
    if (isUtf8Text(content)) bytes.set(path, content);
    else {
      const decoded = decodeUtf8(content);
      if ('notUtf8' in decoded) notUtf8.set(path, decoded.notUtf8);
      else bytes.set(path, content);
    }
  }
  return { bytes, notUtf8 };
}

/**
 * A file that is not UTF-8 text, located at its first bad byte: `config/invalid` for a config
 * file (its values cannot be told), `manifest/invalid` for the manifest or a file the fleet's
 * definition needs. The message quotes nothing of the file: config files hold secrets.
 */
export function notUtf8Finding(path: string, at: NotUtf8, rule: 'config/invalid' | 'manifest/invalid' = 'config/invalid', service?: string): Finding {
  return {
    rule,
    severity: 'error',
    ...(service !== undefined ? { service } : {}),
    message: 'not valid UTF-8 at this byte: tranche reads the file as UTF-8 text and guesses no value',
    hint: 'save the file as UTF-8 (from Latin-1: iconv -f LATIN1 -t UTF-8)',
    location: { file: path, line: at.line, column: at.column },
  };
}

/** The files of `nodes` reached through a link (inside the repository), by path: the path each resolves to. */
export function realOf(nodes: ReadonlyMap<string, TreeNode>): Map<string, string> {
  return new Map([...nodes].flatMap(([path, node]) => (node.kind === 'file' && node.real ? [[path, node.real] as const] : [])));
}

/** The paths a source reads, and the files those reached through a link resolve to: a change to either is a change to the source. */
export function withReal(paths: readonly string[], real: ReadonlyMap<string, string>): string[] {
  return [...new Set([...paths, ...paths.flatMap((p) => (real.has(p) ? [real.get(p)!] : []))])];
}

/** A refused link, for a message: `services/a/.env is a symbolic link to /etc/os-release, outside the repository`. */
export function refusedLinkText(path: string, node: RefusedLink): string {
  const link = `${node.link} is a symbolic link to ${node.target}`;
  if (node.why === 'loop') return `${path} passes through more than ${MAX_LINKS} symbolic links (a loop?); the last: ${link}`;
  return node.link === path ? `${link}, outside the repository` : `${path} leads out of the repository: ${link}`;
}

/**
 * A path the fleet's definition names (`what`: `config source`, `compose env_file`…), directly
 * or through a file it names, that passes through a refused link: a `manifest/invalid` finding at
 * what named it. Nothing behind the link was read.
 */
export function refusedLinkFinding(what: string, path: string, node: RefusedLink, location: SourceLocation, service?: string): Finding {
  return {
    rule: 'manifest/invalid',
    severity: 'error',
    ...(service !== undefined ? { service } : {}),
    message: `${what} ${refusedLinkText(path, node)}`,
    hint:
      node.why === 'loop'
        ? 'make the links end at a file or directory of the repository'
        : "tranche reads only the repository's own files: move the file into the repository, or point the link at a path inside it",
    location,
  };
}
