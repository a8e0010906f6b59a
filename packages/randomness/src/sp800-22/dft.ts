/**
 * SP 800-22 rev1a §2.6 discrete Fourier transform (spectral) test, as sts-2.1.2 computes it
 * (discreteFourierTransform.c).
 *
 * sts-2.1.2 counts the moduli |X_k| for k = 0 … ⌊n/2⌋ − 1 (the DC term X_0 included, X_(n/2)
 * left out) below T = √(2.995732274 n) — which is what SP 800-22 §2.6.4 step 5's "n/2 peaks" means
 * in its code. Erratum: the paper's worked examples (§2.6.4: 0.029523, §2.6.8: 0.168669) cannot be
 * reproduced; sts-2.1.2 gives 0.468160 and 0.646355, and so do we.
 */
import { normalizeBits, type BitSequence } from './bits.js';
import { RealDftModuli } from './real-dft.js';
import { applicable, requireBits, type CommonOptions, type TestResult } from './result.js';
import { erfc } from './special.js';
import type { Workspace } from './workspace.js';

export interface DftOptions extends CommonOptions {
  /** Reuse FFT tables across calls (a battery over many streams). */
  workspace?: Workspace;
}

/** Spectral test: periodic features (repetitive patterns near each other). SP 800-22 §2.6. */
export function dftTest(seq: BitSequence, options: DftOptions = {}): TestResult {
  const s = normalizeBits(seq);
  const n = s.length;
  // §2.6.7: n ≥ 1000
  requireBits('dft', n, options.strict === false ? 2 : 1000);
  const plan = options.workspace ? options.workspace.realDft(n) : new RealDftModuli(n);
  const m = plan.moduliOfBits(s.words);
  const upperBound = Math.sqrt(2.995732274 * n);
  const half = Math.floor(n / 2);
  let count = 0;
  for (let k = 0; k < half; k++) if (m[k]! < upperBound) count++;
  const N0 = (0.95 * n) / 2.0;
  const d = (count - N0) / Math.sqrt((n / 4.0) * 0.95 * 0.05);
  const p = erfc(Math.abs(d) / Math.sqrt(2.0));
  return applicable('dft', ['p'], [p], { n, threshold: upperBound, N1: count, N0, d });
}
