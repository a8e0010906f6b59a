/**
 * Validity rules: whether one register entry, one people facet or one plain evidence item counts on
 * a given day, from when, until when (inclusive), and why. Point-wise by design: a day in, a state
 * out, so a simulated calendar only has to call it for each day it looks at.
 *
 *   security audit / pentest  performedOn .. performedOn + securityTestMonths - 1 day; not before its
 *                             report is recorded; not while a blocking finding is overdue
 *   sanitization entry        from performedOn, never expires
 *   policy                    approval.on .. nextReview, only if approved
 *   training                  completedOn .. + trainingMonths - 1 day
 *   screening check           completedOn .., passed only; expires when the organization says so
 *   acknowledgement           acknowledgedOn ..; stale once the acknowledged policy has a new version
 *   KCP drill                 performedOn .. + (validMonths ?? drillMonths) - 1 day
 *   KCP protocol              approval.on .. nextReview, only if approved
 *   grant/revoke trail        read as a whole: every request so far came through an authenticated
 *                             channel; every performed one has its checklist done and is attested
 *   service provider          certificate.issuedOn .. certificate.expiresOn, or, when the certificate
 *                             is in this Keygrade's registry, the registry's dates and lifecycle
 *   plain evidence            collectedOn (if any) .. expiresOn (if any)
 */
import type { ValidityConfig } from './config.js';
import { addDays, lastDayOfMonths, minUntil, type IsoDate } from './dates.js';
import type { RegisterEntries, RegisterKind, Registers } from './registers.js';
import type { KcpDrill } from './schema/drills.js';
import type { KcpProtocol } from './schema/kcp-protocols.js';
import type { GrantRevokeRequest } from './schema/grant-revoke.js';
import type { Person, PersonRole, TrainingTopic } from './schema/people.js';
import type { Policy } from './schema/policies.js';
import type { ServiceProvider } from './schema/providers.js';
import type { SanitizationEntry } from './schema/sanitization.js';
import type { Finding, SecurityTest } from './schema/security-tests.js';

/** Whether something counts on a day. `until` is the last day it counts (`null`: no end). */
export interface ValidityState {
  valid: boolean;
  /** First day it counts (absent when it never started, e.g. a planned test). */
  from?: IsoDate;
  /** Last day it counts or counted; `null` when it does not expire. */
  until: IsoDate | null;
  /** Why it counts or does not, in a sentence, with the dates. */
  reason: string;
}

const valid = (from: IsoDate | undefined, until: IsoDate | null, reason: string): ValidityState => ({ valid: true, ...(from ? { from } : {}), until, reason });
const invalid = (reason: string, until: IsoDate | null = null, from?: IsoDate): ValidityState => ({ valid: false, ...(from ? { from } : {}), until, reason });

/** A window [from, until] checked at `at`, with the words for each side. */
function window(at: IsoDate, from: IsoDate | undefined, until: IsoDate | null, what: { counts: string; early: string; late: string }): ValidityState {
  if (from !== undefined && at < from) return invalid(what.early, until, from);
  if (until !== null && at > until) return invalid(what.late, until, from);
  return valid(from, until, what.counts);
}

const unresolvedAt = (f: Finding, at: IsoDate): boolean => {
  const resolved = (f.remediation === 'remediated' || f.remediation === 'risk_accepted') && f.resolvedOn !== undefined && f.resolvedOn <= at;
  // A failed retest reopens the finding from the retest day, whatever the recorded status says.
  const reopened = f.retest?.result === 'failed' && f.retest.on <= at;
  return !resolved || reopened;
};

