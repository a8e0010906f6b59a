/**
 * Signatures of a transaction line for the nonce-reuse scan. Input format (one transaction per
 * line, `#` comments and blank lines ignored):
 *
 *     <raw transaction hex> [<prevout>,<prevout>,…]
 *
 * with one `<amount in satoshis>:<scriptPubKey hex>` per input in input order (`-` when
 * unknown). Legacy sighashes need no prevout (P2PKH's scriptCode follows from the public key in
 * the scriptSig); BIP 143 sighashes need the amount. Without a sighash the r value is still
 * indexed (reuse is found) but the key cannot be recovered.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { RawTx, Transaction } from '@scure/btc-signer';
import { concat, fromHex, hash160, sha256d, toHex } from '../bytes.js';
import { WalletError } from '../errors.js';
import { parseDerLax } from './der.js';

const N = secp256k1.Point.CURVE().n;

/** One ECDSA signature found in a transaction input. */
export interface SigRecord {
  txid: string;
  vin: number;
  r: bigint;
  s: bigint;
  hashType: number;
  /** The sighash as an integer (BIP 62 "z"), when computable. */
  z: bigint | undefined;
  /** Hex public key, when the input names it. */
  pubkey: string | undefined;
  /** How the input spends: p2pkh, p2wpkh, p2sh-p2wpkh, p2sh-multisig, p2wsh-multisig, p2pk, unknown. */
  spend: string;
  /** true/false when z and the key are known; undefined otherwise. */
  verified: boolean | undefined;
  strictDer: boolean;
  highS: boolean;
}

export interface Prevout {
  amount: bigint;
  script: Uint8Array;
}

/** Splits a line into the transaction bytes and its prevouts; throws naming the column. */
export function parseLine(line: string, where: string): { raw: Uint8Array; prevouts: (Prevout | undefined)[] | undefined } {
  const t = line.trim();
  const sp = t.search(/\s/);
  const txHex = sp < 0 ? t : t.slice(0, sp);
  const bad = txHex.search(/[^0-9a-fA-F]/);
  if (bad >= 0 || txHex.length % 2) throw new WalletError('SIGS_INPUT', `${where}:${bad >= 0 ? bad + 1 : txHex.length}: the transaction is not an even number of hex digits`);
  const raw = fromHex(txHex.toLowerCase());
  if (sp < 0) return { raw, prevouts: undefined };
  return { raw, prevouts: parsePrevouts(t, sp, where) };
}

/** The prevouts after the transaction in a trimmed line (`sp` is the first whitespace); throws naming the column. */
export function parsePrevouts(t: string, sp: number, where: string): (Prevout | undefined)[] {
  const rest = t.slice(sp).trim();
  let col = t.indexOf(rest) + 1;
  return rest.split(',').map((p) => {
    const here = col;
    col += p.length + 1;
    if (p === '-') return undefined;
    const m = /^(\d{1,16}):((?:[0-9a-fA-F]{2})*)$/.exec(p);
    if (!m) throw new WalletError('SIGS_INPUT', `${where}:${here}: a prevout must be <amount>:<scriptPubKey hex> or -, got ${JSON.stringify(p.slice(0, 30))}`);
    return { amount: BigInt(m[1]!), script: fromHex(m[2]!.toLowerCase()) };
  });
}

/** The pushes of a scriptSig, tolerating non-minimal pushes (historical transactions); undefined if it holds other opcodes. */
export function pushes(s: Uint8Array): Uint8Array[] | undefined {
  const out: Uint8Array[] = [];
  let i = 0;
  while (i < s.length) {
    const op = s[i++]!;
    let len: number;
    if (op <= 0x4b) len = op;
    else if (op === 0x4c && i + 1 <= s.length) len = s[i++]!;
    else if (op === 0x4d && i + 2 <= s.length) {
      len = s[i]! | (s[i + 1]! << 8);
      i += 2;
    } else if (op === 0x4e && i + 4 <= s.length) {
      len = (s[i]! | (s[i + 1]! << 8) | (s[i + 2]! << 16) | (s[i + 3]! << 24)) >>> 0;
      i += 4;
    } else return undefined;
    if (i + len > s.length) return undefined;
    out.push(s.subarray(i, i + len));
    i += len;
  }
  return out;
}

