/**
 * Verification of a customer's inclusion proof against the signed manifest: exact unsigned
 * integers, the signature, the chain to the previous manifest, the snapshot, the path length and
 * the recomputed root and totals. Pure and synchronous: the same code runs in the CLI and,
 * bundled, in the static verifier page.
 */
import { formatAmount, parseAmountInto } from './amount.js';
import { fromHex, toHex, U128_LIMIT, utf8 } from './bytes.js';
import { AMOUNT_BYTES, HASH_BYTES, leafHash, nobleSha256, uidHash, type Sha256 } from './hash.js';
import { readSums } from './tree.js';
import { keyFingerprint, manifestHash, sameKey, verifySignature, type ManifestBody, type SignedManifest } from './manifest.js';
import type { InclusionProof } from './proof.js';

/** Why a well-formed proof or manifest does not verify. */
export type VerifyFailureCode =
  /** The manifest carries no signature. */
  | 'MANIFEST_UNSIGNED'
  /** A signature does not verify (strict RFC 8032). */
  | 'BAD_SIGNATURE'
  /** The manifest is not signed by the expected key. */
  | 'WRONG_KEY'
  /** The manifest does not follow the previous one (hash, sequence, time or signature). */
  | 'CHAIN_BROKEN'
  /** The proof belongs to another snapshot. */
  | 'WRONG_SNAPSHOT'
  /** The proof's assets are not the manifest's, in the same order. */
  | 'ASSET_MISMATCH'
  /** A balance, sum or total is negative. */
  | 'NEGATIVE_VALUE'
  /** A balance, sum or total is 2^128 or more. */
  | 'VALUE_TOO_LARGE'
  /** An integer has leading zeros (one value, one spelling). */
  | 'NON_CANONICAL_INTEGER'
  /** Adding two sums along the path reaches 2^128. */
  | 'SUM_OVERFLOW'
  /** The manifest's leaf count does not fit its height. */
  | 'BAD_SHAPE'
  /** The path does not have exactly `height` steps. */
  | 'PATH_LENGTH'
  /** The leaf index is not below the leaf count. */
  | 'INDEX_OUT_OF_RANGE'
  /** The recomputed root hash is not the manifest's. */
  | 'ROOT_MISMATCH'
  /** The recomputed root sums are not the manifest's totals. */
  | 'TOTALS_MISMATCH';

/** A verification failure: a code and a sentence saying where. */
export interface VerifyFailure {
  code: VerifyFailureCode;
  message: string;
}

/** Options of {@link verifyProof}. */
export interface VerifyOptions {
  /** The exchange's published Ed25519 public key: the manifest must carry a valid signature by it. */
  publicKey?: Uint8Array;
  /** The previous manifest: the chain link is checked. */
  previous?: SignedManifest;
  /** SHA-256 implementation (default @noble/hashes). */
  hash?: Sha256;
}

/** What was checked about the manifest's signatures and chain. */
export interface ManifestCheck {
  failure?: VerifyFailure;
  /** Hex of the manifest hash (what the next manifest chains to and what is timestamped). */
  manifestHash: string;
  /** The keys whose signatures verified, with fingerprints. */
  signers: { publicKey: string; fingerprint: string }[];
  /** `verified` when --previous was checked; `first` when the manifest has no previous; else `unchecked`. */
  chain: 'verified' | 'first' | 'unchecked';
}

/** The result of verifying a proof. */
export interface VerifyResult extends ManifestCheck {
  valid: boolean;
  account: string;
  snapshotId: string;
  time: string;
  label?: string;
  balances: { symbol: string; decimals: number; units: string; amount: string }[];
}

/** Checks a decimal-string integer is an unsigned 128-bit value, or says why it is not one. */
export function checkU128(s: string, where: string): bigint | VerifyFailure {
  if (s.startsWith('-')) return { code: 'NEGATIVE_VALUE', message: `${where} is negative (${s})` };
  if (s.length > 1 && s.startsWith('0')) return { code: 'NON_CANONICAL_INTEGER', message: `${where} has leading zeros (${s})` };
  const v = BigInt(s);
  if (v >= U128_LIMIT) return { code: 'VALUE_TOO_LARGE', message: `${where} is 2^128 or more (${s})` };
  return v;
}

function isFailure(x: unknown): x is VerifyFailure {
  return typeof x === 'object' && x !== null && 'code' in x;
}

/**
 * Checks a manifest on its own: signatures (all present must verify; with `publicKey`, one must be
 * by that key), totals as unsigned 128-bit integers, leaf count within 2^height, and the chain
 * link when `previous` is given.
 */
