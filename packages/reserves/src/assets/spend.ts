/**
 * Checks that one input of a transaction satisfies the output it spends, for the templates the
 * verifier understands: P2PKH, P2SH (wrapping P2WPKH, P2WSH or a bare multisig), P2WPKH, P2WSH
 * (`multi` / `sortedmulti` or a single key), and P2TR, key path or script path through a `pk` or
 * `multi_a` / `sortedmulti_a` leaf (tapscript.ts). Other leaf scripts, annexes, future witness
 * versions and other scripts are UNSUPPORTED_SCRIPT ("inconclusive" in BIP-322).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { failure, type AssetFailure } from './errors.js';
import { hash160 } from './encoding.js';
import { checkEcdsa, checkMultisig, checkSchnorr, classify, p2pkhScript, parseMultisig, parsePkScript, parsePushes, same } from './script.js';
import { checkScriptPath } from './tapscript.js';
import type { Sighasher } from './tx.js';

/** Checks input `idx`; undefined when it is validly signed. */
export function checkInput(h: Sighasher, idx: number): AssetFailure | undefined {
  const input = h.tx.inputs[idx]!;
  const prev = h.prevouts[idx]!;
  const out = classify(prev.script);
  switch (out.type) {
    case 'p2pkh': {
      if (input.witness.length > 0) return failure('BAD_STRUCTURE', 'a P2PKH input carries a witness');
      const pushes = parsePushes(input.scriptSig);
      if (!pushes) return failure('NON_STRICT', 'the scriptSig is not push-only with minimal pushes');
      if (pushes.length !== 2) return failure('BAD_SIGNATURE', 'a P2PKH scriptSig must push exactly a signature and a public key');
      const [sig, key] = pushes as [Uint8Array, Uint8Array];
      if (!same(hash160(key), out.hash)) return failure('WRONG_ADDRESS', 'the public key does not hash to the P2PKH address');
      return ecdsa(checkEcdsa(sig, key, () => h.legacy(idx, prev.script), false));
    }
    case 'p2sh':
      return p2sh(h, idx, out.hash);
    case 'p2wpkh':
      if (input.scriptSig.length > 0) return failure('BAD_STRUCTURE', 'a native segwit input has a non-empty scriptSig');
      return p2wpkh(h, idx, out.hash);
    case 'p2wsh':
      if (input.scriptSig.length > 0) return failure('BAD_STRUCTURE', 'a native segwit input has a non-empty scriptSig');
      return p2wsh(h, idx, out.hash);
    case 'p2tr':
      if (input.scriptSig.length > 0) return failure('BAD_STRUCTURE', 'a native segwit input has a non-empty scriptSig');
      return p2tr(h, idx, out.key);
    default:
      return failure('UNSUPPORTED_SCRIPT', `the scriptPubKey is not a template this verifier evaluates (P2PKH, P2SH-P2WPKH, P2SH-P2WSH, P2SH multisig, P2WPKH, P2WSH, P2TR)`);
  }
}

function ecdsa(r: true | false | AssetFailure): AssetFailure | undefined {
  if (r === true) return undefined;
  return r === false ? failure('BAD_SIGNATURE', 'the signature is empty') : r;
}

function p2sh(h: Sighasher, idx: number, hash: Uint8Array): AssetFailure | undefined {
  const input = h.tx.inputs[idx]!;
  const pushes = parsePushes(input.scriptSig);
  if (!pushes || pushes.length === 0) return failure('NON_STRICT', 'a P2SH scriptSig must be push-only with minimal pushes');
  const redeem = pushes[pushes.length - 1]!;
  if (!same(hash160(redeem), hash)) return failure('WRONG_ADDRESS', 'the redeem script does not hash to the P2SH address');
  const inner = classify(redeem);
  if (inner.type === 'p2wpkh' || inner.type === 'p2wsh') {
    // BIP 141: a P2SH-wrapped witness program's scriptSig is exactly one push of the program.
    if (pushes.length !== 1) return failure('BAD_STRUCTURE', 'a P2SH-wrapped segwit scriptSig must push only the redeem script');
    return inner.type === 'p2wpkh' ? p2wpkh(h, idx, inner.hash) : p2wsh(h, idx, inner.hash);
  }
  const ms = parseMultisig(redeem, true);
  if (!ms) return failure('UNSUPPORTED_SCRIPT', 'the P2SH redeem script is not P2WPKH, P2WSH or a multisig');
  if (input.witness.length > 0) return failure('BAD_STRUCTURE', 'a legacy P2SH input carries a witness');
  return checkMultisig(pushes.slice(0, -1), ms, () => h.legacy(idx, redeem), false);
}

function p2wpkh(h: Sighasher, idx: number, hash: Uint8Array): AssetFailure | undefined {
  const w = h.tx.inputs[idx]!.witness;
  if (w.length !== 2) return failure(w.length < 2 ? 'BAD_SIGNATURE' : 'BAD_STRUCTURE', `a P2WPKH witness has ${w.length} items, not 2 (signature, public key)`);
  const [sig, key] = w as [Uint8Array, Uint8Array];
  if (!same(hash160(key), hash)) return failure('WRONG_ADDRESS', 'the public key does not hash to the P2WPKH program');
  return ecdsa(checkEcdsa(sig, key, () => h.witnessV0(idx, p2pkhScript(hash)), true));
}

function p2wsh(h: Sighasher, idx: number, hash: Uint8Array): AssetFailure | undefined {
  const w = h.tx.inputs[idx]!.witness;
  if (w.length === 0) return failure('BAD_SIGNATURE', 'the P2WSH witness is empty');
  const ws = w[w.length - 1]!;
  if (!same(sha256(ws), hash)) return failure('WRONG_ADDRESS', 'the witness script does not hash to the P2WSH program');
  const stack = w.slice(0, -1);
  const ms = parseMultisig(ws);
  if (ms) return checkMultisig(stack, ms, () => h.witnessV0(idx, ws), true);
  const key = parsePkScript(ws);
  if (key) {
    if (stack.length !== 1) return failure(stack.length === 0 ? 'BAD_SIGNATURE' : 'BAD_STRUCTURE', 'a single-key P2WSH witness must hold one signature');
    return ecdsa(checkEcdsa(stack[0]!, key, () => h.witnessV0(idx, ws), true));
  }
  return failure('UNSUPPORTED_SCRIPT', 'the witness script is neither a multisig (multi / sortedmulti) nor a single key');
}

function p2tr(h: Sighasher, idx: number, key: Uint8Array): AssetFailure | undefined {
  const w = h.tx.inputs[idx]!.witness;
  if (w.length === 0) return failure('BAD_SIGNATURE', 'the Taproot witness is empty');
  // BIP 341: with two or more items, a last item starting with 0x50 is an annex.
  if (w.length >= 2 && w[w.length - 1]![0] === 0x50) return failure('UNSUPPORTED_SCRIPT', 'a Taproot witness with an annex');
  if (w.length >= 2) return checkScriptPath(w, key, (type, leaf) => h.tapscript(idx, type, leaf));
  const r = checkSchnorr(w[0]!, key, (type) => h.taproot(idx, type));
  return r === true ? undefined : r;
}