const isPubkey = (b: Uint8Array) => (b.length === 33 && (b[0] === 2 || b[0] === 3)) || (b.length === 65 && b[0] === 4);
const p2pkhScript = (pub: Uint8Array) => concat(Uint8Array.of(0x76, 0xa9, 20), hash160(pub), Uint8Array.of(0x88, 0xac));

/** OP_m <keys> OP_n OP_CHECKMULTISIG → keys. */
function multisigKeys(s: Uint8Array): Uint8Array[] | undefined {
  if (s.length < 3 || s[s.length - 1] !== 0xae || s[0]! < 0x51 || s[0]! > 0x60) return undefined;
  const p = pushes(s.subarray(1, -2));
  return p && p.every(isPubkey) ? p : undefined;
}

function splitSig(b: Uint8Array): { r: bigint; s: bigint; hashType: number; strict: boolean } | undefined {
  if (b.length < 9 || b.length > 80) return undefined;
  const rs = parseDerLax(b.subarray(0, -1));
  if (!rs || rs.r >= N || rs.s >= N) return undefined;
  return { r: rs.r, s: rs.s, hashType: b[b.length - 1]!, strict: rs.strict };
}

/** Whether (r, s) verifies z under the key (high S accepted: historical signatures). */
export function verifies(r: bigint, s: bigint, z: bigint, pubkey: string): boolean {
  try {
    const sig = concat(numberToBytesBE(r, 32), numberToBytesBE(s, 32));
    return secp256k1.verify(sig, numberToBytesBE(z % 2n ** 256n, 32), fromHex(pubkey), { prehash: false, lowS: false, format: 'compact' });
  } catch {
    return false;
  }
}

/** A candidate signature of an input, with the keys and script code its sighash needs. */
export interface SigItem {
  sig: Uint8Array;
  spend: string;
  keys: Uint8Array[];
  /** The scriptCode (legacy) or witness scriptCode (BIP 143); undefined when unknown or `codeKey` gives it. */
  code: Uint8Array | undefined;
  /** The key whose P2PKH script is the scriptCode (computed only when a sighash is needed: it hashes). */
  codeKey?: Uint8Array;
  witness: boolean;
}

/**
 * Which items of an input (scriptSig pushes `ss`, witness `wit`) are signatures, and how the input
 * spends. Shared by the full extraction and the fast r-only pass, so both index the same items.
 */
export function signatureItems(ss: readonly Uint8Array[], wit: readonly Uint8Array[], prev: Prevout | undefined): SigItem[] {
  const last = wit[wit.length - 1];
  if (wit.length === 2 && isPubkey(wit[1]!)) return [{ sig: wit[0]!, spend: ss.length ? 'p2sh-p2wpkh' : 'p2wpkh', keys: [wit[1]!], code: undefined, codeKey: wit[1]!, witness: true }];
  if (wit.length >= 3 && wit[0]!.length === 0 && last && multisigKeys(last)) {
    const keys = multisigKeys(last)!;
    return wit.slice(1, -1).map((sig) => ({ sig, spend: 'p2wsh-multisig', keys, code: last, witness: true }));
  }
  if (wit.length === 0 && ss.length === 2 && isPubkey(ss[1]!)) return [{ sig: ss[0]!, spend: 'p2pkh', keys: [ss[1]!], code: prev?.script, codeKey: ss[1]!, witness: false }];
  if (wit.length === 0 && ss.length >= 3 && ss[0]!.length === 0 && multisigKeys(ss[ss.length - 1]!)) {
    const redeem = ss[ss.length - 1]!;
    const keys = multisigKeys(redeem)!;
    return ss.slice(1, -1).map((sig) => ({ sig, spend: 'p2sh-multisig', keys, code: redeem, witness: false }));
  }
  if (wit.length === 0 && ss.length === 1 && prev && prev.script.length >= 35 && prev.script[prev.script.length - 1] === 0xac && isPubkey(prev.script.subarray(1, -1))) {
    return [{ sig: ss[0]!, spend: 'p2pk', keys: [prev.script.subarray(1, -1)], code: prev.script, witness: false }];
  }
  // Anything else: every item that parses as a signature (no key, no sighash).
  return [...ss, ...wit].map((sig) => ({ sig, spend: 'unknown', keys: [], code: undefined, witness: false }));
}

