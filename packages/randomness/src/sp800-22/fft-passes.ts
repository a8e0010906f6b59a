/**
 * The butterflies of the mixed-radix Stockham FFT (radix 2, 3, 4, 5 and a direct one for other
 * primes) and the two-level twiddle table they read.
 */

/**
 * e^(2πik/size) for 0 ≤ k < size from two small tables: k = hi · 2^b + lo, and the factor for hi
 * times the factor for lo (one complex product, ~1 ulp). A full table for 10^6 points would take
 * 16 MB and make the FFT wait on memory.
 */
export class TwiddleTable {
  readonly size: number;
  readonly bits: number;
  readonly mask: number;
  readonly hiCos: Float64Array;
  readonly hiSin: Float64Array;
  readonly loCos: Float64Array;
  readonly loSin: Float64Array;

  constructor(size: number) {
    this.size = size;
    this.bits = Math.max(1, Math.ceil(Math.log2(size) / 2));
    const lo = 1 << this.bits;
    this.mask = lo - 1;
    const hi = Math.ceil(size / lo);
    const step = (2 * Math.PI) / size;
    this.loCos = new Float64Array(lo);
    this.loSin = new Float64Array(lo);
    for (let j = 0; j < lo; j++) {
      this.loCos[j] = Math.cos(step * j);
      this.loSin[j] = Math.sin(step * j);
    }
    this.hiCos = new Float64Array(hi);
    this.hiSin = new Float64Array(hi);
    for (let i = 0; i < hi; i++) {
      // reduce i·lo mod size first so the angle stays accurate
      const k = (i * lo) % size;
      this.hiCos[i] = Math.cos(step * k);
      this.hiSin[i] = Math.sin(step * k);
    }
  }
}

// Each pass: the current sub-transforms have length p·m and are interleaved with `stride`; input
// x[q + stride (k + t m)] (t < p) feeds a radix-p butterfly whose outputs are multiplied by
// ω^(k u) (ω = e^(−2πi/(p m))) and stored at y[q + stride (p k + u)]. ω^k sits at table index
// k · tw; ω^(2k), ω^(3k), … are its powers.

export function pass2(m: number, s: number, tw: number, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, T: TwiddleTable): void {
  const { bits, mask, hiCos, hiSin, loCos, loSin } = T;
  const ms = m * s;
  for (let k = 0; k < m; k++) {
    // ω^k = e^(−2πi e/size), e = k · tw, from the two-level table
    const e = k * tw;
    const hc = hiCos[e >>> bits]!;
    const hs = hiSin[e >>> bits]!;
    const lc = loCos[e & mask]!;
    const ls = loSin[e & mask]!;
    const w1r = hc * lc - hs * ls;
    const w1i = -(hs * lc + hc * ls);
    const wr = w1r;
    const wi = w1i;
    const i0 = s * k;
    const o0 = s * 2 * k;
    for (let q = 0; q < s; q++) {
      const ar = xr[i0 + q]!;
      const ai = xi[i0 + q]!;
      const br = xr[i0 + q + ms]!;
      const bi = xi[i0 + q + ms]!;
      yr[o0 + q] = ar + br;
      yi[o0 + q] = ai + bi;
      const dr = ar - br;
      const di = ai - bi;
      yr[o0 + s + q] = dr * wr - di * wi;
      yi[o0 + s + q] = dr * wi + di * wr;
    }
  }
}

