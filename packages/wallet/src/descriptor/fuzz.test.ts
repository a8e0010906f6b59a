/**
 * Fuzzing the descriptor parser: 100,000+ random and mutated inputs. Every input either parses
 * (and then derives or fails with a WalletError) or fails with a WalletError naming a position
 * inside the text: never another exception, never a hang.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { WalletError } from '../errors.js';
import { deriveAddresses } from './addresses.js';
import { parseDescriptor } from './parse.js';

const XPUB_A = 'xpub6ERApfZwUNrhLCkDtcHTcxd75RbzS1ed54G1LkBUHQVHQKqhMkhgbmJbZRkrgZw4koxb5JaHWkY4ALHY2grBGRjaDMzQLcgJvLJuZZvRcEL';
const XPUB_B = 'xpub68NZiKmJWnxxS6aaHmn81bvJeTESw724CRDs6HbuccFQN9Ku14VQrADWgqbhhTHBaohPX4CjNLf9fq9MYo6oDaPPLPxSb7gwQN3ih19Zm4Y';
const PK = '0260b2003c386519fc9eadf2b5cf124dd8eea4c4e68d5e154050a9346ea98ce600';
const XO = 'a34b99f22c790c4e36b2b3c2c35a36db06226e41c692fc82b8b56ac1c540c5bd';
const SEEDS = [
  `wsh(sortedmulti(2,[deadbeef/48h/0h/0h/2h]${XPUB_A}/<0;1>/*,[0badf00d/48'/0'/0'/2']${XPUB_B}/<0;1>/*,${PK}))`,
  `sh(wsh(multi(1,${XPUB_A}/0/*,${PK})))#abcdefgh`,
  `tr(${XO},{pk(${XPUB_A}/1/*),{multi_a(1,${XO},${XPUB_B}/*),sortedmulti_a(2,${XPUB_A}/2/*,${XPUB_B}/3/*)}})`,
  `pkh([deadbeef/44h/0h/0h]${XPUB_A}/0/*)`,
  `sh(wpkh(${PK}))`,
  'raw(deadbeef)#89f8spxm',
  `wsh(and_v(v:pk(${PK}),older(144)))`,
];
const ALPHABET = "()[]{},/<>;*h'#0123456789abcdefxpubtrwshmultisortedpkh_:";

/** A small deterministic PRNG (xorshift32) so failures reproduce. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function mutate(s: string, r: () => number): string {
  let out = s;
  const n = 1 + Math.floor(r() * 4);
  for (let k = 0; k < n; k++) {
    const i = Math.floor(r() * (out.length + 1));
    const c = ALPHABET[Math.floor(r() * ALPHABET.length)]!;
    const op = Math.floor(r() * 5);
    if (op === 0) out = out.slice(0, i) + c + out.slice(i);
    else if (op === 1) out = out.slice(0, i) + out.slice(i + 1);
    else if (op === 2) out = out.slice(0, i) + c + out.slice(i + 1);
    else if (op === 3) out = out.slice(0, i) + out.slice(i, i + 1 + Math.floor(r() * 30)).repeat(2) + out.slice(i);
    else out = out.slice(0, i);
  }
  return out;
}

/** Parses and derives; returns what happened. Anything but a located WalletError is a bug. */
function exercise(input: string): 'ok' | 'rejected' {
  const t0 = performance.now();
  let result: 'ok' | 'rejected';
  try {
    const d = parseDescriptor(input);
    deriveAddresses(d, { count: 2 });
    result = 'ok';
  } catch (e) {
    if (!(e instanceof WalletError)) throw new Error(`non-WalletError for ${JSON.stringify(input)}`, { cause: e });
    if (e.position !== undefined && (e.position < 0 || e.position > Math.max(input.length, 1))) throw new Error(`position ${e.position} outside input ${JSON.stringify(input)}`, { cause: e });
    result = 'rejected';
  }
  // A hang guard, not a performance assertion: one short descriptor must never take a second.
  const ms = performance.now() - t0;
  if (ms > 1000) throw new Error(`${ms.toFixed(0)} ms on ${JSON.stringify(input)}`);
  return result;
}

describe('descriptor parser fuzzing', () => {
  it('90,000 seeded mutations of valid descriptors', () => {
    const r = rng(0x6b657967);
    const seen = { ok: 0, rejected: 0 };
    for (let i = 0; i < 90_000; i++) seen[exercise(mutate(SEEDS[i % SEEDS.length]!, r))]++;
    // The mutator must reach both outcomes, or the fuzzing proves nothing.
    assert.ok(seen.ok > 100 && seen.rejected > 10_000, JSON.stringify(seen));
  });

  it('15,000 random strings (fast-check)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 120 }), fc.string({ unit: 'binary', maxLength: 80 })), (s) => {
        exercise(s);
      }),
      { numRuns: 15_000, seed: 380 },
    );
  });

  it('deep nesting and huge inputs are rejected quickly', () => {
    assert.equal(exercise('sh('.repeat(50_000)), 'rejected');
    assert.equal(exercise(`tr(${XO},${'{'.repeat(10_000)}`), 'rejected');
    assert.equal(exercise(`wsh(multi(1,${`${PK},`.repeat(3000)}${PK}))`), 'rejected');
    assert.equal(exercise('x'.repeat(300_000)), 'rejected');
  });
});
