/**
 * The signer-check input: signatures a device made over a known test seed, and the key material
 * to re-sign with. JSON (`keygrade-signer-check/v1`) or CSV; see docs/guide/wallets.md
 * ("Signer nonce check"). The file is user input: every field is checked and a bad one is named
 * by `file:line` (CSV) or `file: signatures[i].field` (JSON).
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { numberToBytesBE } from '@noble/curves/utils.js';
import { base64 } from '@scure/base';
import { HDKey } from '@scure/bip32';
import { NETWORK, TEST_NETWORK, WIF } from '@scure/btc-signer';
import { VarBytes } from '@scure/btc-signer/script.js';
import { BaseError, type Problem } from '@keygrade/errors';
import { concat, fromHex, sha256, sha256d, toHex } from '../bytes.js';
import { parseDerLax } from '../sigs/der.js';
import { extractSignatures } from '../sigs/extract.js';

/** Errors of the signer check: a malformed input file or key. */
export type SignerErrorCode = 'SIGNER_INPUT';
export class SignerError extends BaseError<SignerErrorCode> {}

/** A private key to re-sign with, and where it came from. */
export interface TestKey {
  label: string;
  privateKey: Uint8Array;
  pubkey: string;
}

/** One signature to classify: the digest the device signed and the (r, s) it produced. */
export interface SignerCase {
  id: string;
  digest: Uint8Array;
  r: bigint;
  s: bigint;
  /** The public key named by the input (a transaction's), when any. */
  pubkey: string | undefined;
  /** Keys to try, in order: the one named for this signature, else every key of the file. */
  keys: TestKey[];
}

/** Key material given outside the file (CLI options); the file's own fields win. */
export interface KeyDefaults {
  key?: string;
  seed?: string;
  paths?: string[];
}

const MAX_SIGNATURES = 100_000;
const MAX_KEYS = 10_000;
const MAGIC = new TextEncoder().encode('Bitcoin Signed Message:\n');
const TPRV = { private: 0x04358394, public: 0x043587cf };

/** The digest of a message under a named hash: sha256, sha256d, or Bitcoin's legacy signed-message hash. */
export function messageDigest(message: string, hash: string): Uint8Array | undefined {
  const m = new TextEncoder().encode(message);
  if (hash === 'sha256') return sha256(m);
  if (hash === 'sha256d') return sha256d(m);
  if (hash === 'bitcoin-message') return sha256d(concat(VarBytes.encode(MAGIC), VarBytes.encode(m)));
  return undefined;
}

/** Reads a private key: 64 hex digits, a compressed WIF (mainnet or testnet), or an xprv/tprv (with the path). */
export function parseKey(text: string, path: string | undefined, label: string): TestKey {
  const t = text.trim();
  let d: Uint8Array | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(t)) d = fromHex(t.toLowerCase());
  else if (/^[xt]prv/.test(t)) {
    let hd: HDKey;
    try {
      hd = HDKey.fromExtendedKey(t, t.startsWith('t') ? TPRV : undefined);
    } catch (e) {
      throw new SignerError('SIGNER_INPUT', `${label}: not an extended private key: ${(e as Error).message}`);
    }
    return derived(hd, path, label);
  } else {
    for (const net of [NETWORK, TEST_NETWORK]) {
      try {
        d = WIF(net).decode(t);
        break;
      } catch {
        // try the next network
      }
    }
  }
  if (!d || !secp256k1.utils.isValidSecretKey(d)) throw new SignerError('SIGNER_INPUT', `${label}: a key is 64 hex digits, a compressed WIF or an xprv/tprv`);
  if (path !== undefined) throw new SignerError('SIGNER_INPUT', `${label}: a path needs a seed or an extended key, not a plain private key`);
  return { label: 'key', privateKey: d, pubkey: toHex(secp256k1.getPublicKey(d, true)) };
}

function derived(root: HDKey, path: string | undefined, label: string): TestKey {
  if (path === undefined) throw new SignerError('SIGNER_INPUT', `${label}: a seed or extended key needs a derivation path (e.g. m/84'/1'/0'/0/0)`);
  let child: HDKey;
  try {
    child = root.derive(path.replace(/h/g, "'"));
  } catch (e) {
    throw new SignerError('SIGNER_INPUT', `${label}: path ${JSON.stringify(path)}: ${(e as Error).message}`);
  }
  if (!child.privateKey) throw new SignerError('SIGNER_INPUT', `${label}: no private key at ${path}`);
  return { label: path, privateKey: child.privateKey, pubkey: toHex(secp256k1.getPublicKey(child.privateKey, true)) };
}

