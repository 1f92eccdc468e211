import { base64Fragments, isBase64Char, type Base64Fragment } from './base64-fragments.js';
import { unitsAt, widenToEscapes } from './encoded-units.js';

/** What a secret is replaced with. */
export const REDACTED = '[secret]';

/**
 * Values shorter than this (in characters) are not looked for in text: blanking `1` or `on`
 * would garble every message while hiding nothing a guess would not find.
 */
export const MIN_REDACTED_LENGTH = 4;

/** A node of the trie of everything looked for, one character per edge. */
interface Node {
  next: Map<string, Node>;
  /** A secret (or a base64 fragment of one) ends here. */
  ends?: { base64?: Pick<Base64Fragment, 'mixedBefore' | 'mixedAfter'> };
}

/**
 * Keeps secret values out of text, in every form they travel in: as written, URL-encoded (any
 * case of hex, `+` for a space, encoded again, or only some characters encoded, as a URL parser
 * does), JSON-escaped (once or more — a JSON text inside a JSON string —, `\uXXXX` included), base64 (standard or URL-safe, alone or
 * inside a longer base64 value such as HTTP basic auth, at any alignment), and any mix of the
 * first two. Each occurrence becomes `[secret]`; replacing whole escape sequences keeps JSON
 * text valid. The text is read once, left to right, against a trie of all secrets, so the work
 * grows with the text, not with the number of secrets.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  private readonly trie: Node = { next: new Map() };

  constructor(secrets: Iterable<string> = []) {
    this.add(secrets);
  }

  /**
   * Looks for these values too from now on (shorter than MIN_REDACTED_LENGTH: ignored). Each line
   * of a value that has several counts as well: a private key is printed line by line.
   */
  add(secrets: Iterable<string>): void {
    for (const secret of secrets) {
      const lines = secret.split(/\r\n|\r|\n/).map((line) => line.trim());
      for (const value of lines.length > 1 ? [secret, ...lines] : [secret]) this.addOne(value);
    }
  }

  private addOne(secret: string): void {
    if (this.secrets.has(secret) || [...secret].length < MIN_REDACTED_LENGTH) return;
    this.secrets.add(secret);
    insert(this.trie, secret, {});
    for (const { text, mixedBefore, mixedAfter } of base64Fragments(secret)) insert(this.trie, text, { base64: { mixedBefore, mixedAfter } });
  }

  /** How many secrets it looks for. */
  get size(): number {
    return this.secrets.size;
  }

  redact(text: string): string {
    if (this.secrets.size === 0 || text === '') return text;
    let out = '';
    let copied = 0;
    for (let at = 0; at < text.length; ) {
      const found = longestAt(this.trie, text, at);
      if (!found) {
        at++;
        continue;
      }
      const [start, end] = widenToEscapes(text, Math.max(found.start, copied), found.end);
      out += text.slice(copied, start) + REDACTED;
      copied = at = end;
    }
    return copied === 0 ? text : out + text.slice(copied);
  }
}

/** `message` with every form of every value of `secrets` replaced (see Redactor). */
export function redactSecrets(message: string, secrets: readonly string[] | undefined): string {
  return secrets?.length ? new Redactor(secrets).redact(message) : message;
}

/** Adds `chars` to the trie, one character per edge; the first thing that ends at a node says what it is. */
function insert(root: Node, chars: string, ends: NonNullable<Node['ends']>): void {
  let node = root;
  for (const char of chars) {
    let child = node.next.get(char);
    if (!child) node.next.set(char, (child = { next: new Map() }));
    node = child;
  }
  node.ends ??= ends;
}

/**
 * The longest occurrence of anything in the trie that starts at `at`, read in every way the
 * text allows (see `unitsAt`); a base64 fragment takes the characters that share its bits.
 */
function longestAt(root: Node, text: string, at: number): { start: number; end: number } | undefined {
  let best: { start: number; end: number } | undefined;
  let frontier: { node: Node; end: number }[] = [{ node: root, end: at }];
  while (frontier.length) {
    const next: typeof frontier = [];
    // Two readings that reach the same node at the same place go on as one.
    const seen = new Map<Node, Set<number>>();
    for (const { node, end } of frontier) {
      for (const unit of unitsAt(text, end)) {
        const child = node.next.get(unit.char);
        if (!child) continue;
        const after = end + unit.length;
        if (child.ends) {
          const found = extent(text, at, after, child.ends.base64);
          if (!best || found.end > best.end) best = found;
        }
        if (child.next.size === 0) continue;
        const places = seen.get(child) ?? new Set<number>();
        if (places.has(after)) continue;
        seen.set(child, places.add(after));
        next.push({ node: child, end: after });
      }
    }
    frontier = next;
  }
  return best;
}

/** Where an occurrence ends up replaced from and to: a base64 fragment with its mixed characters and padding. */
function extent(
  text: string,
  start: number,
  end: number,
  base64: Pick<Base64Fragment, 'mixedBefore' | 'mixedAfter'> | undefined,
): { start: number; end: number } {
  if (!base64) return { start, end };
  let from = start;
  let to = end;
  if (base64.mixedBefore && isBase64Char(text[from - 1])) from--;
  if (base64.mixedAfter && isBase64Char(text[to])) to++;
  for (let pad = 0; pad < 2 && text[to] === '='; pad++) to++;
  return { start: from, end: to };
}
