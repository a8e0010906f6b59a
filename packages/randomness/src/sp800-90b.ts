/**
 * SP 800-90B health tests (§4.4): the repetition count test and the adaptive proportion test, with
 * cutoffs computed from the false-positive probability α and the claimed min-entropy per sample H,
 * usable online on a stream; and the most-common-value min-entropy estimate (§6.3.1).
 */
import { RandomnessError } from './errors.js';

/** The false-positive probability SP 800-90B recommends for the health tests (§4.4): 2^-20. */
export const DEFAULT_ALPHA = 2 ** -20;

/** Parameters of the health tests. */
export interface HealthTestParams {
  /** Claimed min-entropy per sample, 0 < H ≤ bitsPerSample. */
  h: number;
  /** Bits per sample: 1 (binary source) to 8. */
  bitsPerSample: number;
  /** False-positive probability, 0 < α < 1; default 2^-20. */
  alpha?: number;
  /** APT window W; default 512 for binary samples and 1024 otherwise (§4.4.2). */
  windowSize?: number;
}

function checkAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new RandomnessError('HEALTH_INVALID_PARAMETER', `α must be between 0 and 1 (got ${alpha})`);
}

function checkH(h: number, bitsPerSample?: number): void {
  if (!(h > 0) || !Number.isFinite(h)) throw new RandomnessError('HEALTH_INVALID_PARAMETER', `claimed min-entropy H must be a positive number of bits per sample (got ${h})`);
  if (bitsPerSample !== undefined && h > bitsPerSample) throw new RandomnessError('HEALTH_INVALID_PARAMETER', `claimed min-entropy H = ${h} exceeds the ${bitsPerSample} bit${bitsPerSample === 1 ? '' : 's'} per sample`);
}

/**
 * The repetition count test cutoff (§4.4.1): C = 1 + ⌈−log2(α) / H⌉. A run of C identical
 * samples fails. (α = 2^-20, H = 1 → 21.)
 */
export function rctCutoff(h: number, alpha: number = DEFAULT_ALPHA): number {
  checkAlpha(alpha);
  checkH(h);
  const r = -Math.log2(alpha) / h;
  // log2 and the division may land a hair above a whole number (20 / 0.1); do not round that up.
  const nearest = Math.round(r);
  return 1 + (Math.abs(r - nearest) < 1e-9 ? nearest : Math.ceil(r));
}

/**
 * The adaptive proportion test cutoff (§4.4.2): C = 1 + CRITBINOM(W, 2^-H, 1 − α), where
 * CRITBINOM(n, p, q) is the smallest k with P(X ≤ k) ≥ q for X ~ Binomial(n, p). A window of W
 * samples fails when its first value occurs C times. (α = 2^-20, H = 1: W = 1024 → 589,
 * W = 512 → 311.)
 *
 * Exact rational arithmetic (BigInt) when H is a whole number, so p = 2^-H is exact; otherwise
 * the binomial tail is summed in double precision from log-factorials.
 */
export function aptCutoff(h: number, windowSize: number, alpha: number = DEFAULT_ALPHA): number {
  checkAlpha(alpha);
  checkH(h);
  if (!Number.isInteger(windowSize) || windowSize < 2 || windowSize > 65536) throw new RandomnessError('HEALTH_INVALID_PARAMETER', `APT window size must be an integer from 2 to 65536 (got ${windowSize})`);
  return 1 + (Number.isInteger(h) && h <= 64 ? critBinomExact(windowSize, h, alpha) : critBinomFloat(windowSize, 2 ** -h, alpha));
}

/** α as m / 2^s with m, s integers (every double is such a dyadic rational). */
function dyadic(alpha: number): { m: bigint; s: bigint } {
  let x = alpha;
  let s = 0n;
  while (!Number.isInteger(x)) {
    x *= 2;
    s++;
  }
  return { m: BigInt(x), s };
}

/** Smallest k with P(X > k) ≤ α, X ~ Binomial(n, 2^-h), exactly. */
function critBinomExact(n: number, h: number, alpha: number): number {
  // P(X = j) = C(n, j)·b^(n−j) / 2^(h·n) with b = 2^h − 1. Compare tail·2^s ≤ m·2^(h·n).
  const { m, s } = dyadic(alpha);
  const limit = m << BigInt(h * n);
  const b = (1n << BigInt(h)) - 1n;
  let term = 1n; // j = n: C(n, n)·b^0
  let tail = 0n; // P(X > k) scaled, for the current k
  for (let k = n; k >= 1; k--) {
    tail += term; // now the tail for k − 1
    if (tail << s > limit) return k;
    // term for j = k − 1 from the term for j = k: C(n, k−1) = C(n, k)·k / (n − k + 1).
    term = (term * BigInt(k) * b) / BigInt(n - k + 1);
  }
  return 0;
}

