/**
 * SP 800-22 rev1a §2.5 binary matrix rank test on 32 × 32 matrices, as sts-2.1.2 computes it
 * (rank.c). Matrix k is bits 1024k … 1024k + 1023, row i being the 32 bits from 1024k + 32i; in
 * the packed sequence a row is exactly one word, so the rank is taken with word operations.
 */
import { normalizeBits, type BitSequence } from './bits.js';
import { applicable, requireBits, type CommonOptions, type TestResult } from './result.js';

/** Rank over GF(2) of the 32 × 32 matrix whose rows are `rows[offset]` … `rows[offset + 31]`. */
export function rank32(rows: Uint32Array, offset: number, scratch: Uint32Array = new Uint32Array(32)): number {
  for (let i = 0; i < 32; i++) scratch[i] = rows[offset + i]!;
  let rank = 0;
  for (let bit = 31; bit >= 0 && rank < 32; bit--) {
    const mask = 1 << bit;
    let pivot = -1;
    for (let r = rank; r < 32; r++) {
      if (scratch[r]! & mask) {
        pivot = r;
        break;
      }
    }
    if (pivot < 0) continue;
    const pv = scratch[pivot]!;
    scratch[pivot] = scratch[rank]!;
    scratch[rank] = pv;
    for (let r = rank + 1; r < 32; r++) if (scratch[r]! & mask) scratch[r] = scratch[r]! ^ pv;
    rank++;
  }
  return rank;
}

/** sts-2.1.2's probabilities of full rank (32) and rank 31 for a random 32 × 32 binary matrix. */
function rankProbability(r: number): number {
  let product = 1;
  for (let i = 0; i <= r - 1; i++) product *= ((1.0 - Math.pow(2, i - 32)) * (1.0 - Math.pow(2, i - 32))) / (1.0 - Math.pow(2, i - r));
  return Math.pow(2, r * (32 + 32 - r) - 32 * 32) * product;
}

/** Binary matrix rank test: linear dependence among fixed-length substrings. SP 800-22 §2.5. */
export function rankTest(seq: BitSequence, options: CommonOptions = {}): TestResult {
  const s = normalizeBits(seq);
  const n = s.length;
  // §2.5.7: n ≥ 38 M Q = 38912; sts-2.1.2 itself needs one matrix (1024 bits)
  requireBits('rank', n, options.strict === false ? 1024 : 38912, options.strict === false ? 'one 32 × 32 matrix' : undefined);
  const N = Math.floor(n / 1024);
  const p32 = rankProbability(32);
  const p31 = rankProbability(31);
  const p30 = 1 - (p32 + p31);
  let F32 = 0;
  let F31 = 0;
  const scratch = new Uint32Array(32);
  for (let k = 0; k < N; k++) {
    const R = rank32(s.words, 32 * k, scratch);
    if (R === 32) F32++;
    else if (R === 31) F31++;
  }
  const F30 = N - (F32 + F31);
  const chi2 = Math.pow(F32 - N * p32, 2) / (N * p32) + Math.pow(F31 - N * p31, 2) / (N * p31) + Math.pow(F30 - N * p30, 2) / (N * p30);
  const p = Math.exp(-chi2 / 2.0);
  return applicable('rank', ['p'], [p], { n, N, F32, F31, F30, chi2 });
}
