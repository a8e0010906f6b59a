/**
 * The snapshot manifest: what the exchange publishes and signs. Its body (everything but
 * `signatures`) is canonical JSON (RFC 8785); each signature is Ed25519 (RFC 8032, strict:
 * `zip215: false`) over the DSSE pre-authentication encoding of that body, so a manifest
 * signature can never be replayed as another Keygrade statement.
 *
 * The manifest hash, SHA-256 of the canonical body, is what the next manifest's `previous`
 * holds (the chain) and what gets timestamped (OpenTimestamps / RFC 3161 stamp this digest).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { canonicalJsonBytes } from '@keygrade/tlog';
import { checkAssets, type Asset } from './amount.js';
import { bytesEqual, concat, fromHex, isHex, toHex, utf8 } from './bytes.js';
import { ReservesError } from './errors.js';
import { Reader } from './schema.js';
import type { TreeSummary } from './tree.js';

/** The manifest format this version writes and reads. */
export const MANIFEST_SCHEME = 'keygrade-por-manifest/v1';
/** DSSE payload type of a signed manifest body. */
export const MANIFEST_PAYLOAD_TYPE = 'application/vnd.keygrade.por-manifest.v1+json';

/** An asset of the snapshot with its total liabilities in base units. */
export interface ManifestAsset extends Asset {
  total: string;
}

/** The signed part of a manifest. */
export interface ManifestBody {
  scheme: typeof MANIFEST_SCHEME;
  /** Hex of the 32-byte snapshot id, bound into every leaf. */
  snapshotId: string;
  /** 0 for the first snapshot, previous + 1 after. */
  sequence: number;
  /** When the balances were taken (ISO 8601, UTC). */
  time: string;
  /** Optional human label, e.g. "2026-11 month end". */
  label?: string;
  /** Assets in leaf order, with decimals and totals. */
  assets: ManifestAsset[];
  /** Tree height: every proof path has exactly this many steps. */
  height: number;
  /** Leaves, padding included. */
  leafCount: number;
  /** Hex of the root hash. */
  root: string;
  /** Manifest hash of the previous snapshot, or null for the first one. */
  previous: string | null;
}

/** One Ed25519 signature over the body. */
export interface ManifestSignature {
  /** Hex of the 32-byte Ed25519 public key. */
  publicKey: string;
  /** Hex of the 64-byte signature. */
  sig: string;
}

/** A manifest as published. */
export interface SignedManifest extends ManifestBody {
  signatures: ManifestSignature[];
}

/** Fields of {@link manifestBody} the tree does not know. */
export interface ManifestContext {
  time: Date | string;
  label?: string;
  /** The previous snapshot's manifest, to chain to. */
  previous?: ManifestBody;
}

/** The manifest body of a built tree. */
export function manifestBody(tree: TreeSummary, ctx: ManifestContext): ManifestBody {
  const totals = tree.totals;
  const time = typeof ctx.time === 'string' ? ctx.time : ctx.time.toISOString().replace(/\.000Z$/, 'Z');
  return {
    scheme: MANIFEST_SCHEME,
    snapshotId: toHex(tree.snapshotId),
    sequence: ctx.previous ? ctx.previous.sequence + 1 : 0,
    time,
    ...(ctx.label ? { label: ctx.label } : {}),
    assets: tree.accounts.assets.map((a, i) => ({ symbol: a.symbol, decimals: a.decimals, total: totals[i]!.toString() })),
    height: tree.height,
    leafCount: tree.leafCount,
    root: toHex(tree.root),
    previous: ctx.previous ? toHex(manifestHash(ctx.previous)) : null,
  };
}

/** The body of a manifest (drops `signatures`). */
export function bodyOf(m: ManifestBody | SignedManifest): ManifestBody {
  const { signatures: _drop, ...body } = m as SignedManifest;
  void _drop;
  return body;
}

/** SHA-256 of the canonical body: the manifest's identity in the chain and for timestamps. */
export function manifestHash(m: ManifestBody | SignedManifest): Uint8Array {
  return sha256(canonicalJsonBytes(bodyOf(m)));
}

/** DSSE v1 pre-authentication encoding: "DSSEv1" SP len(type) SP type SP len(body) SP body. */
export function pae(payloadType: string, body: Uint8Array): Uint8Array {
  const type = utf8(payloadType);
  return concat(utf8(`DSSEv1 ${type.length} `), type, utf8(` ${body.length} `), body);
}