/** Smallest k with P(X > k) ≤ α, X ~ Binomial(n, p), in double precision. */
function critBinomFloat(n: number, p: number, alpha: number): number {
  const lf = new Float64Array(n + 1);
  for (let i = 1; i <= n; i++) lf[i] = lf[i - 1]! + Math.log(i);
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  let tail = 0;
  for (let k = n; k >= 1; k--) {
    tail += Math.exp(lf[n]! - lf[k]! - lf[n - k]! + k * lp + (n - k) * lq);
    if (tail > alpha) return k;
  }
  return 0;
}

/** Result of the repetition count test so far. */
export interface RctResult {
  cutoff: number;
  /** Runs of identical samples that reached the cutoff. */
  failures: number;
  /** Index (0-based) of the sample at which a run first reached the cutoff. */
  firstFailure?: number;
  longestRun: number;
}

/** Result of the adaptive proportion test so far. */
export interface AptResult {
  cutoff: number;
  windowSize: number;
  /** Windows started (the last may be incomplete). */
  windows: number;
  /** Windows in which the first value reached the cutoff count. */
  failures: number;
  /** Index (0-based) of the sample at which a window first reached the cutoff. */
  firstFailure?: number;
  /** The highest count of a window's first value. */
  maxCount: number;
}

/** Results of both health tests over the samples fed so far. */
export interface HealthReport {
  samples: number;
  h: number;
  alpha: number;
  bitsPerSample: number;
  rct: RctResult;
  apt: AptResult;
  /** True when neither test has failed. */
  passed: boolean;
}

/**
 * Both SP 800-90B health tests run continuously over a stream: feed samples or bytes as they
 * arrive, read {@link HealthTester.report} at any time. A run that reaches the RCT cutoff counts
 * once however long it goes on; each APT window counts at most once.
 *
 * @example
 * const t = new HealthTester({ h: 1, bitsPerSample: 1 });
 * t.pushBytes(chunk);
 * if (!t.report().passed) stopTheSource();
 */
export class HealthTester {
  readonly params: Required<HealthTestParams>;
  readonly rctCutoff: number;
  readonly aptCutoff: number;
  #index = 0;
  #rctValue = -1;
  #rctRun = 0;
  #rct: RctResult;
  #aptValue = -1;
  #aptCount = 0;
  #aptPos = 0;
  #aptFailedThisWindow = false;
  #apt: AptResult;
  /** Bits of a partial sample carried between pushBytes calls. */
  #acc = 0;
  #have = 0;

  constructor(params: HealthTestParams) {
    const bits = params.bitsPerSample;
    if (!Number.isInteger(bits) || bits < 1 || bits > 8) throw new RandomnessError('HEALTH_INVALID_PARAMETER', `bits per sample must be an integer from 1 to 8 (got ${bits})`);
    checkH(params.h, bits);
    const alpha = params.alpha ?? DEFAULT_ALPHA;
    const windowSize = params.windowSize ?? (bits === 1 ? 512 : 1024);
    this.params = { h: params.h, bitsPerSample: bits, alpha, windowSize };
    this.rctCutoff = rctCutoff(params.h, alpha);
    this.aptCutoff = aptCutoff(params.h, windowSize, alpha);
    this.#rct = { cutoff: this.rctCutoff, failures: 0, longestRun: 0 };
    this.#apt = { cutoff: this.aptCutoff, windowSize, windows: 0, failures: 0, maxCount: 0 };
  }

  /** Feeds one sample (an integer 0 ≤ x < 2^bitsPerSample). */
  pushSample(x: number): void {
    if (!Number.isInteger(x) || x < 0 || x >= 2 ** this.params.bitsPerSample) {
      throw new RandomnessError('HEALTH_INVALID_PARAMETER', `sample ${this.#index} is ${x}; samples of ${this.params.bitsPerSample} bits are integers from 0 to ${2 ** this.params.bitsPerSample - 1}`);
    }
    this.#push(x);
  }

