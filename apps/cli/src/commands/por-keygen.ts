import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { keyFingerprint } from '@keygrade/reserves';
import type { CommandSpec, Parsed } from '../command.js';
import { usage } from '../exit.js';
import { out, type Io } from '../io.js';
import { DEFAULT_KEY_FILE } from './por-common.js';

export const spec: CommandSpec = {
  name: 'por keygen',
  summary: 'Create the Ed25519 key that signs proof-of-reserves manifests: a private key (PKCS#8 PEM, mode 0600) and its public key in hex (<name>.pub).',
  description: 'Publish the public key (or its fingerprint) where customers find it, e.g. on your website: customers pass it to `keygrade por verify-proof --pubkey` or paste it into the verifier page. Keep the private key offline; `openssl genpkey -algorithm ed25519` keys work too.',
  args: ['[file]'],
  options: { json: { type: 'boolean', description: 'print { privateKeyFile, publicKey, fingerprint } as JSON' } },
  examples: ['keygrade por keygen', 'keygrade por keygen keys/por-2026.pem'],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const file = positionals[0] ?? DEFAULT_KEY_FILE;
  const path = resolve(io.cwd, file);
  if (existsSync(path)) throw usage(`${file} already exists; refusing to overwrite a key`);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const pubFile = `${file.replace(/\.pem$/, '')}.pub`;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  writeFileSync(resolve(io.cwd, pubFile), `${raw.toString('hex')}\n`);
  const fingerprint = keyFingerprint(raw);
  if (values.json) out(io, JSON.stringify({ privateKeyFile: file, publicKeyFile: pubFile, publicKey: raw.toString('hex'), fingerprint }, null, 2));
  else {
    out(io, raw.toString('hex'));
    out(io, `Wrote ${file} (private: keep it offline) and ${pubFile}. Fingerprint ${fingerprint}.`);
    out(io, 'Publish the public key so customers can check your manifests: keygrade por verify-proof … --pubkey <key>');
  }
  return 0;
}
