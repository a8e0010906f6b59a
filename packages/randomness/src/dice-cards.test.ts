import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyzeDeck, fullDeck, parseCards } from './cards.js';
import { analyzeDice, parseDiceRolls } from './dice.js';
import { diceEntropyBits, requireEntropy, rollsNeeded, shuffleEntropyBits } from './entropy.js';
import { RandomnessError, type RandomnessErrorCode } from './errors.js';

function problemsOf(f: () => unknown, code: RandomnessErrorCode): string[] {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof RandomnessError, String(e));
    assert.equal(e.code, code);
    return e.problems.map((p) => `${p.line}:${p.column} ${p.message}`);
  }
  assert.fail(`expected ${code}`);
}

describe('dice rolls', () => {
  it('reads digits with or without separators, with their positions', () => {
    assert.deepEqual(parseDiceRolls('3162').map((r) => r.value), [3, 1, 6, 2]);
    const r = parseDiceRolls('3 1, 6;2\r\n5');
    assert.deepEqual(r.map((x) => [x.value, x.line, x.column]), [[3, 1, 1], [1, 1, 3], [6, 1, 6], [2, 1, 8], [5, 2, 1]]);
  });
  it('names every invalid character and where it is', () => {
    assert.deepEqual(problemsOf(() => parseDiceRolls('31a7 0\n6x'), 'DICE_INVALID'), [
      '1:3 "a" is not a roll of a d6 (1–6)',
      '1:4 "7" is not a roll of a d6 (1–6)',
      '1:6 "0" is not a roll of a d6 (1–6)',
      '2:2 "x" is not a roll of a d6 (1–6)',
    ]);
    assert.deepEqual(problemsOf(() => parseDiceRolls('20 1 13 21 x', 20), 'DICE_INVALID'), ['1:9 "21" is not a roll of a d20 (1–20)', '1:12 "x" is not a roll of a d20 (1–20)']);
    assert.deepEqual(parseDiceRolls('20 1 13', 20).map((x) => x.value), [20, 1, 13]);
    assert.deepEqual(parseDiceRolls('1 2 1', 2).map((x) => x.value), [1, 2, 1]);
  });
  it('counts faces, accounts entropy and runs χ² only with 5 expected per face', () => {
    const few = analyzeDice([1, 2, 3, 4, 5, 6, 1, 2, 3, 4]);
    assert.ok('skipped' in few.chiSquare && /at least 30 observations/.test(few.chiSquare.skipped));
    const even = analyzeDice(Array.from({ length: 120 }, (_, i) => (i % 6) + 1));
    assert.deepEqual(even.counts, [20, 20, 20, 20, 20, 20]);
    assert.ok(!('skipped' in even.chiSquare) && even.chiSquare.statistic === 0 && !even.chiSquare.rejected);
    assert.equal(even.enough, true);
    const loaded = analyzeDice([...new Array<number>(60).fill(6), ...Array.from({ length: 60 }, (_, i) => (i % 6) + 1)]);
    assert.ok(!('skipped' in loaded.chiSquare) && loaded.chiSquare.rejected);
    assert.deepEqual([analyzeDice(new Array<number>(99).fill(1)).enough, analyzeDice(new Array<number>(100).fill(1)).enough], [false, true]);
  });
});

