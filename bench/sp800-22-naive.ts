/**
 * Benchmark baseline (not product code): a straightforward transcription of the SP 800-22 rev1a
 * formulas as sts-2.1.2 writes them — one byte per bit, bit-by-bit loops, one scan per template,
 * sts's element-wise Gaussian elimination and its Berlekamp–Massey with whole-array copies. Only
 * the spectral test departs from "naive": an O(n²) DFT of 10^6 points would take hours, so it uses
 * a textbook recursive mixed-radix FFT (allocating at every level), as a plain port would.
 * The special functions (igamc, erfc) are shared with Keygrade: they are not what is measured.
 */
import { erfc, igamc, lgamma, normalCdf, stsTemplates } from '@keygrade/randomness';

type Eps = Uint8Array;

export function frequency(e: Eps): number {
  let sum = 0;
  for (let i = 0; i < e.length; i++) sum += 2 * e[i]! - 1;
  return erfc(Math.abs(sum) / Math.sqrt(e.length) / Math.sqrt(2));
}

export function blockFrequency(e: Eps, M = 128): number {
  const N = Math.floor(e.length / M);
  let sum = 0;
  for (let i = 0; i < N; i++) {
    let ones = 0;
    for (let j = 0; j < M; j++) ones += e[j + i * M]!;
    const v = ones / M - 0.5;
    sum += v * v;
  }
  return igamc(N / 2, (4 * M * sum) / 2);
}

function cusumP(n: number, z: number): number {
  let sum1 = 0;
  for (let k = Math.trunc((-Math.floor(n / z) + 1) / 4); k <= Math.trunc((Math.floor(n / z) - 1) / 4); k++) sum1 += normalCdf(((4 * k + 1) * z) / Math.sqrt(n)) - normalCdf(((4 * k - 1) * z) / Math.sqrt(n));
  let sum2 = 0;
  for (let k = Math.trunc((-Math.floor(n / z) - 3) / 4); k <= Math.trunc((Math.floor(n / z) - 1) / 4); k++) sum2 += normalCdf(((4 * k + 3) * z) / Math.sqrt(n)) - normalCdf(((4 * k + 1) * z) / Math.sqrt(n));
  return 1 - sum1 + sum2;
}

export function cumulativeSums(e: Eps): number[] {
  let S = 0;
  let sup = 0;
  let inf = 0;
  for (let k = 0; k < e.length; k++) {
    S += e[k] ? 1 : -1;
    if (S > sup) sup++;
    if (S < inf) inf--;
  }
  return [cusumP(e.length, Math.max(sup, -inf)), cusumP(e.length, Math.max(sup - S, S - inf))];
}

export function runs(e: Eps): number {
  const n = e.length;
  let ones = 0;
  for (let k = 0; k < n; k++) ones += e[k]!;
  const pi = ones / n;
  if (Math.abs(pi - 0.5) > 2 / Math.sqrt(n)) return 0;
  let V = 1;
  for (let k = 1; k < n; k++) if (e[k] !== e[k - 1]) V++;
  return erfc(Math.abs(V - 2 * n * pi * (1 - pi)) / (2 * pi * (1 - pi) * Math.sqrt(2 * n)));
}

export function longestRun(e: Eps): number {
  const [K, M, V0, pi] = [6, 10000, 10, [0.0882, 0.2092, 0.2483, 0.1933, 0.1208, 0.0675, 0.0727]] as const;
  const N = Math.floor(e.length / M);
  const nu = new Array<number>(K + 1).fill(0);
  for (let i = 0; i < N; i++) {
    let run = 0;
    let best = 0;
    for (let j = 0; j < M; j++) {
      run = e[i * M + j] ? run + 1 : 0;
      if (run > best) best = run;
    }
    nu[Math.min(K, Math.max(0, best - V0))]! += 1;
  }
  let chi2 = 0;
  for (let i = 0; i <= K; i++) chi2 += (nu[i]! - N * pi[i]!) ** 2 / (N * pi[i]!);
  return igamc(K / 2, chi2 / 2);
}

