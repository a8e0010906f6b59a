/**
 * Shared pieces of the `keygrade por …` commands: key files, JSON inputs and the node:crypto
 * SHA-256 the builder uses (about twice as fast as the portable one for tree-sized messages).
 */
import { createPrivateKey, createPublicKey, hash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fromHex, isHex, parseManifest, parseStoreMeta, ProofStore, ReservesError, type Sha256, type SignedManifest, type StoreFile } from '@keygrade/reserves';
import { ExitError, EXIT, usage } from '../exit.js';
import { readInput } from '../files.js';
import type { Io } from '../io.js';

/** Where `por keygen` writes and `por build` looks for the signing key by default. */
export const DEFAULT_KEY_FILE = 'por-signing-key.pem';

/** SHA-256 through node:crypto's one-shot API (OpenSSL, SHA-NI where the CPU has it). */
export const nodeSha256: Sha256 = (m) => hash('sha256', m, 'buffer');

/** Reads a JSON file given on the command line; exit 2 naming the file when it is not JSON. */
export function readJson(io: Io, file: string): unknown {
  const text = readInput(io, file);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new ExitError(EXIT.usage, `${file} is not JSON: ${(e as Error).message}`);
  }
}

/** Reads and checks the shape of a manifest file. */
export function readManifest(io: Io, file: string): SignedManifest {
  return parseManifest(readJson(io, file), file);
}

/** Reads an Ed25519 private key (PKCS#8 PEM, as `por keygen` or `openssl genpkey -algorithm ed25519` write) as its 32-byte seed. */
export function readSigningKey(io: Io, file: string | undefined): Uint8Array {
  const path = resolve(io.cwd, file ?? DEFAULT_KEY_FILE);
  if (!existsSync(path)) throw usage(file === undefined ? `no signing key: ${DEFAULT_KEY_FILE} does not exist here. Create one with \`keygrade por keygen\` or pass --key <file>` : `cannot read ${file}: no such file`);
  try {
    const key = createPrivateKey(readFileSync(path));
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`it is a ${key.asymmetricKeyType} key, not Ed25519`);
    const d = key.export({ format: 'jwk' }).d;
    if (!d) throw new Error('it holds no private key');
    return new Uint8Array(Buffer.from(d, 'base64url'));
  } catch (e) {
    throw new ReservesError('RESERVES_BAD_KEY', `${file ?? DEFAULT_KEY_FILE} is not an Ed25519 private key in PEM (PKCS#8): ${(e as Error).message}`);
  }
}

/** Reads a public key given as 64 hex digits, or a file holding hex or an SPKI PEM. */
export function readPublicKey(io: Io, spec: string): Uint8Array {
  const text = isHex(spec.trim().toLowerCase(), 32) ? spec : readInput(io, spec);
  const trimmed = text.trim();
  if (isHex(trimmed.toLowerCase(), 32)) return fromHex(trimmed.toLowerCase());
  try {
    const key = createPublicKey(trimmed);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`it is a ${key.asymmetricKeyType} key`);
    return new Uint8Array(Buffer.from(key.export({ format: 'jwk' }).x!, 'base64url'));
  } catch (e) {
    throw new ReservesError('RESERVES_BAD_KEY', `--pubkey: not an Ed25519 public key (64 hex digits, or a file with hex or a PEM public key): ${(e as Error).message}`);
  }
}

/**
 * Opens the proof store in `dir` (a snapshot's store/ folder) for positioned reads; call close()
 * when done. `label` names the snapshot folder in errors.
 */
export function openProofStore(dir: string, label: string): { store: ProofStore; close: () => void } {
  let meta;
  try {
    meta = parseStoreMeta(JSON.parse(readFileSync(join(dir, 'store.json'), 'utf8')));
  } catch (e) {
    if (e instanceof ReservesError) throw e;
    throw new ReservesError('RESERVES_BAD_STORE', `${label} holds no readable proof store (store/store.json): ${(e as Error).message}`);
  }
  const fds = new Map<StoreFile, number>();
  const store = new ProofStore(meta, (file, offset, length) => {
    let fd = fds.get(file);
    if (fd === undefined) fds.set(file, (fd = openSync(join(dir, file), 'r')));
    const buf = new Uint8Array(length);
    const n = readSync(fd, buf, 0, length, offset);
    if (n !== length) throw new ReservesError('RESERVES_BAD_STORE', `${file} is truncated (wanted ${length} bytes at ${offset})`);
    return buf;
  });
  return {
    store,
    close: () => {
      for (const fd of fds.values()) closeSync(fd);
      fds.clear();
    },
  };
}
