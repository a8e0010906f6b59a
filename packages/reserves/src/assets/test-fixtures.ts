/**
 * Test fixtures built at run time: keys derived from labels, addresses, and BIP-322 / BIP-127 /
 * legacy proofs signed with @scure/btc-signer and @noble/curves (no hard-coded results).
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { p2ms, p2pkh, p2sh, p2tr, p2tr_ms, p2tr_pk, p2wpkh, p2wsh, taprootNumsKey, Transaction } from '@scure/btc-signer';
import { RawWitness } from '@scure/btc-signer/script.js';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { bytesEqual, concat, toHex, utf8 } from '../bytes.js';
import { signManifest, type ManifestBody, type SignedManifest } from '../manifest.js';
import { toSpend } from './bip322.js';
import { parseTapLeaf } from './tapscript.js';
import { commitmentTxid } from './bip127.js';
import { legacyMessageHash } from './legacy.js';
import { encodeTx, txidOf, type Tx } from './tx.js';
import { toBase64 } from './encoding.js';

export const OPTS = { allowUnknownOutputs: true, allowUnknownInputs: true, allowUnknownVersion: true, disableScriptCheck: true } as const;
const OP_RETURN = Uint8Array.of(0x6a);

/** A private key derived from a label. */
export function key(label: string): Uint8Array {
  return sha256(utf8(`keygrade test key ${label}`));
}

/** A fake txid (display order) derived from a label. */
export function txid(label: string): string {
  return toHex(sha256(utf8(`keygrade test tx ${label}`)));
}

export const pub = (k: Uint8Array): Uint8Array => secp256k1.getPublicKey(k, true);
export const xonly = (k: Uint8Array): Uint8Array => pub(k).subarray(1);

/** Payments the tests sign for. */
export const pay = {
  wpkh: (k: Uint8Array) => p2wpkh(pub(k)),
  tr: (k: Uint8Array) => p2tr(xonly(k)),
  pkh: (k: Uint8Array) => p2pkh(pub(k)),
  shwpkh: (k: Uint8Array) => p2sh(p2wpkh(pub(k))),
  wshMulti: (m: number, ks: Uint8Array[]) => p2wsh(p2ms(m, ks.map(pub))),
  /** tr(NUMS, multi_a(m, …)): a Taproot multisig spendable only through its leaf. */
  trMulti: (m: number, ks: Uint8Array[]) => p2tr(taprootNumsKey(), { script: p2tr_ms(m, ks.map(xonly)).script }, undefined, true),
  /** tr(internal, {pk(a), multi_a(m, …)}): a key path and two leaves (so a one-hash Merkle path). */
  trTree: (internal: Uint8Array, single: Uint8Array, m: number, ks: Uint8Array[]) => p2tr(xonly(internal), [{ script: p2tr_pk(xonly(single)).script }, { script: p2tr_ms(m, ks.map(xonly)).script }], undefined, true),
};

/** A payment as @scure/btc-signer describes it: script, address and the scripts a spender needs. */
export type Payment = { script: Uint8Array; address?: string; witnessScript?: Uint8Array; redeemScript?: Uint8Array; tapInternalKey?: Uint8Array; tapMerkleRoot?: Uint8Array; tapLeafScript?: unknown };

function inputFields(p: Payment, amount: bigint) {
  const extra: Record<string, unknown> = {};
  if ('witnessScript' in p && p.witnessScript) extra.witnessScript = p.witnessScript;
  if ('redeemScript' in p && p.redeemScript) extra.redeemScript = p.redeemScript;
  if ('tapInternalKey' in p && p.tapInternalKey) extra.tapInternalKey = p.tapInternalKey;
  if ('tapMerkleRoot' in p && p.tapMerkleRoot) extra.tapMerkleRoot = p.tapMerkleRoot;
  if ('tapLeafScript' in p && p.tapLeafScript) extra.tapLeafScript = p.tapLeafScript;
  return { witnessUtxo: { script: p.script, amount }, ...extra };
}

/** A BIP-322 simple signature ("smp" + base64 witness) of `message` by `keys` for payment `p`. */
export function signSimple(p: Payment, keys: Uint8Array[], message: string, opts: { finalize?: boolean } = {}): string {
  const spend = txidOf(toSpend(p.script, message));
  const tx = new Transaction({ ...OPTS, version: 0, lockTime: 0 });
  tx.addInput({ txid: spend, index: 0, sequence: 0, ...inputFields(p, 0n) });
  tx.addOutput({ script: OP_RETURN, amount: 0n });
  for (const k of keys) tx.signIdx(k, 0);
  if (opts.finalize === false && 'tapLeafScript' in p && p.tapLeafScript) {
    // A partial Taproot multisig through the first leaf: a slot per key (empty when unsigned), the leaf, its control block.
    const [[control, scriptAndVersion]] = p.tapLeafScript as [[{ version: number; internalKey: Uint8Array; merklePath: Uint8Array[] }, Uint8Array]];
    const leaf = scriptAndVersion.subarray(0, -1);
    const sigs = tx.getInput(0).tapScriptSig ?? [];
    const slots = parseTapLeaf(leaf)!.keys.map((k) => sigs.find(([id]) => bytesEqual(id.pubKey, k))?.[1] ?? new Uint8Array(0));
    const cb = concat(Uint8Array.of(control.version), control.internalKey, ...control.merklePath);
    return `smp${toBase64(RawWitness.encode([...slots.reverse(), leaf, cb]))}`;
  }
  if (opts.finalize === false) {
    // A partial multisig: the dummy, the signatures present, the witness script.
    const sigs = (tx.getInput(0).partialSig ?? []).map(([, s]) => s);
    return `smp${toBase64(RawWitness.encode([new Uint8Array(0), ...sigs, (p as { witnessScript: Uint8Array }).witnessScript]))}`;
  }
  tx.finalizeIdx(0);
  return `smp${toBase64(RawWitness.encode(tx.getInput(0).finalScriptWitness!))}`;
}

