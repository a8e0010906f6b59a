import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { keyId } from '@keygrade/ceremony';
import type { CommandSpec, Parsed } from '../command.js';
import { usage } from '../exit.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'ceremony keygen',
  summary: 'Create a participant\'s Ed25519 signing key for ceremony transcripts: <file> (PKCS#8 PEM, mode 0600) and <name>.pub (hex).',
  description: 'Each party (operator, witnesses, keyholders, auditors) has their own key, so the sign-offs in a transcript are by different parties. Give the .pub files to whoever verifies transcripts (`keygrade ceremony verify --trusted-keys`). Keys from `openssl genpkey -algorithm ed25519` work too.',
  args: ['<file>'],
  options: { json: { type: 'boolean', description: 'print { privateKeyFile, publicKeyFile, publicKey, keyId } as JSON' } },
  examples: ['keygrade ceremony keygen alice.pem', 'keygrade ceremony keygen keys/bob.pem --json'],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const file = positionals[0]!;
  const path = resolve(io.cwd, file);
  if (existsSync(path)) throw usage(`${file} already exists; refusing to overwrite a key`);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url'));
  const hex = Buffer.from(raw).toString('hex');
  const pubFile = `${file.replace(/\.pem$/, '')}.pub`;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  writeFileSync(resolve(io.cwd, pubFile), `${hex}\n`);
  if (values.json) out(io, JSON.stringify({ privateKeyFile: file, publicKeyFile: pubFile, publicKey: hex, keyId: keyId(raw) }, null, 2));
  else out(io, `Wrote ${file} (private: keep it to yourself) and ${pubFile} (public ${hex}, key id ${keyId(raw)}).`);
  return 0;
}
