/**
 * Output scripts and addresses of a descriptor at a child index, assembled here byte by byte
 * (BIP 16, 141, 143, 341, 342, 387) with @scure/bip32 for derivation and @noble/curves for the
 * taproot tweak. A second implementation in ./cross-check.ts rebuilds each script with
 * @scure/btc-signer's payment builders.
 */
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { bech32, bech32m, createBase58check } from '@scure/base';
import type { HDKey } from '@scure/bip32';
import { compareBytes, concat, hash160, sha256 } from '../bytes.js';
import { descriptorError, WalletError } from '../errors.js';
import { HARDENED, type KeyExpr } from './keys.js';
import type { DescNode, TapTree } from './parse.js';

export type Network = 'mainnet' | 'testnet' | 'regtest';

const b58c = createBase58check(sha256);
const NET = {
  mainnet: { hrp: 'bc', pkh: 0x00, sh: 0x05 },
  testnet: { hrp: 'tb', pkh: 0x6f, sh: 0xc4 },
  regtest: { hrp: 'bcrt', pkh: 0x6f, sh: 0xc4 },
} as const;

const OP = { 0: 0x00, DUP: 0x76, HASH160: 0xa9, EQUAL: 0x87, EQUALVERIFY: 0x88, CHECKSIG: 0xac, CHECKMULTISIG: 0xae, CHECKSIGADD: 0xba, NUMEQUAL: 0x9c } as const;

/** A minimal data push (BIP 62 MINIMALDATA) for pushes up to 520 bytes. */
export function push(data: Uint8Array): Uint8Array {
  if (data.length <= 75) return concat(Uint8Array.of(data.length), data);
  if (data.length <= 255) return concat(Uint8Array.of(0x4c, data.length), data);
  return concat(Uint8Array.of(0x4d, data.length & 0xff, data.length >> 8), data);
}

