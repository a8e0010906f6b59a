/**
 * Verifying an OpenTimestamps proof offline: replay the operations from the digest to each
 * attestation; at a Bitcoin attestation, take the header at that height from the configured
 * source, check its proof of work, and check that the commitment equals the header's merkle
 * root (internal byte order). The attested time is the block's time: the digest existed before it.
 *
 * Verdict: `invalid` when the digest is not the one given or any checked Bitcoin attestation
 * fails (a broken attestation is a sign of tampering, even next to a good one); else `verified`
 * when at least one Bitcoin attestation verifies; else `pending` when a calendar attestation
 * awaits a block; else `unverified` (headers missing, or only attestations Keygrade cannot check).
 */
import { bytesEqual, toHex } from '../bytes.js';
import { AttestError, type AttestErrorCode } from '../errors.js';
import { checkProofOfWork, displayHash, parseBlockHeader, type BitcoinNetwork } from './bitcoin.js';
import type { BlockHeaderSource } from './headers.js';
import { opToString } from './ops.js';
import { attestationPaths, describeAttestation, type TimestampFile } from './timestamp.js';

export interface VerifyTimestampOptions {
  /** The digest the caller expects (e.g. SHA-256 of their file). Unchecked when absent. */
  readonly digest?: Uint8Array;
  /** Which network's proof-of-work limit applies (default mainnet). */
  readonly network?: BitcoinNetwork;
}

export type AttestationOutcome =
  | { readonly status: 'verified'; readonly height: number; readonly time: number; readonly blockHash: string }
  | { readonly status: 'failed' | 'unchecked'; readonly code: AttestErrorCode; readonly message: string; readonly height: number }
  | { readonly status: 'pending'; readonly uri: string }
  | { readonly status: 'unknown' };

export interface AttestationReport {
  readonly description: string;
  /** The message the attestation commits to (hex). */
  readonly commitment: string;
  readonly path: readonly string[];
  readonly outcome: AttestationOutcome;
}

export interface TimestampVerification {
  readonly result: 'verified' | 'invalid' | 'pending' | 'unverified';
  /** Why the result is not `verified`. */
  readonly failure?: { readonly code: AttestErrorCode; readonly message: string };
  readonly hashOp: string;
  readonly digest: string;
  /** True when the caller gave the digest and it matched. */
  readonly digestChecked: boolean;
  readonly attestations: readonly AttestationReport[];
  /** The earliest verified Bitcoin attestation. */
  readonly attested?: { readonly height: number; readonly time: number; readonly blockHash: string };
}

/**
 * Verifies a parsed `.ots` file against block headers. Never throws for a proof that does not
 * verify (see `result` and `failure`); only a failing header source throws.
 *
 * @example const v = await verifyTimestampFile(parseTimestampFile(bytes), HeadersFileSource.parse(text), { digest });
 */
export async function verifyTimestampFile(file: TimestampFile, source: BlockHeaderSource, options: VerifyTimestampOptions = {}): Promise<TimestampVerification> {
  const base = { hashOp: file.hashOp, digest: toHex(file.digest), digestChecked: false };
  if (options.digest !== undefined && !bytesEqual(options.digest, file.digest)) {
    const failure = { code: 'OTS_DIGEST_MISMATCH' as const, message: `the proof is for digest ${toHex(file.digest)}, not ${toHex(options.digest)}` };
    return { ...base, result: 'invalid', failure, attestations: [] };
  }
  const digestChecked = options.digest !== undefined;
  let paths;
  try {
    paths = attestationPaths(file.timestamp, file.digest);
  } catch (e) {
    if (!(e instanceof AttestError)) throw e;
    return { ...base, digestChecked, result: 'invalid', failure: { code: e.code, message: e.message }, attestations: [] };
  }
  const attestations: AttestationReport[] = [];
  for (const p of paths) {
    const a = p.attestation;
    let outcome: AttestationOutcome;
    if (a.kind === 'pending') outcome = { status: 'pending', uri: a.uri };
    else if (a.kind === 'unknown') outcome = { status: 'unknown' };
    else outcome = await checkBitcoin(p.commitment, a.height, source, options.network ?? 'mainnet');
    attestations.push({ description: describeAttestation(a), commitment: toHex(p.commitment), path: p.path.map(opToString), outcome });
  }
  const outcomes = attestations.map((a) => a.outcome);
  const failed = outcomes.find((o) => o.status === 'failed');
  const verified = outcomes.flatMap((o) => (o.status === 'verified' ? [o] : [])).sort((x, y) => x.height - y.height)[0];
  const unchecked = outcomes.find((o) => o.status === 'unchecked');
  const common = { ...base, digestChecked, attestations };
  if (failed && failed.status === 'failed') return { ...common, result: 'invalid', failure: { code: failed.code, message: failed.message } };
  if (verified) return { ...common, result: 'verified', attested: { height: verified.height, time: verified.time, blockHash: verified.blockHash } };
  if (outcomes.some((o) => o.status === 'pending')) {
    return { ...common, result: 'pending', failure: { code: 'OTS_PENDING', message: 'only pending calendar attestations: not yet in a Bitcoin block; upgrade the proof later' } };
  }
  if (unchecked && unchecked.status === 'unchecked') return { ...common, result: 'unverified', failure: { code: unchecked.code, message: unchecked.message } };
  return { ...common, result: 'unverified', failure: { code: 'OTS_NO_ATTESTATION', message: 'no attestation Keygrade can verify (only unknown kinds)' } };
}

async function checkBitcoin(commitment: Uint8Array, height: number, source: BlockHeaderSource, network: BitcoinNetwork): Promise<AttestationOutcome> {
  const raw = await source.headerAt(height);
  if (raw === undefined) return { status: 'unchecked', code: 'OTS_HEADER_MISSING', message: `the ${source.name} has no header for block ${height}`, height };
  try {
    const header = parseBlockHeader(raw);
    checkProofOfWork(header, network);
    if (commitment.length !== 32 || !bytesEqual(commitment, header.merkleRoot)) {
      throw new AttestError('OTS_COMMITMENT_MISMATCH', `the commitment ${toHex(commitment)} is not the merkle root ${toHex(header.merkleRoot)} of block ${height}`);
    }
    return { status: 'verified', height, time: header.time, blockHash: displayHash(header.hash) };
  } catch (e) {
    if (!(e instanceof AttestError)) throw e;
    return { status: 'failed', code: e.code, message: e.message, height };
  }
}
