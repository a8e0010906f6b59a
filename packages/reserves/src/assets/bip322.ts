/**
 * BIP-322 generic signed messages (v2.0.0): the "simple" (`smp`), "full" (`ful`) and "proof of
 * funds" (`pof`, a finalized BIP-174 PSBT of to_sign) variants. An unprefixed signature is read as
 * "simple", as the BIP allows. The to_spend / to_sign construction and the structural checks are
 * here; script and signature checks are in spend.ts.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { Transaction } from '@scure/btc-signer';
import { bytesEqual, concat, utf8 } from '../bytes.js';
import { fromBase64, hash160, hexOf, taggedHash } from './encoding.js';
import { failure, type AssetFailure } from './errors.js';
import { classify } from './script.js';
import { checkInput } from './spend.js';
import { decodeTx, decodeWitness, Sighasher, txidOf, type Prevout, type Tx, type TxIn } from './tx.js';

/** BIP-322 signature variants. */
export type Bip322Variant = 'simple' | 'full' | 'pof';

/** Finds the output an outpoint (txid in display order) refers to, or says why it cannot be used. */
export type UtxoLookup = (txid: Uint8Array, vout: number) => Prevout | AssetFailure;

/** An input a proof of funds claims, as resolved by the lookup. */
export interface ClaimedInput {
  txid: string;
  vout: number;
  amount: bigint;
  script: Uint8Array;
}

/** The outcome of a BIP-322 verification: "valid at time T and age S", "invalid" or "inconclusive". */
export interface Bip322Result {
  state: 'valid' | 'invalid' | 'inconclusive';
  variant?: Bip322Variant;
  failure?: AssetFailure;
  /** nLockTime of to_sign (T). */
  lockTime?: number;
  /** nSequence of to_sign's first input (S). */
  sequence?: number;
  /** Inputs after the first (proof of funds), resolved through the lookup. */
  claimed: ClaimedInput[];
}

const EMPTY = new Uint8Array(0);
const OP_RETURN = Uint8Array.of(0x6a);

/** The BIP-340 tagged hash "BIP0322-signed-message" of the message bytes as is. */
export function messageHash(message: string): Uint8Array {
  return taggedHash('BIP0322-signed-message', utf8(message));
}

/** The virtual to_spend transaction: its only output pays `challenge` (the address's scriptPubKey). */
export function toSpend(challenge: Uint8Array, message: string): Tx {
  const scriptSig = new Uint8Array(34);
  scriptSig.set([0x00, 0x20]);
  scriptSig.set(messageHash(message), 2);
  return {
    version: 0,
    lockTime: 0,
    inputs: [{ txid: new Uint8Array(32), index: 0xffffffff, sequence: 0, scriptSig, witness: [] }],
    outputs: [{ amount: 0n, script: challenge }],
  };
}

/** The virtual to_sign transaction of a simple signature. */
export function toSignSimple(toSpendTxid: Uint8Array, scriptSig: Uint8Array, witness: Uint8Array[]): Tx {
  return {
    version: 0,
    lockTime: 0,
    inputs: [{ txid: toSpendTxid, index: 0, sequence: 0, scriptSig, witness }],
    outputs: [{ amount: 0n, script: OP_RETURN }],
  };
}

const fail = (state: 'invalid' | 'inconclusive', f: AssetFailure, variant?: Bip322Variant): Bip322Result => ({ state, ...(variant ? { variant } : {}), failure: f, claimed: [] });

/** Splits the variant prefix off; an unprefixed signature is "simple". */
export function signatureVariant(signature: string): { variant: Bip322Variant; body: string } {
  const p = signature.slice(0, 3);
  if (p === 'smp') return { variant: 'simple', body: signature.slice(3) };
  if (p === 'ful') return { variant: 'full', body: signature.slice(3) };
  if (p === 'pof') return { variant: 'pof', body: signature.slice(3) };
  return { variant: 'simple', body: signature };
}

/**
 * Verifies a BIP-322 signature of `message` by the owner of `challenge` (the address's
 * scriptPubKey). `lookup` resolves the extra inputs of a proof of funds; without it such a proof
 * is inconclusive.
 * @example verifyBip322(addressScript('bc1q…') as Uint8Array, 'Hello World', 'smpAkcwRAIg…')
 */
export function verifyBip322(challenge: Uint8Array, message: string, signature: string, lookup?: UtxoLookup): Bip322Result {
  const { variant, body } = signatureVariant(signature);
  const bytes = fromBase64(body);
  if (!bytes) return fail('invalid', failure('BAD_ENCODING', body.length === 0 ? 'signature too short' : 'error decoding signature as base64'), variant);
  const spendTxid = txidOf(toSpend(challenge, message));
  let tx: Tx;
  try {
    if (variant === 'simple') {
      const witness = decodeWitness(bytes);
      const scriptSig = wrappedScriptSig(challenge, witness);
      if (typeof scriptSig !== 'object') return fail('invalid', failure('BAD_ENCODING', scriptSig), variant);
      tx = toSignSimple(spendTxid, scriptSig, witness);
    } else tx = variant === 'full' ? decodeTx(bytes) : fromPsbt(bytes);
  } catch (e) {
    return fail('invalid', failure('BAD_ENCODING', `error parsing signature as ${variant} variant: ${(e as Error).message}`), variant);
  }
  return checkToSign(tx, spendTxid, challenge, variant, lookup);
}