export function verifyManifest(m: SignedManifest, options: VerifyOptions = {}): ManifestCheck {
  const hash = toHex(manifestHash(m));
  const signers = m.signatures.filter((s) => verifySignature(m, s)).map((s) => ({ publicKey: s.publicKey, fingerprint: keyFingerprint(fromHex(s.publicKey)) }));
  const chain: ManifestCheck['chain'] = options.previous ? 'verified' : m.previous === null ? 'first' : 'unchecked';
  const fail = (code: VerifyFailureCode, message: string): ManifestCheck => ({ failure: { code, message }, manifestHash: hash, signers, chain: chain === 'verified' ? 'unchecked' : chain });
  if (m.signatures.length === 0) return fail('MANIFEST_UNSIGNED', 'the manifest carries no signature');
  if (options.publicKey) {
    const expected = options.publicKey;
    const mine = m.signatures.filter((s) => sameKey(expected, s.publicKey));
    if (mine.length === 0) return fail('WRONG_KEY', `the manifest is not signed by the expected key ${keyFingerprint(expected)} (signed by ${m.signatures.map((s) => keyFingerprint(fromHex(s.publicKey))).join(', ')})`);
    if (!mine.every((s) => verifySignature(m, s))) return fail('BAD_SIGNATURE', `the signature by ${keyFingerprint(expected)} does not verify: the manifest was altered or the signature is forged`);
  } else if (signers.length !== m.signatures.length) {
    return fail('BAD_SIGNATURE', 'a manifest signature does not verify: the manifest was altered or the signature is forged');
  }
  for (const [i, a] of m.assets.entries()) {
    const v = checkU128(a.total, `the total of ${a.symbol} (assets[${i}].total)`);
    if (isFailure(v)) return fail(v.code, v.message);
  }
  if (m.leafCount < 1 || m.leafCount > 2 ** m.height) return fail('BAD_SHAPE', `${m.leafCount} leaves do not fit a tree of height ${m.height}`);
  if (options.previous) {
    const broken = chainProblem(m, options.previous);
    if (broken) return fail('CHAIN_BROKEN', broken);
  }
  return { manifestHash: hash, signers, chain };
}

/** Why `m` does not follow `previous`, or undefined when it does. */
export function chainProblem(m: ManifestBody, previous: SignedManifest): string | undefined {
  const prevHash = toHex(manifestHash(previous));
  if (m.previous === null) return `the manifest starts a new chain (previous is null) but a previous manifest ${prevHash.slice(0, 16)}… was given`;
  if (m.previous !== prevHash) return `the manifest's previous hash ${m.previous.slice(0, 16)}… is not the given previous manifest's hash ${prevHash.slice(0, 16)}…`;
  if (previous.signatures.length === 0 || !previous.signatures.every((s) => verifySignature(previous, s))) return 'the previous manifest\'s signature does not verify';
  if (m.sequence !== previous.sequence + 1) return `sequence ${m.sequence} does not follow the previous manifest's ${previous.sequence}`;
  if (!(Date.parse(m.time) > Date.parse(previous.time))) return `time ${m.time} is not after the previous manifest's ${previous.time}`;
  if (m.snapshotId === previous.snapshotId) return 'the snapshot id repeats the previous manifest\'s';
  return undefined;
}

/**
 * Writes a decimal-string integer as a big-endian u128 at `out[offset..+16)`, or says why it is
 * not an unsigned 128-bit integer in canonical form.
 */
function readAmount(s: string, where: string, out: Uint8Array, offset: number): VerifyFailure | undefined {
  if (s.charCodeAt(0) === 45) return { code: 'NEGATIVE_VALUE', message: `${where} is negative (${s})` };
  if (s.length > 1 && s.charCodeAt(0) === 48) return { code: 'NON_CANONICAL_INTEGER', message: `${where} has leading zeros (${s})` };
  if (parseAmountInto(s, 0, out, offset)) return { code: 'VALUE_TOO_LARGE', message: `${where} is 2^128 or more (${s})` };
  return undefined;
}

/** Writes lowercase hex (already checked) into `out` at `offset`. */
function hexInto(hex: string, out: Uint8Array, offset: number): void {
  for (let i = 0; i < hex.length; i += 2) {
    const hi = hex.charCodeAt(i);
    const lo = hex.charCodeAt(i + 1);
    out[offset + (i >> 1)] = ((hi <= 57 ? hi - 48 : hi - 87) << 4) | (lo <= 57 ? lo - 48 : lo - 87);
  }
}

/**
 * Checks the proof against a manifest assumed authentic: snapshot, assets, value ranges, path
 * length, index, then recomputes the leaf (with the uid hash of `proof.account`) and every node
 * up to the root, adding sums exactly (big-endian u128 words with carries) and refusing any sum
 * of 2^128 or more.
 */
