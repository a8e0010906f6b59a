/**
 * Which nonce scheme a signer follows, found by re-signing with the test key: RFC 6979
 * deterministic nonces (RFC 6979 §3.2), or Bitcoin Core-style low-R grinding (RFC 6979 with the
 * §3.6 additional data k' = a 32-byte little-endian counter, retried until r < 2^255 so that the
 * DER r is at most 32 bytes; Core `CKey::Sign` with grind = true, libsecp256k1 `ndata`). Anything
 * else — random nonces, hedged RFC 6979 with fresh entropy — matches neither. Signing is
 * @noble/curves' secp256k1 `sign` with `extraEntropy`; no curve arithmetic here.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { concat } from '../bytes.js';

const N = secp256k1.Point.CURVE().n;
const HALF = 1n << 255n;

/** The verdict for one signature. */
export type NonceScheme =
  /** r is the RFC 6979 nonce's and that r is ≥ 2^255, so a low-R grinder would not have produced it. */
  | 'rfc6979'
  /** r is the low r a grinder keeps after plain RFC 6979 gave a high one: only grinding explains it. */
  | 'low-r'
  /** r is RFC 6979's first nonce, which is already low: both schemes give this signature. */
  | 'rfc6979-or-low-r'
  /** The signature verifies but its nonce is neither: random, hedged, or another derivation. */
  | 'unknown'
  /** The signature does not verify under the key and digest (wrong key, digest or encoding). */
  | 'invalid';

export interface NonceVerdict {
  scheme: NonceScheme;
  /** The grinding counter whose extra data produced r (scheme low-r). */
  counter: number | undefined;
  /** The grinders that output exactly this signature (scheme low-r). */
  grinders: Grinder[];
  /** r < 2^255: the DER r needs no 0x00 padding (at most 32 bytes). */
  lowR: boolean;
  /** s > n/2 (BIP 62 high S). */
  highS: boolean;
}

/** The grinding data for counter value `counter`: WriteLE32 into 32 zero bytes (Core `CKey::Sign`). */
export function grindEntropy(counter: number): Uint8Array {
  const e = new Uint8Array(32);
  new DataView(e.buffer).setUint32(0, counter >>> 0, true);
  return e;
}

/** r of the RFC 6979 signature of `digest` by `key`, with the §3.6 additional data when given. */
export function rfc6979R(key: Uint8Array, digest: Uint8Array, extraEntropy?: Uint8Array): bigint {
  const sig = secp256k1.sign(digest, key, { prehash: false, lowS: true, format: 'compact', ...(extraEntropy ? { extraEntropy } : {}) });
  return bytesToNumberBE(sig.subarray(0, 32));
}

/**
 * Low-R grinders in the field. Bitcoin Core retries with counter 1, 2, … until the compact r's
 * first byte is below 0x80 (`SigHasLowR`, r < 2^255). @scure/btc-signer (`signECDSA` with lowR)
 * retries with counter 0, 1, … until r < n/2. Both try plain RFC 6979 first.
 */
export const GRINDERS = {
  'bitcoin-core': { first: 1, low: (r: bigint) => r < HALF },
  'counter-from-zero': { first: 0, low: (r: bigint) => r < N >> 1n },
} as const;
export type Grinder = keyof typeof GRINDERS;

/** The r values of RFC 6979 with no extra data (index 0) and with counters 0, 1, … (index c + 1), computed on demand. */
class Candidates {
  private readonly rs: bigint[] = [];
  constructor(
    private readonly key: Uint8Array,
    private readonly digest: Uint8Array,
  ) {}
  plain(): bigint {
    return (this.rs[0] ??= rfc6979R(this.key, this.digest));
  }
  counter(c: number): bigint {
    return (this.rs[c + 1] ??= rfc6979R(this.key, this.digest, grindEntropy(c)));
  }
}

/** The signature a grinder outputs: [counter used (undefined = none), r], or undefined past `maxCounter`. */
function ground(cand: Candidates, g: Grinder, maxCounter: number): [number | undefined, bigint] | undefined {
  const { first, low } = GRINDERS[g];
  if (low(cand.plain())) return [undefined, cand.plain()];
  for (let c = first; c <= maxCounter; c++) if (low(cand.counter(c))) return [c, cand.counter(c)];
  return undefined;
}

/**
 * The r values a grinder tries for one digest, in order, up to and including the one it keeps
 * (or `maxCounter`). Each attempt keeps with probability about 1/2.
 */
export function grindingSequence(key: Uint8Array, digest: Uint8Array, grinder: Grinder = 'bitcoin-core', maxCounter = 256): bigint[] {
  const cand = new Candidates(key, digest);
  const { first, low } = GRINDERS[grinder];
  const out = [cand.plain()];
  for (let c = first; c <= maxCounter && !low(out[out.length - 1]!); c++) out.push(cand.counter(c));
  return out;
}

