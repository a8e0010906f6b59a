import { analyzeDeck, parseCards, RandomnessError, requireEntropy } from '@keygrade/randomness';
import type { CommandSpec, Parsed } from '../command.js';
import { EXIT } from '../exit.js';
import { err, out, type Io } from '../io.js';
import { ATTACH_OPTIONS, attachResult } from '../attach.js';
import { keyBits, textArgument, withFile } from './rng-shared.js';

export const spec: CommandSpec = {
  name: 'rng cards',
  summary: 'Check a shuffled deck: unreadable and duplicate cards, missing cards, and whether the order carries enough entropy for a key.',
  description: [
    'Give the cards in their shuffled order, inline or as a file (- for stdin). A card is a rank (A 2–9 T or 10 J Q K) and a suit (S H D C or ♠ ♥ ♦ ♣), in either case, separated by spaces or commas or written together: "AS 10H QD", "as,th,qd" and "AsThQd" are the same.',
    'The order of k cards from a well-shuffled 52-card deck carries log2(52!/(52−k)!) bits; a whole deck carries log2 52! ≈ 225.58 bits — enough for a 128-bit key but not for 256 bits, so a 256-bit key needs a second source (more cards from another shuffle, or dice).',
    'Exit 0 when there is enough entropy, 1 when there is not, 2 on unreadable or duplicate cards.',
  ].join('\n'),
  args: ['<cards-or-file>'],
  options: {
    bits: { type: 'string', value: '<bits>', description: 'key strength the deck must cover', default: '256' },
    json: { type: 'boolean', description: 'print { cards, order, missing, complete, entropyBits, keyBits, enough } as JSON' },
    ...ATTACH_OPTIONS,
  },
  examples: ['keygrade rng cards deck.txt --bits 128', 'keygrade rng cards "AS 7D KC 10H 2S"', 'keygrade rng cards - --json < deck.txt'],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const bits = keyBits(values.bits);
  const { text, file } = await textArgument(io, positionals[0]!, 'cards');
  const cards = withFile(file, () => parseCards(text));
  const report = analyzeDeck(cards, { keyBits: bits });
  const code = report.enough ? EXIT.ok : EXIT.checkFailed;
  if (values.json) {
    out(io, JSON.stringify(report, null, 2));
    return attachResult(io, spec, { values, positionals }, report, code);
  }
  out(io, `${report.cards} card${report.cards === 1 ? '' : 's'}${file ? ` from ${file}` : ''}: ${report.complete ? 'a complete deck, no duplicates' : `no duplicates; ${report.missing.length} of the 52 not given`}`);
  if (!report.complete && report.missing.length <= 26) out(io, `  not given: ${report.missing.join(' ')}`);
  out(io, `  entropy: ${report.entropyBits.toFixed(2)} bits (log2(52!/${52 - report.cards}!)); a ${bits}-bit key needs ${bits}`);
  try {
    requireEntropy(report.entropyBits, bits, `the order of ${report.cards} cards`);
  } catch (e) {
    if (!(e instanceof RandomnessError)) throw e;
    err(io, `keygrade: not enough entropy: ${e.message}${report.complete ? ' — one deck cannot cover it; add a second source' : ''}`);
  }
  out(io, report.enough ? 'Result: enough entropy.' : 'Result: NOT ENOUGH ENTROPY.');
  return attachResult(io, spec, { values, positionals }, report, code);
}
