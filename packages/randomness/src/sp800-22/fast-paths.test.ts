/**
 * The word-level fast paths against straightforward bit-by-bit versions of the same definitions
 * (fast-check over random sequences, lengths and block sizes that do not line up with words).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bitsFromArray, countOnes, sliceBits, type BitSequence } from './bits.js';
import { walkExtremes } from './cusum.js';
import { excursionWalk, EXCURSION_STATES } from './excursions.js';
import { linearComplexities } from './linear-complexity.js';
import { rank32 } from './rank.js';
import { countRuns, longestRunsPerBlock } from './runs.js';
import { cyclicPatternCounts, foldPatternCounts } from './serial-entropy.js';
import { nonOverlappingCounts, overlappingOnesCounts } from './template-matching.js';

const bitArrays = (min: number, max: number) => fc.array(fc.integer({ min: 0, max: 1 }), { minLength: min, maxLength: max });
/** Biased arrays too, so long runs, low linear complexity and low rank occur. */
const biasedArrays = (min: number, max: number) =>
  fc.tuple(fc.double({ min: 0.02, max: 0.98, noNaN: true }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: min, maxLength: max })).map(([p, u]) => u.map((x) => (x < p ? 1 : 0)));
const anyArrays = (min: number, max: number) => fc.oneof(bitArrays(min, max), biasedArrays(min, max));

/** Berlekamp–Massey one bit at a time, as sts-2.1.2 writes it. */
function naiveLinearComplexity(s: number[]): number {
  const n = s.length;
  const C = new Array<number>(n + 1).fill(0);
  let B = new Array<number>(n + 1).fill(0);
  C[0] = 1;
  B[0] = 1;
  let L = 0;
  let m = -1;
  for (let N = 0; N < n; N++) {
    let d = s[N]!;
    for (let i = 1; i <= L; i++) d ^= C[i]! & s[N - i]!;
    if (d === 1) {
      const T = C.slice();
      for (let j = 0; j + N - m <= n; j++) if (B[j] === 1) C[j + N - m] = C[j + N - m]! ^ 1;
      if (L <= N >> 1) {
        L = N + 1 - L;
        m = N;
        B = T;
      }
    }
  }
  return L;
}

function naiveRank(rows: number[][]): number {
  const a = rows.map((r) => r.slice());
  let rank = 0;
  for (let col = 0; col < 32; col++) {
    const p = a.findIndex((r, i) => i >= rank && r[col] === 1);
    if (p < 0) continue;
    [a[rank], a[p]] = [a[p]!, a[rank]!];
    for (let i = 0; i < 32; i++) if (i !== rank && a[i]![col] === 1) a[i] = a[i]!.map((v, j) => v ^ a[rank]![j]!);
    rank++;
  }
  return rank;
}

