/**
 * Which requirements each kind of register entry evidences, per edition. The ids are the catalog's
 * (packages/catalog/editions/<edition>/aspects); requirements-map.test.ts checks each one exists.
 *
 * Rules of thumb behind the table:
 *   - a written policy evidences every level of a "documented policy" control, Level I included
 *     (a document goes beyond "staff know the procedure"), but not controls that ask for something
 *     besides the document (segregation of duties, validation of a method);
 *   - only third-party security audits and penetration tests evidence 2.01 (the levels that a test
 *     can evidence ask for a party independent of the builders); internal tests are recorded but
 *     evidence nothing by themselves;
 *   - "trained and rehearsed" requirements need both a current KCP training of every keyholder and
 *     a current drill: both topics are listed, and evaluation asks every listed topic to be current.
 *   - a structured KCP record (register `kcpProtocols`) is a key compromise protocol: it evidences
 *     what a `key_compromise` policy does, and in v9 also the inventory of key classes (2.04.1.2);
 *   - the grant/revoke register is read as a whole: authenticated request channels (2020/2021 1.6.2,
 *     v9 1.04.2.1) and the attested audit trail (1.6.3, v9 1.04.3.1).
 * Editions that are not in the table (e.g. a locally added one) get no automatic links; explicit
 * evidence links still work for them.
 */
import type { PolicyKind } from './schema/policies.js';

export const EVIDENCE_TOPICS = [
  'security-test',
  'smart-contract-audit',
  'sanitization-trail',
  'policy:key_generation',
  'policy:wallet_creation',
  'policy:key_storage',
  'policy:key_usage',
  'policy:key_compromise',
  'policy:grant_revoke',
  'policy:data_sanitization',
  'policy:governance_risk',
  'people:reference',
  'people:identity',
  'people:background',
  'training:key_management',
  'training:kcp',
  'acknowledgement:responsibilities',
  'service-provider',
  'kcp-drill',
  'kcp-protocol:key-classes',
  'grant-revoke:channel',
  'grant-revoke:trail',
] as const;
export type EvidenceTopic = (typeof EVIDENCE_TOPICS)[number];

/** The topic a policy of a kind evidences. */
export const policyTopic = (kind: PolicyKind): EvidenceTopic => `policy:${kind}`;

type EditionMap = Readonly<Partial<Record<EvidenceTopic, readonly string[]>>>;

const levels = (controlId: string, ...ls: (1 | 2 | 3)[]) => ls.map((l) => `${controlId}.L${l}`);

// 2020 and 2021 share numbering for the components below (CCSS-PRIMER.md "The 10 aspects").
const COMPONENT_COMMON: EditionMap = {
  'security-test': levels('2.1.1', 2, 3),
  'sanitization-trail': levels('2.2.2', 3),
  'policy:data_sanitization': levels('2.2.1', 1, 2, 3),
  'policy:key_compromise': levels('1.5.1', 1, 2, 3),
  'policy:grant_revoke': levels('1.6.1', 1, 2, 3),
  'people:reference': levels('1.4.3', 1, 2, 3),
  'people:identity': levels('1.4.4', 1, 2, 3),
  'people:background': levels('1.4.5', 3),
  'training:kcp': levels('1.5.2', 3),
  'kcp-drill': levels('1.5.2', 3),
  'grant-revoke:channel': levels('1.6.2', 2, 3),
  'grant-revoke:trail': levels('1.6.3', 3),
};

/** Requirement ids per edition and topic. */
export const EVIDENCE_MAP: Readonly<Record<string, EditionMap>> = {
  'ccss-2020': COMPONENT_COMMON,
  'ccss-2021': {
    ...COMPONENT_COMMON,
    // 2021 added documented-policy components (SCORING.md "Crosswalks").
    'policy:key_generation': levels('1.1.2', 1),
    'policy:wallet_creation': levels('1.2.6', 1, 2, 3),
    'policy:key_storage': levels('1.3.7', 1, 2, 3),
    'policy:key_usage': levels('1.4.9', 1, 2, 3),
  },
  'ccss-v9': {
    'security-test': ['2.01.1.2', '2.01.1.3'],
    'smart-contract-audit': ['2.01.2.1', '2.01.2.2', '2.01.2.3'],
    'sanitization-trail': ['1.06.2.1'],
    'policy:data_sanitization': ['1.06.1.1'],
    'policy:key_generation': ['1.01.1.2'],
    'policy:wallet_creation': ['1.02.5.1'],
    'policy:key_usage': ['1.05.2.2'],
    'policy:key_compromise': ['2.04.1.1', '2.04.1.3'],
    'policy:grant_revoke': ['1.04.1.1'],
    'policy:governance_risk': ['2.03.1.1', '2.03.2.1', '2.03.2.2'],
    'people:reference': ['1.05.3.1'],
    'people:identity': ['1.05.4.1'],
    'people:background': ['1.05.5.1'],
    'training:key_management': ['1.05.6.1'],
    'acknowledgement:responsibilities': ['1.05.7.1'],
    'service-provider': ['2.03.3.1'],
    'training:kcp': ['2.04.2.1'],
    'kcp-drill': ['2.04.2.1'],
    'kcp-protocol:key-classes': ['2.04.1.2'],
    'grant-revoke:channel': ['1.04.2.1'],
    'grant-revoke:trail': ['1.04.3.1'],
  },
};

/** Requirement ids a topic evidences in an edition (empty for an edition or topic not in the table). */
export function requirementsForTopic(editionId: string, topic: EvidenceTopic): readonly string[] {
  return EVIDENCE_MAP[editionId]?.[topic] ?? [];
}

/** The topics that evidence a requirement of an edition (every one must be current for the requirement to hold). */
export function topicsForRequirement(editionId: string, requirementId: string): EvidenceTopic[] {
  const map = EVIDENCE_MAP[editionId] ?? {};
  return EVIDENCE_TOPICS.filter((t) => map[t]?.includes(requirementId));
}
