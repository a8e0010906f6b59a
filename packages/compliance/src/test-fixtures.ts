/**
 * Shared test data: the shipped catalog, a small but complete set of registers for ccss-v9, and
 * fast-check arbitraries that produce valid entries of every register (every optional field, text
 * with commas, quotes, pipes, backslashes and line breaks) for the round-trip property tests.
 */
import fc from 'fast-check';
import { allRequirements, type Edition } from '@keygrade/catalog';
import { openCatalog } from '@keygrade/catalog/node';
import type { Answer, Status } from '@keygrade/scoring';
import { addDays, dayNumber, fromDayNumber } from './dates.js';
import { emptyRegisters, validateEntry, validateRegisters, type RegisterEntries, type RegisterKind, type Registers } from './registers.js';
import { SANITIZATION_EVIDENCE_KINDS, SANITIZATION_METHODS } from './schema/sanitization.js';
import { REMEDIATION_STATUSES, SEVERITIES, TEST_KINDS } from './schema/security-tests.js';
import { POLICY_KINDS } from './schema/policies.js';
import { ACKNOWLEDGEMENT_SUBJECTS, CHECK_KINDS, CHECK_OUTCOMES, PERSON_ROLES, TRAINING_TOPICS } from './schema/people.js';

export const catalog = openCatalog();
export const v9 = (): Edition => catalog.edition('ccss-v9');

export const SHA = (c: string) => c.repeat(64).slice(0, 64);

/** Answers that mark every requirement of an edition in place. */
export function allInPlace(edition: Edition, status: Status = 'in_place'): Map<string, Answer> {
  return new Map(allRequirements(edition).map((r) => [r.id, { status }]));
}

/** A third-party pentest performed on `performedOn`, with its report. */
export function pentest(id: string, performedOn: string, extra: Record<string, unknown> = {}): unknown {
  return {
    id,
    kind: 'penetration_test',
    scope: 'exchange hot wallet API',
    tester: { name: 'Acme Security', relation: 'third_party' },
    performedOn,
    reportedOn: addDays(performedOn, 14),
    report: { sha256: SHA('a'), uri: `evidence/${id}.pdf` },
    ...extra,
  };
}

/** Registers that evidence the v9 register-backed requirements on 2026-06-01, with a pentest of 2026-03-10. */
export function v9Registers(): Registers {
  return validateRegisters({
    securityTests: [
      pentest('PT-2026', '2026-03-10'),
      {
        id: 'SC-2026',
        kind: 'smart_contract_audit',
        scope: 'vault contract',
        tester: { name: 'Chain Audits', relation: 'third_party' },
        performedOn: '2026-02-01',
        report: { sha256: SHA('b') },
        auditedCode: [{ ref: 'vault@1.4.0', sha256: SHA('c') }],
      },
    ],
    sanitization: [
      {
        id: 'S-1',
        mediaId: 'USB-0042',
        held: 'backup share 2 of wallet W1',
        method: 'destroy',
        tool: 'shredder HSM-2',
        toolConfiguration: '2 mm particles',
        performedBy: 'op-1',
        witnessedBy: 'op-2',
        performedOn: '2026-01-20',
        evidence: [{ kind: 'photo', sha256: SHA('d') }],
      },
    ],
    policies: POLICY_KINDS.map((kind, i) => ({
      id: `POL-${i + 1}`,
      kind,
      version: '1.0',
      owner: 'CISO',
      approval: { by: 'Board', on: '2026-01-01' },
      nextReview: '2027-01-01',
      text: `The ${kind} policy.`,
    })),
    people: ['K-1', 'K-2'].map((id) => ({
      id,
      roles: ['keyholder'],
      grantedOn: '2026-01-01',
      checks: CHECK_KINDS.map((kind) => ({ kind, provider: 'Screening Ltd', completedOn: '2025-12-01', outcome: 'passed', reference: `${id}-${kind}` })),
      training: [
        { course: 'Key handling', topic: 'key_management', completedOn: '2026-01-15' },
        { course: 'KCP walkthrough', topic: 'kcp', completedOn: '2026-01-15' },
      ],
      acknowledgements: [{ subject: 'responsibilities', acknowledgedOn: '2026-01-15' }],
    })),
    providers: [
      {
        id: 'PRV-1',
        name: 'Custodian X',
        service: 'cold storage of share 3',
        certificate: { reference: 'CCSS-42', issuer: 'CCSS', level: 2, issuedOn: '2025-09-01', expiresOn: '2026-08-31' },
        covers: ['ccss-v9:1.03.2.2'],
      },
    ],
    drills: [{ id: 'D-1', scenario: 'lost share', performedOn: '2026-02-10', participants: ['K-1', 'K-2'] }],
  });
}

export { emptyRegisters };

// ---- arbitraries ---------------------------------------------------------------------------------

const CHARS = ['a', 'Z', '0', ' ', ',', '"', '|', '\\', '\n', '\r\n', 'é', '中', '=', '-', ':', '#', "'", '{', '[', '&', '*', '!', '%', '@'];

