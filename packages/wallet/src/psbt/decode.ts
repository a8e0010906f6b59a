/**
 * PSBT decoding (BIP 174 v0, BIP 370 v2) from base64, hex or raw bytes. The input is
 * attacker-controlled: a framing pass of our own walks the key-value maps first, bounding every
 * length by the bytes that remain, and names the byte offset, map and key type of the first
 * problem. Only then does @scure/btc-signer decode the field values and check the BIP rules
 * (its messages are passed on, prefixed with the map they concern).
 */
import { base64, hex } from '@scure/base';
import { RawTx, Transaction } from '@scure/btc-signer';
import { toHex } from '../bytes.js';
import { PsbtError } from './errors.js';
import { keyTypeName, type MapKind } from './fields.js';

/** Largest PSBT accepted (Core's default is far smaller; a 4 MB block fits many times). */
export const MAX_PSBT_BYTES = 16 * 1024 * 1024;
const MAGIC = [0x70, 0x73, 0x62, 0x74, 0xff];

/** A BIP 32 derivation claimed by a PSBT field: the key, its master fingerprint (8 hex) and path. */
export interface PsbtDerivation {
  pubkey: Uint8Array;
  fingerprint: string;
  path: number[];
}

export interface PsbtInputView {
  index: number;
  /** Previous transaction id (display order hex) and output index. */
  txid: string;
  vout: number;
  /** Value and script of the spent output, when the PSBT carries witness_utxo or non_witness_utxo. */
  amount: bigint | undefined;
  script: Uint8Array | undefined;
  utxoSource: 'witness_utxo' | 'non_witness_utxo' | undefined;
  witnessScript: Uint8Array | undefined;
  redeemScript: Uint8Array | undefined;
  sighashType: number | undefined;
  derivations: PsbtDerivation[];
  partialSigs: { pubkey: Uint8Array; signature: Uint8Array }[];
  finalized: boolean;
}

export interface PsbtOutputView {
  index: number;
  script: Uint8Array;
  amount: bigint;
  /** PSBT_OUT_BIP32_DERIVATION and PSBT_OUT_TAP_BIP32_DERIVATION entries. */
  derivations: PsbtDerivation[];
}

export interface DecodedPsbt {
  version: 0 | 2;
  /** The unsigned transaction id (display order). */
  txid: string;
  inputs: PsbtInputView[];
  outputs: PsbtOutputView[];
  /** The @scure/btc-signer transaction, for sighashes and signing. */
  tx: Transaction;
  bytes: Uint8Array;
}

/** Options for parsing foreign PSBTs: unusual output scripts (OP_RETURN…) are data, not errors. */
export const PARSE_OPTS = { allowUnknownOutputs: true, allowUnknownInputs: true, allowLegacyWitnessUtxo: true } as const;

/**
 * Turns text (base64 or hex) or bytes (raw PSBT, or text bytes) into PSBT bytes.
 * @example psbtBytes('cHNidP8BAF…')
 */
