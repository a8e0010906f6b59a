import { verifyTlogProof } from '@keygrade/tlog';
import type { CommandSpec, Parsed } from '../command.js';
import { EXIT, usage } from '../exit.js';
import { readBinary, readInput } from '../files.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'log verify-proof',
  summary: 'Verify a .tlog-proof offline: the checkpoint signature, witness cosignatures and the entry\'s inclusion.',
  args: ['<file>'],
  options: {
    vkey: { type: 'string', value: '<key>', description: 'the log\'s verifier key (required)' },
    entry: { type: 'string', value: '<file>', description: 'the entry\'s exact bytes (required: the proof is about these bytes)' },
    'witness-key': { type: 'string', value: '<keys>', description: 'comma-separated witness verifier keys' },
    quorum: { type: 'string', value: '<n>', description: 'how many of the witness keys must have cosigned (default: all given)' },
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  examples: ['keygrade log verify-proof entry-42.tlog-proof --vkey "$(cat acme.vkey)" --entry entry-42.json', 'keygrade log verify-proof entry-42.tlog-proof --vkey "$(cat acme.vkey)" --entry entry-42.json --witness-key "$(cat w1.vkey),$(cat w2.vkey)" --quorum 1'],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  if (values.vkey === undefined) throw usage('--vkey is required: the log\'s verifier key, published by the log operator');
  if (values.entry === undefined) throw usage('--entry <file> is required: the exact bytes of the logged entry the proof is for');
  const witnessKeys = values['witness-key'] === undefined ? [] : (values['witness-key'] as string).split(',').map((s) => s.trim()).filter(Boolean);
  const quorum = values.quorum === undefined ? witnessKeys.length : Number(values.quorum);
  if (!Number.isInteger(quorum) || quorum < 0 || quorum > witnessKeys.length) throw usage(`--quorum must be 0-${witnessKeys.length} (the number of --witness-key keys)`);
  const text = readInput(io, positionals[0]!);
  const entry = new Uint8Array(readBinary(io, values.entry as string));
  try {
    const r = verifyTlogProof(text, entry, { logKey: values.vkey as string, witnessKeys, witnessQuorum: quorum });
    const result = { valid: true, origin: r.checkpoint.origin, size: r.checkpoint.size, index: r.index, leafHash: Buffer.from(r.leafHash).toString('hex'), witnesses: r.witnesses };
    if (values.json) out(io, JSON.stringify(result, null, 2));
    else {
      out(io, `VALID: the entry you gave is entry ${r.index} of ${r.checkpoint.origin} (tree size ${r.checkpoint.size})`);
      for (const w of r.witnesses) out(io, `  cosigned by ${w.name}${w.timestamp ? ` at ${new Date(w.timestamp * 1000).toISOString()}` : ''}`);
    }
    return EXIT.ok;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === undefined || !code.startsWith('TLOG_')) throw e;
    if (code === 'TLOG_PROOF_MALFORMED' || code === 'TLOG_KEY_INVALID') throw e;
    if (values.json) out(io, JSON.stringify({ valid: false, code, message: (e as Error).message }, null, 2));
    else out(io, `INVALID (${code}): ${(e as Error).message}`);
    return EXIT.checkFailed;
  }
}