/** A security audit, penetration test or smart-contract audit. */
export function securityTestValidity(t: SecurityTest, at: IsoDate, cfg: ValidityConfig): ValidityState {
  if (t.performedOn === undefined) return invalid(`planned${t.plannedOn ? ` for ${t.plannedOn}` : ''}, not performed`);
  const until = lastDayOfMonths(t.performedOn, cfg.securityTestMonths);
  if (at < t.performedOn) return invalid(`not performed until ${t.performedOn}`, until, t.performedOn);
  if (cfg.requireTestReport && t.report === undefined) return invalid(`performed on ${t.performedOn} but no report evidence is recorded`, until, t.performedOn);
  if (at > until) return invalid(`lapsed after ${until} (${cfg.securityTestMonths} months from ${t.performedOn})`, until, t.performedOn);
  let end: IsoDate | null = until;
  for (const f of t.findings) {
    if (!cfg.blockingSeverities.includes(f.severity) || f.due === undefined || !unresolvedAt(f, at)) continue;
    if (at > f.due) return invalid(`${f.severity} finding ${f.id} is unresolved past its due date ${f.due}`, f.due, t.performedOn);
    end = minUntil(end, f.due);
  }
  const blockedBy = end !== until ? ` (or until ${end} unless its ${cfg.blockingSeverities.join('/')} findings are resolved by their due date)` : '';
  return valid(t.performedOn, end, `performed ${t.performedOn}, counts until ${until}${blockedBy}`);
}

/** A sanitization trail entry: a record of what happened, it does not expire. */
export function sanitizationValidity(e: SanitizationEntry, at: IsoDate): ValidityState {
  return window(at, e.performedOn, null, {
    counts: `${e.method} of ${e.mediaId} on ${e.performedOn} by ${e.performedBy}`,
    early: `not performed until ${e.performedOn}`,
    late: '',
  });
}

/** A policy: counts from its approval until its next review date, and not at all unless approved. */
export function policyValidity(p: Policy, at: IsoDate): ValidityState {
  if (p.approval === undefined) return invalid(`version ${p.version} is not approved`, p.nextReview);
  return window(at, p.approval.on, p.nextReview, {
    counts: `version ${p.version} approved by ${p.approval.by} on ${p.approval.on}, next review ${p.nextReview}`,
    early: `version ${p.version} is approved only from ${p.approval.on}`,
    late: `version ${p.version} was due for review on ${p.nextReview} and has not been reviewed`,
  });
}

/**
 * What a certificate registry says of a provider's certificate, when the platform could look it up:
 * the registry is then the authority for the window (a revocation or suspension ends it early).
 */
export interface ProviderCheck {
  /** First day the registry's certificate counts. */
  issuedOn: IsoDate;
  /** Last day it counts: the day before a revocation or standing suspension, else its expiry. */
  endsOn: IsoDate;
  /** One line naming the registry, the certificate and its state, used in every reason. */
  summary: string;
}

/** A service provider: counts while its certificate is current (per the registry when `check` is given). */
export function providerValidity(s: ServiceProvider, at: IsoDate, check?: ProviderCheck): ValidityState {
  const c = s.certificate;
  if (check) {
    return window(at, check.issuedOn, check.endsOn, {
      counts: `${check.summary}; counts until ${check.endsOn}`,
      early: `${check.summary}; counts only from ${check.issuedOn}`,
      late: `${check.summary}; counted until ${check.endsOn}`,
    });
  }
  return window(at, c.issuedOn, c.expiresOn, {
    counts: `certificate ${c.reference} (${c.issuer}) valid until ${c.expiresOn}`,
    early: `certificate ${c.reference} is issued only on ${c.issuedOn}`,
    late: `certificate ${c.reference} (${c.issuer}) expired after ${c.expiresOn}`,
  });
}

/** A KCP drill: counts for its own period, or the organization's drill interval. */
export function drillValidity(d: KcpDrill, at: IsoDate, cfg: ValidityConfig): ValidityState {
  const m = d.validMonths ?? cfg.drillMonths;
  const until = lastDayOfMonths(d.performedOn, m);
  return window(at, d.performedOn, until, {
    counts: `held ${d.performedOn}, counts until ${until}`,
    early: `not held until ${d.performedOn}`,
    late: `lapsed after ${until} (${m} months from ${d.performedOn})`,
  });
}

