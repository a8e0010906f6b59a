import { writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateWitnessKey } from '@keygrade/tlog';
import type { CommandSpec, Parsed } from '../command.js';
import { usage } from '../exit.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'witness keygen',
  summary: 'Create a witness key pair (C2SP cosignature/v1, Ed25519): <name>.skey (private, 0600) and <name>.vkey.',
  args: ['<name>'],
  options: { output: { type: 'string', short: 'o', value: '<dir>', description: 'folder to write the key files to (default: current folder)' } },
  examples: ['keygrade witness keygen witness-1.example.com -o keys/'],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const name = positionals[0]!;
  const dir = resolve(io.cwd, (values.output as string | undefined) ?? '.');
  const { skey, vkey } = generateWitnessKey(name);
  const skeyPath = join(dir, `${name}.skey`);
  if (existsSync(skeyPath)) throw usage(`${skeyPath} already exists; refusing to overwrite a key`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(skeyPath, `${skey}\n`, { mode: 0o600, flag: 'wx' });
  writeFileSync(join(dir, `${name}.vkey`), `${vkey}\n`);
  out(io, vkey);
  out(io, `Wrote ${skeyPath} (keep it secret) and ${name}.vkey. Register the witness on the log server with:`);
  out(io, `  keygrade log add-witness <log> ${vkey}`);
  return 0;
}