export function verifyInclusion(proof: InclusionProof, m: ManifestBody, hash: Sha256 = nobleSha256): VerifyFailure | undefined {
  if (proof.snapshotId !== m.snapshotId) return { code: 'WRONG_SNAPSHOT', message: `the proof is for snapshot ${proof.snapshotId.slice(0, 16)}…, the manifest for ${m.snapshotId.slice(0, 16)}…` };
  const symbols = m.assets.map((a) => a.symbol);
  if (proof.assets.length !== symbols.length || proof.assets.some((s, i) => s !== symbols[i])) {
    return { code: 'ASSET_MISMATCH', message: `the proof lists assets ${proof.assets.join(',')}; the manifest ${symbols.join(',')} (same assets, same order)` };
  }
  const k = symbols.length;
  const r = HASH_BYTES + AMOUNT_BYTES * k;
  // msg = 0x01 || left record || right record; "mine" is the running node, "other" the sibling.
  const msg = new Uint8Array(1 + 2 * r);
  msg[0] = 0x01;
  const mine = new Uint8Array(r);
  const other = new Uint8Array(r);
  for (let i = 0; i < k; i++) {
    const f = readAmount(proof.balances[i]!, `the ${symbols[i]} balance`, mine, HASH_BYTES + i * AMOUNT_BYTES);
    if (f) return f;
  }
  if (proof.path.length !== m.height) return { code: 'PATH_LENGTH', message: `the path has ${proof.path.length} steps; the manifest's tree height is ${m.height}` };
  if (proof.index >= m.leafCount) return { code: 'INDEX_OUT_OF_RANGE', message: `leaf index ${proof.index} is not below the leaf count ${m.leafCount}` };
  for (const [l, step] of proof.path.entries()) {
    for (let i = 0; i < k; i++) {
      const f = readAmount(step.sums[i]!, `path[${l}] sum of ${symbols[i]}`, other, 0);
      if (f) return f;
    }
  }
  const snapshotId = fromHex(proof.snapshotId);
  const salt = fromHex(proof.salt);
  mine.set(leafHash(hash, snapshotId, proof.index, uidHash(hash, salt, utf8(proof.account)), salt, mine.subarray(HASH_BYTES)), 0);
  const mv = new DataView(mine.buffer);
  const ov = new DataView(other.buffer);
  let position = proof.index;
  for (const [l, step] of proof.path.entries()) {
    hexInto(step.hash, other, 0);
    for (let i = 0; i < k; i++) readAmount(step.sums[i]!, '', other, HASH_BYTES + i * AMOUNT_BYTES);
    const left = position % 2 === 0;
    msg.set(left ? mine : other, 1);
    msg.set(left ? other : mine, 1 + r);
    const parent = hash(msg);
    for (let i = 0; i < k; i++) {
      const o = HASH_BYTES + i * AMOUNT_BYTES;
      let carry = 0;
      for (let j = 12; j >= 0; j -= 4) {
        const sum = mv.getUint32(o + j) + ov.getUint32(o + j) + carry;
        carry = sum > 0xffff_ffff ? 1 : 0;
        mv.setUint32(o + j, sum >>> 0);
      }
      if (carry) return { code: 'SUM_OVERFLOW', message: `the ${symbols[i]} sum overflows 2^128 at path[${l}]` };
    }
    mine.set(parent, 0);
    position = Math.floor(position / 2);
  }
  const root = toHex(mine.subarray(0, HASH_BYTES));
  if (root !== m.root) return { code: 'ROOT_MISMATCH', message: `the path leads to root ${root.slice(0, 16)}…, not the manifest's root ${m.root.slice(0, 16)}…` };
  const sums = readSums(mine, HASH_BYTES, k);
  for (let i = 0; i < k; i++) {
    if (sums[i]!.toString() !== m.assets[i]!.total) return { code: 'TOTALS_MISMATCH', message: `the path adds up to ${sums[i]} ${symbols[i]} base units at the root; the manifest's total is ${m.assets[i]!.total}` };
  }
  return undefined;
}

/** Verifies a parsed proof against a parsed manifest: manifest checks first, then inclusion. */
export function verifyProof(proof: InclusionProof, m: SignedManifest, options: VerifyOptions = {}): VerifyResult {
  const check = verifyManifest(m, options);
  const failure = check.failure ?? verifyInclusion(proof, m, options.hash);
  return {
    valid: failure === undefined,
    ...check,
    ...(failure ? { failure } : {}),
    account: proof.account,
    snapshotId: proof.snapshotId,
    time: m.time,
    ...(m.label !== undefined ? { label: m.label } : {}),
    balances: proof.balances.map((units, i) => {
      const asset = m.assets.find((a) => a.symbol === proof.assets[i]);
      const decimals = asset?.decimals ?? 0;
      return { symbol: proof.assets[i]!, decimals, units, amount: /^[0-9]+$/.test(units) ? formatAmount(BigInt(units), decimals) : units };
    }),
  };
}