/** A key compromise protocol record: like a policy, from its approval to its next review, only if approved. */
export function kcpProtocolValidity(p: KcpProtocol, at: IsoDate): ValidityState {
  if (p.approval === undefined) return invalid(`version ${p.version} of the protocol is not approved`, p.nextReview);
  return window(at, p.approval.on, p.nextReview, {
    counts: `protocol version ${p.version} approved by ${p.approval.by} on ${p.approval.on}, covering ${p.keyClasses.length} key class${p.keyClasses.length === 1 ? '' : 'es'} and ${p.roles.length} role${p.roles.length === 1 ? '' : 's'}, next review ${p.nextReview}`,
    early: `protocol version ${p.version} is approved only from ${p.approval.on}`,
    late: `protocol version ${p.version} was due for review on ${p.nextReview} and has not been reviewed`,
  });
}

/** The two things the grant/revoke register evidences as a whole. */
export const GRANT_REVOKE_FACETS = ['channel', 'trail'] as const;
export type GrantRevokeFacet = (typeof GRANT_REVOKE_FACETS)[number];

const someIds = (list: { id: string }[]) => `${list.slice(0, 3).map((r) => r.id).join(', ')}${list.length > 3 ? ', …' : ''}`;

/**
 * The grant/revoke register read as a whole on a day. `channel`: at least one request is recorded and
 * every request made so far came through a channel with authentication. `trail`: at least one request
 * has been performed and every performed one has its checklist done and its performer's attestation.
 * A record of what happened does not expire; a bad request spoils the facet from its own date on.
 */
export function grantRevokeValidity(registers: Registers, facet: GrantRevokeFacet, at: IsoDate): ValidityState {
  if (facet === 'channel') {
    const made = registers.grantRevoke.filter((r) => r.requestedOn <= at);
    if (made.length === 0) return invalid('no grant/revoke request is recorded yet');
    const open = made.filter((r) => r.channel.authentication === undefined);
    if (open.length > 0) return invalid(`${open.length} of ${made.length} grant/revoke requests came through a channel without authentication (${someIds(open)})`);
    return valid(undefined, null, `all ${made.length} grant/revoke request${made.length === 1 ? '' : 's'} came through authenticated channels`);
  }
  const done = registers.grantRevoke.filter((r) => r.performedOn !== undefined && r.performedOn <= at);
  if (done.length === 0) return invalid('no grant/revoke request has been performed yet');
  const unchecked = done.filter((r) => r.checklist.some((i) => !i.done));
  if (unchecked.length > 0) return invalid(`${unchecked.length} performed request${unchecked.length === 1 ? ' has' : 's have'} checklist items not done (${someIds(unchecked)})`);
  const unattested = done.filter((r) => r.attestation === undefined || r.attestation.on > at);
  if (unattested.length > 0) return invalid(`${unattested.length} performed request${unattested.length === 1 ? ' is' : 's are'} not yet attested by the performer (${someIds(unattested)})`);
  return valid(undefined, null, `${done.length} change${done.length === 1 ? '' : 's'} of access recorded, each with its checklist done and attested by the person who performed it`);
}

/**
 * One grant/revoke request on a day, for the register's list (the register evidences requirements as
 * a whole, see grantRevokeValidity): it counts once performed, through an authenticated channel, with
 * every checklist item done and the performer's attestation.
 */
