/**
 * A discrete Fourier transform for any length, for the spectral test (SP 800-22 §2.6).
 *
 * Complex transforms use a mixed-radix Stockham autosort FFT (radix 4, 2, 3, 5 butterflies and a
 * direct butterfly for other primes up to 61); lengths with a larger prime factor go through
 * Bluestein's chirp-z algorithm on a power-of-two FFT. A real input of even length n is packed into
 * n/2 complex points and unpacked afterwards. Twiddle factors come from two small tables of cos/sin
 * values computed directly (no recurrences), so the error stays at a few ulps times log n.
 *
 * sts-2.1.2 uses FFTPACK's real transform; the spectral test only counts |X_k| below a threshold,
 * so any accurate transform gives the same count: both are off by ~1e-12 at n = 10^6, and a
 * modulus that close to the threshold turns up with probability about 1e-9 per sequence.
 */
import { pass2, pass3, pass4, pass5, passGeneric, TwiddleTable } from './fft-passes.js';

const MAX_DIRECT_PRIME = 61;

/** Splits n into butterfly radices (4s first, then 2, 3, 5 and other primes), or undefined when a prime factor is above 61. */
export function radices(n: number): number[] | undefined {
  const out: number[] = [];
  let m = n;
  while (m % 4 === 0) {
    out.push(4);
    m /= 4;
  }
  if (m % 2 === 0) {
    out.push(2);
    m /= 2;
  }
  for (let p = 3; m > 1; p += 2) {
    // every factor below p is gone, so what is left has a prime factor ≥ p
    if (p > MAX_DIRECT_PRIME) return undefined;
    while (m % p === 0) {
      out.push(p);
      m /= p;
    }
  }
  return out;
}

/**
 * A forward complex DFT of one length, X_k = Σ x_j e^(−2πi jk/n), reusable across calls.
 * Holds its tables and work buffers; not safe to share between concurrent callers.
 */
export class ComplexFft {
  readonly n: number;
  private readonly factors: number[] | undefined;
  private readonly table: TwiddleTable;
  /** Table resolution / n: the table may be finer than n (the real transform shares it). */
  private readonly res: number;
  private readonly bufR: Float64Array;
  private readonly bufI: Float64Array;
  private readonly bluestein: Bluestein | undefined;

  constructor(n: number, table?: TwiddleTable) {
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`FFT length must be a positive integer; got ${n}`);
    this.n = n;
    this.factors = radices(n);
    if (this.factors === undefined) {
      this.bluestein = new Bluestein(n);
      this.table = new TwiddleTable(1);
      this.res = 1;
      this.bufR = this.bufI = new Float64Array(0);
      return;
    }
    this.bluestein = undefined;
    const t = table ?? new TwiddleTable(n);
    if (t.size % n !== 0) throw new RangeError('twiddle table size must be a multiple of n');
    this.table = t;
    this.res = t.size / n;
    this.bufR = new Float64Array(n);
    this.bufI = new Float64Array(n);
  }

  /**
   * Transforms (re, im) and returns the arrays holding the result: either the inputs themselves or
   * the plan's work buffers (valid until the next call). The inputs are overwritten.
   */
  forward(re: Float64Array, im: Float64Array): { re: Float64Array; im: Float64Array } {
    if (re.length !== this.n || im.length !== this.n) throw new RangeError(`FFT input must have length ${this.n}`);
    if (this.bluestein) return this.bluestein.forward(re, im);
    let xr = re;
    let xi = im;
    let yr = this.bufR;
    let yi = this.bufI;
    let len = this.n;
    let stride = 1;
    for (const p of this.factors!) {
      const m = len / p;
      const tw = stride * this.res;
      const T = this.table;
      if (p === 4) pass4(m, stride, tw, xr, xi, yr, yi, T);
      else if (p === 2) pass2(m, stride, tw, xr, xi, yr, yi, T);
      else if (p === 3) pass3(m, stride, tw, xr, xi, yr, yi, T);
      else if (p === 5) pass5(m, stride, tw, xr, xi, yr, yi, T);
      else passGeneric(p, m, stride, tw, xr, xi, yr, yi, T);
      [xr, yr] = [yr, xr];
      [xi, yi] = [yi, xi];
      len = m;
      stride *= p;
    }
    return { re: xr, im: xi };
  }
}

/** Bluestein's algorithm: a length-n DFT as a circular convolution of power-of-two length. */
class Bluestein {
  private readonly n: number;
  private readonly size: number;
  private readonly fft: ComplexFft;
  private readonly chirpR: Float64Array;
  private readonly chirpI: Float64Array;
  private readonly kernelR: Float64Array;
  private readonly kernelI: Float64Array;
  private readonly ar: Float64Array;
  private readonly ai: Float64Array;

  constructor(n: number) {
    this.n = n;
    let size = 1;
    while (size < 2 * n - 1) size *= 2;
    this.size = size;
    this.fft = new ComplexFft(size);
    // chirp w_j = e^(−πi j²/n); j² is reduced mod 2n exactly before the angle is formed.
    this.chirpR = new Float64Array(n);
    this.chirpI = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const e = (j * j) % (2 * n);
      const angle = (Math.PI * e) / n;
      this.chirpR[j] = Math.cos(angle);
      this.chirpI[j] = -Math.sin(angle);
    }
    const kr = new Float64Array(size);
    const ki = new Float64Array(size);
    for (let j = 0; j < n; j++) {
      kr[j] = this.chirpR[j]!;
      ki[j] = -this.chirpI[j]!;
      if (j > 0) {
        kr[size - j] = this.chirpR[j]!;
        ki[size - j] = -this.chirpI[j]!;
      }
    }
    const k = this.fft.forward(kr, ki);
    this.kernelR = Float64Array.from(k.re);
    this.kernelI = Float64Array.from(k.im);
    this.ar = new Float64Array(size);
    this.ai = new Float64Array(size);
  }

  forward(re: Float64Array, im: Float64Array): { re: Float64Array; im: Float64Array } {
    const { n, size } = this;
    const ar = this.ar;
    const ai = this.ai;
    ar.fill(0);
    ai.fill(0);
    for (let j = 0; j < n; j++) {
      const cr = this.chirpR[j]!;
      const ci = this.chirpI[j]!;
      ar[j] = re[j]! * cr - im[j]! * ci;
      ai[j] = re[j]! * ci + im[j]! * cr;
    }
    const a = this.fft.forward(ar, ai);
    // multiply by the kernel's spectrum (element by element, so writing into ar/ai is safe even when
    // a is ar/ai), then inverse FFT as conj(FFT(conj(·)))
    for (let k = 0; k < size; k++) {
      const xr = a.re[k]!;
      const xi = a.im[k]!;
      const kr = this.kernelR[k]!;
      const ki = this.kernelI[k]!;
      ar[k] = xr * kr - xi * ki;
      ai[k] = -(xr * ki + xi * kr);
    }
    const c = this.fft.forward(ar, ai);
    for (let k = 0; k < n; k++) {
      const xr = c.re[k]! / size;
      const xi = -c.im[k]! / size;
      const cr = this.chirpR[k]!;
      const ci = this.chirpI[k]!;
      re[k] = xr * cr - xi * ci;
      im[k] = xr * ci + xi * cr;
    }
    return { re, im };
  }
}
