import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { canonicalJson } from '@keygrade/tlog';
import { parseStoreMeta, ProofStore, ReservesError, type StoreFile } from '@keygrade/reserves';
import type { CommandSpec, Parsed } from '../command.js';
import { EXIT } from '../exit.js';
import { writeOutput } from '../files.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'por proof',
  summary: 'Take one customer\'s inclusion proof from a built snapshot\'s store (on demand, for any size of snapshot).',
  args: ['<snapshot-dir>', '<account>'],
  options: { output: { type: 'string', short: 'o', value: '<file>', description: 'where to write the proof (default: stdout)' } },
  examples: ['keygrade por proof snapshots/2026-11 alice@example.com -o alice.json'],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const dir = resolve(io.cwd, positionals[0]!, 'store');
  let meta;
  try {
    meta = parseStoreMeta(JSON.parse(readFileSync(join(dir, 'store.json'), 'utf8')));
  } catch (e) {
    if (e instanceof ReservesError) throw e;
    throw new ReservesError('RESERVES_BAD_STORE', `${positionals[0]!} holds no readable proof store (store/store.json): ${(e as Error).message}`);
  }
  const fds = new Map<StoreFile, number>();
  try {
    const store = new ProofStore(meta, (file, offset, length) => {
      let fd = fds.get(file);
      if (fd === undefined) fds.set(file, (fd = openSync(join(dir, file), 'r')));
      const buf = new Uint8Array(length);
      const n = readSync(fd, buf, 0, length, offset);
      if (n !== length) throw new ReservesError('RESERVES_BAD_STORE', `${file} is truncated (wanted ${length} bytes at ${offset})`);
      return buf;
    });
    const proof = store.proofFor(positionals[1]!);
    const written = writeOutput(io, values.output as string | undefined, `${canonicalJson(proof)}${values.output === undefined ? '\n' : ''}`);
    if (written) out(io, `Wrote the proof of ${JSON.stringify(proof.account)} to ${values.output as string}`);
    return EXIT.ok;
  } finally {
    for (const fd of fds.values()) closeSync(fd);
  }
}