export function pass4(m: number, s: number, tw: number, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, T: TwiddleTable): void {
  const { bits, mask, hiCos, hiSin, loCos, loSin } = T;
  const ms = m * s;
  for (let k = 0; k < m; k++) {
    // ω^k = e^(−2πi e/size), e = k · tw, from the two-level table
    const e = k * tw;
    const hc = hiCos[e >>> bits]!;
    const hs = hiSin[e >>> bits]!;
    const lc = loCos[e & mask]!;
    const ls = loSin[e & mask]!;
    const w1r = hc * lc - hs * ls;
    const w1i = -(hs * lc + hc * ls);
    const w2r = w1r * w1r - w1i * w1i;
    const w2i = 2 * w1r * w1i;
    const w3r = w2r * w1r - w2i * w1i;
    const w3i = w2r * w1i + w2i * w1r;

    const i0 = s * k;
    const o0 = s * 4 * k;
    for (let q = 0; q < s; q++) {
      const j = i0 + q;
      const a0r = xr[j]!;
      const a0i = xi[j]!;
      const a1r = xr[j + ms]!;
      const a1i = xi[j + ms]!;
      const a2r = xr[j + 2 * ms]!;
      const a2i = xi[j + 2 * ms]!;
      const a3r = xr[j + 3 * ms]!;
      const a3i = xi[j + 3 * ms]!;
      const b0r = a0r + a2r;
      const b0i = a0i + a2i;
      const b1r = a0r - a2r;
      const b1i = a0i - a2i;
      const b2r = a1r + a3r;
      const b2i = a1i + a3i;
      const b3r = a1r - a3r;
      const b3i = a1i - a3i;
      const o = o0 + q;
      yr[o] = b0r + b2r;
      yi[o] = b0i + b2i;
      // y1 = b1 − i b3, y2 = b0 − b2, y3 = b1 + i b3, then twiddled
      const y1r = b1r + b3i;
      const y1i = b1i - b3r;
      const y2r = b0r - b2r;
      const y2i = b0i - b2i;
      const y3r = b1r - b3i;
      const y3i = b1i + b3r;
      yr[o + s] = y1r * w1r - y1i * w1i;
      yi[o + s] = y1r * w1i + y1i * w1r;
      yr[o + 2 * s] = y2r * w2r - y2i * w2i;
      yi[o + 2 * s] = y2r * w2i + y2i * w2r;
      yr[o + 3 * s] = y3r * w3r - y3i * w3i;
      yi[o + 3 * s] = y3r * w3i + y3i * w3r;
    }
  }
}

const S3 = Math.sqrt(3) / 2;

export function pass3(m: number, s: number, tw: number, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, T: TwiddleTable): void {
  const { bits, mask, hiCos, hiSin, loCos, loSin } = T;
  const ms = m * s;
  for (let k = 0; k < m; k++) {
    // ω^k = e^(−2πi e/size), e = k · tw, from the two-level table
    const e = k * tw;
    const hc = hiCos[e >>> bits]!;
    const hs = hiSin[e >>> bits]!;
    const lc = loCos[e & mask]!;
    const ls = loSin[e & mask]!;
    const w1r = hc * lc - hs * ls;
    const w1i = -(hs * lc + hc * ls);
    const w2r = w1r * w1r - w1i * w1i;
    const w2i = 2 * w1r * w1i;

    const i0 = s * k;
    const o0 = s * 3 * k;
    for (let q = 0; q < s; q++) {
      const j = i0 + q;
      const a0r = xr[j]!;
      const a0i = xi[j]!;
      const a1r = xr[j + ms]!;
      const a1i = xi[j + ms]!;
      const a2r = xr[j + 2 * ms]!;
      const a2i = xi[j + 2 * ms]!;
      const t1r = a1r + a2r;
      const t1i = a1i + a2i;
      const t2r = a0r - 0.5 * t1r;
      const t2i = a0i - 0.5 * t1i;
      const t3r = S3 * (a1r - a2r);
      const t3i = S3 * (a1i - a2i);
      const o = o0 + q;
      yr[o] = a0r + t1r;
      yi[o] = a0i + t1i;
      const y1r = t2r + t3i;
      const y1i = t2i - t3r;
      const y2r = t2r - t3i;
      const y2i = t2i + t3r;
      yr[o + s] = y1r * w1r - y1i * w1i;
      yi[o + s] = y1r * w1i + y1i * w1r;
      yr[o + 2 * s] = y2r * w2r - y2i * w2i;
      yi[o + 2 * s] = y2r * w2i + y2i * w2r;
    }
  }
}

const C51 = Math.cos((2 * Math.PI) / 5);
const C52 = Math.cos((4 * Math.PI) / 5);
const S51 = Math.sin((2 * Math.PI) / 5);
const S52 = Math.sin((4 * Math.PI) / 5);

