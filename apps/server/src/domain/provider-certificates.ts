/**
 * Service-provider certificates checked against this instance's registry (issue 10, item 5). A
 * provider entry names its certificate by `reference`; when that reference is the id of a
 * certificate published in this Keygrade's registry, the registry is the authority: its lifecycle
 * (revocation, suspension, supersession, expiry) decides until when the provider counts, and what
 * the entry claims (level, dates) is compared with what was issued. A reference the registry does
 * not know is left to the entry and its uploaded evidence (checked offline with `keygrade cert verify`).
 */
import type { Kysely } from 'kysely';
import { certificateStatus, type CertificateStatus } from '@keygrade/attest';
import type { ServiceProvider } from '@keygrade/compliance';
import { certificateEvents, getCertificate, type CertificateRow, type Database } from '@keygrade/db';
import { lifecycleEvents } from '../routes/registry.js';

/** What the registry says of one provider's certificate. */
export interface ProviderRegistryCheck {
  /** The certificate the entry names. */
  reference: string;
  /** The certificate the provider holds today when `reference` was superseded (renewed) since. */
  current: string;
  state: CertificateStatus['state'];
  since?: string;
  reason?: string;
  level: number;
  edition: string;
  organizationName: string;
  systemName: string;
  auditorFirm: string;
  /** First and last day the registry's certificate counts (UTC dates). */
  issuedOn: string;
  expiresOn: string;
  /** The last day the provider counts per the registry: the day before a revocation or a standing suspension, else the expiry. */
  endsOn: string;
  /** Where the register entry disagrees with the registry (the registry wins). */
  mismatches: string[];
  /** One line for reasons and the UI. */
  summary: string;
}

const day = (instant: string) => instant.slice(0, 10);
const dayBefore = (instant: string) => new Date(Date.parse(`${day(instant)}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
/** The last day a certificate valid until an instant counts (an instant at midnight ends the day before). */
const lastDay = (validUntil: string) => new Date(Date.parse(validUntil) - 1).toISOString().slice(0, 10);

/**
 * Checks every provider whose certificate reference is a published certificate of this registry,
 * as of `now`. Providers whose reference is unknown here are absent from the answer.
 */
export async function checkProviderCertificates(k: Kysely<Database>, providers: readonly ServiceProvider[], now: Date): Promise<Map<string, ProviderRegistryCheck>> {
  const out = new Map<string, ProviderRegistryCheck>();
  if (providers.length === 0) return out;
  let events: ReturnType<typeof lifecycleEvents> | undefined;
  for (const p of providers) {
    const first = await getCertificate(k, p.certificate.reference);
    if (!first?.published) continue;
    events ??= lifecycleEvents(await certificateEvents(k));
    // Follow renewals: a superseded certificate's provider is covered by its successor.
    let cert: CertificateRow = first;
    let status = certificateStatus(cert.id, events, now);
    for (let hops = 0; status.state === 'superseded' && status.supersededBy && hops < 20; hops++) {
      const next = await getCertificate(k, status.supersededBy);
      if (!next?.published) break;
      cert = next;
      status = certificateStatus(cert.id, events, now);
    }
    const issuedOn = day(cert.issuedAt);
    const expiresOn = lastDay(cert.validUntil);
    const endsOn = status.state === 'revoked' || status.state === 'suspended' ? dayBefore(status.since!) : status.state === 'superseded' ? day(status.since!) : expiresOn;
    // What the entry claims is compared with the certificate it names (not its successor).
    const mismatches: string[] = [];
    const [firstIssued, firstExpires] = [day(first.issuedAt), lastDay(first.validUntil)];
    if (p.certificate.level !== undefined && p.certificate.level !== first.level) mismatches.push(`level: the entry says ${p.certificate.level}, the registry ${first.level}`);
    if (p.certificate.issuedOn !== firstIssued) mismatches.push(`issuedOn: the entry says ${p.certificate.issuedOn}, the registry ${firstIssued}`);
    if (p.certificate.expiresOn !== firstExpires) mismatches.push(`expiresOn: the entry says ${p.certificate.expiresOn}, the registry ${firstExpires}`);
    const renewed = cert === first ? '' : ` (renewed as ${cert.id})`;
    const what =
      status.state === 'revoked'
        ? `revoked on ${day(status.since!)}${status.reason ? `: ${status.reason}` : ''}`
        : status.state === 'suspended'
          ? `suspended since ${day(status.since!)}${status.reason ? `: ${status.reason}` : ''}`
          : status.state === 'expired'
            ? `expired after ${expiresOn}`
            : status.state === 'superseded'
              ? `superseded on ${day(status.since!)}`
              : `active, level ${cert.level} (${cert.edition}), valid until ${expiresOn}`;
    out.set(p.id, {
      reference: first.id,
      current: cert.id,
      state: status.state,
      ...(status.since ? { since: status.since } : {}),
      ...(status.reason ? { reason: status.reason } : {}),
      level: cert.level,
      edition: cert.edition,
      organizationName: cert.organizationName,
      systemName: cert.systemName,
      auditorFirm: cert.auditorFirm,
      issuedOn,
      expiresOn,
      endsOn,
      mismatches,
      summary: `Keygrade registry: certificate ${first.id}${renewed} ${what}`,
    });
  }
  return out;
}

/** What the compliance rules need of a registry check (ProviderCheck of @keygrade/compliance). */
export const toProviderCheck = (c: ProviderRegistryCheck) => ({ issuedOn: c.issuedOn, endsOn: c.endsOn, summary: c.summary });