export function grantRevokeRequestValidity(r: GrantRevokeRequest, at: IsoDate): ValidityState {
  if (at < r.requestedOn) return invalid(`not requested until ${r.requestedOn}`, null, r.requestedOn);
  if (r.channel.authentication === undefined) return invalid(`requested on ${r.requestedOn} through ${r.channel.name}, a channel without authentication`, null, r.requestedOn);
  if (r.performedOn === undefined || at < r.performedOn) return invalid(`requested on ${r.requestedOn}, not performed yet`, null, r.requestedOn);
  const open = r.checklist.filter((i) => !i.done).length;
  if (open > 0) return invalid(`performed on ${r.performedOn} with ${open} checklist item${open === 1 ? '' : 's'} not done`, null, r.performedOn);
  if (r.attestation === undefined || at < r.attestation.on) return invalid(`performed on ${r.performedOn}, not yet attested by ${r.performedBy ?? 'the performer'}`, null, r.performedOn);
  return valid(r.performedOn, null, `${r.action} performed on ${r.performedOn} by ${r.performedBy ?? ''}, attested on ${r.attestation.on}`);
}

/**
 * The validity of one register entry on a day, by the rules the evaluation uses (for lists and
 * dashboards). Undefined for people, who count through the register-wide facets (peopleFacetValidity).
 */
export function entryValidity<K extends RegisterKind>(kind: K, entry: RegisterEntries[K], at: IsoDate, cfg: ValidityConfig, opts: { providerCheck?: ProviderCheck } = {}): ValidityState | undefined {
  switch (kind) {
    case 'securityTests':
      return securityTestValidity(entry as SecurityTest, at, cfg);
    case 'sanitization':
      return sanitizationValidity(entry as SanitizationEntry, at);
    case 'policies':
      return policyValidity(entry as Policy, at);
    case 'providers':
      return providerValidity(entry as ServiceProvider, at, opts.providerCheck);
    case 'drills':
      return drillValidity(entry as KcpDrill, at, cfg);
    case 'kcpProtocols':
      return kcpProtocolValidity(entry as KcpProtocol, at);
    case 'grantRevoke':
      return grantRevokeRequestValidity(entry as GrantRevokeRequest, at);
    default:
      return undefined;
  }
}

/** Evidence outside the registers (a file linked to a requirement), valid until its expiry date if any. */
export interface PlainEvidence {
  sha256: string;
  description?: string;
  collectedOn?: IsoDate;
  expiresOn?: IsoDate;
}

/** Plain evidence: from its collection date (if known) to its expiry date (if any). */
export function plainEvidenceValidity(e: PlainEvidence, at: IsoDate): ValidityState {
  return window(at, e.collectedOn, e.expiresOn ?? null, {
    counts: e.expiresOn ? `valid until ${e.expiresOn}` : 'does not expire',
    early: `collected only on ${e.collectedOn ?? ''}`,
    late: `expired after ${e.expiresOn ?? ''}`,
  });
}

/** The facets of the people register that evidence requirements (each must hold for every screened person). */
export const PEOPLE_FACETS = ['reference', 'identity', 'background', 'training:key_management', 'training:kcp', 'acknowledgement:responsibilities'] as const;
export type PeopleFacet = (typeof PEOPLE_FACETS)[number];

/** True when the person holds access on that day (from grantedOn, up to the day before revokedOn). */
export function isActive(p: Person, at: IsoDate): boolean {
  return (p.grantedOn === undefined || p.grantedOn <= at) && (p.revokedOn === undefined || at < p.revokedOn);
}

/** Of several states, the one that counts longest; if none counts, the most recent one (its reason is the useful one). */
export function bestOf(states: readonly ValidityState[]): ValidityState | undefined {
  const ok = states.filter((s) => s.valid);
  if (ok.length > 0) return ok.reduce((a, b) => (a.until === null ? a : b.until === null || b.until > a.until ? b : a));
  return states.reduce<ValidityState | undefined>((a, b) => (a === undefined || (b.from ?? '') > (a.from ?? '') ? b : a), undefined);
}

