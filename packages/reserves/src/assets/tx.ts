/**
 * A transaction as the asset verifiers see it (scriptSig and witness per input), parsed from
 * attacker-supplied bytes with @scure/btc-signer's consensus codecs, and its sighashes: legacy
 * (SIGHASH_ALL only), BIP-143 and BIP-341 (the latter two from @scure/btc-signer).
 */
import { RawTx, RawWitness, Transaction } from '@scure/btc-signer';
import { concat } from '../bytes.js';
import { outpointKey, reversed, sha256d } from './encoding.js';

/** One input: the outpoint (txid in display order), sequence, scriptSig and witness stack. */
export interface TxIn {
  txid: Uint8Array;
  index: number;
  sequence: number;
  scriptSig: Uint8Array;
  witness: Uint8Array[];
}

/** One output. */
export interface TxOut {
  amount: bigint;
  script: Uint8Array;
}

/** A transaction with its witnesses. */
export interface Tx {
  version: number;
  lockTime: number;
  inputs: TxIn[];
  outputs: TxOut[];
}

/** The output an input spends: its amount and scriptPubKey. */
export type Prevout = TxOut;

/** Consensus serialization (BIP 144 when any input has a witness and `withWitness`). */
export function encodeTx(tx: Tx, withWitness = true): Uint8Array {
  const segwit = withWitness && tx.inputs.some((i) => i.witness.length > 0);
  return RawTx.encode({
    version: tx.version,
    segwitFlag: segwit,
    inputs: tx.inputs.map((i) => ({ txid: i.txid, index: i.index, finalScriptSig: i.scriptSig, sequence: i.sequence })),
    outputs: tx.outputs,
    witnesses: segwit ? tx.inputs.map((i) => i.witness) : undefined,
    lockTime: tx.lockTime,
  });
}

/** The txid in display order (reversed double SHA-256 of the serialization without witnesses). */
export function txidOf(tx: Tx): Uint8Array {
  return reversed(sha256d(encodeTx(tx, false)));
}

/** Decodes a consensus-serialized transaction; throws on bytes that are not exactly one transaction. */
export function decodeTx(raw: Uint8Array): Tx {
  const t = RawTx.decode(raw);
  return {
    version: t.version,
    lockTime: t.lockTime,
    inputs: t.inputs.map((i, n) => ({ txid: i.txid, index: i.index, sequence: i.sequence, scriptSig: i.finalScriptSig, witness: t.witnesses?.[n] ?? [] })),
    outputs: t.outputs.map((o) => ({ amount: o.amount, script: o.script })),
  };
}

/** Decodes a consensus-serialized witness stack (the BIP-322 "simple" signature). */
export function decodeWitness(raw: Uint8Array): Uint8Array[] {
  return RawWitness.decode(raw);
}

/** The text keys (`txid:vout`) of the inputs from `from` on. */
export function inputKeys(tx: Tx, from = 0): string[] {
  return tx.inputs.slice(from).map((i) => outpointKey(i.txid, i.index));
}

const SCURE_OPTS = { allowUnknownOutputs: true, allowUnknownInputs: true, allowUnknownVersion: true, disableScriptCheck: true } as const;

/** Sighashes of one transaction whose prevouts are known (computed lazily, memoised per input). */
export class Sighasher {
  private scure?: Transaction;

  constructor(
    readonly tx: Tx,
    readonly prevouts: readonly Prevout[],
  ) {}

  private get scureTx(): Transaction {
    return (this.scure ??= Transaction.fromRaw(encodeTx(this.tx), SCURE_OPTS));
  }

  /** Legacy sighash with SIGHASH_ALL: every scriptSig emptied but this input's, which is `scriptCode`. */
  legacy(idx: number, scriptCode: Uint8Array): Uint8Array {
    const copy: Tx = { ...this.tx, inputs: this.tx.inputs.map((i, n) => ({ ...i, scriptSig: n === idx ? scriptCode : new Uint8Array(0), witness: [] })) };
    return sha256d(concat(encodeTx(copy, false), new Uint8Array([1, 0, 0, 0])));
  }

  /** BIP-143 sighash with SIGHASH_ALL. */
  witnessV0(idx: number, scriptCode: Uint8Array): Uint8Array {
    return this.scureTx.preimageWitnessV0(idx, scriptCode, 0x01, this.prevouts[idx]!.amount);
  }

  /** BIP-341 key-path sighash (type 0x00 default or 0x01 all), committing to every prevout. */
  taproot(idx: number, type: number): Uint8Array {
    return this.scureTx.preimageWitnessV1(
      idx,
      this.prevouts.map((p) => p.script),
      type,
      this.prevouts.map((p) => p.amount),
    );
  }

  /** BIP-342 script-path sighash for tapscript `leaf` (no OP_CODESEPARATOR executed), type 0x00 or 0x01. */
  tapscript(idx: number, type: number, leaf: Uint8Array): Uint8Array {
    return this.scureTx.preimageWitnessV1(
      idx,
      this.prevouts.map((p) => p.script),
      type,
      this.prevouts.map((p) => p.amount),
      -1,
      leaf,
      0xc0,
    );
  }
}
