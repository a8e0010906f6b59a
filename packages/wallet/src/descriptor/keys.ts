/**
 * BIP 380 key expressions: `[fingerprint/path]` origins, hex public keys (compressed,
 * uncompressed, x-only inside tr), WIF private keys, and xpub/xprv (tpub/tprv) with a derivation
 * path, a BIP 389 multipath step `<a;b;…>` and a `/*` or `/*h` wildcard. Parsed defensively from
 * attacker-controlled text; every error names its character position.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { createBase58check } from '@scure/base';
import { HDKey } from '@scure/bip32';
import { fromHex, sha256 } from '../bytes.js';
import { descriptorError } from '../errors.js';

/** BIP 32 hardened offset. */
export const HARDENED = 0x80000000;

/** A derivation step: an index (hardened ones include {@link HARDENED}) or BIP 389 alternatives. */
export type PathStep = number | readonly number[];

export interface KeyOrigin {
  /** 8 lower-case hex digits. */
  fingerprint: string;
  path: number[];
}

export type KeyKind = 'pubkey' | 'xonly' | 'wif' | 'xpub' | 'xprv';

/** One parsed key expression. */
export interface KeyExpr {
  /** 0-based offset of the expression in the descriptor. */
  pos: number;
  text: string;
  origin: KeyOrigin | undefined;
  kind: KeyKind;
  /** The key bytes of a non-extended key (33 or 65 bytes; 32 for x-only). */
  pubkey: Uint8Array | undefined;
  /** The extended key (public or private) of xpub/xprv. */
  xkey: HDKey | undefined;
  /** Steps after the extended key, before the wildcard. */
  path: PathStep[];
  wildcard: 'none' | 'unhardened' | 'hardened';
  /** The network an xpub/tpub or WIF prefix names; undefined for plain hex keys. */
  network: 'main' | 'test' | undefined;
}

const b58c = createBase58check(sha256);
const MAIN = { private: 0x0488ade4, public: 0x0488b21e };
const TEST = { private: 0x04358394, public: 0x043587cf };
const XVERSIONS: Record<string, { v: typeof MAIN; net: 'main' | 'test'; priv: boolean }> = {
  xpub: { v: MAIN, net: 'main', priv: false },
  xprv: { v: MAIN, net: 'main', priv: true },
  tpub: { v: TEST, net: 'test', priv: false },
  tprv: { v: TEST, net: 'test', priv: true },
};
const SLIP132 = /^[yzYZuvUV](pub|prv)/;

