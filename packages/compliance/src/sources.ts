/**
 * Evidence sources of one edition: which register entries, people facets and linked evidence files
 * support which requirement. Automatic links come from requirements-map.ts; explicit links (a file
 * or an entry linked to a requirement by the user) and the `covers` lists of policies and providers
 * add to them. Each source is grouped by its evidence topic (explicit links form the group `linked`).
 */
import { z } from 'zod';
import { indexEdition, type Edition } from '@keygrade/catalog';
import type { Problem } from '@keygrade/errors';
import type { ValidityConfig } from './config.js';
import { isIsoDate, type IsoDate } from './dates.js';
import { ComplianceError } from './errors.js';
import { entryRef, isRegisterKind, zodProblems, type Registers } from './registers.js';
import { policyTopic, requirementsForTopic, type EvidenceTopic } from './requirements-map.js';
import { dateOrderProblems, sha256, splitRequirementRef, text } from './schema/common.js';
import { POLICY_KIND_LABELS } from './schema/policies.js';
import {
  drillValidity,
  grantRevokeValidity,
  GRANT_REVOKE_FACETS,
  kcpProtocolValidity,
  peopleFacetValidity,
  PEOPLE_FACETS,
  plainEvidenceValidity,
  policyValidity,
  providerValidity,
  sanitizationValidity,
  securityTestValidity,
  type PeopleFacet,
  type PlainEvidence,
  type ProviderCheck,
  type ValidityState,
} from './validity.js';

/** The group of explicitly linked sources. */
export const LINKED = 'linked';

/** One thing whose validity supports a requirement. */
export interface EvidenceSource {
  /** `securityTests/PT-1`, `people:reference`, `evidence:<sha256>`. */
  ref: string;
  /** What it is, for people. */
  label: string;
  /** Its evidence topic, or `linked`. */
  topic: EvidenceTopic | typeof LINKED;
  state(at: IsoDate): ValidityState;
}

const date = (field: string) => z.string().refine(isIsoDate, { error: `${field} must be a calendar date written YYYY-MM-DD` });

export const evidenceLinkSchema = z
  .strictObject({
    requirement: text('requirement'),
    /** The edition the requirement id belongs to; links of other editions are skipped. Default: the evaluated edition. */
    edition: text('edition').optional(),
    /** A register entry `<register>/<id>`, a people facet `people:<facet>` or a grant/revoke facet `grantRevoke:channel|trail`. */
    source: text('source').optional(),
    evidence: z
      .strictObject({
        sha256: sha256('sha256'),
        description: text('description').optional(),
        collectedOn: date('collectedOn').optional(),
        expiresOn: date('expiresOn').optional(),
      })
      .optional(),
  })
  .refine((l) => (l.source === undefined) !== (l.evidence === undefined), { error: 'a link needs exactly one of source or evidence', path: ['source'] });

/** A requirement supported by a register entry, a people facet or a file. */
export type EvidenceLink = z.input<typeof evidenceLinkSchema>;

/** The sources of every requirement of one edition (requirements without any are absent). */
export type SourceMap = Map<string, EvidenceSource[]>;

const TEST_LABEL = { security_audit: 'security audit', penetration_test: 'penetration test', smart_contract_audit: 'smart-contract audit' } as const;

/** Every source a reference may name, by reference. */
function catalogue(registers: Registers, cfg: ValidityConfig, providerChecks?: ReadonlyMap<string, ProviderCheck>): Map<string, Omit<EvidenceSource, 'topic'>> {
  const out = new Map<string, Omit<EvidenceSource, 'topic'>>();
  for (const t of registers.securityTests) {
    out.set(entryRef('securityTests', t.id), { ref: entryRef('securityTests', t.id), label: `${TEST_LABEL[t.kind]} ${t.id} by ${t.tester.name}`, state: (at) => securityTestValidity(t, at, cfg) });
  }
  for (const e of registers.sanitization) {
    out.set(entryRef('sanitization', e.id), { ref: entryRef('sanitization', e.id), label: `sanitization of ${e.mediaId}`, state: (at) => sanitizationValidity(e, at) });
  }
  for (const p of registers.policies) {
    out.set(entryRef('policies', p.id), { ref: entryRef('policies', p.id), label: `${POLICY_KIND_LABELS[p.kind]} ${p.id}`, state: (at) => policyValidity(p, at) });
  }
  for (const s of registers.providers) {
    out.set(entryRef('providers', s.id), { ref: entryRef('providers', s.id), label: `service provider ${s.name}`, state: (at) => providerValidity(s, at, providerChecks?.get(s.id)) });
  }
  for (const d of registers.drills) {
    out.set(entryRef('drills', d.id), { ref: entryRef('drills', d.id), label: `KCP drill ${d.id}`, state: (at) => drillValidity(d, at, cfg) });
  }
  for (const p of registers.kcpProtocols) {
    out.set(entryRef('kcpProtocols', p.id), { ref: entryRef('kcpProtocols', p.id), label: `key compromise protocol ${p.id}`, state: (at) => kcpProtocolValidity(p, at) });
  }
  if (registers.grantRevoke.length > 0) {
    for (const facet of GRANT_REVOKE_FACETS) {
      out.set(`grantRevoke:${facet}`, { ref: `grantRevoke:${facet}`, label: `grant/revoke register: ${facet === 'channel' ? 'authenticated request channels' : 'attested audit trail'}`, state: (at) => grantRevokeValidity(registers, facet, at) });
    }
  }
  if (registers.people.length > 0) {
    for (const facet of PEOPLE_FACETS) {
      out.set(`people:${facet}`, { ref: `people:${facet}`, label: `people register: ${facet.replace(':', ' ')}`, state: (at) => peopleFacetValidity(registers, facet, at, cfg) });
    }
  }
  return out;
}