/**
 * The scriptSig a simple signature implies: empty for native segwit; for P2SH-wrapped segwit, the
 * push of the witness program the witness fits (P2WPKH from its key, P2WSH from its script).
 */
function wrappedScriptSig(challenge: Uint8Array, witness: Uint8Array[]): Uint8Array | string {
  const out = classify(challenge);
  if (out.type === 'p2wpkh' || out.type === 'p2wsh' || out.type === 'p2tr') return EMPTY;
  if (out.type !== 'p2sh') return 'a simple signature needs a segwit address; use the full variant for P2PKH and other scripts';
  const last = witness[witness.length - 1] ?? EMPTY;
  for (const program of [concat(Uint8Array.of(0x00, 0x14), hash160(last)), concat(Uint8Array.of(0x00, 0x20), sha256(last))]) {
    if (bytesEqual(hash160(program), out.hash)) return concat(Uint8Array.of(program.length), program);
  }
  return 'the witness fits neither P2SH-P2WPKH nor P2SH-P2WSH for this address';
}

const PSBT_OPTS = { allowUnknownOutputs: true, allowUnknownInputs: true, allowUnknownVersion: true, disableScriptCheck: true } as const;

/** Reads a finalized PSBT (BIP 174) as a transaction with its final scriptSigs and witnesses. */
function fromPsbt(bytes: Uint8Array): Tx {
  const p = Transaction.fromPSBT(bytes, PSBT_OPTS);
  const inputs: TxIn[] = [];
  for (let i = 0; i < p.inputsLength; i++) {
    const x = p.getInput(i);
    if (!x.txid || x.index === undefined) throw new Error(`PSBT input ${i} has no outpoint`);
    if (!x.finalScriptSig && !x.finalScriptWitness) throw new Error(`PSBT input ${i} is not finalized`);
    inputs.push({ txid: x.txid, index: x.index, sequence: x.sequence ?? 0xffffffff, scriptSig: x.finalScriptSig ?? EMPTY, witness: x.finalScriptWitness ?? [] });
  }
  const outputs = Array.from({ length: p.outputsLength }, (_, i) => {
    const o = p.getOutput(i);
    return { amount: o.amount ?? 0n, script: o.script ?? EMPTY };
  });
  return { version: p.version, lockTime: p.lockTime, inputs, outputs };
}

/** BIP-322 "Verification Process": structure, upgradeable rules, then every input's script. */
function checkToSign(tx: Tx, spendTxid: Uint8Array, challenge: Uint8Array, variant: Bip322Variant, lookup?: UtxoLookup): Bip322Result {
  const first = tx.inputs[0];
  if (!first) return fail('invalid', failure('BAD_STRUCTURE', 'to_sign has no input'), variant);
  if (first.index !== 0 || !bytesEqual(first.txid, spendTxid)) {
    return fail('invalid', failure('BAD_SIGNATURE', 'invalid signature: to_sign does not spend the to_spend of this address and message (signed for another message or address)'), variant);
  }
  if (tx.outputs.length !== 1 || tx.outputs[0]!.amount !== 0n || hexOf(tx.outputs[0]!.script) !== '6a') {
    return fail('invalid', failure('BAD_STRUCTURE', 'to_sign must have exactly one output of 0 paying OP_RETURN'), variant);
  }
  const seen = new Set<string>();
  for (const i of tx.inputs) {
    const k = `${hexOf(i.txid)}:${i.index}`;
    if (seen.has(k)) return fail('invalid', failure('DUPLICATE_INPUT', `to_sign spends ${k} twice`), variant);
    seen.add(k);
  }
  // Upgradeable rule: a to_sign version other than 0 or 2 is inconclusive.
  if (tx.version !== 0 && tx.version !== 2) return fail('inconclusive', failure('UNSUPPORTED_SCRIPT', `to_sign has version ${tx.version}; only 0 and 2 are defined`), variant);
  const prevouts: Prevout[] = [{ amount: 0n, script: challenge }];
  const claimed: ClaimedInput[] = [];
  for (const i of tx.inputs.slice(1)) {
    if (!lookup) return fail('inconclusive', failure('UNSUPPORTED_SCRIPT', 'a proof of funds needs the UTXO set to check its extra inputs'), variant);
    const p = lookup(i.txid, i.index);
    if ('code' in p) return fail('invalid', p, variant);
    prevouts.push(p);
    claimed.push({ txid: hexOf(i.txid), vout: i.index, amount: p.amount, script: p.script });
  }
  const h = new Sighasher(tx, prevouts);
  for (let i = 0; i < tx.inputs.length; i++) {
    const f = checkInput(h, i);
    if (f) {
      const where = i === 0 ? 'the message input' : `input ${i} (${hexOf(tx.inputs[i]!.txid)}:${tx.inputs[i]!.index})`;
      return fail(f.code === 'UNSUPPORTED_SCRIPT' ? 'inconclusive' : 'invalid', { code: f.code, message: `${where}: ${f.message}` }, variant);
    }
  }
  return { state: 'valid', variant, lockTime: tx.lockTime, sequence: first.sequence, claimed };
}