function stsRank(A: Uint8Array[]): number {
  const M = 32;
  const rowop = (forward: boolean, i: number) => {
    if (forward) {
      for (let j = i + 1; j < M; j++) if (A[j]![i] === 1) for (let k = i; k < M; k++) A[j]![k] = (A[j]![k]! + A[i]![k]!) % 2;
    } else for (let j = i - 1; j >= 0; j--) if (A[j]![i] === 1) for (let k = 0; k < M; k++) A[j]![k] = (A[j]![k]! + A[i]![k]!) % 2;
  };
  const swap = (forward: boolean, i: number): boolean => {
    let idx = forward ? i + 1 : i - 1;
    while (idx >= 0 && idx < M && A[idx]![i] === 0) idx += forward ? 1 : -1;
    if (idx < 0 || idx >= M) return false;
    [A[i], A[idx]] = [A[idx]!, A[i]!];
    return true;
  };
  for (let i = 0; i < M - 1; i++) if (A[i]![i] === 1 || swap(true, i)) rowop(true, i);
  for (let i = M - 1; i > 0; i--) if (A[i]![i] === 1 || swap(false, i)) rowop(false, i);
  return A.filter((r) => r.some((b) => b === 1)).length;
}

export function rank(e: Eps): number {
  const N = Math.floor(e.length / 1024);
  const prob = (r: number) => {
    let product = 1;
    for (let i = 0; i < r; i++) product *= ((1 - 2 ** (i - 32)) * (1 - 2 ** (i - 32))) / (1 - 2 ** (i - r));
    return 2 ** (r * (64 - r) - 1024) * product;
  };
  const [p32, p31] = [prob(32), prob(31)];
  let F32 = 0;
  let F31 = 0;
  for (let k = 0; k < N; k++) {
    const A = Array.from({ length: 32 }, (_, i) => e.slice(k * 1024 + 32 * i, k * 1024 + 32 * i + 32));
    const R = stsRank(A);
    if (R === 32) F32++;
    if (R === 31) F31++;
  }
  const F30 = N - F32 - F31;
  const chi2 = (F32 - N * p32) ** 2 / (N * p32) + (F31 - N * p31) ** 2 / (N * p31) + (F30 - N * (1 - p32 - p31)) ** 2 / (N * (1 - p32 - p31));
  return Math.exp(-chi2 / 2);
}

/** Textbook recursive FFT: split by the smallest prime factor p into p sub-transforms. */
function fft(re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
  const n = re.length;
  if (n === 1) return [re, im];
  let p = 2;
  while (n % p !== 0) p++;
  const m = n / p;
  const subs = Array.from({ length: p }, (_, r) => {
    const sr = new Float64Array(m);
    const si = new Float64Array(m);
    for (let j = 0; j < m; j++) {
      sr[j] = re[j * p + r]!;
      si[j] = im[j * p + r]!;
    }
    return fft(sr, si);
  });
  const outR = new Float64Array(n);
  const outI = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let r = 0; r < p; r++) {
      const a = (-2 * Math.PI * ((r * k) % n)) / n;
      const [xr, xi] = [subs[r]![0][k % m]!, subs[r]![1][k % m]!];
      sr += xr * Math.cos(a) - xi * Math.sin(a);
      si += xr * Math.sin(a) + xi * Math.cos(a);
    }
    outR[k] = sr;
    outI[k] = si;
  }
  return [outR, outI];
}

export function dft(e: Eps): number {
  const n = e.length;
  const [re, im] = fft(Float64Array.from(e, (b) => 2 * b - 1), new Float64Array(n));
  const T = Math.sqrt(2.995732274 * n);
  let count = 0;
  for (let k = 0; k < Math.floor(n / 2); k++) if (Math.sqrt(re[k]! ** 2 + im[k]! ** 2) < T) count++;
  const d = (count - (0.95 * n) / 2) / Math.sqrt((n / 4) * 0.95 * 0.05);
  return erfc(Math.abs(d) / Math.sqrt(2));
}

export function nonOverlappingTemplates(e: Eps, m = 9): number[] {
  const N = 8;
  const M = Math.floor(e.length / N);
  const lambda = (M - m + 1) / 2 ** m;
  const varWj = M * (1 / 2 ** m - (2 * m - 1) / 2 ** (2 * m));
  return stsTemplates(m).map((t) => {
    const seq = Array.from({ length: m }, (_, k) => (t >>> (m - 1 - k)) & 1);
    let chi2 = 0;
    for (let i = 0; i < N; i++) {
      let W = 0;
      for (let j = 0; j < M - m + 1; j++) {
        let match = true;
        for (let k = 0; k < m; k++) {
          if (seq[k] !== e[i * M + j + k]) {
            match = false;
            break;
          }
        }
        if (match) {
          W++;
          j += m - 1;
        }
      }
      chi2 += ((W - lambda) / Math.sqrt(varWj)) ** 2;
    }
    return igamc(N / 2, chi2 / 2);
  });
}

