import { resolve } from 'node:path';
import { canonicalJson } from '@keygrade/tlog';
import type { CommandSpec, Parsed } from '../command.js';
import { EXIT } from '../exit.js';
import { writeOutput } from '../files.js';
import { out, type Io } from '../io.js';
import { openProofStore } from './por-common.js';

export const spec: CommandSpec = {
  name: 'por proof',
  summary: 'Take one customer\'s inclusion proof from a built snapshot\'s store (on demand, for any size of snapshot).',
  args: ['<snapshot-dir>', '<account>'],
  options: { output: { type: 'string', short: 'o', value: '<file>', description: 'where to write the proof (default: stdout)' } },
  examples: ['keygrade por proof snapshots/2026-11 alice@example.com -o alice.json'],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const { store, close } = openProofStore(resolve(io.cwd, positionals[0]!, 'store'), positionals[0]!);
  try {
    const proof = store.proofFor(positionals[1]!);
    const written = writeOutput(io, values.output as string | undefined, `${canonicalJson(proof)}${values.output === undefined ? '\n' : ''}`);
    if (written) out(io, `Wrote the proof of ${JSON.stringify(proof.account)} to ${values.output as string}`);
    return EXIT.ok;
  } finally {
    close();
  }
}