/** A legacy `signmessage` signature (header 27 + recid + flag). */
export function signLegacy(k: Uint8Array, message: string, flag: number): string {
  const sig = secp256k1.sign(legacyMessageHash(message), k, { prehash: false, format: 'recovered' });
  return toBase64(concat(Uint8Array.of(27 + flag + sig[0]!), sig.subarray(1)));
}

/** A claimed UTXO for the BIP-127 builder. */
export interface Coin {
  txid: string;
  vout: number;
  amount: bigint;
  payment: Payment;
  keys: Uint8Array[];
}

/**
 * A signed BIP-127 proof-of-reserves transaction (hex) over `coins`; `outputAmount` defaults to
 * their sum. An output above the sum (which no signer produces) is written after signing.
 */
export function signBip127(message: string, coins: Coin[], outputAmount?: bigint): string {
  const sum = coins.reduce((s, c) => s + c.amount, 0n);
  const tx = new Transaction({ ...OPTS, version: 2 });
  tx.addInput({ txid: commitmentTxid(message), index: 0, sequence: 0xffffffff, witnessUtxo: { script: Uint8Array.of(0x51), amount: 0n } });
  for (const c of coins) tx.addInput({ txid: c.txid, index: c.vout, sequence: 0xffffffff, ...inputFields(c.payment, c.amount) });
  tx.addOutput({ script: pay.wpkh(key('bip127 out')).script, amount: outputAmount !== undefined && outputAmount < sum ? outputAmount : sum });
  coins.forEach((c, i) => {
    for (const k of c.keys) tx.signIdx(k, i + 1);
    tx.finalizeIdx(i + 1);
  });
  const out: Tx = {
    version: 2,
    lockTime: 0,
    inputs: Array.from({ length: tx.inputsLength }, (_, i) => {
      const x = tx.getInput(i);
      return { txid: x.txid!, index: x.index!, sequence: x.sequence!, scriptSig: x.finalScriptSig ?? new Uint8Array(0), witness: x.finalScriptWitness ?? [] };
    }),
    outputs: [{ amount: outputAmount ?? sum, script: tx.getOutput(0).script! }],
  };
  return toHex(encodeTx(out));
}

/** A signed manifest with BTC (8 decimals) and ETH (18) liabilities. */
export function manifest(btcTotal: bigint, ethTotal = 5n * 10n ** 18n): SignedManifest {
  const body: ManifestBody = {
    scheme: 'keygrade-por-manifest/v1',
    snapshotId: toHex(sha256(utf8('snapshot'))),
    sequence: 0,
    time: '2026-11-30T23:59:59Z',
    assets: [
      { symbol: 'BTC', decimals: 8, total: btcTotal.toString() },
      { symbol: 'ETH', decimals: 18, total: ethTotal.toString() },
    ],
    height: 4,
    leafCount: 16,
    root: toHex(sha256(utf8('root'))),
    previous: null,
  };
  return signManifest(body, key('manifest'));
}

/** What {@link bip127File} writes: the fields of a BIP-127 `ProofOfReserves` message. */
export interface Bip127FileFields {
  version?: number;
  magic?: number;
  message?: string;
  blockHash?: Uint8Array;
  proofs: { tx: string; outputs?: { txid: Uint8Array; vout: number; blockHash?: Uint8Array }[] }[];
  /** Writes more fields at the end (unknown or pending_proofs). */
  extra?: (w: BinaryWriter) => void;
}

/** A BIP-127 proof file (protobuf), written with @bufbuild/protobuf's writer; unset fields are left out as proto3 does. */
export function bip127File(f: Bip127FileFields): Uint8Array {
  const w = new BinaryWriter();
  if (f.version) w.tag(1, WireType.Varint).uint32(f.version);
  if (f.magic) w.tag(2, WireType.Varint).uint32(f.magic);
  if (f.message) w.tag(3, WireType.LengthDelimited).string(f.message);
  if (f.blockHash) w.tag(4, WireType.LengthDelimited).bytes(f.blockHash);
  for (const p of f.proofs) {
    w.tag(5, WireType.LengthDelimited).fork();
    w.tag(1, WireType.LengthDelimited).bytes(Uint8Array.from(Buffer.from(p.tx, 'hex')));
    for (const o of p.outputs ?? []) {
      w.tag(2, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).bytes(o.txid);
      if (o.vout) w.tag(2, WireType.Varint).uint32(o.vout);
      if (o.blockHash) w.tag(3, WireType.LengthDelimited).bytes(o.blockHash);
      w.join();
    }
    w.join();
  }
  f.extra?.(w);
  return w.finish();
}