const FACET_TOPIC: Readonly<Record<PeopleFacet, EvidenceTopic>> = {
  reference: 'people:reference',
  identity: 'people:identity',
  background: 'people:background',
  'training:key_management': 'training:key_management',
  'training:kcp': 'training:kcp',
  'acknowledgement:responsibilities': 'acknowledgement:responsibilities',
};

/**
 * Builds the sources of every requirement of `edition`. Throws COMPLIANCE_INVALID_LINK listing
 * every link that is malformed, names a requirement the edition lacks, or a source that does not exist.
 */
export function buildSources(edition: Edition, registers: Registers, links: readonly unknown[], cfg: ValidityConfig, options: { providerChecks?: ReadonlyMap<string, ProviderCheck> } = {}): SourceMap {
  const index = indexEdition(edition);
  const known = catalogue(registers, cfg, options.providerChecks);
  const map: SourceMap = new Map();
  const add = (requirementId: string, source: Omit<EvidenceSource, 'topic'> | undefined, topic: EvidenceTopic | typeof LINKED) => {
    if (!source || !index.requirement(requirementId)) return;
    const list = map.get(requirementId) ?? [];
    if (list.some((s) => s.ref === source.ref)) return;
    list.push({ ...source, topic });
    map.set(requirementId, list);
  };
  const byTopic = (topic: EvidenceTopic, ref: string) => {
    for (const id of requirementsForTopic(edition.id, topic)) add(id, known.get(ref), topic);
  };
  const covers = (list: readonly string[], ref: string) => {
    for (const c of list) {
      const { edition: e, id } = splitRequirementRef(c);
      if (e === edition.id) add(id, known.get(ref), LINKED);
    }
  };

  for (const t of registers.securityTests) {
    const ref = entryRef('securityTests', t.id);
    if (t.kind === 'smart_contract_audit') byTopic('smart-contract-audit', ref);
    else if (t.tester.relation === 'third_party') byTopic('security-test', ref);
  }
  for (const e of registers.sanitization) byTopic('sanitization-trail', entryRef('sanitization', e.id));
  for (const p of registers.policies) {
    byTopic(policyTopic(p.kind), entryRef('policies', p.id));
    covers(p.covers, entryRef('policies', p.id));
  }
  for (const s of registers.providers) {
    byTopic('service-provider', entryRef('providers', s.id));
    covers(s.covers, entryRef('providers', s.id));
  }
  for (const d of registers.drills) byTopic('kcp-drill', entryRef('drills', d.id));
  for (const p of registers.kcpProtocols) {
    byTopic('policy:key_compromise', entryRef('kcpProtocols', p.id));
    byTopic('kcp-protocol:key-classes', entryRef('kcpProtocols', p.id));
    covers(p.covers, entryRef('kcpProtocols', p.id));
  }
  if (registers.grantRevoke.length > 0) for (const facet of GRANT_REVOKE_FACETS) byTopic(`grant-revoke:${facet}`, `grantRevoke:${facet}`);
  if (registers.people.length > 0) for (const facet of PEOPLE_FACETS) byTopic(FACET_TOPIC[facet], `people:${facet}`);

  const problems: Problem[] = [];
  links.forEach((raw, i) => {
    const parsed = evidenceLinkSchema.safeParse(raw);
    if (!parsed.success) return void problems.push(...zodProblems(parsed.error, `links.${i}`, 'evidence link'));
    const link = parsed.data;
    if (link.edition !== undefined && link.edition !== edition.id) return;
    if (!index.requirement(link.requirement)) return void problems.push({ path: `links.${i}.requirement`, message: `${link.requirement} is not a requirement of ${edition.id}` });
    if (link.evidence) {
      const e: PlainEvidence = link.evidence;
      const order = dateOrderProblems(e, `links.${i}.evidence`, [['collectedOn', 'expiresOn']]);
      if (order.length > 0) return void problems.push(...order);
      const label = e.description ?? `evidence ${e.sha256.slice(0, 12)}`;
      return add(link.requirement, { ref: `evidence:${e.sha256}`, label, state: (at) => plainEvidenceValidity(e, at) }, LINKED);
    }
    const ref = link.source!;
    const slash = ref.indexOf('/');
    if (slash > 0 && ref.slice(0, slash) === 'people') {
      return void problems.push({ path: `links.${i}.source`, message: `link people through a facet (${PEOPLE_FACETS.map((f) => `people:${f}`).join(', ')}), not one person` });
    }
    const source = known.get(ref);
    if (!source) {
      const hint = slash > 0 && isRegisterKind(ref.slice(0, slash)) ? `no entry ${ref.slice(slash + 1)} in ${ref.slice(0, slash)}` : 'write <register>/<id>, people:<facet> or grantRevoke:channel|trail';
      return void problems.push({ path: `links.${i}.source`, message: `unknown source ${ref} (${hint})` });
    }
    add(link.requirement, source, LINKED);
  });
  if (problems.length > 0) {
    throw new ComplianceError('COMPLIANCE_INVALID_LINK', `invalid evidence links: ${problems[0]!.path}: ${problems[0]!.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, { problems });
  }
  return map;
}