/** Text as the schemas keep it: trimmed, non-empty, with the characters CSV and YAML must escape. */
export const textArb = fc
  .array(fc.constantFrom(...CHARS), { minLength: 1, maxLength: 12 })
  .map((a) => a.join('').trim())
  .filter((s) => s.length > 0);

const idArb = fc.stringMatching(/^[A-Z]{1,3}-[0-9]{1,4}$/);
const shaArb = fc.stringMatching(/^[0-9a-f]{64}$/);
const dayArb = fc.integer({ min: dayNumber('2015-01-01'), max: dayNumber('2035-12-31') });
const dateArb = dayArb.map(fromDayNumber);
/** Increasing dates: a start and offsets. */
const after = (start: string, max = 400) => fc.integer({ min: 0, max }).map((n) => addDays(start, n));

const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
/** Drops undefined fields so the value is what a file would hold. */
function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
const evidenceArb = fc.record({ sha256: shaArb, uri: opt(textArb), description: opt(textArb) }).map(clean);

const findingArb = fc.record({
  id: idArb,
  title: textArb,
  severity: fc.constantFrom(...SEVERITIES),
  owner: textArb,
  remediation: fc.constantFrom(...REMEDIATION_STATUSES),
  note: opt(textArb),
  retest: fc.boolean(),
  retestResult: fc.constantFrom('passed', 'failed'),
});

const securityTestArb = fc
  .record({ start: dateArb, kind: fc.constantFrom(...TEST_KINDS), planned: fc.boolean() })
  .chain(({ start, kind, planned }) =>
    fc
      .record({
        id: idArb,
        kind: fc.constant(kind),
        scope: textArb,
        tester: fc.record({ name: textArb, relation: fc.constantFrom('internal', 'third_party') }),
        plannedOn: planned ? fc.constant(start) : opt(dateArb),
        startedOn: planned ? fc.constant(undefined) : opt(fc.constant(start)),
        performedOn: planned ? fc.constant(undefined) : after(start, 30),
        report: opt(evidenceArb),
        auditedCode: kind === 'smart_contract_audit' ? fc.array(fc.record({ ref: textArb, sha256: shaArb }), { maxLength: 2 }) : fc.constant([]),
        findings: fc.uniqueArray(findingArb, { selector: (f) => f.id, maxLength: planned ? 0 : 3 }),
      })
      .map(({ findings, performedOn, ...t }) =>
        clean({
          ...t,
          performedOn,
          reportedOn: performedOn ? addDays(performedOn, 10) : undefined,
          findings: findings.map(({ retest, retestResult, ...f }, i) => {
            const from = performedOn ?? start;
            const resolved = f.remediation === 'remediated' || f.remediation === 'risk_accepted' ? addDays(from, 5) : undefined;
            return clean({ ...f, due: addDays(from, 30 + i), resolvedOn: resolved, retest: retest ? { on: addDays(from, 20), result: retestResult } : undefined });
          }),
        }),
      ),
  );

const sanitizationArb = dateArb.chain((on) =>
  fc
    .record({
      id: idArb,
      mediaId: textArb,
      mediaType: opt(textArb),
      held: textArb,
      method: fc.constantFrom(...SANITIZATION_METHODS),
      technique: opt(textArb),
      tool: textArb,
      toolConfiguration: textArb,
      performedBy: fc.constant('op-1'),
      witnessedBy: opt(fc.constant('op-2')),
      performedOn: fc.constant(on),
      verifiedOn: opt(after(on, 3)),
      evidence: fc.array(fc.record({ kind: fc.constantFrom(...SANITIZATION_EVIDENCE_KINDS), sha256: shaArb, uri: opt(textArb) }).map(clean), { maxLength: 2 }),
    })
    .map(clean),
);

const coversArb = fc.array(fc.constantFrom('ccss-v9:2.03.1.1', 'ccss-2021:1.3.7.L2', 'ccss-2020:2.2.1.L1'), { maxLength: 3 });

const policyArb = dateArb.chain((approved) =>
  fc
    .record({
      id: idArb,
      kind: fc.constantFrom(...POLICY_KINDS),
      title: opt(textArb),
      version: textArb,
      owner: textArb,
      approval: opt(fc.record({ by: textArb, on: fc.constant(approved) })),
      nextReview: after(approved, 800),
      covers: coversArb,
      text: textArb,
      document: opt(evidenceArb),
    })
    .map(clean),
);

