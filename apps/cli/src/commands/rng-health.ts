import { HealthTester, mostCommonValueOfBytes, RandomnessError } from '@keygrade/randomness';
import type { CommandSpec, Parsed } from '../command.js';
import { EXIT, usage } from '../exit.js';
import { readBinary } from '../files.js';
import { out, type Io } from '../io.js';
import { ATTACH_OPTIONS, attachResult } from '../attach.js';

export const spec: CommandSpec = {
  name: 'rng health',
  summary: 'Run the SP 800-90B health tests (repetition count, adaptive proportion) and the most-common-value estimate over a file of raw samples.',
  description: [
    'The file holds raw noise-source output: with --bits-per-sample 1 every bit is a sample (most significant bit of each byte first), with 8 every byte is one.',
    'Cutoffs come from α = 2^-20 and the claimed min-entropy per sample H (SP 800-90B §4.4): RCT C = 1 + ⌈20/H⌉; APT over windows of 512 (binary) or 1024 samples, C = 1 + CRITBINOM(W, 2^-H, 1 − α).',
    'The most-common-value estimate (§6.3.1) is shown for information: SP 800-90B takes the minimum over all its estimators, of which this is one.',
    'Exit 0 when both health tests pass, 1 when either fails, 2 on bad input.',
  ].join('\n'),
  args: ['<file>'],
  options: {
    'bits-per-sample': { type: 'string', value: '<1|8>', description: 'sample width', choices: ['1', '8'], default: '8' },
    h: { type: 'string', value: '<bits>', description: 'claimed min-entropy per sample, 0 < H ≤ bits per sample (default: full entropy, H = bits per sample)' },
    json: { type: 'boolean', description: 'print { file, bytes, samples, h, alpha, rct, apt, mcv, passed } as JSON' },
    ...ATTACH_OPTIONS,
  },
  examples: ['keygrade rng health noise.bin --bits-per-sample 1 --h 1', 'keygrade rng health ring-oscillator.bin --h 6.5', 'keygrade rng health noise.bin --json'],
};

const at = (i: number | undefined, bits: number) => (i === undefined ? '' : `, first at sample ${i} (byte ${Math.floor((i * bits) / 8)})`);

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const file = positionals[0]!;
  const bits = Number(values['bits-per-sample']);
  const h = values.h === undefined ? bits : Number(values.h);
  if (typeof values.h === 'string' && (values.h.trim() === '' || !Number.isFinite(h))) throw usage(`--h must be a number of bits per sample (got "${values.h}")`);
  const bytes = readBinary(io, file);
  if (bytes.length === 0) throw new RandomnessError('HEALTH_NO_DATA', `${file} is empty: no samples to test`);
  const tester = new HealthTester({ h, bitsPerSample: bits });
  tester.pushBytes(bytes);
  const r = tester.report();
  const mcv = r.samples >= 2 ? mostCommonValueOfBytes(bytes, bits) : undefined;
  const code = r.passed ? EXIT.ok : EXIT.checkFailed;
  const result = { file, bytes: bytes.length, ...r, mcv };
  if (values.json) {
    out(io, JSON.stringify(result, null, 2));
    return attachResult(io, spec, { values, positionals }, result, code);
  }
  out(io, `${file}: ${bytes.length} bytes, ${r.samples} samples of ${bits} bit${bits === 1 ? '' : 's'}; claimed H = ${h} bit${h === 1 ? '' : 's'} per sample, α = 2^${Math.log2(r.alpha)}`);
  out(io, `  Repetition count test (§4.4.1)     cutoff ${r.rct.cutoff}: longest run ${r.rct.longestRun}, ${r.rct.failures} failure${r.rct.failures === 1 ? '' : 's'}${at(r.rct.firstFailure, bits)}`);
  out(io, `  Adaptive proportion test (§4.4.2)  W = ${r.apt.windowSize}, cutoff ${r.apt.cutoff}: highest count ${r.apt.maxCount} in ${r.apt.windows} window${r.apt.windows === 1 ? '' : 's'}, ${r.apt.failures} failure${r.apt.failures === 1 ? '' : 's'}${at(r.apt.firstFailure, bits)}`);
  if (mcv) {
    out(io, `  Most common value (§6.3.1)         value ${mcv.mode} (${mcv.count} times), p̂ = ${mcv.pHat.toFixed(6)}, p_u = ${mcv.pU.toFixed(6)}: ${mcv.minEntropy.toFixed(4)} bits per sample`);
    if (mcv.minEntropy < h) out(io, `  Note: this estimate is below the claimed H = ${h}. It is a conservative bound from one estimator; support a claim with the full SP 800-90B assessment.`);
  }
  out(io, r.passed ? 'Result: both health tests pass.' : 'Result: FAILED — a health test raised an alarm; the source must not be used until it is understood.');
  return attachResult(io, spec, { values, positionals }, result, code);
}
