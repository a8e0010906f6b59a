/**
 * BIP-127 simple proof-of-reserves transactions: the first input (the commitment input) spends
 * output 0 of the txid SHA-256("Proof-of-Reserves: " || message), which does not exist, so the
 * transaction can never be mined; every other input spends a claimed UTXO with a SIGHASH_ALL
 * signature (committing to the commitment input); the single output is the exact sum of the
 * claimed inputs (no fee).
 *
 * The txid field holds the SHA-256 digest as serialized (so its display form is the digest
 * reversed), as bdk-reserves builds it. For BIP-341 sighashes the commitment input is taken as
 * value 0 paying OP_TRUE, as the BIP's PSBT extension (PSBT_IN_POR_COMMITMENT) instructs.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesEqual, utf8 } from '../bytes.js';
import type { ClaimedInput, UtxoLookup } from './bip322.js';
import { hexOf, reversed } from './encoding.js';
import { failure, type AssetFailure } from './errors.js';
import { checkInput } from './spend.js';
import { decodeTx, Sighasher, type Prevout, type Tx } from './tx.js';

/** The commitment input's txid in display order for `message`. */
export function commitmentTxid(message: string): Uint8Array {
  return reversed(sha256(utf8(`Proof-of-Reserves: ${message}`)));
}

/** The outcome of a BIP-127 verification. */
export interface Bip127Result {
  valid: boolean;
  failure?: AssetFailure;
  claimed: ClaimedInput[];
}

const OP_TRUE: Prevout = { amount: 0n, script: Uint8Array.of(0x51) };

/** Verifies a consensus-serialized BIP-127 transaction committing to `message`; `lookup` resolves the claimed inputs. */
export function verifyBip127(raw: Uint8Array, message: string, lookup: UtxoLookup): Bip127Result {
  let tx: Tx;
  try {
    tx = decodeTx(raw);
  } catch (e) {
    return { valid: false, failure: failure('BAD_ENCODING', `not a transaction: ${(e as Error).message}`), claimed: [] };
  }
  const f = check(tx, message, lookup);
  return 'code' in f ? { valid: false, failure: f, claimed: [] } : { valid: true, claimed: f };
}

function check(tx: Tx, message: string, lookup: UtxoLookup): AssetFailure | ClaimedInput[] {
  const first = tx.inputs[0];
  if (!first || tx.inputs.length < 2) return failure('BAD_STRUCTURE', 'a proof-of-reserves transaction needs the commitment input and at least one claimed input');
  if (first.index !== 0 || !bytesEqual(first.txid, commitmentTxid(message))) {
    return failure('WRONG_COMMITMENT', 'the commitment input does not spend SHA-256("Proof-of-Reserves: " || message):0 for this snapshot\'s binding message');
  }
  if (tx.outputs.length !== 1) return failure('BAD_STRUCTURE', `a proof-of-reserves transaction has exactly one output (it has ${tx.outputs.length})`);
  const seen = new Set<string>();
  const prevouts: Prevout[] = [OP_TRUE];
  const claimed: ClaimedInput[] = [];
  let sum = 0n;
  for (const i of tx.inputs.slice(1)) {
    const key = `${hexOf(i.txid)}:${i.index}`;
    if (seen.has(key)) return failure('DUPLICATE_INPUT', `the transaction spends ${key} twice`);
    seen.add(key);
    const p = lookup(i.txid, i.index);
    if ('code' in p) return p;
    prevouts.push(p);
    claimed.push({ txid: hexOf(i.txid), vout: i.index, amount: p.amount, script: p.script });
    sum += p.amount;
  }
  const out = tx.outputs[0]!.amount;
  if (out !== sum) return failure('AMOUNT_MISMATCH', `the output is ${out} sat but the claimed inputs sum to ${sum} sat (BIP-127: exactly the sum, no fee)`);
  const h = new Sighasher(tx, prevouts);
  for (let i = 1; i < tx.inputs.length; i++) {
    const bad = checkInput(h, i);
    if (bad) return { code: bad.code, message: `input ${i} (${hexOf(tx.inputs[i]!.txid)}:${tx.inputs[i]!.index}): ${bad.message}` };
  }
  return claimed;
}