export function psbtBytes(input: string | Uint8Array): Uint8Array {
  if (typeof input !== 'string') {
    // Binary unless every byte is printable ASCII or whitespace (then base64 or hex text).
    if (input.length === 0 || MAGIC.every((b, i) => input[i] === b) || input.some((c) => (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c > 0x7e)) return input;
    return psbtBytes(new TextDecoder('latin1').decode(input.subarray(0, MAX_PSBT_BYTES * 2 + 16)));
  }
  const text = input.replace(/\s+/g, '');
  if (text.length === 0) throw new PsbtError('PSBT_DECODE', 'PSBT: the input is empty');
  if (text.length > MAX_PSBT_BYTES * 2) throw new PsbtError('PSBT_DECODE', `PSBT: the input is longer than ${MAX_PSBT_BYTES} bytes`);
  if (/^70736274ff/i.test(text)) {
    const bad = /[^0-9a-fA-F]/.exec(text);
    if (bad) throw new PsbtError('PSBT_DECODE', `PSBT hex: invalid character ${JSON.stringify(bad[0])} at character ${bad.index + 1}`);
    if (text.length % 2 !== 0) throw new PsbtError('PSBT_DECODE', 'PSBT hex: odd number of hex digits');
    return hex.decode(text.toLowerCase());
  }
  const bad = /[^A-Za-z0-9+/=]/.exec(text);
  if (bad) throw new PsbtError('PSBT_DECODE', `PSBT: not base64 or hex: invalid character ${JSON.stringify(bad[0])} at character ${bad.index + 1} (whitespace ignored)`);
  if (!text.startsWith('cHNidP8')) throw new PsbtError('PSBT_DECODE', 'PSBT: the data does not start with the PSBT magic bytes "psbt" 0xff (base64 "cHNidP8", hex "70736274ff"): is this a raw transaction?');
  let bytes: Uint8Array;
  try {
    bytes = base64.decode(text);
  } catch (e) {
    throw new PsbtError('PSBT_DECODE', `PSBT base64: ${(e as Error).message} (length ${text.length}, padding must make it a multiple of 4)`);
  }
  return bytes;
}

/** One key-value pair found by the framing pass. */
interface Pair {
  keyType: number;
  key: Uint8Array;
  value: Uint8Array;
  offset: number;
}

class Framing {
  i = 0;
  constructor(readonly b: Uint8Array) {}

  fail(offset: number, where: string, msg: string): never {
    throw new PsbtError('PSBT_DECODE', `PSBT: ${where}: ${msg} (at byte ${offset})`, { offset });
  }

  /** A Bitcoin CompactSize, minimal encoding required (as Bitcoin Core's ReadCompactSize). */
  compactSize(where: string): number {
    const at = this.i;
    const first = this.b[this.i];
    if (first === undefined) this.fail(at, where, 'unexpected end of data');
    const width = first < 0xfd ? 0 : first === 0xfd ? 2 : first === 0xfe ? 4 : 8;
    if (this.i + 1 + width > this.b.length) this.fail(at, where, 'unexpected end of data inside a length');
    let v = first < 0xfd ? first : 0;
    for (let k = width - 1; k >= 0; k--) v = v * 256 + this.b[this.i + 1 + k]!;
    const min = width === 2 ? 0xfd : width === 4 ? 0x10000 : width === 8 ? 0x100000000 : 0;
    if (width > 0 && v < min) this.fail(at, where, 'non-canonical (not minimally encoded) length');
    this.i += 1 + width;
    return v;
  }

  bytes(n: number, at: number, where: string): Uint8Array {
    if (n > this.b.length - this.i) this.fail(at, where, `length ${n} runs past the end of the data (${this.b.length - this.i} bytes left)`);
    const out = this.b.subarray(this.i, this.i + n);
    this.i += n;
    return out;
  }

  /** One map: pairs until the 0x00 separator. */
  map(kind: MapKind, label: string): Pair[] {
    const pairs: Pair[] = [];
    const seen = new Set<string>();
    for (;;) {
      const at = this.i;
      if (at >= this.b.length) this.fail(at, label, 'unexpected end of data: the map has no 0x00 separator');
      const keyLen = this.compactSize(`${label}: key length`);
      if (keyLen === 0) return pairs;
      const keyAt = this.i;
      const key = this.bytes(keyLen, at, `${label}: key`);
      const sub = new Framing(key);
      const keyType = sub.compactSize(`${label}: key type`);
      const field = `${label} ${keyTypeName(kind, keyType)}`;
      const valueAt = this.i;
      const valueLen = this.compactSize(`${field}: value length`);
      const value = this.bytes(valueLen, valueAt, `${field}: value`);
      const id = toHex(key);
      // BIP 174: "Keys within each scope should never be duplicated".
      if (seen.has(id)) this.fail(keyAt, field, 'duplicate key');
      seen.add(id);
      pairs.push({ keyType, key, value, offset: keyAt });
    }
  }
}

function u32le(v: Uint8Array): number {
  return (v[0]! | (v[1]! << 8) | (v[2]! << 16) | (v[3]! << 24)) >>> 0;
}

/** The framing pass: magic, global map, then one map per input and output. Returns the version. */
function frame(b: Uint8Array): 0 | 2 {
  if (b.length > MAX_PSBT_BYTES) throw new PsbtError('PSBT_DECODE', `PSBT: larger than ${MAX_PSBT_BYTES} bytes`, { offset: MAX_PSBT_BYTES });
  for (let k = 0; k < MAGIC.length; k++) {
    if (b[k] !== MAGIC[k]) throw new PsbtError('PSBT_DECODE', `PSBT: wrong magic bytes at byte ${k} (expected "psbt" 0xff)`, { offset: k });
  }
  const f: Framing = new Framing(b);
  f.i = MAGIC.length;
  const global = f.map('global', 'global map');
  const one = (t: number) => global.find((p) => p.keyType === t && p.key.length === 1);
  const ver = one(0xfb);
  let version = 0;
  if (ver) {
    if (ver.value.length !== 4) f.fail(ver.offset, 'global map PSBT_GLOBAL_VERSION (0xfb)', 'value must be 4 bytes');
    version = u32le(ver.value);
  }
  if (version !== 0 && version !== 2) f.fail(ver!.offset, 'global map PSBT_GLOBAL_VERSION (0xfb)', `unsupported PSBT version ${version} (Keygrade reads 0 and 2)`);
  let nIn: number;
  let nOut: number;
  if (version === 0) {
    const utx = one(0x00);
    if (!utx) f.fail(MAGIC.length, 'global map', 'a version 0 PSBT needs PSBT_GLOBAL_UNSIGNED_TX (0x00)');
    let tx;
    try {
      tx = RawTx.decode(utx.value);
    } catch (e) {
      f.fail(utx.offset, 'global map PSBT_GLOBAL_UNSIGNED_TX (0x00)', `the unsigned transaction does not parse: ${(e as Error).message}`);
    }
    // BIP 174: the unsigned transaction has empty scriptSigs and witnesses.
    if (tx.segwitFlag || tx.inputs.some((i) => i.finalScriptSig.length > 0)) f.fail(utx.offset, 'global map PSBT_GLOBAL_UNSIGNED_TX (0x00)', 'the unsigned transaction must have empty scriptSigs and no witnesses');
    nIn = tx.inputs.length;
    nOut = tx.outputs.length;
  } else {
    const count = (t: number, name: string): number => {
      const p = one(t);
      if (!p) f.fail(MAGIC.length, 'global map', `a version 2 PSBT needs ${name}`);
      const c: Framing = new Framing(p.value);
      const n = c.compactSize(`global map ${name}`);
      if (c.i !== p.value.length) f.fail(p.offset, `global map ${name}`, 'extra bytes after the count');
      return n;
    };
    nIn = count(0x04, 'PSBT_GLOBAL_INPUT_COUNT (0x04)');
    nOut = count(0x05, 'PSBT_GLOBAL_OUTPUT_COUNT (0x05)');
  }
  // Each map needs at least its separator byte: a count larger than the rest is a lie.
  if (nIn + nOut > b.length - f.i) f.fail(f.i, 'global map', `declares ${nIn} inputs and ${nOut} outputs but only ${b.length - f.i} bytes follow`);
  for (let k = 0; k < nIn; k++) f.map('input', `input ${k}`);
  for (let k = 0; k < nOut; k++) f.map('output', `output ${k}`);
  if (f.i !== b.length) f.fail(f.i, `after output ${nOut - 1}`, `${b.length - f.i} unexpected bytes after the last map`);
  return version as 0 | 2;
}

function fingerprintHex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/**
 * Decodes and checks a PSBT.
 * @example decodePsbt('cHNidP8BAHECAAAAA…').outputs.map((o) => o.amount)
 */
export function decodePsbt(input: string | Uint8Array): DecodedPsbt {
  const bytes = psbtBytes(input);
  const version = frame(bytes);
  let tx: Transaction;
  try {
    tx = Transaction.fromPSBT(bytes, PARSE_OPTS);
  } catch (e) {
    throw new PsbtError('PSBT_DECODE', `PSBT: ${(e as Error).message}`, { cause: e });
  }
  const inputs: PsbtInputView[] = [];
  for (let i = 0; i < tx.inputsLength; i++) {
    const x = tx.getInput(i);
    let amount: bigint | undefined;
    let script: Uint8Array | undefined;
    let utxoSource: PsbtInputView['utxoSource'];
    if (x.witnessUtxo) {
      ({ amount, script } = x.witnessUtxo);
      utxoSource = 'witness_utxo';
    } else if (x.nonWitnessUtxo && x.index !== undefined) {
      // btc-signer has checked that the previous transaction hashes to this input's txid.
      const prev = x.nonWitnessUtxo.outputs[x.index];
      if (prev) ({ amount, script } = prev);
      utxoSource = prev ? 'non_witness_utxo' : undefined;
    }
    inputs.push({
      index: i,
      txid: x.txid ? toHex(x.txid) : '',
      vout: x.index ?? 0,
      amount,
      script,
      utxoSource,
      witnessScript: x.witnessScript,
      redeemScript: x.redeemScript,
      sighashType: x.sighashType,
      derivations: [
        ...(x.bip32Derivation ?? []).map(([pubkey, d]) => ({ pubkey, fingerprint: fingerprintHex(d.fingerprint), path: d.path })),
        ...(x.tapBip32Derivation ?? []).map(([pubkey, d]) => ({ pubkey, fingerprint: fingerprintHex(d.der.fingerprint), path: d.der.path })),
      ],
      partialSigs: (x.partialSig ?? []).map(([pubkey, signature]) => ({ pubkey, signature })),
      finalized: x.finalScriptSig !== undefined || x.finalScriptWitness !== undefined,
    });
  }
  const outputs: PsbtOutputView[] = [];
  for (let i = 0; i < tx.outputsLength; i++) {
    const o = tx.getOutput(i);
    if (o.script === undefined || o.amount === undefined) throw new PsbtError('PSBT_DECODE', `PSBT: output ${i} has no script or amount`);
    outputs.push({
      index: i,
      script: o.script,
      amount: o.amount,
      derivations: [
        ...(o.bip32Derivation ?? []).map(([pubkey, d]) => ({ pubkey, fingerprint: fingerprintHex(d.fingerprint), path: d.path })),
        ...(o.tapBip32Derivation ?? []).map(([pubkey, d]) => ({ pubkey, fingerprint: fingerprintHex(d.der.fingerprint), path: d.der.path })),
      ],
    });
  }
  let txid: string;
  try {
    txid = tx.id;
  } catch (e) {
    throw new PsbtError('PSBT_DECODE', `PSBT: the transaction id cannot be computed: ${(e as Error).message}`, { cause: e });
  }
  return { version, txid, inputs, outputs, tx, bytes };
}
