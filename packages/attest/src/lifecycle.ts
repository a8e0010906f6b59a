/**
 * Certificate lifecycle as a pure function over the registry's events and a time: no clock, no
 * storage. The events are the registry log's entries in log order; the state of a certificate
 * at time `at` is a fold over the events dated at or before `at`.
 *
 * Precedence when several apply: revoked > superseded > expired > suspended > active. A
 * revocation is final and says the audit should not be relied on, so it shows even after expiry
 * or supersession; a suspension is temporary and no longer matters once the certificate expired.
 */
import { AttestError } from './errors.js';
import { isInstant } from './statement.js';

/** One registry event about a certificate. `at` is an RFC 3339 UTC instant. */
export type CertificateEvent =
  | { readonly type: 'issued'; readonly certificateId: string; readonly at: string; readonly validUntil: string; readonly supersedes?: string }
  | { readonly type: 'suspended'; readonly certificateId: string; readonly at: string; readonly reason: string }
  | { readonly type: 'reinstated'; readonly certificateId: string; readonly at: string }
  | { readonly type: 'revoked'; readonly certificateId: string; readonly at: string; readonly reason: string };

export type CertificateState = 'active' | 'expired' | 'suspended' | 'revoked' | 'superseded';

/** A certificate's state at a time, with what explains it. */
export interface CertificateStatus {
  /** `unknown` when no issuance of this certificate is dated at or before the time asked. */
  readonly state: CertificateState | 'unknown';
  /** When the certificate entered this state. */
  readonly since?: string;
  /** The reason given for a revocation or suspension. */
  readonly reason?: string;
  /** The certificate that replaced this one. */
  readonly supersededBy?: string;
  readonly issuedAt?: string;
  readonly validUntil?: string;
}

interface Track {
  issuedAt: string;
  validUntil: string;
  suspended?: { at: string; reason: string };
  revoked?: { at: string; reason: string };
  superseded?: { at: string; by: string };
}

/**
 * The state of `certificateId` at `at`. Throws CERT_LIFECYCLE_INVALID (naming the event index)
 * for an inconsistent history: out-of-order times, a second issuance, an event before issuance,
 * a suspension of a certificate that is not active, a reinstatement of one that is not suspended,
 * a second revocation, or a supersession of an unknown certificate.
 *
 * @example certificateStatus('KG-1', events, new Date()) // { state: 'revoked', since: '…', reason: 'key compromise' }
 */
export function certificateStatus(certificateId: string, events: readonly CertificateEvent[], at: Date): CertificateStatus {
  const tracks = replay(events, at.getTime());
  const t = tracks.get(certificateId);
  if (!t) return { state: 'unknown' };
  const dates = { issuedAt: t.issuedAt, validUntil: t.validUntil };
  if (t.revoked) return { state: 'revoked', since: t.revoked.at, reason: t.revoked.reason, ...dates };
  if (t.superseded) return { state: 'superseded', since: t.superseded.at, supersededBy: t.superseded.by, ...dates };
  if (at.getTime() >= Date.parse(t.validUntil)) return { state: 'expired', since: t.validUntil, ...dates };
  if (t.suspended) return { state: 'suspended', since: t.suspended.at, reason: t.suspended.reason, ...dates };
  return { state: 'active', since: t.issuedAt, ...dates };
}

function replay(events: readonly CertificateEvent[], until: number): Map<string, Track> {
  const tracks = new Map<string, Track>();
  let last = -Infinity;
  events.forEach((e, i) => {
    const bad = (why: string): AttestError => new AttestError('CERT_LIFECYCLE_INVALID', `event ${i} (${e.type} ${e.certificateId}): ${why}`);
    if (!isInstant(e.at)) throw bad('at must be an RFC 3339 UTC instant');
    const time = Date.parse(e.at);
    if (time < last) throw bad('events are not in time order');
    last = time;
    if (time > until) return;
    const t = tracks.get(e.certificateId);
    if (e.type === 'issued') {
      if (t) throw bad('the certificate was already issued');
      if (!isInstant(e.validUntil) || Date.parse(e.validUntil) <= time) throw bad('validUntil must be an instant after the issuance');
      if (e.supersedes !== undefined) {
        const old = tracks.get(e.supersedes);
        if (!old) throw bad(`supersedes unknown certificate ${e.supersedes}`);
        if (!old.superseded) old.superseded = { at: e.at, by: e.certificateId };
      }
      tracks.set(e.certificateId, { issuedAt: e.at, validUntil: e.validUntil });
      return;
    }
    if (!t) throw bad('no issuance of this certificate before this event');
    if (e.type === 'revoked') {
      if (t.revoked) throw bad('the certificate is already revoked');
      if (e.reason.trim() === '') throw bad('a revocation states its reason');
      t.revoked = { at: e.at, reason: e.reason };
    } else if (e.type === 'suspended') {
      if (t.revoked || t.superseded || t.suspended || time >= Date.parse(t.validUntil)) throw bad('only an active certificate can be suspended');
      if (e.reason.trim() === '') throw bad('a suspension states its reason');
      t.suspended = { at: e.at, reason: e.reason };
    } else {
      if (!t.suspended || t.revoked) throw bad('only a suspended certificate can be reinstated');
      delete t.suspended;
    }
  });
  return tracks;
}
