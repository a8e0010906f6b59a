/**
 * Taproot script-path spends (BIP 341 / BIP 342) for the templates a custodian's Taproot wallet
 * uses: a single key (`pk(K)`: `<K> OP_CHECKSIG`) and a k-of-n multisig (`multi_a` /
 * `sortedmulti_a`: `<K1> OP_CHECKSIG <K2> OP_CHECKSIGADD … <Kn> OP_CHECKSIGADD <k> OP_NUMEQUAL`).
 * The control block must commit the leaf to the output key (the Merkle path and the tweak of
 * the internal key, with the right parity). Other leaf versions and other scripts (time locks,
 * hash locks, miniscript fragments beyond these two) are UNSUPPORTED_SCRIPT: inconclusive,
 * never counted.
 */
import { tapLeafHash } from '@scure/btc-signer/payment.js';
import { compareBytes, tagSchnorr, taprootTweakPubkey } from '@scure/btc-signer/utils.js';
import { failure, type AssetFailure } from './errors.js';
import { checkSchnorr, same } from './script.js';

/** BIP 342's leaf version, the only one with defined semantics. */
export const TAPSCRIPT_LEAF_VERSION = 0xc0;
/** BIP 341: a control block holds at most 128 Merkle path hashes. */
const MAX_PATH = 128;
/** Miniscript's limit on multi_a keys (a tapscript has no fixed key limit; larger scripts are not a template). */
export const MAX_MULTI_A_KEYS = 999;

const OP_CHECKSIG = 0xac;
const OP_CHECKSIGADD = 0xba;
const OP_NUMEQUAL = 0x9c;

/** A leaf script this verifier evaluates: `threshold` of the x-only `keys` (1 of 1 for `pk`). */
export interface TapLeafTemplate {
  kind: 'pk' | 'multi_a';
  threshold: number;
  keys: Uint8Array[];
}

/**
 * Reads the threshold push of multi_a: OP_1…OP_16, or a minimal CScriptNum push of 1 or 2 bytes
 * (17…999). Returns the value and the bytes it took, or undefined.
 */
function readThreshold(s: Uint8Array, i: number): { value: number; size: number } | undefined {
  const op = s[i];
  if (op === undefined) return undefined;
  if (op >= 0x51 && op <= 0x60) return { value: op - 0x50, size: 1 };
  if (op === 1 && i + 1 < s.length) {
    const v = s[i + 1]!;
    // 1…16 must be OP_N, and 0x80 and above need a second byte (the sign bit).
    return v > 16 && v < 0x80 ? { value: v, size: 2 } : undefined;
  }
  if (op === 2 && i + 2 < s.length) {
    const lo = s[i + 1]!;
    const hi = s[i + 2]!;
    const v = lo | (hi << 8);
    // Minimal: the high byte is needed (a value of 128…255 needs the 0x00 sign byte), positive.
    if (hi & 0x80) return undefined;
    if (hi === 0 && !(lo & 0x80)) return undefined;
    return { value: v, size: 3 };
  }
  return undefined;
}

/** Parses a tapscript leaf as `pk` or `multi_a` (exact byte template), or undefined. */
export function parseTapLeaf(s: Uint8Array): TapLeafTemplate | undefined {
  const keys: Uint8Array[] = [];
  let i = 0;
  // <K1> OP_CHECKSIG, then <Ki> OP_CHECKSIGADD for every further key.
  while (i + 34 <= s.length && s[i] === 0x20 && s[i + 33] === (keys.length === 0 ? OP_CHECKSIG : OP_CHECKSIGADD)) {
    keys.push(s.subarray(i + 1, i + 33));
    i += 34;
    if (keys.length > MAX_MULTI_A_KEYS) return undefined;
  }
  if (keys.length === 0) return undefined;
  if (i === s.length) return keys.length === 1 ? { kind: 'pk', threshold: 1, keys } : undefined;
  const t = readThreshold(s, i);
  if (!t || i + t.size + 1 !== s.length || s[s.length - 1] !== OP_NUMEQUAL) return undefined;
  if (t.value < 1 || t.value > keys.length) return undefined;
  return { kind: 'multi_a', threshold: t.value, keys };
}