/** The keys of one key description: `key` (plain, or extended with paths) or `seed` (BIP 32 seed hex) with paths. */
function keysOf(spec: KeyDefaults, label: string): TestKey[] {
  const paths = spec.paths ?? [];
  if (paths.length > MAX_KEYS) throw new SignerError('SIGNER_INPUT', `${label}: more than ${MAX_KEYS} paths`);
  if (spec.seed !== undefined) {
    if (!/^(?:[0-9a-fA-F]{2}){16,64}$/.test(spec.seed)) throw new SignerError('SIGNER_INPUT', `${label}: seed must be 16 to 64 bytes of hex (a BIP 32 seed, e.g. a BIP 39 mnemonic's 64-byte seed)`);
    const root = HDKey.fromMasterSeed(fromHex(spec.seed.toLowerCase()));
    return paths.map((p) => derived(root, p, label));
  }
  if (spec.key !== undefined) return paths.length > 0 ? paths.map((p) => parseKey(spec.key!, p, label)) : [parseKey(spec.key, undefined, label)];
  return [];
}

/** Parses a signature: DER hex (optionally with its sighash byte), 64-byte compact hex, or 65-byte base64 (signmessage). */
export function parseSignature(text: string): { r: bigint; s: bigint } | undefined {
  const t = text.trim();
  if (/^(?:[0-9a-fA-F]{2})+$/.test(t)) {
    const b = fromHex(t.toLowerCase());
    if (b.length === 64) return { r: BigInt(`0x${t.slice(0, 64)}`), s: BigInt(`0x${t.slice(64)}`) };
    if (b[0] === 0x30 && b.length >= 8) {
      const der = b.length === (b[1] ?? 0) + 3 ? b.subarray(0, -1) : b; // DER ‖ sighash byte
      const rs = parseDerLax(der);
      return rs ? { r: rs.r, s: rs.s } : undefined;
    }
    return undefined;
  }
  try {
    const b = base64.decode(t);
    if (b.length !== 65) return undefined;
    return { r: BigInt(`0x${toHex(b.subarray(1, 33))}`), s: BigInt(`0x${toHex(b.subarray(33))}`) };
  } catch {
    return undefined;
  }
}

type Json = Record<string, unknown>;
const str = (o: Json, k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);