const personArb = dateArb.chain((granted) =>
  fc
    .record({
      id: idArb,
      roles: fc.uniqueArray(fc.constantFrom(...PERSON_ROLES), { minLength: 1, maxLength: 3 }),
      grantedOn: opt(fc.constant(granted)),
      revokedOn: opt(after(granted, 900)),
      checks: fc.array(
        fc.record({ kind: fc.constantFrom(...CHECK_KINDS), provider: textArb, requestedOn: opt(fc.constant(granted)), completedOn: after(granted, 20), outcome: fc.constantFrom(...CHECK_OUTCOMES), reference: opt(textArb), resultSha256: opt(shaArb) }).map(clean),
        { maxLength: 3 },
      ),
      training: fc.array(fc.record({ course: textArb, topic: fc.constantFrom(...TRAINING_TOPICS), completedOn: dateArb, provider: opt(textArb), evidenceSha256: opt(shaArb) }).map(clean), { maxLength: 2 }),
      acknowledgements: fc.array(
        fc.record({ subject: fc.constantFrom(...ACKNOWLEDGEMENT_SUBJECTS), policyId: idArb, policyVersion: opt(textArb), acknowledgedOn: dateArb, sha256: opt(shaArb) }).map(clean),
        { maxLength: 2 },
      ),
    })
    .map(clean),
);

const providerArb = dateArb.chain((issued) =>
  fc
    .record({
      id: idArb,
      name: textArb,
      service: textArb,
      certificate: fc
        .record({ reference: textArb, issuer: textArb, level: opt(fc.constantFrom(1, 2, 3)), issuedOn: fc.constant(issued), expiresOn: after(issued, 900), evidence: opt(evidenceArb) })
        .map(clean),
      covers: coversArb,
      reviewedOn: opt(dateArb),
    })
    .map(clean),
);

const drillArb = fc
  .record({
    id: idArb,
    scenario: textArb,
    performedOn: dateArb,
    participants: fc.array(textArb, { minLength: 1, maxLength: 3 }),
    observations: opt(textArb),
    improvements: fc.array(textArb, { maxLength: 2 }),
    report: opt(evidenceArb),
    validMonths: opt(fc.integer({ min: 1, max: 36 })),
  })
  .map(clean);

const kcpProtocolArb = dateArb.chain((approved) =>
  fc
    .record({
      id: idArb,
      version: textArb,
      title: opt(textArb),
      owner: textArb,
      approval: opt(fc.record({ by: textArb, on: fc.constant(approved) })),
      nextReview: after(approved, 800),
      keyClasses: fc.uniqueArray(fc.record({ name: textArb, critical: fc.boolean(), description: opt(textArb), keys: fc.array(textArb, { maxLength: 2 }) }).map(clean), { selector: (c) => c.name, minLength: 1, maxLength: 3 }),
      roles: fc.uniqueArray(fc.record({ name: textArb, responsibilities: textArb, holders: fc.constant(['K-1']), backups: fc.constant(['K-2']) }), { selector: (r) => r.name, minLength: 1, maxLength: 3 }),
      within: opt(textArb),
      channels: fc.uniqueArray(fc.record({ name: textArb, authentication: textArb, purpose: opt(textArb) }).map(clean), { selector: (c) => c.name, minLength: 1, maxLength: 2 }),
      covers: coversArb,
      document: opt(evidenceArb),
    })
    // One step per role, each dealing with every class of key (a step without classes deals with all).
    .map(({ within, ...p }) => clean({ ...p, steps: p.roles.map((r) => clean({ action: `act as ${r.name}`, role: r.name, keyClasses: [], within })) })),
);

const grantRevokeArb = dateArb.chain((requested) =>
  fc
    .record({
      id: idArb,
      action: fc.constantFrom('grant', 'revoke'),
      person: textArb,
      role: textArb,
      reason: opt(textArb),
      requestedBy: textArb,
      requestedOn: fc.constant(requested),
      channel: fc.record({ name: textArb, authentication: opt(textArb) }).map(clean),
      performed: opt(after(requested, 30)),
      checklist: fc.array(fc.record({ item: textArb, done: fc.boolean(), by: opt(textArb) }).map(clean), { minLength: 1, maxLength: 3 }),
      evidence: opt(evidenceArb),
    })
    .map(({ performed, ...r }) => clean({ ...r, ...(performed ? { performedBy: 'op-1', performedOn: performed, attestation: { by: 'op-1', on: performed } } : {}) })),
);

const RAW: { [K in RegisterKind]: fc.Arbitrary<unknown> } = {
  securityTests: securityTestArb,
  sanitization: sanitizationArb,
  policies: policyArb,
  people: personArb,
  providers: providerArb,
  drills: drillArb,
  kcpProtocols: kcpProtocolArb,
  grantRevoke: grantRevokeArb,
};

/** Valid, parsed entries of a register, with unique ids. */
export function entriesArb<K extends RegisterKind>(kind: K): fc.Arbitrary<RegisterEntries[K][]> {
  return fc.uniqueArray(RAW[kind], { selector: (e) => (e as { id: string }).id, maxLength: 4 }).map((list) => list.map((e) => validateEntry(kind, e)));
}

/** Valid registers of every kind. */
export const registersArb: fc.Arbitrary<Registers> = fc.record({
  securityTests: entriesArb('securityTests'),
  sanitization: entriesArb('sanitization'),
  policies: entriesArb('policies'),
  people: entriesArb('people'),
  providers: entriesArb('providers'),
  drills: entriesArb('drills'),
  kcpProtocols: entriesArb('kcpProtocols'),
  grantRevoke: entriesArb('grantRevoke'),
});