export function pass5(m: number, s: number, tw: number, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, T: TwiddleTable): void {
  const { bits, mask, hiCos, hiSin, loCos, loSin } = T;
  const ms = m * s;
  for (let k = 0; k < m; k++) {
    // ω^k = e^(−2πi e/size), e = k · tw, from the two-level table
    const e = k * tw;
    const hc = hiCos[e >>> bits]!;
    const hs = hiSin[e >>> bits]!;
    const lc = loCos[e & mask]!;
    const ls = loSin[e & mask]!;
    const w1r = hc * lc - hs * ls;
    const w1i = -(hs * lc + hc * ls);
    const w2r = w1r * w1r - w1i * w1i;
    const w2i = 2 * w1r * w1i;
    const w3r = w2r * w1r - w2i * w1i;
    const w3i = w2r * w1i + w2i * w1r;
    const w4r = w2r * w2r - w2i * w2i;
    const w4i = 2 * w2r * w2i;

    const i0 = s * k;
    const o0 = s * 5 * k;
    for (let q = 0; q < s; q++) {
      const j = i0 + q;
      const a0r = xr[j]!;
      const a0i = xi[j]!;
      const a1r = xr[j + ms]!;
      const a1i = xi[j + ms]!;
      const a2r = xr[j + 2 * ms]!;
      const a2i = xi[j + 2 * ms]!;
      const a3r = xr[j + 3 * ms]!;
      const a3i = xi[j + 3 * ms]!;
      const a4r = xr[j + 4 * ms]!;
      const a4i = xi[j + 4 * ms]!;
      const b1r = a1r + a4r;
      const b1i = a1i + a4i;
      const b2r = a2r + a3r;
      const b2i = a2i + a3i;
      const d1r = a1r - a4r;
      const d1i = a1i - a4i;
      const d2r = a2r - a3r;
      const d2i = a2i - a3i;
      // u = 1, 4: a0 + c1 b1 + c2 b2 ∓ i (s1 d1 + s2 d2); u = 2, 3: a0 + c2 b1 + c1 b2 ∓ i (s2 d1 − s1 d2)
      const e1r = a0r + C51 * b1r + C52 * b2r;
      const e1i = a0i + C51 * b1i + C52 * b2i;
      const f1r = S51 * d1r + S52 * d2r;
      const f1i = S51 * d1i + S52 * d2i;
      const e2r = a0r + C52 * b1r + C51 * b2r;
      const e2i = a0i + C52 * b1i + C51 * b2i;
      const f2r = S52 * d1r - S51 * d2r;
      const f2i = S52 * d1i - S51 * d2i;
      const o = o0 + q;
      yr[o] = a0r + b1r + b2r;
      yi[o] = a0i + b1i + b2i;
      const y1r = e1r + f1i;
      const y1i = e1i - f1r;
      const y4r = e1r - f1i;
      const y4i = e1i + f1r;
      const y2r = e2r + f2i;
      const y2i = e2i - f2r;
      const y3r = e2r - f2i;
      const y3i = e2i + f2r;
      yr[o + s] = y1r * w1r - y1i * w1i;
      yi[o + s] = y1r * w1i + y1i * w1r;
      yr[o + 2 * s] = y2r * w2r - y2i * w2i;
      yi[o + 2 * s] = y2r * w2i + y2i * w2r;
      yr[o + 3 * s] = y3r * w3r - y3i * w3i;
      yi[o + 3 * s] = y3r * w3i + y3i * w3r;
      yr[o + 4 * s] = y4r * w4r - y4i * w4i;
      yi[o + 4 * s] = y4r * w4i + y4i * w4r;
    }
  }
}

export function passGeneric(p: number, m: number, s: number, tw: number, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, T: TwiddleTable): void {
  const ms = m * s;
  const size = T.size;
  const pStep = size / p;
  const at = (e: number): [number, number] => {
    const hc = T.hiCos[e >>> T.bits]!;
    const hs = T.hiSin[e >>> T.bits]!;
    const lc = T.loCos[e & T.mask]!;
    const ls = T.loSin[e & T.mask]!;
    return [hc * lc - hs * ls, -(hs * lc + hc * ls)];
  };
  // ω_p^j at table index j · size / p
  const rootR = new Float64Array(p);
  const rootI = new Float64Array(p);
  for (let j = 0; j < p; j++) [rootR[j], rootI[j]] = at(j * pStep);
  const ar = new Float64Array(p);
  const ai = new Float64Array(p);
  for (let k = 0; k < m; k++) {
    const i0 = s * k;
    const o0 = s * p * k;
    for (let q = 0; q < s; q++) {
      for (let t = 0; t < p; t++) {
        ar[t] = xr[i0 + q + t * ms]!;
        ai[t] = xi[i0 + q + t * ms]!;
      }
      for (let u = 0; u < p; u++) {
        let sr = 0;
        let si = 0;
        for (let t = 0; t < p; t++) {
          const j = (t * u) % p;
          const cr = rootR[j]!;
          const ci = rootI[j]!;
          sr += ar[t]! * cr - ai[t]! * ci;
          si += ar[t]! * ci + ai[t]! * cr;
        }
        const [wr, wi] = at(k * u * tw);
        yr[o0 + q + u * s] = sr * wr - si * wi;
        yi[o0 + q + u * s] = sr * wi + si * wr;
      }
    }
  }
}
