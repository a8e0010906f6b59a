import { analyzeDice, diceEntropyBits, parseDiceRolls, requireEntropy, RandomnessError } from '@keygrade/randomness';
import type { CommandSpec, Parsed } from '../command.js';
import { EXIT, usage } from '../exit.js';
import { err, out, type Io } from '../io.js';
import { ATTACH_OPTIONS, attachResult } from '../attach.js';
import { keyBits, textArgument, withFile } from './rng-shared.js';

export const spec: CommandSpec = {
  name: 'rng dice',
  summary: 'Check dice rolls: invalid entries, face counts, χ² fairness test and whether they carry enough entropy for a key.',
  description: [
    'Give the rolls inline or as a file (- for stdin). For dice of up to 9 sides each digit is a roll; whitespace, commas and semicolons are ignored (3 1 6 2, 3162 and 3,1,6,2 are the same). For larger dice, separate the numbers. Faces are numbered 1 to N.',
    'Each roll of a fair N-sided die carries log2 N bits (2.585 for a d6): a 256-bit key needs 100 d6 rolls, a 128-bit key 50.',
    'The χ² goodness-of-fit test needs an expected count of at least 5 per face (30 rolls of a d6) and is skipped below that. It can only reveal a strongly loaded die, never prove a fair one, and a fair die fails it with probability α.',
    'Exit 0 when there is enough entropy and the χ² test does not reject, 1 otherwise, 2 on invalid rolls.',
  ].join('\n'),
  args: ['<rolls-or-file>'],
  options: {
    sides: { type: 'string', value: '<N>', description: 'faces of the die', default: '6' },
    bits: { type: 'string', value: '<bits>', description: 'key strength the rolls must cover', default: '256' },
    alpha: { type: 'string', value: '<α>', description: 'significance of the χ² test', default: '0.01' },
    json: { type: 'boolean', description: 'print { sides, rolls, counts, entropyBits, keyBits, rollsNeeded, enough, chiSquare } as JSON' },
    ...ATTACH_OPTIONS,
  },
  examples: ['keygrade rng dice "3162 5514 3622 5143"', 'keygrade rng dice rolls.txt --bits 128', 'keygrade rng dice d20-rolls.txt --sides 20 --json'],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const sides = Number(values.sides);
  if (!Number.isInteger(sides) || sides < 2 || sides > 1000) throw usage(`--sides must be a whole number from 2 to 1000 (got "${String(values.sides)}")`);
  const alpha = Number(values.alpha);
  if (!(alpha > 0 && alpha < 1)) throw usage(`--alpha must be between 0 and 1 (got "${String(values.alpha)}")`);
  const bits = keyBits(values.bits);
  const { text, file } = await textArgument(io, positionals[0]!, 'rolls');
  const rolls = withFile(file, () => parseDiceRolls(text, sides)).map((r) => r.value);
  const report = analyzeDice(rolls, { sides, keyBits: bits, alpha });
  const chiRejected = !('skipped' in report.chiSquare) && report.chiSquare.rejected;
  const code = report.enough && !chiRejected ? EXIT.ok : EXIT.checkFailed;
  if (values.json) {
    out(io, JSON.stringify(report, null, 2));
    return attachResult(io, spec, { values, positionals }, report, code);
  }
  out(io, `${report.rolls} roll${report.rolls === 1 ? '' : 's'} of a d${sides}${file ? ` from ${file}` : ''}`);
  out(io, `  faces: ${report.counts.map((c, i) => `${i + 1}: ${c}`).join('  ')}`);
  out(io, `  entropy: ${report.entropyBits.toFixed(2)} bits (log2 ${sides} = ${Math.log2(sides).toFixed(3)} bits per roll); a ${bits}-bit key needs ${report.rollsNeeded} rolls`);
  const c = report.chiSquare;
  if ('skipped' in c) out(io, `  χ² test: not run — ${c.skipped}`);
  else out(io, `  χ² test (α = ${c.alpha}, ${c.df} degrees of freedom): statistic ${c.statistic.toFixed(3)}, critical value ${c.criticalValue.toFixed(3)}, p-value ${c.pValue.toPrecision(4)} — ${c.rejected ? 'REJECTED: the counts do not fit a fair die' : 'consistent with a fair die'}`);
  try {
    requireEntropy(report.entropyBits, bits, `${report.rolls} rolls`);
  } catch (e) {
    if (!(e instanceof RandomnessError)) throw e;
    err(io, `keygrade: not enough entropy: ${e.message} (${report.rollsNeeded - report.rolls} more roll${report.rollsNeeded - report.rolls === 1 ? '' : 's'}; ${diceEntropyBits(report.rollsNeeded, sides).toFixed(2)} bits)`);
  }
  out(io, code === EXIT.ok ? 'Result: enough entropy; no sign of a loaded die.' : `Result: ${!report.enough ? 'NOT ENOUGH ENTROPY' : 'the χ² test rejects these rolls'}.`);
  return attachResult(io, spec, { values, positionals }, report, code);
}
