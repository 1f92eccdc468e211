import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { didYouMean, didYouMeanName, editDistance, TypoIndex } from '../../src/core/did-you-mean.js';

/** The definition, cell by cell with no shortcut: what the bounded version must agree with. */
function referenceDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

function referenceGuess(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c === word) continue;
    const distance = referenceDistance(word.toLowerCase(), c.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [c, distance];
  }
  const limit = word.length <= 2 ? 0 : Math.max(1, Math.floor(word.length / 3));
  return bestDistance <= limit ? best : undefined;
}

// Short words over a small alphabet, so that near misses are common.
const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'A', '_', '1'), maxLength: 12 });

describe('didYouMean', () => {
  test('typos, swaps and case; nothing for a different word', () => {
    assert.equal(didYouMean('DB_PROT', ['DB_PORT', 'DB_HOST']), 'DB_PORT');
    assert.equal(didYouMean('db_port', ['DB_PORT']), 'DB_PORT');
    assert.equal(didYouMean('KEY_40', ['KEY_4', 'KEY_41']), 'KEY_4');
    assert.equal(didYouMean('SHARED_123', ['KEY_12', 'DB_PORT']), undefined);
    assert.equal(didYouMean('ab', ['ac']), undefined);
  });

  test('a bounded distance is exact up to the bound and above it past the bound', () => {
    fc.assert(
      fc.property(word, word, fc.nat(6), (a, b, bound) => {
        const exact = referenceDistance(a, b);
        assert.equal(editDistance(a, b), exact);
        const bounded = editDistance(a, b, bound);
        if (exact <= bound) assert.equal(bounded, exact);
        else assert.equal(bounded, bound + 1);
      }),
      { numRuns: 2000 },
    );
  });

  test('the same guess as comparing with every candidate in full', () => {
    fc.assert(
      fc.property(word, fc.array(word, { maxLength: 8 }), (w, candidates) => {
        assert.equal(didYouMean(w, candidates), referenceGuess(w, candidates));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('TypoIndex', () => {
  test('the guess didYouMean gives among each subset of the vocabulary', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(word, { maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.array(word, { maxLength: 5 }),
        (vocabulary, picks, words) => {
          const index = new TypoIndex(vocabulary);
          const subset = new Map(picks.filter((_p) => vocabulary.length > 0).map((p) => [vocabulary[p % vocabulary.length]!, true]));
          for (const w of [...words, ...vocabulary]) assert.equal(index.guess(w, subset), didYouMean(w, [...subset.keys()]));
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('didYouMeanName', () => {
  const names = ['hipstershop.v1.CartService', 'hipstershop.v1.CheckoutService', 'shop.v2.CartService'];

  test('compares as many trailing parts as are written, so a long package hides no typo', () => {
    assert.equal(didYouMeanName('CartServce', names), 'hipstershop.v1.CartService');
    assert.equal(didYouMeanName('v2.CartServce', names), 'shop.v2.CartService');
    assert.equal(didYouMeanName('hipstershop.v1.CheckoutServic', names), 'hipstershop.v1.CheckoutService');
  });

  test('names the full name of one written without its package, and nothing for a word that is no typo', () => {
    assert.equal(didYouMeanName('CheckoutService', names), 'hipstershop.v1.CheckoutService');
    assert.equal(didYouMeanName('Payments', names), undefined);
    assert.equal(didYouMeanName('ad', ['shop.Ad']), 'shop.Ad');
  });
});