/** Whether (r, s) verifies `digest` under `key`'s public key (high S accepted: we classify, not police). */
function verifies(key: Uint8Array, digest: Uint8Array, r: bigint, s: bigint): boolean {
  if (r <= 0n || r >= N || s <= 0n || s >= N) return false;
  try {
    const sig = concat(numberToBytesBE(r, 32), numberToBytesBE(s, 32));
    return secp256k1.verify(sig, digest, secp256k1.getPublicKey(key, true), { prehash: false, lowS: false, format: 'compact' });
  } catch {
    return false;
  }
}

/**
 * Classifies one signature (r, s) of a 32-byte `digest` made with the private `key`.
 * @example classifyNonce(key, sighash, r, s).scheme // 'low-r'
 */
export function classifyNonce(key: Uint8Array, digest: Uint8Array, r: bigint, s: bigint, maxCounter = 256): NonceVerdict {
  const base = { lowR: r < HALF, highS: s > N >> 1n };
  const none = { counter: undefined, grinders: [] as Grinder[] };
  if (!verifies(key, digest, r, s)) return { scheme: 'invalid', ...none, ...base };
  const cand = new Candidates(key, digest);
  // A grinder keeps the first low r, so a high plain r can only come from plain RFC 6979.
  if (r === cand.plain()) return { scheme: r < HALF ? 'rfc6979-or-low-r' : 'rfc6979', ...none, ...base };
  const grinders: Grinder[] = [];
  let counter: number | undefined;
  for (const g of Object.keys(GRINDERS) as Grinder[]) {
    const got = ground(cand, g, maxCounter);
    if (got && got[1] === r) {
      grinders.push(g);
      counter ??= got[0];
    }
  }
  return grinders.length > 0 ? { scheme: 'low-r', counter, grinders, ...base } : { scheme: 'unknown', ...none, ...base };
}

/** The overall verdict over many signatures of one signer. */
export type SignerScheme = 'rfc6979' | 'low-r-grinding' | 'rfc6979-or-low-r' | 'random-or-unknown' | 'mixed' | 'no-valid-signatures';

/** Combines per-signature verdicts: the signer follows a scheme only if every valid signature fits it. */
export function signerScheme(verdicts: readonly Pick<NonceVerdict, 'scheme' | 'grinders'>[]): { scheme: SignerScheme; grinder: Grinder | undefined; explanation: string } {
  const valid = verdicts.filter((v) => v.scheme !== 'invalid');
  const n = (s: NonceScheme) => valid.filter((v) => v.scheme === s).length;
  const [plain, ground, either, unknown] = [n('rfc6979'), n('low-r'), n('rfc6979-or-low-r'), n('unknown')];
  const none = { grinder: undefined };
  if (valid.length === 0) return { scheme: 'no-valid-signatures', ...none, explanation: 'no signature verifies under its key and digest' };
  if (unknown === valid.length) return { scheme: 'random-or-unknown', ...none, explanation: `none of the ${valid.length} nonces is RFC 6979's or a low-R grinder's: random, hedged or another derivation` };
  // One grinder must explain every ground signature.
  const grinders = (Object.keys(GRINDERS) as Grinder[]).filter((g) => valid.every((v) => v.scheme !== 'low-r' || v.grinders.includes(g)));
  if (unknown > 0 || (plain > 0 && ground > 0) || (ground > 0 && grinders.length === 0)) {
    return { scheme: 'mixed', ...none, explanation: `inconsistent: ${plain} plain RFC 6979 with a high r, ${ground} ground to a low r${ground > 0 && grinders.length === 0 ? ' (by different grinders)' : ''}, ${either} either, ${unknown} neither` };
  }
  if (plain > 0) return { scheme: 'rfc6979', ...none, explanation: `every nonce is RFC 6979's; ${plain} signature(s) keep a high r that a low-R grinder would have retried` };
  if (ground > 0) {
    const g = grinders.length === 1 ? grinders[0] : undefined;
    const who = g === 'bitcoin-core' ? "Bitcoin Core's grinding (counter 1, 2, … until r < 2^255)" : g === 'counter-from-zero' ? 'grinding with the counter from 0 until r < n/2 (as @scure/btc-signer does)' : 'low-R grinding (the signatures fit both counter conventions)';
    return { scheme: 'low-r-grinding', grinder: g, explanation: `every nonce is RFC 6979's or ${who}; ${ground} signature(s) needed a retry to reach a low r` };
  }
  return { scheme: 'rfc6979-or-low-r', ...none, explanation: `all ${either} nonces are RFC 6979's first, which happened to be low (probability 2^-${either}); sign more messages to tell plain RFC 6979 from low-R grinding` };
}
