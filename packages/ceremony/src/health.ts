/**
 * Health tests and entropy accounting of each ceremony source, recorded in the transcript
 * (CCSS 1.01: the entropy behind a key is evidenced, not assumed). What is meaningful differs by
 * source:
 *
 * - OS generator: SP 800-90B §4.4 repetition count and adaptive proportion tests on its output
 *   bits (H = 1, the full-entropy claim of a conditioned generator). They catch a stuck or broken
 *   generator, not a subtly weak one.
 * - Dice: χ² goodness of fit (only with ≥ 5 expected per face) and the repetition count test on
 *   the rolls with H = log2 6; the APT's windows (512/1024) are longer than any roll sequence.
 * - Cards: duplicates and missing cards (a parse error or a partial deck), entropy of the order.
 * - Hardware file: RCT and APT on bytes at the claimed H, and the most-common-value estimate,
 *   which caps the entropy credited.
 */
import { analyzeDeck, analyzeDice, HealthTester, mostCommonValueOfBytes, shuffleEntropyBits, type Card } from '@keygrade/randomness';
import type { SourceKind } from './constructions.js';

/** One test on one source. Figures are numbers or short strings so the transcript stays flat. */
export interface HealthCheck {
  test: string;
  passed: boolean;
  /** Why a test was not meaningful and was not run (then `passed` is true). */
  skipped?: string;
  figures: Record<string, number | string>;
}

/** The health and entropy findings for one source. */
export interface SourceAssessment {
  kind: SourceKind;
  /** Bytes for os and file, rolls for dice, cards for cards. */
  count: number;
  unit: 'bytes' | 'rolls' | 'cards';
  /** Entropy credited to the source, in bits. */
  entropyBits: number;
  checks: HealthCheck[];
  passed: boolean;
}

/** Below this many bytes the MCV estimate's 99% bound is too wide to cap anything. */
const MCV_MIN_BYTES = 4096;

const round = (x: number, digits = 6): number => Number(x.toFixed(digits));

function sp80090b(samples: Iterable<number> | Uint8Array, h: number, bitsPerSample: number, windowSize?: number): HealthCheck[] {
  const t = new HealthTester({ h, bitsPerSample, ...(windowSize ? { windowSize } : {}) });
  if (samples instanceof Uint8Array) t.pushBytes(samples);
  else t.pushSamples(samples);
  const r = t.report();
  const checks: HealthCheck[] = [
    { test: 'SP 800-90B 4.4.1 repetition count', passed: r.rct.failures === 0, figures: { h: round(h), cutoff: r.rct.cutoff, longestRun: r.rct.longestRun, failures: r.rct.failures } },
  ];
  if (windowSize !== 0) {
    checks.push({ test: 'SP 800-90B 4.4.2 adaptive proportion', passed: r.apt.failures === 0, figures: { h: round(h), windowSize: r.apt.windowSize, cutoff: r.apt.cutoff, maxCount: r.apt.maxCount, windows: r.apt.windows, failures: r.apt.failures } });
  }
  return checks;
}

function done(a: Omit<SourceAssessment, 'passed'>): SourceAssessment {
  return { ...a, entropyBits: round(a.entropyBits), passed: a.checks.every((c) => c.passed) };
}

/** Output of the operating system's generator: both SP 800-90B tests on its bits, credited 8 bits a byte. */
export function assessOs(bytes: Uint8Array): SourceAssessment {
  return done({ kind: 'os', count: bytes.length, unit: 'bytes', entropyBits: bytes.length * 8, checks: sp80090b(bytes, 1, 1) });
}

/** Rolls of a d6: χ² fairness (α = 0.01) and the repetition count test; credited log2 6 bits a roll. */
export function assessDice(rolls: readonly number[]): SourceAssessment {
  const report = analyzeDice(rolls, { sides: 6 });
  const chi = report.chiSquare;
  const checks: HealthCheck[] = [
    'skipped' in chi
      ? { test: 'χ² goodness of fit', passed: true, skipped: chi.skipped, figures: { rolls: rolls.length } }
      : { test: 'χ² goodness of fit', passed: !chi.rejected, figures: { statistic: round(chi.statistic), df: chi.df, alpha: chi.alpha, criticalValue: round(chi.criticalValue), pValue: round(chi.pValue, 8) } },
    ...sp80090b(
      rolls.map((r) => r - 1),
      Math.log2(6),
      3,
      0,
    ),
  ];
  return done({ kind: 'dice', count: rolls.length, unit: 'rolls', entropyBits: report.entropyBits, checks });
}

/** A shuffled deck (or the first k cards): missing cards noted; credited log2(52!/(52−k)!) bits. */
export function assessCards(cards: readonly Card[]): SourceAssessment {
  const report = analyzeDeck(cards);
  const checks: HealthCheck[] = [{ test: 'deck: no duplicates, cards given', passed: true, figures: { cards: report.cards, missing: report.missing.length } }];
  return done({ kind: 'cards', count: report.cards, unit: 'cards', entropyBits: shuffleEntropyBits(report.cards), checks });
}

/**
 * Bytes from a hardware generator: RCT and APT at the claimed min-entropy per byte `h`, and the
 * most-common-value estimate (SP 800-90B §6.3.1); credited min(h, estimate) bits a byte.
 */
export function assessFile(bytes: Uint8Array, h: number): SourceAssessment {
  const checks = sp80090b(bytes, h, 8);
  let perByte = h;
  if (bytes.length >= MCV_MIN_BYTES) {
    const mcv = mostCommonValueOfBytes(bytes, 8);
    perByte = Math.min(h, mcv.minEntropy);
    checks.push({ test: 'SP 800-90B 6.3.1 most common value estimate', passed: mcv.minEntropy > 0, figures: { samples: mcv.samples, pU: round(mcv.pU), minEntropyPerByte: round(mcv.minEntropy) } });
  } else {
    checks.push({ test: 'SP 800-90B 6.3.1 most common value estimate', passed: true, skipped: `fewer than ${MCV_MIN_BYTES} bytes: the estimate's confidence bound would say nothing; the claimed ${h} bits a byte is credited`, figures: { samples: bytes.length } });
  }
  return done({ kind: 'file', count: bytes.length, unit: 'bytes', entropyBits: perByte * bytes.length, checks });
}
