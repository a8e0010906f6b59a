/**
 * Moduli of the DFT of a real sequence (the spectral test's |X_k|): one complex FFT of half the
 * length and an unpacking step.
 */
import { ComplexFft, radices } from './fft.js';
import { TwiddleTable } from './fft-passes.js';

/**
 * Moduli |X_k| of the DFT of a real sequence, for k = 0 … ⌊n/2⌋. Reusable across calls of the
 * same length; holds its work buffers.
 */
export class RealDftModuli {
  readonly n: number;
  private readonly half: ComplexFft | undefined;
  private readonly full: ComplexFft | undefined;
  private readonly table: TwiddleTable | undefined;
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;
  private readonly out: Float64Array;

  constructor(n: number) {
    if (!Number.isSafeInteger(n) || n < 2) throw new RangeError(`DFT length must be an integer ≥ 2; got ${n}`);
    this.n = n;
    const h = n / 2;
    this.out = new Float64Array(Math.floor(n / 2) + 1);
    if (n % 2 === 0 && radices(h) !== undefined) {
      this.table = new TwiddleTable(n);
      this.half = new ComplexFft(h, this.table);
      this.full = undefined;
      this.zr = new Float64Array(h);
      this.zi = new Float64Array(h);
    } else {
      this.table = undefined;
      this.half = undefined;
      this.full = new ComplexFft(n);
      this.zr = new Float64Array(n);
      this.zi = new Float64Array(n);
    }
  }

  /** |X_k| for k = 0 … ⌊n/2⌋ of the real input `x` (length n). The returned array is reused by the next call. */
  moduli(x: Float64Array): Float64Array {
    const { n } = this;
    if (x.length !== n) throw new RangeError(`DFT input must have length ${n}`);
    if (this.full) {
      this.zr.set(x);
      this.zi.fill(0);
    } else {
      for (let j = 0; j < n / 2; j++) {
        this.zr[j] = x[2 * j]!;
        this.zi[j] = x[2 * j + 1]!;
      }
    }
    return this.transform();
  }

  /**
   * |X_k| for k = 0 … ⌊n/2⌋ of x_i = 2ε_i − 1 (the ±1 form of SP 800-22 §2.6.4 step 1), with the
   * bits ε packed most significant bit first in `words`. The returned array is reused by the next call.
   */
  moduliOfBits(words: Uint32Array): Float64Array {
    const { n, zr, zi } = this;
    if (words.length * 32 < n) throw new RangeError(`need ${n} bits`);
    if (this.full) {
      for (let i = 0; i < n; i++) zr[i] = (words[i >>> 5]! >>> (31 - (i & 31))) & 1 ? 1 : -1;
      zi.fill(0);
    } else {
      // even n: bit pairs (2j, 2j + 1) are the real and imaginary parts of z_j
      const h = n / 2;
      const full = h >>> 4;
      for (let q = 0; q < full; q++) {
        const w = words[q]!;
        const j0 = q << 4;
        for (let k = 0; k < 16; k++) {
          zr[j0 + k] = (w >>> (31 - 2 * k)) & 1 ? 1 : -1;
          zi[j0 + k] = (w >>> (30 - 2 * k)) & 1 ? 1 : -1;
        }
      }
      for (let j = full << 4; j < h; j++) {
        zr[j] = (words[(2 * j) >>> 5]! >>> (31 - ((2 * j) & 31))) & 1 ? 1 : -1;
        zi[j] = (words[(2 * j + 1) >>> 5]! >>> (31 - ((2 * j + 1) & 31))) & 1 ? 1 : -1;
      }
    }
    return this.transform();
  }

  /** Transforms the packed input in zr/zi and writes the moduli. */
  private transform(): Float64Array {
    const { n, out } = this;
    if (this.full) {
      const r = this.full.forward(this.zr, this.zi);
      for (let k = 0; k < out.length; k++) out[k] = Math.sqrt(r.re[k]! * r.re[k]! + r.im[k]! * r.im[k]!);
      return out;
    }
    const h = n / 2;
    const z = this.half!.forward(this.zr, this.zi);
    const Zr = z.re;
    const Zi = z.im;
    const { bits, mask, hiCos, hiSin, loCos, loSin } = this.table!;
    // X_k = E_k + e^(−2πik/n) O_k with E_k = (Z_k + conj Z_(h−k))/2 and O_k = (Z_k − conj Z_(h−k))/(2i)
    for (let k = 0; k <= h; k++) {
      const k1 = k === h ? 0 : k;
      const k2 = k === 0 ? 0 : h - k;
      const ar = Zr[k1]!;
      const ai = Zi[k1]!;
      const br = Zr[k2]!;
      const bi = -Zi[k2]!;
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai + bi);
      // (a − b)/(2i) = (ai − bi)/2 − i (ar − br)/2
      const or = 0.5 * (ai - bi);
      const oi = -0.5 * (ar - br);
      // e^(−2πik/n) from the two-level table
      const hc = hiCos[k >>> bits]!;
      const hs = hiSin[k >>> bits]!;
      const lc = loCos[k & mask]!;
      const ls = loSin[k & mask]!;
      const wr = k === h ? -1 : hc * lc - hs * ls;
      const wi = k === h ? 0 : -(hs * lc + hc * ls);
      const xr = er + (or * wr - oi * wi);
      const xi = ei + (or * wi + oi * wr);
      out[k] = Math.sqrt(xr * xr + xi * xi);
    }
    return out;
  }
}