describe('entropy accounting', () => {
  it('log2 6 bits per d6 roll; 256 bits need 100 rolls, 128 bits 50', () => {
    assert.ok(Math.abs(diceEntropyBits(1) - 2.584962500721156) < 1e-15);
    assert.deepEqual([rollsNeeded(256), rollsNeeded(128), rollsNeeded(256, 2), rollsNeeded(256, 20)], [100, 50, 256, 60]);
  });
  it('log2 52! ≈ 225.581 bits for a full shuffle, log2(52!/(52−k)!) for k cards', () => {
    let fact = 1n;
    for (let i = 2n; i <= 52n; i++) fact *= i;
    // log2 of the exact integer: its top 53 bits as a double, plus the shift.
    const shift = fact.toString(2).length - 53;
    assert.ok(Math.abs(shuffleEntropyBits(52) - (Math.log2(Number(fact >> BigInt(shift))) + shift)) < 1e-9);
    assert.ok(Math.abs(shuffleEntropyBits(52) - 225.581) < 1e-3);
    assert.ok(Math.abs(shuffleEntropyBits(1) - Math.log2(52)) < 1e-12);
    assert.ok(Math.abs(shuffleEntropyBits(2) - Math.log2(52 * 51)) < 1e-12);
  });
  it('is additive: rolls in two parts, a deck dealt in two parts', () => {
    fc.assert(
      fc.property(fc.nat(500), fc.nat(500), fc.integer({ min: 2, max: 100 }), (a, b, sides) => {
        assert.ok(Math.abs(diceEntropyBits(a, sides) + diceEntropyBits(b, sides) - diceEntropyBits(a + b, sides)) < 1e-9);
      }),
    );
    fc.assert(
      fc.property(fc.nat(52), fc.nat(52), (x, y) => {
        const k = Math.min(x, y);
        const m = Math.max(x, y) - k;
        assert.ok(Math.abs(shuffleEntropyBits(k) + shuffleEntropyBits(m, 52 - k) - shuffleEntropyBits(k + m)) < 1e-9);
      }),
    );
  });
  it('refuses when the entropy is below the key strength', () => {
    assert.throws(() => requireEntropy(shuffleEntropyBits(52), 256, 'one shuffled deck'), (e: unknown) => e instanceof RandomnessError && e.code === 'ENTROPY_INSUFFICIENT' && /one shuffled deck: 225\.58 bits of entropy/.test(e.message));
    requireEntropy(shuffleEntropyBits(52), 128);
    requireEntropy(diceEntropyBits(100), 256);
    assert.throws(() => requireEntropy(diceEntropyBits(99), 256), (e: unknown) => e instanceof RandomnessError && e.code === 'ENTROPY_INSUFFICIENT');
  });
});

describe('cards', () => {
  it('reads the same cards in every notation', () => {
    const want = ['AS', 'TH', 'QD'];
    for (const text of ['AS 10H QD', 'AsThQd', 'as,th,qd', 'A♠ 10♥ Q♦', 'a♤\nt♡;q♢']) assert.deepEqual(parseCards(text).map((c) => c.code), want, text);
  });
  it('round-trips any shuffle in any spacing and case', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(fullDeck()), fc.constantFrom(' ', '', ',', '\n', ' ; '), fc.boolean(), (deck, sep, lower) => {
        const text = deck.map((c) => (lower ? c.toLowerCase() : c).replace(/^t/i, '10')).join(sep);
        assert.deepEqual(parseCards(text).map((c) => c.code), deck);
      }),
    );
  });
  it('names unreadable cards and duplicates with their positions', () => {
    assert.deepEqual(problemsOf(() => parseCards('AS XH 1H QZ K'), 'CARDS_INVALID'), [
      '1:4 cannot read "XH": "X" is not a rank (A 2–9 T/10 J Q K)',
      '1:7 cannot read "1H": "1" is not a rank (A 2–9 T/10 J Q K)',
      '1:10 cannot read "QZ": "Z" is not a suit (S H D C or ♠ ♥ ♦ ♣)',
      '1:13 cannot read "K": rank K has no suit (S H D C)',
    ]);
    assert.deepEqual(problemsOf(() => parseCards('AS KH\nQD AS kh'), 'CARDS_DUPLICATE'), ['2:4 AS again (first at line 1, column 1)', '2:7 KH again (first at line 1, column 4)']);
  });
  it('reports missing cards and the entropy of a full or partial deck', () => {
    const full = analyzeDeck(parseCards(fullDeck().reverse().join(' ')), { keyBits: 128 });
    assert.deepEqual([full.cards, full.missing.length, full.complete, full.enough], [52, 0, true, true]);
    assert.equal(analyzeDeck(parseCards(fullDeck().join(''))).enough, false, 'one deck is 225.58 bits: not enough for 256');
    const part = analyzeDeck(parseCards('AS 2S 3S'));
    assert.deepEqual([part.cards, part.missing.length, part.missing.includes('AS'), part.complete], [3, 49, false, false]);
    assert.ok(Math.abs(part.entropyBits - Math.log2(52 * 51 * 50)) < 1e-12);
  });
});