/** A minimal script number push: OP_1..OP_16, else a little-endian CScriptNum. */
export function pushNum(n: number): Uint8Array {
  if (n === 0) return Uint8Array.of(0);
  if (n >= 1 && n <= 16) return Uint8Array.of(0x50 + n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.push(v & 0xff);
  if (bytes[bytes.length - 1]! & 0x80) bytes.push(0);
  return push(Uint8Array.from(bytes));
}

/** Derives one key at child `index` (used only when the key has a wildcard). */
export class KeyDeriver {
  private readonly base = new Map<KeyExpr, HDKey>();
  /**
   * The last child derived per key: an address is assembled by our code and again by the
   * cross-check (same keys, same index), so each child key is derived once, not twice.
   */
  private readonly last = new Map<KeyExpr, { index: number; pub: Uint8Array }>();

  /** The public key bytes: 33/65 bytes, or 32 (x-only) inside tapscript and for tr() keys. */
  pub(k: KeyExpr, index: number, xonly: boolean): Uint8Array {
    let pub: Uint8Array;
    if (k.pubkey) pub = k.pubkey;
    else {
      let node = this.base.get(k);
      if (!node) {
        node = k.xkey!;
        for (const step of k.path) node = child(node, step as number, k);
        this.base.set(k, node);
      }
      if (k.wildcard === 'none') pub = node.publicKey!;
      else {
        const hit = this.last.get(k);
        if (hit && hit.index === index) pub = hit.pub;
        else {
          pub = child(node, index + (k.wildcard === 'hardened' ? HARDENED : 0), k).publicKey!;
          this.last.set(k, { index, pub });
        }
      }
    }
    if (xonly && pub.length === 33) return pub.subarray(1);
    return pub;
  }
}

function child(node: HDKey, index: number, k: KeyExpr): HDKey {
  if (typeof index !== 'number') throw descriptorError('DESCRIPTOR_DERIVE', k.pos, 'expand the multipath step (<a;b>) before deriving');
  if (index >= HARDENED && !node.privateKey) throw descriptorError('DESCRIPTOR_DERIVE', k.pos, 'hardened derivation needs the private key (xprv), but this key is an xpub');
  try {
    return node.deriveChild(index);
  } catch (e) {
    throw descriptorError('DESCRIPTOR_DERIVE', k.pos, `derivation failed at index ${index}: ${(e as Error).message}`);
  }
}

function multiScript(m: number, keys: Uint8Array[], sorted: boolean): Uint8Array {
  const ks = sorted ? [...keys].sort(compareBytes) : keys;
  return concat(pushNum(m), ...ks.map(push), pushNum(ks.length), Uint8Array.of(OP.CHECKMULTISIG));
}

function multiAScript(m: number, keys: Uint8Array[], sorted: boolean): Uint8Array {
  const ks = sorted ? [...keys].sort(compareBytes) : keys;
  return concat(...ks.map((k, i) => concat(push(k), Uint8Array.of(i === 0 ? OP.CHECKSIG : OP.CHECKSIGADD))), pushNum(m), Uint8Array.of(OP.NUMEQUAL));
}

const pkhScript = (h: Uint8Array) => concat(Uint8Array.of(OP.DUP, OP.HASH160, 20), h, Uint8Array.of(OP.EQUALVERIFY, OP.CHECKSIG));

/** The script a leaf / inner node contributes (redeem, witness or tap-leaf script). */
export function innerScript(n: DescNode, d: KeyDeriver, index: number, tap: boolean): Uint8Array {
  switch (n.type) {
    case 'pk':
      return concat(push(d.pub(n.key, index, tap)), Uint8Array.of(OP.CHECKSIG));
    case 'pkh':
      return pkhScript(hash160(d.pub(n.key, index, tap)));
    case 'multi':
    case 'sortedmulti':
      return multiScript(n.m, n.keys.map((k) => d.pub(k, index, false)), n.type === 'sortedmulti');
    case 'multi_a':
    case 'sortedmulti_a':
      return multiAScript(n.m, n.keys.map((k) => d.pub(k, index, true)), n.type === 'sortedmulti_a');
    default:
      return outputScript(n, d, index, 'mainnet');
  }
}

/** BIP 340 tagged hash. */
const tagged = (tag: string, ...msgs: Uint8Array[]) => {
  const t = sha256(new TextEncoder().encode(tag));
  return sha256(concat(t, t, ...msgs));
};

function compactSize(n: number): Uint8Array {
  if (n < 0xfd) return Uint8Array.of(n);
  if (n <= 0xffff) return Uint8Array.of(0xfd, n & 0xff, n >> 8);
  return Uint8Array.of(0xfe, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24);
}

/** BIP 341 merkle root of a script tree: TapLeaf(0xc0 ‖ script), TapBranch(sorted children). */
export function tapRoot(t: TapTree, d: KeyDeriver, index: number): Uint8Array {
  if (t.type === 'branch') {
    const a = tapRoot(t.left, d, index);
    const b = tapRoot(t.right, d, index);
    return compareBytes(a, b) <= 0 ? tagged('TapBranch', a, b) : tagged('TapBranch', b, a);
  }
  const s = innerScript(t, d, index, true);
  return tagged('TapLeaf', Uint8Array.of(0xc0), compactSize(s.length), s);
}

/** BIP 341 output key: Q = P + H_TapTweak(P ‖ root)·G, x-only. */
export function tweakKey(internal: Uint8Array, root: Uint8Array | undefined): Uint8Array {
  const P = schnorr.utils.lift_x(bytesToNumberBE(internal));
  const t = tagged('TapTweak', internal, ...(root ? [root] : []));
  const tn = bytesToNumberBE(t);
  if (tn >= secp256k1.Point.CURVE().n) throw new WalletError('DESCRIPTOR_DERIVE', 'taproot tweak out of range');
  const Q = P.add(secp256k1.Point.BASE.multiply(tn));
  return Q.toBytes(true).subarray(1);
}

/** The scriptPubKey of a descriptor node at child `index`. */
export function outputScript(n: DescNode, d: KeyDeriver, index: number, network: Network): Uint8Array {
  switch (n.type) {
    case 'wpkh':
      return concat(Uint8Array.of(0, 20), hash160(d.pub(n.key, index, false)));
    case 'sh':
      return concat(Uint8Array.of(OP.HASH160, 20), hash160(innerScript(n.inner, d, index, false)), Uint8Array.of(OP.EQUAL));
    case 'wsh':
      return concat(Uint8Array.of(0, 32), sha256(innerScript(n.inner, d, index, false)));
    case 'tr': {
      const internal = d.pub(n.key, index, true);
      return concat(Uint8Array.of(0x51, 32), tweakKey(internal, n.tree ? tapRoot(n.tree, d, index) : undefined));
    }
    case 'rawtr':
      return concat(Uint8Array.of(0x51, 32), d.pub(n.key, index, true));
    case 'raw':
      return n.script;
    case 'addr':
      return addressToScript(n.address, network, n.pos);
    default:
      return innerScript(n, d, index, false);
  }
}

/** The address of a scriptPubKey, or undefined for scripts without one (bare multisig, raw). */
export function scriptAddress(s: Uint8Array, network: Network): string | undefined {
  const p = NET[network];
  if (s.length === 25 && s[0] === 0x76 && s[1] === 0xa9 && s[2] === 20 && s[23] === 0x88 && s[24] === 0xac) return b58c.encode(concat(Uint8Array.of(p.pkh), s.subarray(3, 23)));
  if (s.length === 23 && s[0] === 0xa9 && s[1] === 20 && s[22] === 0x87) return b58c.encode(concat(Uint8Array.of(p.sh), s.subarray(2, 22)));
  if ((s.length === 22 || s.length === 34) && s[0] === 0 && s[1] === s.length - 2) return bech32.encode(p.hrp, [0, ...bech32.toWords(s.subarray(2))], 90);
  if (s.length >= 4 && s.length <= 42 && s[0]! >= 0x51 && s[0]! <= 0x60 && s[1] === s.length - 2) return bech32m.encode(p.hrp, [s[0]! - 0x50, ...bech32m.toWords(s.subarray(2))], 90);
  return undefined;
}

/** Decodes an address of `network` to its scriptPubKey (for addr()). */
export function addressToScript(address: string, network: Network, pos: number): Uint8Array {
  const p = NET[network];
  try {
    if (address.toLowerCase().startsWith(`${p.hrp}1`)) {
      const dec = address.toLowerCase()[p.hrp.length + 1] === 'q' ? bech32.decode(address as `${string}1${string}`, 90) : bech32m.decode(address as `${string}1${string}`, 90);
      const [v, ...words] = dec.words;
      const prog = bech32.fromWords(words);
      return concat(Uint8Array.of(v === 0 ? 0 : 0x50 + v!, prog.length), prog);
    }
    const raw = b58c.decode(address);
    if (raw.length === 21 && raw[0] === p.pkh) return pkhScript(raw.subarray(1));
    if (raw.length === 21 && raw[0] === p.sh) return concat(Uint8Array.of(OP.HASH160, 20), raw.subarray(1), Uint8Array.of(OP.EQUAL));
  } catch {
    // reported below
  }
  throw descriptorError('DESCRIPTOR_SYNTAX', pos, `${JSON.stringify(address)} is not a ${network} address`);
}