/**
 * BIP 341: whether `leaf` under `control` commits to the output key `outputKey`. Returns a
 * failure when the control block is malformed, names another leaf version, or does not commit.
 */
export function checkControlBlock(control: Uint8Array, leaf: Uint8Array, outputKey: Uint8Array): AssetFailure | undefined {
  if (control.length < 33 || (control.length - 33) % 32 !== 0 || (control.length - 33) / 32 > MAX_PATH) {
    return failure('BAD_STRUCTURE', `a Taproot control block has ${control.length} bytes, not 33 + 32·m with m ≤ ${MAX_PATH}`);
  }
  const version = control[0]! & 0xfe;
  if (version !== TAPSCRIPT_LEAF_VERSION) return failure('UNSUPPORTED_SCRIPT', `a Taproot leaf of version 0x${version.toString(16)} (only tapscript, 0xc0, is evaluated)`);
  let k = tapLeafHash(leaf, version);
  for (let j = 33; j < control.length; j += 32) {
    const e = control.subarray(j, j + 32);
    k = compareBytes(k, e) < 0 ? tagSchnorr('TapBranch', k, e) : tagSchnorr('TapBranch', e, k);
  }
  let tweaked: [Uint8Array, number];
  try {
    tweaked = taprootTweakPubkey(control.subarray(1, 33), k);
  } catch {
    return failure('WRONG_ADDRESS', 'the control block\'s internal key is not a valid x-only point (or its tweak is out of range)');
  }
  if (!same(tweaked[0], outputKey) || tweaked[1] !== (control[0]! & 1)) {
    return failure('WRONG_ADDRESS', 'the leaf script and control block do not commit to the Taproot output key');
  }
  return undefined;
}

/**
 * Checks a script-path witness `stack ‖ leaf ‖ control` (no annex) against the output key.
 * `sighash(type, leaf)` is the BIP 342 signature hash of this input for that leaf. Every
 * non-empty signature must verify (BIP 342: a failing one aborts the script); `pk` needs its one
 * signature, `multi_a` exactly `threshold` (OP_NUMEQUAL). The signature-operation budget of
 * BIP 342 always holds here: each signature brings at least 64 witness bytes and costs 50.
 */
export function checkScriptPath(witness: Uint8Array[], outputKey: Uint8Array, sighash: (type: number, leaf: Uint8Array) => Uint8Array): AssetFailure | undefined {
  const control = witness[witness.length - 1]!;
  const leaf = witness[witness.length - 2]!;
  const bad = checkControlBlock(control, leaf, outputKey);
  if (bad) return bad;
  const tpl = parseTapLeaf(leaf);
  if (!tpl) return failure('UNSUPPORTED_SCRIPT', 'the Taproot leaf script is neither a single key (pk) nor a multi_a / sortedmulti_a multisig');
  const stack = witness.slice(0, -2);
  const n = tpl.keys.length;
  if (stack.length !== n) {
    return failure('BAD_STRUCTURE', `a ${tpl.kind === 'pk' ? 'single-key' : `${tpl.threshold}-of-${n} multi_a`} Taproot leaf needs ${n} witness item(s) before the script, one per key, not ${stack.length}`);
  }
  let valid = 0;
  for (let i = 0; i < n; i++) {
    // The last stack item is the top: it meets the first key.
    const sig = stack[n - 1 - i]!;
    if (sig.length === 0) continue;
    const r = checkSchnorr(sig, tpl.keys[i]!, (type) => sighash(type, leaf));
    if (r !== true) return r;
    valid++;
  }
  if (valid < tpl.threshold) {
    return tpl.kind === 'pk' ? failure('BAD_SIGNATURE', 'the signature is empty') : failure('TOO_FEW_SIGNATURES', `${valid} valid signature(s) for a ${tpl.threshold}-of-${n} multi_a`);
  }
  if (valid > tpl.threshold) return failure('BAD_SIGNATURE', `${valid} valid signatures for a ${tpl.threshold}-of-${n} multi_a: OP_NUMEQUAL needs exactly ${tpl.threshold}, so the script fails`);
  return undefined;
}
