/**
 * The inclusion proof a customer receives: versioned (`scheme`), canonical JSON (RFC 8785), hex
 * for bytes, decimal strings for integers (FORMATS.md, "Proof of reserves").
 */
import { ReservesError } from './errors.js';
import { Reader } from './schema.js';

/** The proof format this version writes and reads. */
export const PROOF_SCHEME = 'keygrade-por-proof/v1';

/** One step of the path: the sibling's hash and per-asset sums. */
export interface PathStep {
  hash: string;
  sums: string[];
}

/** A customer's inclusion proof. */
export interface InclusionProof {
  scheme: typeof PROOF_SCHEME;
  /** Hex of the 32-byte snapshot id (must equal the manifest's). */
  snapshotId: string;
  /** The customer's user id, as the exchange knows it; the uid hash is recomputed from it. */
  account: string;
  /** Hex of this leaf's 32-byte salt. */
  salt: string;
  /** Leaf position in the tree (after shuffling). */
  index: number;
  /** Asset symbols in tree order (must equal the manifest's). */
  assets: string[];
  /** The customer's balances in base units, in asset order. */
  balances: string[];
  /** Siblings from the leaf level up to just below the root: exactly `height` steps. */
  path: PathStep[];
}

/** Reads an untrusted value as a proof (shape only); throws RESERVES_BAD_PROOF naming every bad field. */
export function parseProof(value: unknown, file?: string): InclusionProof {
  const r = new Reader(file);
  const o = r.object(value, '', ['scheme', 'snapshotId', 'account', 'salt', 'index', 'assets', 'balances', 'path']);
  if (o) {
    if (o.scheme !== PROOF_SCHEME) r.problem('scheme', `must be "${PROOF_SCHEME}" (this verifier reads no other version)`);
    r.hex(o.snapshotId, 'snapshotId', 32);
    const account = r.string(o.account, 'account');
    if (account === '') r.problem('account', 'must not be empty');
    r.hex(o.salt, 'salt', 32);
    r.count(o.index, 'index');
    const assets = r.array(o.assets, 'assets', 64);
    assets?.forEach((a, i) => r.string(a, `assets[${i}]`));
    const balances = r.array(o.balances, 'balances', 64);
    balances?.forEach((b, i) => r.integer(b, `balances[${i}]`));
    if (assets && balances && assets.length !== balances.length) r.problem('balances', `has ${balances.length} entries for ${assets.length} assets`);
    const path = r.array(o.path, 'path', 64);
    path?.forEach((step, i) => {
      const s = r.object(step, `path[${i}]`, ['hash', 'sums']);
      if (!s) return;
      r.hex(s.hash, `path[${i}].hash`, 32);
      const sums = r.array(s.sums, `path[${i}].sums`, 64);
      sums?.forEach((x, j) => r.integer(x, `path[${i}].sums[${j}]`));
      if (sums && assets && sums.length !== assets.length) r.problem(`path[${i}].sums`, `has ${sums.length} entries for ${assets.length} assets`);
    });
  }
  if (r.problems.length > 0) throw new ReservesError('RESERVES_BAD_PROOF', `${file ?? 'the proof'} is not a valid Keygrade proof`, { problems: r.problems });
  return value as InclusionProof;
}