function fileKeys(o: Json, defaults: KeyDefaults, where: string): TestKey[] {
  const paths = o.paths ?? (o.path !== undefined ? [o.path] : undefined);
  if (paths !== undefined && (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string'))) throw new SignerError('SIGNER_INPUT', `${where}: paths must be an array of derivation paths`);
  for (const k of ['key', 'seed'] as const) if (o[k] !== undefined && typeof o[k] !== 'string') throw new SignerError('SIGNER_INPUT', `${where}: ${k} must be a string`);
  const spec: KeyDefaults = { ...defaults };
  if (str(o, 'key') !== undefined || str(o, 'seed') !== undefined) {
    delete spec.key;
    delete spec.seed;
  }
  if (str(o, 'key') !== undefined) spec.key = str(o, 'key');
  if (str(o, 'seed') !== undefined) spec.seed = str(o, 'seed');
  if (paths !== undefined) spec.paths = paths as string[];
  return keysOf(spec, where);
}

/** Reads a signer-check file (JSON when it starts with `{`, otherwise CSV). */
export function parseSignerInput(text: string, file: string, defaults: KeyDefaults = {}): SignerCase[] {
  const cases = text.trimStart().startsWith('{') ? fromJson(text, file, defaults) : fromCsv(text, file, defaults);
  if (cases.length === 0) throw new SignerError('SIGNER_INPUT', `${file}: no signatures`);
  if (cases.length > MAX_SIGNATURES) throw new SignerError('SIGNER_INPUT', `${file}: more than ${MAX_SIGNATURES} signatures`);
  return cases;
}

function fromJson(text: string, file: string, defaults: KeyDefaults): SignerCase[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new SignerError('SIGNER_INPUT', `${file}: not JSON: ${(e as Error).message}`);
  }
  const o = doc as Json;
  const keys = fileKeys(o, defaults, file);
  const problems: Problem[] = [];
  const cases: SignerCase[] = [];
  const sigs = o.signatures ?? [];
  const txs = o.transactions ?? [];
  if (!Array.isArray(sigs) || !Array.isArray(txs)) throw new SignerError('SIGNER_INPUT', `${file}: signatures and transactions must be arrays`);
  sigs.forEach((raw, i) => {
    const path = `signatures[${i}]`;
    if (typeof raw !== 'object' || raw === null) return problems.push({ file, path, message: 'must be an object' });
    const x = raw as Json;
    const sig = str(x, 'signature');
    const rs = sig === undefined ? undefined : parseSignature(sig);
    if (!rs) return problems.push({ file, path: `${path}.signature`, message: 'must be DER hex (with or without the sighash byte), 64-byte compact hex, or a 65-byte base64 message signature' });
    let digest: Uint8Array | undefined;
    const dg = str(x, 'digest');
    if (dg !== undefined) digest = /^[0-9a-fA-F]{64}$/.test(dg) ? fromHex(dg.toLowerCase()) : undefined;
    else if (str(x, 'message') !== undefined) digest = messageDigest(str(x, 'message')!, str(x, 'hash') ?? 'sha256');
    if (!digest) return problems.push({ file, path, message: 'needs digest (32 bytes hex) or message with hash sha256, sha256d or bitcoin-message' });
    let own: TestKey[] = keys;
    try {
      if (x.key !== undefined || x.seed !== undefined || x.path !== undefined || x.paths !== undefined) own = fileKeys(x, { key: str(o, 'key'), seed: str(o, 'seed') } as KeyDefaults, `${file}: ${path}`);
    } catch (e) {
      return problems.push({ file, path, message: (e as Error).message.replace(`${file}: ${path}: `, '') });
    }
    cases.push({ id: str(x, 'id') ?? `#${i + 1}`, digest, r: rs.r, s: rs.s, pubkey: undefined, keys: own });
  });
  txs.forEach((line, i) => {
    if (typeof line !== 'string') return problems.push({ file, path: `transactions[${i}]`, message: 'must be a line "<raw tx hex> [<amount>:<scriptPubKey hex>,…]"' });
    try {
      for (const s of extractSignatures(line, `${file}: transactions[${i}]`).sigs) {
        if (s.z === undefined) {
          problems.push({ file, path: `transactions[${i}]`, message: `input ${s.vin}: sighash unknown (${s.spend}; give the prevout amounts)` });
          continue;
        }
        cases.push({ id: `${s.txid}:${s.vin}`, digest: numberToBytesBE(s.z, 32), r: s.r, s: s.s, pubkey: s.pubkey, keys });
      }
    } catch (e) {
      problems.push({ file, path: `transactions[${i}]`, message: (e as Error).message.replace(`${file}: transactions[${i}]: `, '') });
    }
  });
  if (problems.length > 0) throw new SignerError('SIGNER_INPUT', `${file}: ${problems.length} problem(s)`, { problems });
  if (cases.some((c) => c.keys.length === 0)) throw new SignerError('SIGNER_INPUT', `${file}: no key to re-sign with: give key (hex, WIF, xprv) or seed with paths, in the file or as options`);
  return cases;
}

/** CSV: a header naming `digest` and `signature` (and optionally `id`, `path`); keys from the defaults. */
function fromCsv(text: string, file: string, defaults: KeyDefaults): SignerCase[] {
  const lines = text.split(/\r?\n/);
  const head = lines.findIndex((l) => l.trim() !== '' && !l.startsWith('#'));
  if (head < 0) return [];
  const cols = lines[head]!.split(',').map((c) => c.trim().toLowerCase());
  const at = (name: string) => cols.indexOf(name);
  if (at('digest') < 0 || at('signature') < 0) throw new SignerError('SIGNER_INPUT', `${file}:${head + 1}: the header must name the columns digest and signature (and optionally id, path)`);
  const base = keysOf(defaults, 'options');
  const problems: Problem[] = [];
  const cases: SignerCase[] = [];
  const byPath = new Map<string, TestKey[]>();
  for (let i = head + 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.trim() === '' || l.startsWith('#')) continue;
    const f = l.split(',').map((c) => c.trim());
    const dg = f[at('digest')] ?? '';
    const rs = parseSignature(f[at('signature')] ?? '');
    if (!/^[0-9a-fA-F]{64}$/.test(dg)) problems.push({ file, line: i + 1, message: 'digest must be 32 bytes of hex' });
    else if (!rs) problems.push({ file, line: i + 1, message: 'signature must be DER hex, 64-byte compact hex or 65-byte base64' });
    else {
      let keys = base;
      const p = at('path') >= 0 ? f[at('path')] : undefined;
      if (p) {
        try {
          keys = byPath.get(p) ?? keysOf({ ...defaults, paths: [p] }, `${file}:${i + 1}`);
          byPath.set(p, keys);
        } catch (e) {
          problems.push({ file, line: i + 1, message: (e as Error).message.replace(`${file}:${i + 1}: `, '') });
          continue;
        }
      }
      cases.push({ id: (at('id') >= 0 ? f[at('id')] : undefined) || `line ${i + 1}`, digest: fromHex(dg.toLowerCase()), r: rs.r, s: rs.s, pubkey: undefined, keys });
    }
  }
  if (problems.length > 0) throw new SignerError('SIGNER_INPUT', `${file}: ${problems.length} problem(s)`, { problems });
  if (cases.some((c) => c.keys.length === 0)) throw new SignerError('SIGNER_INPUT', `${file}: no key to re-sign with: give --key, or --seed with --path`);
  return cases;
}