/** Parses one path index (`12`, `12h`, `12'`) at `pos`; BIP 32 indices are below 2^31. */
function parseIndex(s: string, pos: number): number {
  const m = /^(\d{1,10})(h|')?$/.exec(s);
  if (!m) throw descriptorError('DESCRIPTOR_SYNTAX', pos, `${JSON.stringify(s)} is not a derivation index (digits, optionally followed by h or ')`);
  const n = Number(m[1]);
  if (n >= HARDENED) throw descriptorError('DESCRIPTOR_SYNTAX', pos, `derivation index ${m[1]} is out of range (must be below 2^31)`);
  return m[2] ? n + HARDENED : n;
}

/** Parses `a;b;c` inside `<…>` (BIP 389): at least two indices, all distinct. */
function parseMultipath(s: string, pos: number): number[] {
  const parts = s.split(';');
  if (parts.length < 2) throw descriptorError('DESCRIPTOR_SYNTAX', pos, 'a multipath step needs at least two indices, as in <0;1>');
  let at = pos + 1;
  const out: number[] = [];
  for (const p of parts) {
    if (p === '') throw descriptorError('DESCRIPTOR_SYNTAX', at, 'missing index in multipath step');
    const v = parseIndex(p, at);
    if (out.includes(v)) throw descriptorError('DESCRIPTOR_SYNTAX', at, `duplicate index ${p} in multipath step`);
    out.push(v);
    at += p.length + 1;
  }
  return out;
}

/** Where a key may appear: x-only keys only inside tr(); segwit v0 requires compressed keys. */
export interface KeyContext {
  taproot: boolean;
  compressedOnly: boolean;
}

/** Parses a key expression occupying `text` at offset `pos` of the descriptor. */
export function parseKey(text: string, pos: number, ctx: KeyContext): KeyExpr {
  if (text.length === 0) throw descriptorError('DESCRIPTOR_SYNTAX', pos, 'expected a key expression');
  let rest = text;
  let at = pos;
  let origin: KeyOrigin | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) throw descriptorError('DESCRIPTOR_SYNTAX', pos, 'key origin "[" is not closed with "]"');
    const inner = rest.slice(1, close);
    const parts = inner.split('/');
    const fp = parts[0]!;
    if (!/^[0-9a-fA-F]{8}$/.test(fp)) throw descriptorError('DESCRIPTOR_SYNTAX', pos + 1, `key origin fingerprint must be exactly 8 hex digits, got ${JSON.stringify(fp)}`);
    let p = pos + 1 + fp.length + 1;
    const path: number[] = [];
    for (const s of parts.slice(1)) {
      if (s === '') throw descriptorError('DESCRIPTOR_SYNTAX', p, 'empty step in key origin path');
      if (s.startsWith('<')) throw descriptorError('DESCRIPTOR_SYNTAX', p, 'a multipath step is not allowed in a key origin (BIP 389)');
      if (s.startsWith('*')) throw descriptorError('DESCRIPTOR_SYNTAX', p, 'a wildcard is not allowed in a key origin');
      path.push(parseIndex(s, p));
      p += s.length + 1;
    }
    origin = { fingerprint: fp.toLowerCase(), path };
    rest = rest.slice(close + 1);
    at = pos + close + 1;
    if (rest.length === 0) throw descriptorError('DESCRIPTOR_SYNTAX', at, 'key origin is not followed by a key');
  }
  if (rest.includes('[') || rest.includes(']')) throw descriptorError('DESCRIPTOR_SYNTAX', at + Math.max(rest.indexOf('['), rest.indexOf(']')), 'unexpected "[" or "]" in a key expression (one origin, at the start)');
  const slash = rest.indexOf('/');
  const head = slash < 0 ? rest : rest.slice(0, slash);
  const steps = slash < 0 ? [] : rest.slice(slash + 1).split('/');
  const base: Omit<KeyExpr, 'kind' | 'pubkey' | 'xkey' | 'network'> = { pos, text, origin, path: [], wildcard: 'none' };

  // Plain hex public keys (BIP 380 "KEY expressions").
  if (/^[0-9a-fA-F]+$/.test(head) && (head.length === 66 || head.length === 130 || head.length === 64)) {
    if (steps.length > 0) throw descriptorError('DESCRIPTOR_SYNTAX', at + slash, 'a plain public key cannot have a derivation path');
    const bytes = fromHex(head.toLowerCase());
    if (head.length === 64) {
      if (!ctx.taproot) throw descriptorError('DESCRIPTOR_SYNTAX', at, 'x-only (32-byte) public keys are only allowed inside tr()');
      if (!validPoint(Uint8Array.of(2, ...bytes))) throw descriptorError('DESCRIPTOR_SYNTAX', at, 'x-only public key is not on the curve');
      return { ...base, kind: 'xonly', pubkey: bytes, xkey: undefined, network: undefined };
    }
    if (head.length === 66 && bytes[0] !== 2 && bytes[0] !== 3) throw descriptorError('DESCRIPTOR_SYNTAX', at, 'a 33-byte public key must start with 02 or 03');
    if (head.length === 130 && bytes[0] !== 4) throw descriptorError('DESCRIPTOR_SYNTAX', at, 'a 65-byte public key must start with 04');
    if (!validPoint(bytes)) throw descriptorError('DESCRIPTOR_SYNTAX', at, 'public key is not a point on secp256k1');
    if (bytes.length === 65 && (ctx.taproot || ctx.compressedOnly)) throw descriptorError('DESCRIPTOR_SYNTAX', at, `uncompressed public keys are not allowed ${ctx.taproot ? 'inside tr()' : 'in segwit scripts'}`);
    return { ...base, kind: 'pubkey', pubkey: bytes, xkey: undefined, network: undefined };
  }

  const xv = XVERSIONS[head.slice(0, 4)];
  if (xv) {
    let xkey: HDKey;
    try {
      xkey = HDKey.fromExtendedKey(head, xv.v);
    } catch (e) {
      throw descriptorError('DESCRIPTOR_SYNTAX', at, `invalid extended key: ${(e as Error).message}`);
    }
    const path: PathStep[] = [];
    let wildcard: KeyExpr['wildcard'] = 'none';
    let p = at + head.length + 1;
    let multi = false;
    steps.forEach((s, i) => {
      if (wildcard !== 'none') throw descriptorError('DESCRIPTOR_SYNTAX', p, 'nothing may follow the wildcard "*"');
      if (s === '') throw descriptorError('DESCRIPTOR_SYNTAX', p, 'empty derivation step');
      if (s === '*' || s === "*'" || s === '*h') {
        wildcard = s === '*' ? 'unhardened' : 'hardened';
        if (i !== steps.length - 1) throw descriptorError('DESCRIPTOR_SYNTAX', p, 'the wildcard "*" must be the last step');
      } else if (s.startsWith('<')) {
        if (!s.endsWith('>')) throw descriptorError('DESCRIPTOR_SYNTAX', p, 'multipath step "<" is not closed with ">"');
        if (multi) throw descriptorError('DESCRIPTOR_SYNTAX', p, 'a key may have only one multipath step (BIP 389)');
        multi = true;
        path.push(parseMultipath(s.slice(1, -1), p));
      } else path.push(parseIndex(s, p));
      p += s.length + 1;
    });
    return { ...base, path, wildcard, kind: xv.priv ? 'xprv' : 'xpub', pubkey: undefined, xkey, network: xv.net };
  }
  if (SLIP132.test(head)) throw descriptorError('DESCRIPTOR_SYNTAX', at, `${head.slice(0, 4)} (SLIP-132) keys are not descriptor keys: convert to xpub/tpub and let the descriptor name the script type`);

  // WIF private key (base58check: 0x80 mainnet / 0xef testnet, 32 bytes, 0x01 when compressed).
  let raw: Uint8Array | undefined;
  try {
    raw = b58c.decode(head);
  } catch {
    raw = undefined;
  }
  if (raw && (raw[0] === 0x80 || raw[0] === 0xef) && (raw.length === 33 || (raw.length === 34 && raw[33] === 1))) {
    if (steps.length > 0) throw descriptorError('DESCRIPTOR_SYNTAX', at + slash, 'a WIF private key cannot have a derivation path');
    const compressed = raw.length === 34;
    if (!compressed && (ctx.taproot || ctx.compressedOnly)) throw descriptorError('DESCRIPTOR_SYNTAX', at, `uncompressed private keys are not allowed ${ctx.taproot ? 'inside tr()' : 'in segwit scripts'}`);
    let pub: Uint8Array;
    try {
      pub = secp256k1.getPublicKey(raw.subarray(1, 33), compressed);
    } catch {
      throw descriptorError('DESCRIPTOR_SYNTAX', at, 'WIF private key is out of range');
    }
    return { ...base, kind: 'wif', pubkey: ctx.taproot ? pub.subarray(1) : pub, xkey: undefined, network: raw[0] === 0x80 ? 'main' : 'test' };
  }
  throw descriptorError('DESCRIPTOR_SYNTAX', at, `${JSON.stringify(head.length > 20 ? `${head.slice(0, 20)}…` : head)} is not a public key, WIF private key or xpub/xprv/tpub/tprv`);
}

function validPoint(bytes: Uint8Array): boolean {
  try {
    secp256k1.Point.fromBytes(bytes).assertValidity();
    return true;
  } catch {
    return false;
  }
}

/** The number of alternatives of the key's multipath step (1 when it has none). */
export function multipathCount(k: KeyExpr): number {
  const m = k.path.find((s) => typeof s !== 'number');
  return m === undefined ? 1 : (m as readonly number[]).length;
}

/** The key with its multipath step replaced by alternative `i` (BIP 389 expansion). */
export function pickPath(k: KeyExpr, i: number): KeyExpr {
  if (multipathCount(k) === 1) return k;
  return { ...k, path: k.path.map((s) => (typeof s === 'number' ? s : s[i]!)) };
}

/** Formats a path step list as text (`0/1h/<0;1>`), hardened as `h`. */
export function formatPath(path: readonly PathStep[]): string {
  const one = (n: number) => (n >= HARDENED ? `${n - HARDENED}h` : `${n}`);
  return path.map((s) => (typeof s === 'number' ? one(s) : `<${s.map(one).join(';')}>`)).join('/');
}
