import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ed25519Signer, toHex } from '@keygrade/attest';
import type { CommandSpec, Parsed } from '../command.js';
import { usage } from '../exit.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'cert keygen',
  summary: 'Create an auditor signing key (Ed25519) for certificates: <name>.key (private, 0600) and its public key.',
  description: [
    'Auditors and peer reviewers sign certificates with their own key; the private key never leaves their machine. Register the printed public key on the platform (Account → Signing keys, or POST /api/auditors/me/keys), then sign statements with keygrade cert sign.',
    'The key file holds the 32-byte Ed25519 seed as hex. Keep it offline or on an encrypted volume; if it is lost or exposed, revoke the key on the platform.',
  ].join('\n'),
  args: ['<name>'],
  options: {
    output: { type: 'string', short: 'o', value: '<dir>', description: 'folder to write the key file to (default: current folder)' },
    json: { type: 'boolean', description: 'print the public key and key id as JSON' },
  },
  examples: ['keygrade cert keygen alice-2027 -o ~/keys'],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const name = positionals[0]!;
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(name)) throw usage('the key name may use letters, digits, dot, dash and underscore');
  const dir = resolve(io.cwd, (values.output as string | undefined) ?? '.');
  const path = join(dir, `${name}.key`);
  if (existsSync(path)) throw usage(`${path} already exists; refusing to overwrite a key`);
  const seed = new Uint8Array(randomBytes(32));
  const signer = ed25519Signer(seed);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, `${toHex(seed)}\n`, { mode: 0o600, flag: 'wx' });
  seed.fill(0);
  if (values.json) {
    out(io, JSON.stringify({ keyFile: path, publicKey: toHex(signer.publicKey), keyid: signer.keyid }, null, 2));
    return 0;
  }
  out(io, `Public key: ${toHex(signer.publicKey)}`);
  out(io, `Key id:     ${signer.keyid}`);
  out(io, `Wrote ${path} (keep it secret). Register the public key on the platform, then sign with: keygrade cert sign <statement.json> --key ${path}`);
  return 0;
}
