/**
 * The candidate closest to `word`, when it is close enough to be a plausible typo: same word in
 * another case, or (from three characters on) an edit distance of at most a third of its length, at least 1.
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  const limit = typoLimit(word);
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    // The distance is at least the difference in length: most candidates end here.
    const other = candidate.toLowerCase();
    if (Math.abs(other.length - lower.length) >= bestDistance) continue;
    const distance = other === lower ? 0 : editDistance(lower, other, bestDistance - 1);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * The dotted full name (`shop.v1.Cart`) that `written` names or is a plausible typo of, compared
 * on as many trailing parts as `written` has (`Cart`, `v1.Cart`, `shop.v1.Cart`): a long package
 * does not hide a typo in the name, nor does a package left out. The first of `names` wins a tie.
 */
export function didYouMeanName(written: string, names: Iterable<string>): string | undefined {
  const parts = written.split('.').length;
  const byTail = new Map<string, string>();
  for (const name of names) {
    const tail = name.split('.').slice(-parts).join('.');
    if (!byTail.has(tail)) byTail.set(tail, name);
  }
  return byTail.get(written) ?? byTail.get(didYouMean(written, byTail.keys()) ?? '');
}

/**
 * didYouMean for many words, each against a subset of one vocabulary (a service's schema among
 * every key the fleet declares): a word is measured against the vocabulary once, however many
 * subsets ask about it. Gives what didYouMean gives for the subset.
 */
export class TypoIndex {
  /** The vocabulary by the length of each word in lower case: a typo is within `limit` of the word's. */
  private readonly byLength = new Map<number, Array<{ candidate: string; lower: string }>>();
  private readonly near = new Map<string, ReadonlyArray<{ candidate: string; distance: number }>>();

  constructor(vocabulary: Iterable<string>) {
    for (const candidate of new Set(vocabulary)) {
      const lower = candidate.toLowerCase();
      let words = this.byLength.get(lower.length);
      if (!words) this.byLength.set(lower.length, (words = []));
      words.push({ candidate, lower });
    }
  }

  /** The member of `among` (in its order, every one in the vocabulary) that `word` is a plausible typo of. */
  guess(word: string, among: ReadonlyMap<string, unknown>): string | undefined {
    let best: { candidate: string; distance: number } | undefined;
    for (const near of this.nearTo(word)) {
      if (!among.has(near.candidate)) continue;
      if (!best || near.distance < best.distance || (near.distance === best.distance && isBefore(among, near.candidate, best.candidate))) best = near;
    }
    return best?.candidate;
  }

  /** Whether `word` is a plausible typo of some word of the vocabulary (of a subset, then, maybe). */
  isNearAny(word: string): boolean {
    return this.nearTo(word).length > 0;
  }

  private nearTo(word: string): ReadonlyArray<{ candidate: string; distance: number }> {
    let near = this.near.get(word);
    if (!near) {
      const lower = word.toLowerCase();
      const limit = typoLimit(word);
      const found: Array<{ candidate: string; distance: number }> = [];
      for (let length = Math.max(0, lower.length - limit); length <= lower.length + limit; length++) {
        for (const { candidate, lower: other } of this.byLength.get(length) ?? []) {
          if (candidate === word) continue;
          const distance = other === lower ? 0 : editDistance(lower, other, limit);
          if (distance <= limit) found.push({ candidate, distance });
        }
      }
      this.near.set(word, (near = found));
    }
    return near;
  }
}

function isBefore(order: ReadonlyMap<string, unknown>, a: string, b: string): boolean {
  for (const key of order.keys()) {
    if (key === a) return true;
    if (key === b) return false;
  }
  return false;
}

/** One or two characters are a different word, not a typo: only a change of case counts. */
function typoLimit(word: string): number {
  return word.length <= 2 ? 0 : Math.max(1, Math.floor(word.length / 3));
}

/**
 * Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps.
 * With `bound`, any distance above it may be reported as `bound + 1` (it stops as soon as every
 * alignment costs more).
 */
export function editDistance(a: string, b: string, bound = Infinity): number {
  if (a === b) return 0;
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    let rowMin = d[i * cols]!;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, d[(i - 2) * cols + j - 2]! + 1);
      }
      d[i * cols + j] = v;
      if (v < rowMin) rowMin = v;
    }
    // A swap reaches back two rows: stop only when this row and the one before both exceed the bound.
    if (rowMin > bound && i > 1 && previousRowMin(d, i - 1, cols) > bound) return bound + 1;
  }
  return Math.min(d[rows * cols - 1]!, bound + 1);
}

function previousRowMin(d: number[], row: number, cols: number): number {
  let min = Infinity;
  for (let j = 0; j < cols; j++) min = Math.min(min, d[row * cols + j]!);
  return min;
}

/** ` (did you mean X?)` when a candidate is a plausible typo of `word`, else ''. */
export function suggestion(word: string, candidates: Iterable<string>, prefix = ''): string {
  const guess = didYouMean(word, candidates);
  return guess === undefined ? '' : ` (did you mean ${prefix}${guess}?)`;
}