export function overlappingTemplate(e: Eps, m = 9): number {
  const [M, K] = [1032, 5];
  const N = Math.floor(e.length / M);
  const eta = (M - m + 1) / 2 ** m / 2;
  const pr = (u: number) => {
    if (u === 0) return Math.exp(-eta);
    let s = 0;
    for (let l = 1; l <= u; l++) s += Math.exp(-eta - u * Math.log(2) + l * Math.log(eta) - lgamma(l + 1) + lgamma(u) - lgamma(l) - lgamma(u - l + 1));
    return s;
  };
  const pi = [0, 1, 2, 3, 4].map(pr);
  pi.push(1 - pi.reduce((a, b) => a + b, 0));
  const nu = new Array<number>(K + 1).fill(0);
  for (let i = 0; i < N; i++) {
    let W = 0;
    for (let j = 0; j < M - m + 1; j++) {
      let match = 1;
      for (let k = 0; k < m; k++) if (e[i * M + j + k] !== 1) match = 0;
      if (match) W++;
    }
    nu[W <= 4 ? W : K]! += 1;
  }
  let chi2 = 0;
  for (let i = 0; i <= K; i++) chi2 += (nu[i]! - N * pi[i]!) ** 2 / (N * pi[i]!);
  return igamc(K / 2, chi2 / 2);
}

export function universal(e: Eps): number {
  const n = e.length;
  const L = n >= 904960 ? 7 : 6;
  const expected = [0, 0, 0, 0, 0, 0, 5.2177052, 6.1962507][L]!;
  const variance = [0, 0, 0, 0, 0, 0, 2.954, 3.125][L]!;
  const Q = 10 * 2 ** L;
  const K = Math.floor(n / L) - Q;
  const T = new Array<number>(2 ** L).fill(0);
  const block = (i: number) => {
    let v = 0;
    for (let j = 0; j < L; j++) v += e[(i - 1) * L + j]! * 2 ** (L - 1 - j);
    return v;
  };
  for (let i = 1; i <= Q; i++) T[block(i)] = i;
  let sum = 0;
  for (let i = Q + 1; i <= Q + K; i++) {
    const v = block(i);
    sum += Math.log(i - T[v]!) / Math.log(2);
    T[v] = i;
  }
  const c = 0.7 - 0.8 / L + ((4 + 32 / L) * K ** (-3 / L)) / 15;
  return erfc(Math.abs(sum / K - expected) / (Math.sqrt(2) * c * Math.sqrt(variance / K)));
}

function patternCounts(e: Eps, m: number): number[] {
  const n = e.length;
  const P = new Array<number>(2 ** m).fill(0);
  for (let i = 0; i < n; i++) {
    let k = 0;
    for (let j = 0; j < m; j++) k = 2 * k + e[(i + j) % n]!;
    P[k]! += 1;
  }
  return P;
}

export function approximateEntropy(e: Eps, m = 10): number {
  const n = e.length;
  const phi = (bs: number) => patternCounts(e, bs).reduce((s, c) => (c > 0 ? s + c * Math.log(c / n) : s), 0) / n;
  const apen = phi(m) - phi(m + 1);
  return igamc(2 ** (m - 1), (2 * n * (Math.log(2) - apen)) / 2);
}

export function serial(e: Eps, m = 16): number[] {
  const n = e.length;
  const psi2 = (k: number) => (k <= 0 ? 0 : (patternCounts(e, k).reduce((s, c) => s + c * c, 0) * 2 ** k) / n - n);
  const [a, b, c] = [psi2(m), psi2(m - 1), psi2(m - 2)];
  return [igamc(2 ** (m - 1) / 2, (a - b) / 2), igamc(2 ** (m - 2) / 2, (a - 2 * b + c) / 2)];
}

const EXC_PI = [[], [0.5, 0.25, 0.125, 0.0625, 0.03125, 0.03125], [0.75, 0.0625, 0.046875, 0.03515625, 0.0263671875, 0.0791015625], [0.8333333333, 0.02777777778, 0.02314814815, 0.01929012346, 0.01607510288, 0.0803755144], [0.875, 0.015625, 0.013671875, 0.01196289063, 0.0104675293, 0.0732727051]];

