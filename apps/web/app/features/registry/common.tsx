/**
 * Shared pieces of the registry pages: the state badge of a certificate, a CLI command block, the
 * link to the public registry (server-rendered HTML: a plain <a>, never the in-app router), and the
 * parsing of a pasted signature. None of this ever touches a private key: keys are made and used by
 * `keygrade cert keygen` / `keygrade cert sign` on the auditor's own machine.
 */
import type { ReactNode } from 'react';
import type { CertificatePredicate, CertificateState, CertificateStatus } from '../../api/types';
import { formatDate } from '../../components/ui';
import { useI18n, type MessageKey } from '../../i18n/i18n';

/** 64 lower-case hex digits: an Ed25519 public key or a key id (also what a key file holds). */
export const HEX64 = /^[0-9a-f]{64}$/;

/** The public registry's search page: served by the server, outside the React app. */
export const REGISTRY_PATH = '/registry';

export function StateBadge({ status }: { status: CertificateStatus | { state: CertificateState } }) {
  const { t } = useI18n();
  return <span className={`tag cert-state cert-${status.state}`}>{t(`cert.state.${status.state}` as MessageKey)}</span>;
}

/** The state with when and why (revoked, suspended), or by which certificate it was superseded. */
export function StateLine({ status }: { status: CertificateStatus }) {
  const { t, lang } = useI18n();
  return (
    <span className="cert-state-line">
      <StateBadge status={status} />
      {status.state === 'revoked' || status.state === 'suspended' ? ` ${t('cert.since', { date: formatDate(status.since, lang) })}${status.reason ? `: ${status.reason}` : ''}` : null}
      {status.state === 'superseded' && status.supersededBy ? (
        <>
          {' '}
          {t('cert.supersededBy')} <a href={`/registry/certificates/${encodeURIComponent(status.supersededBy)}`}>{status.supersededBy}</a>
        </>
      ) : null}
      {status.state === 'expired' ? ` ${t('cert.since', { date: formatDate(status.since, lang) })}` : null}
    </span>
  );
}

/** A shell command to run on one's own machine, selectable as one block. */
export function Command({ children, label }: { children: ReactNode; label: string }) {
  return (
    <pre className="command" aria-label={label} tabIndex={0}>
      <code>{children}</code>
    </pre>
  );
}

/** The statement's predicate (the JSON text the server built), or null if it cannot be read. */
export function predicateOf(statement: string): CertificatePredicate | null {
  try {
    return (JSON.parse(statement) as { predicate?: CertificatePredicate }).predicate ?? null;
  } catch {
    return null;
  }
}

export type ParsedSignature = { ok: true; keyid: string; sig: string } | { ok: false; problem: 'empty' | 'looksLikeKey' | 'notJson' | 'shape' };

/**
 * The signature `{"keyid","sig"}` that `keygrade cert sign` prints, from what the signer pasted:
 * the JSON line alone or the command's whole output (its last JSON line is taken). A bare 64-hex
 * string is refused without being sent: it is a key (maybe the private key file), not a signature.
 */
export function parseSignature(text: string): ParsedSignature {
  const s = text.trim();
  if (!s) return { ok: false, problem: 'empty' };
  if (/^[0-9a-fA-F]{64}$/.test(s) || (!s.includes('{') && /\b[0-9a-fA-F]{64}\b/.test(s))) return { ok: false, problem: 'looksLikeKey' };
  const candidates = [s, ...s.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.startsWith('{')).reverse()];
  for (const c of candidates) {
    let v: unknown;
    try {
      v = JSON.parse(c);
    } catch {
      continue;
    }
    const o = v as { keyid?: unknown; sig?: unknown };
    if (o && typeof o === 'object' && typeof o.keyid === 'string' && typeof o.sig === 'string' && HEX64.test(o.keyid) && /^[A-Za-z0-9+/]+={0,2}$/.test(o.sig)) return { ok: true, keyid: o.keyid, sig: o.sig };
    return { ok: false, problem: 'shape' };
  }
  return { ok: false, problem: 'notJson' };
}

/** SHA-256 of a hex public key, as the key id the server derives (null without WebCrypto, e.g. plain http). */
export async function keyIdOfHex(publicKeyHex: string): Promise<string | null> {
  if (!HEX64.test(publicKeyHex) || !globalThis.crypto?.subtle) return null;
  const bytes = new Uint8Array(publicKeyHex.match(/../g)!.map((h) => parseInt(h, 16)));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A key id in full (keys are compared digit by digit), wrapping anywhere on small screens. */
export function KeyId({ keyid }: { keyid: string }) {
  return <code className="keyid">{keyid}</code>;
}