describe('word-level fast paths agree with bit-by-bit definitions', () => {
  it('countOnes over any range', () => {
    fc.assert(
      fc.property(bitArrays(1, 200), fc.nat(), fc.nat(), (a, x, y) => {
        const s = bitsFromArray(a);
        const lo = x % (a.length + 1);
        const hi = lo + (y % (a.length - lo + 1));
        assert.equal(countOnes(s, lo, hi), a.slice(lo, hi).reduce((p, q) => p + q, 0));
      }),
    );
  });
  it('number of runs', () => {
    fc.assert(fc.property(anyArrays(1, 300), (a) => assert.equal(countRuns(bitsFromArray(a)), 1 + a.slice(1).filter((b, i) => b !== a[i]).length)));
  });
  it('longest run of ones per block (block lengths not a multiple of 32)', () => {
    fc.assert(
      fc.property(anyArrays(1, 400), fc.integer({ min: 1, max: 100 }), (a, M) => {
        const got = Array.from(longestRunsPerBlock(bitsFromArray(a), M));
        const want: number[] = [];
        for (let i = 0; i + M <= a.length; i += M) {
          let run = 0;
          let best = 0;
          for (const b of a.slice(i, i + M)) {
            run = b === 1 ? run + 1 : 0;
            best = Math.max(best, run);
          }
          want.push(best);
        }
        assert.deepEqual(got, want);
      }),
    );
  });
  it('random-walk extremes (cumulative sums)', () => {
    fc.assert(
      fc.property(anyArrays(1, 300), (a) => {
        let S = 0;
        let sup = 0;
        let inf = 0;
        for (const b of a) {
          S += b ? 1 : -1;
          sup = Math.max(sup, S);
          inf = Math.min(inf, S);
        }
        assert.deepEqual(walkExtremes(bitsFromArray(a)), { final: S, sup, inf });
      }),
    );
  });
  it('random-excursion cycles and visits, including the byte-at-a-time path far from zero', () => {
    fc.assert(
      fc.property(fc.oneof(anyArrays(1, 300), biasedArrays(200, 2000)), (a) => {
        const w = excursionWalk(bitsFromArray(a));
        let S = 0;
        let zeros = 0;
        const visits = new Array<number>(19).fill(0);
        const nu = new Array<number>(48).fill(0);
        let cycle = new Array<number>(9).fill(0);
        const close = () => {
          EXCURSION_STATES.forEach((x, i) => (nu[Math.min(5, cycle[x + 4]!) * 8 + i]! += 1));
          cycle = new Array<number>(9).fill(0);
        };
        for (const b of a) {
          S += b ? 1 : -1;
          if (Math.abs(S) <= 9) visits[S + 9]! += 1;
          if (S === 0) {
            zeros++;
            close();
          } else if (Math.abs(S) <= 4) cycle[S + 4]! += 1;
        }
        if (S !== 0) close();
        assert.equal(w.zeros, zeros);
        assert.equal(w.cycles, zeros + (S !== 0 ? 1 : 0));
        assert.deepEqual(Array.from(w.visits), visits);
        assert.deepEqual(Array.from(w.nu), nu);
      }),
    );
  });
  it('cyclic pattern counts and their folding (serial, approximate entropy)', () => {
    fc.assert(
      fc.property(anyArrays(1, 200), fc.integer({ min: 1, max: 8 }), (a, m) => {
        const n = a.length;
        const want = new Array<number>(1 << m).fill(0);
        for (let i = 0; i < n; i++) {
          let v = 0;
          for (let j = 0; j < m; j++) v = 2 * v + a[(i + j) % n]!;
          want[v]! += 1;
        }
        const got = cyclicPatternCounts(bitsFromArray(a), m);
        assert.deepEqual(Array.from(got), want);
        if (m > 1) assert.deepEqual(Array.from(foldPatternCounts(got)), Array.from(cyclicPatternCounts(bitsFromArray(a), m - 1)));
      }),
    );
  });
  it('non-overlapping template counts for every m-bit pattern, as sts-2.1.2 scans', () => {
    fc.assert(
      fc.property(anyArrays(20, 400), fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 4 }), (a, m, N) => {
        const M = Math.floor(a.length / N);
        fc.pre(M >= m);
        const got = nonOverlappingCounts(bitsFromArray(a), m, N, M);
        for (let t = 0; t < 1 << m; t++) {
          const tb = Array.from({ length: m }, (_, k) => (t >>> (m - 1 - k)) & 1);
          for (let i = 0; i < N; i++) {
            let W = 0;
            for (let j = 0; j < M - m + 1; j++) {
              if (tb.every((b, k) => b === a[i * M + j + k])) {
                W++;
                j += m - 1;
              }
            }
            assert.equal(got[i * (1 << m) + t], W, `t=${t} block ${i}`);
          }
        }
      }),
      { numRuns: 40 },
    );
  });
  it('overlapping runs of m ones per block', () => {
    fc.assert(
      fc.property(biasedArrays(20, 600), fc.integer({ min: 2, max: 12 }), fc.integer({ min: 12, max: 80 }), (a, m, M) => {
        const want: number[] = [];
        for (let i = 0; i + M <= a.length; i += M) {
          let W = 0;
          for (let j = 0; j <= M - m; j++) if (a.slice(i + j, i + j + m).every((b) => b === 1)) W++;
          want.push(W);
        }
        assert.deepEqual(Array.from(overlappingOnesCounts(bitsFromArray(a), m, M)), want);
      }),
    );
  });
  it('rank of 32 × 32 matrices over GF(2)', () => {
    fc.assert(
      fc.property(fc.oneof(biasedArrays(1024, 1024), bitArrays(1024, 1024), fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 3, maxLength: 3 }).map((basis) => {
        // low-rank: rows are combinations of three words
        const rows: number[] = [];
        for (let i = 0; i < 32; i++) rows.push(((i & 1 ? basis[0]! : 0) ^ (i & 2 ? basis[1]! : 0) ^ (i & 4 ? basis[2]! : 0)) >>> 0);
        return rows.flatMap((r) => Array.from({ length: 32 }, (_, j) => (r >>> (31 - j)) & 1));
      })), (a) => {
        fc.pre(a.length === 1024);
        const s = bitsFromArray(a);
        const rows = Array.from({ length: 32 }, (_, i) => a.slice(32 * i, 32 * i + 32));
        assert.equal(rank32(s.words, 0), naiveRank(rows));
      }),
    );
  });
  it('linear complexity per block (word-level Berlekamp–Massey) for block lengths 1 … 200', () => {
    fc.assert(
      fc.property(anyArrays(1, 600), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 40 }), (a, M, skip) => {
        fc.pre(a.length > skip);
        const s: BitSequence = sliceBits(bitsFromArray(a), skip, a.length - skip);
        const tail = a.slice(skip);
        const got = Array.from(linearComplexities(s, M));
        const want: number[] = [];
        for (let i = 0; i + M <= tail.length; i += M) want.push(naiveLinearComplexity(tail.slice(i, i + M)));
        assert.deepEqual(got, want);
      }),
    );
  });
});
