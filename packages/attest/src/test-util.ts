/** Test fixtures: deterministic keys, a valid predicate, a trust policy, node:crypto Ed25519. */
import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { ed25519Signer, keyIdOf, parseTrustPolicy, trustedKeyJson, type Signer, type SignerRole } from './keys.js';
import type { CertificatePredicate } from './statement.js';

export const seed = (n: number): Uint8Array => new Uint8Array(32).fill(n);
export const auditor = ed25519Signer(seed(1));
export const reviewer = ed25519Signer(seed(2));
export const operator = ed25519Signer(seed(3));
export const stranger = ed25519Signer(seed(4));
export const REPORT_SHA256 = 'a'.repeat(64);

export function predicate(over: Partial<CertificatePredicate> = {}): CertificatePredicate {
  return {
    certificateId: 'KG-2026-0001',
    organization: { name: 'Acme Custody', id: 'acme' },
    system: { name: 'Cold storage', id: 'cold' },
    edition: 'ccss-v9',
    level: 2,
    aspectLevels: { '1.01': 2, '1.02': 3 },
    period: { start: '2026-01-01', end: '2026-06-30' },
    auditor: { name: 'Ada Auditor', firm: 'Audit & Co', keyid: auditor.keyid },
    peerReviewer: { name: 'Rita Reviewer', firm: 'Review LLP', keyid: reviewer.keyid },
    issuedAt: '2026-07-15T12:00:00Z',
    validUntil: '2027-07-15T12:00:00Z',
    ...over,
  };
}

export function trustJson(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    keys: [trustedKeyJson('Ada Auditor', 'auditor', auditor.publicKey), trustedKeyJson('Rita Reviewer', 'peer-reviewer', reviewer.publicKey), trustedKeyJson('Op', 'operator', operator.publicKey)],
    threshold: 2,
    requiredRoles: ['auditor', 'peer-reviewer'] satisfies SignerRole[],
    ...extra,
  };
}

export const policy = parseTrustPolicy(trustJson());

const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

/** A Signer backed by node:crypto (OpenSSL), for cross-implementation tests. */
export function nodeSigner(s: Uint8Array): Signer & { publicKey: Uint8Array } {
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, s]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  const publicKey = new Uint8Array(spki.subarray(spki.length - 32));
  return { keyid: keyIdOf(publicKey), publicKey, sign: (m) => new Uint8Array(nodeSign(null, m, key)) };
}

/** node:crypto verification of an Ed25519 signature. */
export function nodeVerifyEd25519(publicKey: Uint8Array, message: Uint8Array, sig: Uint8Array): boolean {
  return nodeVerify(null, message, createPublicKey({ key: Buffer.concat([SPKI_ED25519, publicKey]), format: 'der', type: 'spki' }), sig);
}