function personFacet(p: Person, facet: PeopleFacet, at: IsoDate, cfg: ValidityConfig, registers: Registers): ValidityState {
  if (facet === 'reference' || facet === 'identity' || facet === 'background') {
    const months = cfg[`${facet}CheckMonths`];
    const states = p.checks
      .filter((c) => c.kind === facet)
      .map((c) => {
        const until = months === null ? null : lastDayOfMonths(c.completedOn, months);
        if (c.outcome !== 'passed') return invalid(`${facet} check by ${c.provider} on ${c.completedOn} was ${c.outcome}`, until, c.completedOn);
        return window(at, c.completedOn, until, {
          counts: `${facet} check passed on ${c.completedOn}${until ? `, counts until ${until}` : ''}`,
          early: `${facet} check completes only on ${c.completedOn}`,
          late: `${facet} check of ${c.completedOn} lapsed after ${until ?? ''}`,
        });
      });
    return bestOf(states) ?? invalid(`no ${facet} check recorded`);
  }
  if (facet === 'training:key_management' || facet === 'training:kcp') {
    const topic = facet.slice('training:'.length) as TrainingTopic;
    const states = p.training
      .filter((t) => t.topic === topic)
      .map((t) => {
        const until = lastDayOfMonths(t.completedOn, cfg.trainingMonths);
        return window(at, t.completedOn, until, {
          counts: `${topic} training "${t.course}" on ${t.completedOn}, counts until ${until}`,
          early: `${topic} training completes only on ${t.completedOn}`,
          late: `${topic} training of ${t.completedOn} lapsed after ${until}`,
        });
      });
    return bestOf(states) ?? invalid(`no ${topic} training recorded`);
  }
  const states = p.acknowledgements
    .filter((a) => a.subject === 'responsibilities')
    .map((a) => {
      const until = cfg.acknowledgementMonths === null ? null : lastDayOfMonths(a.acknowledgedOn, cfg.acknowledgementMonths);
      const policy = a.policyId === undefined ? undefined : registers.policies.find((x) => x.id === a.policyId);
      if (policy && a.policyVersion !== undefined && policy.version !== a.policyVersion) {
        return invalid(`acknowledged version ${a.policyVersion} of ${a.policyId}; the current version is ${policy.version}`, until, a.acknowledgedOn);
      }
      return window(at, a.acknowledgedOn, until, {
        counts: `responsibilities acknowledged on ${a.acknowledgedOn}`,
        early: `responsibilities acknowledged only on ${a.acknowledgedOn}`,
        late: `acknowledgement of ${a.acknowledgedOn} lapsed after ${until ?? ''}`,
      });
    });
  return bestOf(states) ?? invalid('no acknowledgement of responsibilities recorded');
}

/**
 * A people facet on a day: it holds when every active person with a screened role holds it; it
 * counts until the first of their items lapses. The reason names the people who fall short.
 */
export function peopleFacetValidity(registers: Registers, facet: PeopleFacet, at: IsoDate, cfg: ValidityConfig): ValidityState {
  const roles = new Set<PersonRole>(cfg.screenedRoles);
  const people = registers.people.filter((p) => isActive(p, at) && p.roles.some((r) => roles.has(r)));
  if (people.length === 0) return invalid(`no active ${cfg.screenedRoles.join('/')} is in the people register`);
  let until: IsoDate | null = null;
  const short: string[] = [];
  for (const p of people) {
    const s = personFacet(p, facet, at, cfg, registers);
    if (!s.valid) short.push(`${p.id}: ${s.reason}`);
    else until = minUntil(until, s.until);
  }
  if (short.length > 0) {
    const shown = short.slice(0, 3).join('; ');
    return invalid(`${short.length} of ${people.length} screened people fall short (${shown}${short.length > 3 ? '; …' : ''})`);
  }
  return valid(undefined, until, `all ${people.length} screened people hold it${until ? ` until ${until}` : ''}`);
}

/** The first day after `until` (the day something lapses), or null. */
export function lapsesOn(until: IsoDate | null): IsoDate | null {
  return until === null ? null : addDays(until, 1);
}
