/**
 * Release manifests (CCSS 1.01 Level II: the software's signature is validated before each
 * execution): the SHA-256 of every installed file the CLI loads, signed with the release key.
 * Pure: reading the files is in `./node`.
 *
 * Format `keygrade-release-manifest/v1` (JSON):
 *   { format, name, version, createdAt, files: { "<path>": "<sha256 hex>" }, signatures: [{ keyId, publicKey, signature }] }
 * Each signature is Ed25519 over "keygrade-release-manifest/v1\n" || JCS(manifest without `signatures`).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { canonicalJson } from '@keygrade/tlog';
import { fromHex, isHex, toHex, utf8 } from './bytes.js';
import { CeremonyError } from './errors.js';
import { ed25519PublicKey, keyId, signedBytes, signHex, verifyHex } from './signing.js';

export const MANIFEST_FORMAT = 'keygrade-release-manifest/v1';

/** Path (relative to the install root, `/`-separated) → SHA-256 hex. */
export type FileHashes = Record<string, string>;

export interface ManifestBody {
  format: typeof MANIFEST_FORMAT;
  name: string;
  version: string;
  createdAt: string;
  files: FileHashes;
}

export interface ManifestSignature {
  keyId: string;
  publicKey: string;
  signature: string;
}

export interface ReleaseManifest extends ManifestBody {
  signatures: ManifestSignature[];
}

/** The SHA-256 digest of a set of files: of the canonical JSON of the path → hash map. */
export function filesDigest(files: FileHashes): string {
  return toHex(sha256(utf8(canonicalJson(files))));
}

function bodyOf(m: ManifestBody): ManifestBody {
  return { format: m.format, name: m.name, version: m.version, createdAt: m.createdAt, files: m.files };
}

/** Signs a manifest body with an Ed25519 secret key (adds to any signatures already there). */
export function signManifest(m: ManifestBody | ReleaseManifest, secretKey: Uint8Array): ReleaseManifest {
  const pub = ed25519PublicKey(secretKey);
  const sig: ManifestSignature = { keyId: keyId(pub), publicKey: toHex(pub), signature: signHex(signedBytes(MANIFEST_FORMAT, bodyOf(m)), secretKey) };
  return { ...bodyOf(m), signatures: [...('signatures' in m ? m.signatures : []), sig] };
}

/**
 * Parses a manifest defensively (it is read from disk, where anyone with write access may have
 * changed it) and lists every structural problem at once.
 */
export function parseManifest(text: string): ReleaseManifest {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new CeremonyError('MANIFEST_INVALID', `the release manifest is not JSON: ${(e as Error).message}`);
  }
  const problems: string[] = [];
  const m = v as Partial<ReleaseManifest> | null;
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new CeremonyError('MANIFEST_INVALID', 'the release manifest is not a JSON object');
  if (m.format !== MANIFEST_FORMAT) problems.push(`format: expected "${MANIFEST_FORMAT}"`);
  for (const k of ['name', 'version', 'createdAt'] as const) if (typeof m[k] !== 'string') problems.push(`${k}: expected a string`);
  if (typeof m.files !== 'object' || m.files === null || Array.isArray(m.files)) problems.push('files: expected an object of path → sha256');
  else for (const [p, h] of Object.entries(m.files)) if (!isHex(h, 32)) problems.push(`files."${p}": expected 64 lowercase hex digits`);
  if (!Array.isArray(m.signatures)) problems.push('signatures: expected an array');
  if (problems.length > 0) throw new CeremonyError('MANIFEST_INVALID', 'the release manifest is malformed', { problems: problems.map((message) => ({ message })) });
  return m as ReleaseManifest;
}

/** The result of checking a manifest's signatures against trusted keys. */
export interface SignatureCheck {
  /** Key ids of trusted keys with a valid signature. */
  validTrusted: string[];
  /** Key ids of signatures that do not verify or are by keys not trusted. */
  invalid: string[];
  untrusted: string[];
}

/** Checks every signature; a manifest is authentic when `validTrusted` is not empty. */
export function checkManifestSignatures(m: ReleaseManifest, trustedPublicKeys: readonly Uint8Array[]): SignatureCheck {
  const trusted = new Set(trustedPublicKeys.map(toHex));
  const msg = signedBytes(MANIFEST_FORMAT, bodyOf(m));
  const r: SignatureCheck = { validTrusted: [], invalid: [], untrusted: [] };
  for (const s of m.signatures) {
    const id = typeof s?.keyId === 'string' ? s.keyId : '?';
    if (!verifyHex(msg, s?.signature, s?.publicKey) || !isHex(s.publicKey, 32) || keyId(fromHex(s.publicKey)) !== s.keyId) r.invalid.push(id);
    else if (!trusted.has(s.publicKey)) r.untrusted.push(id);
    else r.validTrusted.push(id);
  }
  return r;
}

/** Files the manifest lists that are absent, differ, or are installed but not listed. */
export interface FileComparison {
  missing: string[];
  changed: string[];
  extra: string[];
  matched: number;
}

/** Compares the manifest's files with what is installed. */
export function compareFiles(expected: FileHashes, actual: FileHashes): FileComparison {
  const r: FileComparison = { missing: [], changed: [], extra: [], matched: 0 };
  for (const [p, h] of Object.entries(expected)) {
    const a = actual[p];
    if (a === undefined) r.missing.push(p);
    else if (a !== h) r.changed.push(p);
    else r.matched++;
  }
  for (const p of Object.keys(actual)) if (!(p in expected)) r.extra.push(p);
  for (const l of [r.missing, r.changed, r.extra]) l.sort();
  return r;
}