  #push(x: number): void {
    const i = this.#index++;
    // §4.4.1 repetition count test.
    if (x === this.#rctValue) this.#rctRun++;
    else {
      this.#rctValue = x;
      this.#rctRun = 1;
    }
    if (this.#rctRun > this.#rct.longestRun) this.#rct.longestRun = this.#rctRun;
    if (this.#rctRun === this.rctCutoff) {
      this.#rct.failures++;
      this.#rct.firstFailure ??= i;
    }
    // §4.4.2 adaptive proportion test over consecutive windows of W samples.
    if (this.#aptPos === 0) {
      this.#aptValue = x;
      this.#aptCount = 1;
      this.#aptFailedThisWindow = false;
      this.#apt.windows++;
    } else if (x === this.#aptValue) this.#aptCount++;
    if (this.#aptCount > this.#apt.maxCount) this.#apt.maxCount = this.#aptCount;
    if (!this.#aptFailedThisWindow && this.#aptCount >= this.aptCutoff) {
      this.#aptFailedThisWindow = true;
      this.#apt.failures++;
      this.#apt.firstFailure ??= i;
    }
    this.#aptPos = (this.#aptPos + 1) % this.params.windowSize;
  }

  /** Feeds samples. */
  pushSamples(samples: Iterable<number>): void {
    for (const x of samples) this.pushSample(x);
  }

  /**
   * Feeds bytes, split into samples of bitsPerSample bits, most significant first (as
   * {@link bytesToSamples}); bits left over at the end of a chunk start the next sample.
   */
  pushBytes(bytes: Uint8Array): void {
    const bits = this.params.bitsPerSample;
    if (bits === 8) {
      for (let k = 0; k < bytes.length; k++) this.#push(bytes[k]!);
      return;
    }
    const mask = (1 << bits) - 1;
    for (let k = 0; k < bytes.length; k++) {
      this.#acc = ((this.#acc << 8) | bytes[k]!) & 0xffff;
      this.#have += 8;
      while (this.#have >= bits) {
        this.#have -= bits;
        this.#push((this.#acc >>> this.#have) & mask);
      }
    }
  }

  /** The results so far. */
  report(): HealthReport {
    const { h, alpha, bitsPerSample } = this.params;
    return { samples: this.#index, h, alpha, bitsPerSample, rct: { ...this.#rct }, apt: { ...this.#apt }, passed: this.#rct.failures === 0 && this.#apt.failures === 0 };
  }
}

/**
 * Splits bytes into samples: 8 bits per sample → one sample per byte; 1, 2 or 4 → several per
 * byte, most significant bits first; other widths read the bytes as one big-endian bit string.
 */
export function* bytesToSamples(bytes: Uint8Array, bitsPerSample: number): Generator<number> {
  if (bitsPerSample === 8) {
    yield* bytes;
    return;
  }
  let acc = 0;
  let have = 0;
  const mask = (1 << bitsPerSample) - 1;
  for (const b of bytes) {
    acc = ((acc << 8) | b) & 0xffff;
    have += 8;
    while (have >= bitsPerSample) {
      have -= bitsPerSample;
      yield (acc >>> have) & mask;
    }
  }
}

/** Both health tests over a whole sequence of samples. */
export function healthTest(samples: Iterable<number>, params: HealthTestParams): HealthReport {
  const t = new HealthTester(params);
  t.pushSamples(samples);
  return t.report();
}

/** The most-common-value estimate (§6.3.1). */
export interface McvEstimate {
  samples: number;
  /** The most common value and its count. */
  mode: number;
  count: number;
  /** p̂ = count / L. */
  pHat: number;
  /** p_u = min(1, p̂ + 2.576·sqrt(p̂(1 − p̂) / (L − 1))), the upper 99% bound. */
  pU: number;
  /** −log2(p_u) bits per sample. */
  minEntropy: number;
}

/** The most-common-value min-entropy estimate of SP 800-90B §6.3.1; needs at least two samples. */
export function mostCommonValueEstimate(samples: Iterable<number>): McvEstimate {
  const counts = new Map<number, number>();
  let n = 0;
  for (const x of samples) {
    counts.set(x, (counts.get(x) ?? 0) + 1);
    n++;
  }
  return mcvFromCounts(counts, n);
}

/** {@link mostCommonValueEstimate} of the samples in `bytes` (as {@link bytesToSamples}), counted without building them. */
export function mostCommonValueOfBytes(bytes: Uint8Array, bitsPerSample: number): McvEstimate {
  if (bitsPerSample !== 1 && bitsPerSample !== 8) return mostCommonValueEstimate(bytesToSamples(bytes, bitsPerSample));
  const byValue = new Float64Array(256);
  for (let k = 0; k < bytes.length; k++) byValue[bytes[k]!]!++;
  const counts = new Map<number, number>();
  if (bitsPerSample === 8) byValue.forEach((c, v) => c > 0 && counts.set(v, c));
  else {
    let ones = 0;
    byValue.forEach((c, v) => {
      let pop = 0;
      for (let t = v; t; t &= t - 1) pop++;
      ones += c * pop;
    });
    counts.set(0, bytes.length * 8 - ones).set(1, ones);
  }
  return mcvFromCounts(counts, bitsPerSample === 8 ? bytes.length : bytes.length * 8);
}

function mcvFromCounts(counts: ReadonlyMap<number, number>, n: number): McvEstimate {
  if (n < 2) throw new RandomnessError('HEALTH_NO_DATA', `the most-common-value estimate needs at least 2 samples (got ${n})`);
  let mode = 0;
  let count = 0;
  for (const [v, c] of counts) if (c > count || (c === count && v < mode)) [mode, count] = [v, c];
  const pHat = count / n;
  const pU = Math.min(1, pHat + 2.576 * Math.sqrt((pHat * (1 - pHat)) / (n - 1)));
  return { samples: n, mode, count, pHat, pU, minEntropy: Math.max(0, -Math.log2(pU)) };
}
