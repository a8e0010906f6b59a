/**
 * Approvals carried in the PSBT itself: an approver has approved when every input holds a
 * SIGHASH_ALL partial signature (PSBT_IN_PARTIAL_SIG) by one of the approver's keys that
 * verifies against the BIP 143 sighash. Keys are tied to approvers by the master fingerprint in
 * PSBT_IN_BIP32_DERIVATION, or by deriving the approver's xpub along the given path.
 * Signatures that cannot be verified here (legacy and taproot inputs) are not counted.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { HDKey } from '@scure/bip32';
import { bytesEqual, concat, hash160 } from '../bytes.js';
import type { DecodedPsbt, PsbtInputView } from './decode.js';
import type { Approver } from './policy.js';

const SIGHASH_ALL = 0x01;

/** The BIP 143 scriptCode of a segwit v0 input, or undefined when the input is not one. */
function scriptCode(input: PsbtInputView, pubkey: Uint8Array): Uint8Array | undefined {
  let s = input.script;
  if (!s) return undefined;
  if (s.length === 23 && s[0] === 0xa9 && input.redeemScript) s = input.redeemScript; // P2SH-wrapped segwit
  if (s.length === 34 && s[0] === 0x00 && s[1] === 0x20) return input.witnessScript;
  if (s.length === 22 && s[0] === 0x00 && s[1] === 0x14) return concat(Uint8Array.of(0x76, 0xa9, 20), hash160(pubkey), Uint8Array.of(0x88, 0xac));
  return undefined;
}

function holds(approver: Approver, input: PsbtInputView, pubkey: Uint8Array): boolean {
  const ders = input.derivations.filter((d) => bytesEqual(d.pubkey, pubkey));
  if (approver.fingerprint !== undefined && ders.some((d) => d.fingerprint === approver.fingerprint)) return true;
  if (approver.xpub === undefined) return false;
  try {
    const x = HDKey.fromExtendedKey(approver.xpub, approver.xpub.startsWith('tpub') ? { private: 0x04358394, public: 0x043587cf } : undefined);
    return ders.some((d) => d.path.length > x.depth && d.path.slice(x.depth).every((i) => i < 0x80000000) && bytesEqual(x.derive(`m/${d.path.slice(x.depth).join('/')}`).publicKey!, pubkey));
  } catch {
    return false;
  }
}

/** Names of the approvers whose valid signatures cover every input, and notes on what was not counted. */
export function psbtApprovals(psbt: DecodedPsbt, approvers: readonly Approver[]): { approved: Set<string>; notes: string[] } {
  const approved = new Set<string>();
  const notes: string[] = [];
  if (psbt.inputs.length === 0) return { approved, notes };
  for (const a of approvers) {
    const everyInput = psbt.inputs.every((input) =>
      input.partialSigs.some(({ pubkey, signature }) => {
        if (!holds(a, input, pubkey)) return false;
        if (signature[signature.length - 1] !== SIGHASH_ALL) {
          notes.push(`input ${input.index}: ${a.name}'s signature is not SIGHASH_ALL, so it does not approve these outputs`);
          return false;
        }
        const code = scriptCode(input, pubkey);
        if (!code || input.amount === undefined) {
          notes.push(`input ${input.index}: ${a.name}'s signature cannot be verified here (only segwit v0 inputs with witness_utxo are): not counted`);
          return false;
        }
        try {
          const msg = psbt.tx.preimageWitnessV0(input.index, code, SIGHASH_ALL, input.amount);
          return secp256k1.verify(signature.subarray(0, -1), msg, pubkey, { prehash: false, format: 'der', lowS: false });
        } catch {
          return false;
        }
      }),
    );
    if (everyInput) approved.add(a.name);
  }
  return { approved, notes: [...new Set(notes)] };
}