const SCURE_OPTS = { allowUnknownOutputs: true, allowUnknownInputs: true, allowUnknownVersion: true, disableScriptCheck: true, allowLegacyWitnessUtxo: true } as const;
type Sighasher = { preimageLegacy(i: number, script: Uint8Array, t: number): Uint8Array; preimageWitnessV0(i: number, script: Uint8Array, t: number, amount: bigint): Uint8Array };

/**
 * Every ECDSA signature of one transaction line. With `rOnly`, sighashes are skipped (the first,
 * fast pass of the scan that only indexes r values).
 */
export function extractSignatures(line: string, where: string, rOnly = false): { txid: string; sigs: SigRecord[] } {
  const { raw, prevouts } = parseLine(line, where);
  let tx: ReturnType<typeof RawTx.decode>;
  try {
    tx = RawTx.decode(raw);
  } catch (e) {
    throw new WalletError('SIGS_INPUT', `${where}: not a transaction: ${(e as Error).message}`);
  }
  if (prevouts && prevouts.length !== tx.inputs.length) throw new WalletError('SIGS_INPUT', `${where}: ${prevouts.length} prevouts for ${tx.inputs.length} inputs`);
  const txid = toHex(sha256d(RawTx.encode({ ...tx, segwitFlag: false, witnesses: undefined })).reverse());
  let hasher: Sighasher | undefined;
  const h = (): Sighasher => (hasher ??= Transaction.fromRaw(raw, SCURE_OPTS) as unknown as Sighasher);
  const sigs: SigRecord[] = [];
  tx.inputs.forEach((input, vin) => {
    const wit = tx.witnesses?.[vin] ?? [];
    const prev = prevouts?.[vin];
    const ss = pushes(input.finalScriptSig) ?? [];
    const add = (sigBytes: Uint8Array, spend: string, keys: Uint8Array[], zOf: ((t: number) => Uint8Array) | undefined) => {
      const sp = splitSig(sigBytes);
      if (!sp) return;
      let z: bigint | undefined;
      if (!rOnly && zOf) {
        try {
          z = bytesToNumberBE(zOf(sp.hashType));
        } catch {
          z = undefined;
        }
      }
      let pubkey = keys.length === 1 ? toHex(keys[0]!) : undefined;
      let verified: boolean | undefined;
      if (z !== undefined && keys.length > 0) {
        const k = keys.find((key) => verifies(sp.r, sp.s, z!, toHex(key)));
        verified = k !== undefined;
        if (k) pubkey = toHex(k);
      }
      sigs.push({ txid, vin, r: sp.r, s: sp.s, hashType: sp.hashType, z, pubkey, spend, verified, strictDer: sp.strict, highS: sp.s > N >> 1n });
    };
    for (const it of signatureItems(ss, wit, prev)) {
      const code = it.code ?? (it.codeKey ? p2pkhScript(it.codeKey) : undefined);
      const zOf = code === undefined ? undefined : it.witness ? (prev ? (t: number) => h().preimageWitnessV0(vin, code, t, prev.amount) : undefined) : (t: number) => h().preimageLegacy(vin, code, t);
      add(it.sig, it.spend, it.keys, zOf);
    }
  });
  return { txid, sigs };
}