/** The bytes a manifest signature covers. */
export function signedBytes(m: ManifestBody | SignedManifest): Uint8Array {
  return pae(MANIFEST_PAYLOAD_TYPE, canonicalJsonBytes(bodyOf(m)));
}

/** The Ed25519 public key of a 32-byte secret key (seed). */
export function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  if (secretKey.length !== 32) throw new ReservesError('RESERVES_BAD_KEY', 'an Ed25519 secret key is 32 bytes');
  return ed25519.getPublicKey(secretKey);
}

/** A short fingerprint of a public key for people to compare: the first 16 hex digits of its SHA-256. */
export function keyFingerprint(publicKey: Uint8Array): string {
  return toHex(sha256(publicKey)).slice(0, 16);
}

/** Signs a manifest body (adds to any signatures it already has). */
export function signManifest(m: ManifestBody | SignedManifest, secretKey: Uint8Array): SignedManifest {
  const publicKey = publicKeyOf(secretKey);
  const sig = ed25519.sign(signedBytes(m), secretKey);
  const existing = (m as Partial<SignedManifest>).signatures ?? [];
  return { ...bodyOf(m), signatures: [...existing, { publicKey: toHex(publicKey), sig: toHex(sig) }] };
}

/** Strict RFC 8032 verification of one signature (non-canonical encodings and small-order keys fail). */
export function verifySignature(m: ManifestBody | SignedManifest, s: ManifestSignature): boolean {
  if (!isHex(s.publicKey, 32) || !isHex(s.sig, 64)) return false;
  try {
    return ed25519.verify(fromHex(s.sig), signedBytes(m), fromHex(s.publicKey), { zip215: false });
  } catch {
    return false;
  }
}

/** Whether two public keys are the same. */
export function sameKey(a: Uint8Array, hex: string): boolean {
  return isHex(hex, 32) && bytesEqual(a, fromHex(hex));
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** Reads an untrusted value as a signed manifest (shape only); throws RESERVES_BAD_MANIFEST naming every bad field. */
export function parseManifest(value: unknown, file?: string): SignedManifest {
  const r = new Reader(file);
  const o = r.object(value, '', ['scheme', 'snapshotId', 'sequence', 'time', 'label?', 'assets', 'height', 'leafCount', 'root', 'previous', 'signatures']);
  if (o) {
    if (o.scheme !== MANIFEST_SCHEME) r.problem('scheme', `must be "${MANIFEST_SCHEME}" (this verifier reads no other version)`);
    r.hex(o.snapshotId, 'snapshotId', 32);
    r.count(o.sequence, 'sequence');
    const time = r.string(o.time, 'time');
    if (time !== undefined && (!ISO_UTC.test(time) || Number.isNaN(Date.parse(time)))) r.problem('time', 'must be an ISO 8601 UTC time such as 2026-11-30T23:59:59Z');
    if (o.label !== undefined) r.string(o.label, 'label');
    const assets = r.array(o.assets, 'assets', 64);
    assets?.forEach((a, i) => {
      const x = r.object(a, `assets[${i}]`, ['symbol', 'decimals', 'total']);
      if (!x) return;
      r.string(x.symbol, `assets[${i}].symbol`);
      r.count(x.decimals, `assets[${i}].decimals`);
      r.integer(x.total, `assets[${i}].total`);
    });
    if (assets && r.problems.length === 0) {
      try {
        checkAssets(assets as Asset[]);
      } catch (e) {
        r.problem('assets', (e as Error).message);
      }
    }
    const height = r.count(o.height, 'height');
    if (height !== undefined && (height < 1 || height > 40)) r.problem('height', 'must be from 1 to 40');
    r.count(o.leafCount, 'leafCount');
    r.hex(o.root, 'root', 32);
    if (o.previous !== null) r.hex(o.previous, 'previous', 32);
    const sigs = r.array(o.signatures, 'signatures', 16);
    sigs?.forEach((s, i) => {
      const x = r.object(s, `signatures[${i}]`, ['publicKey', 'sig']);
      if (!x) return;
      r.hex(x.publicKey, `signatures[${i}].publicKey`, 32);
      r.hex(x.sig, `signatures[${i}].sig`, 64);
    });
  }
  if (r.problems.length > 0) throw new ReservesError('RESERVES_BAD_MANIFEST', `${file ?? 'the manifest'} is not a valid Keygrade manifest`, { problems: r.problems });
  return value as SignedManifest;
}