export function randomExcursions(e: Eps): number[] | null {
  const n = e.length;
  const S = new Int32Array(n);
  const cycle: number[] = [0];
  S[0] = 2 * e[0]! - 1;
  for (let i = 1; i < n; i++) {
    S[i] = S[i - 1]! + 2 * e[i]! - 1;
    if (S[i] === 0) cycle.push(i);
  }
  let J = cycle.length - 1;
  if (S[n - 1] !== 0) J++;
  cycle[J] = n;
  if (J < Math.max(0.005 * Math.sqrt(n), 500)) return null;
  const states = [-4, -3, -2, -1, 1, 2, 3, 4];
  const nu = Array.from({ length: 6 }, () => new Array<number>(8).fill(0));
  let start = 0;
  let stop = cycle[1]!;
  for (let j = 1; j <= J; j++) {
    const counter = new Array<number>(8).fill(0);
    for (let i = start; i < stop; i++) {
      const s = S[i]!;
      if (s >= -4 && s <= 4 && s !== 0) counter[s < 0 ? s + 4 : s + 3]! += 1;
    }
    start = cycle[j]! + 1;
    if (j < J) stop = cycle[j + 1]!;
    for (let i = 0; i < 8; i++) nu[Math.min(5, counter[i]!)]![i]! += 1;
  }
  return states.map((x, i) => {
    let chi2 = 0;
    for (let k = 0; k < 6; k++) chi2 += (nu[k]![i]! - J * EXC_PI[Math.abs(x)]![k]!) ** 2 / (J * EXC_PI[Math.abs(x)]![k]!);
    return igamc(2.5, chi2 / 2);
  });
}

export function randomExcursionsVariant(e: Eps): number[] | null {
  const n = e.length;
  const S = new Int32Array(n);
  let J = 0;
  S[0] = 2 * e[0]! - 1;
  for (let i = 1; i < n; i++) {
    S[i] = S[i - 1]! + 2 * e[i]! - 1;
    if (S[i] === 0) J++;
  }
  if (S[n - 1] !== 0) J++;
  if (J < Math.trunc(Math.max(0.005 * Math.sqrt(n), 500))) return null;
  return [-9, -8, -7, -6, -5, -4, -3, -2, -1, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((x) => {
    let count = 0;
    for (let i = 0; i < n; i++) if (S[i] === x) count++;
    return erfc(Math.abs(count - J) / Math.sqrt(2 * J * (4 * Math.abs(x) - 2)));
  });
}

export function linearComplexity(e: Eps, M = 500): number {
  const N = Math.floor(e.length / M);
  const pi = [0.01047, 0.03125, 0.125, 0.5, 0.25, 0.0625, 0.020833];
  const nu = new Array<number>(7).fill(0);
  for (let ii = 0; ii < N; ii++) {
    let B = new Uint8Array(M);
    const C = new Uint8Array(M);
    let L = 0;
    let m = -1;
    C[0] = 1;
    B[0] = 1;
    for (let Nn = 0; Nn < M; Nn++) {
      let d = e[ii * M + Nn]!;
      for (let i = 1; i <= L; i++) d += C[i]! * e[ii * M + Nn - i]!;
      if (d % 2 === 1) {
        const T = C.slice();
        const P = new Uint8Array(M);
        for (let j = 0; j < M; j++) if (B[j] === 1 && j + Nn - m < M) P[j + Nn - m] = 1;
        for (let i = 0; i < M; i++) C[i] = (C[i]! + P[i]!) % 2;
        if (L <= Nn >> 1) {
          L = Nn + 1 - L;
          m = Nn;
          B = T.slice();
        }
      }
    }
    const mean = M / 2 + (9 + ((M + 1) % 2 === 0 ? -1 : 1)) / 36 - (1 / 2 ** M) * (M / 3 + 2 / 9);
    const Tn = (M % 2 === 0 ? 1 : -1) * (L - mean) + 2 / 9;
    nu[Tn <= -2.5 ? 0 : Tn <= -1.5 ? 1 : Tn <= -0.5 ? 2 : Tn <= 0.5 ? 3 : Tn <= 1.5 ? 4 : Tn <= 2.5 ? 5 : 6]! += 1;
  }
  let chi2 = 0;
  for (let i = 0; i < 7; i++) chi2 += (nu[i]! - N * pi[i]!) ** 2 / (N * pi[i]!);
  return igamc(3, chi2 / 2);
}

/** All fifteen, in sts-2.1.2 order: name → P-values (null when not applicable). */
export const NAIVE: readonly [string, (e: Eps) => number | number[] | null][] = [
  ['frequency', frequency],
  ['block-frequency', (e) => blockFrequency(e)],
  ['cumulative-sums', cumulativeSums],
  ['runs', runs],
  ['longest-run', longestRun],
  ['rank', rank],
  ['dft', dft],
  ['non-overlapping-template', (e) => nonOverlappingTemplates(e)],
  ['overlapping-template', (e) => overlappingTemplate(e)],
  ['universal', universal],
  ['approximate-entropy', (e) => approximateEntropy(e)],
  ['random-excursions', randomExcursions],
  ['random-excursions-variant', randomExcursionsVariant],
  ['serial', (e) => serial(e)],
  ['linear-complexity', (e) => linearComplexity(e)],
];
