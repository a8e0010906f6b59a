/**
 * Security audits, penetration tests and smart-contract code audits (CCSS 2020/2021 aspect 2.01,
 * v9 2.01.1 and 2.01.2). A test is planned, performed, reported on, and its findings are owned,
 * given a due date, remediated (or their risk accepted) and retested.
 */
import { z } from 'zod';
import type { Problem } from '@keygrade/errors';
import { dateOrderProblems, evidenceRefSchema, isoDate, join, oneOf, sha256, text } from './common.js';

export const TEST_KINDS = ['security_audit', 'penetration_test', 'smart_contract_audit'] as const;
export type TestKind = (typeof TEST_KINDS)[number];

export const TESTER_RELATIONS = ['internal', 'third_party'] as const;

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const REMEDIATION_STATUSES = ['open', 'in_progress', 'remediated', 'risk_accepted'] as const;
export type RemediationStatus = (typeof REMEDIATION_STATUSES)[number];

export const findingSchema = z.strictObject({
  id: text('id'),
  title: text('title'),
  severity: oneOf('severity', SEVERITIES),
  owner: text('owner'),
  /** Last day to remediate; required for every severity except `info`. */
  due: isoDate('due').optional(),
  remediation: oneOf('remediation', REMEDIATION_STATUSES),
  /** When it was remediated or its risk accepted; required for those two statuses. */
  resolvedOn: isoDate('resolvedOn').optional(),
  retest: z
    .strictObject({
      on: isoDate('on'),
      result: oneOf('result', ['passed', 'failed'] as const),
      evidence: evidenceRefSchema.optional(),
    })
    .optional(),
  note: text('note').optional(),
});

export const securityTestSchema = z.strictObject({
  id: text('id'),
  kind: oneOf('kind', TEST_KINDS),
  scope: text('scope'),
  tester: z.strictObject({ name: text('name'), relation: oneOf('relation', TESTER_RELATIONS) }, { error: 'tester is required (name and relation)' }),
  plannedOn: isoDate('plannedOn').optional(),
  startedOn: isoDate('startedOn').optional(),
  /** The day testing was completed: validity counts from it. */
  performedOn: isoDate('performedOn').optional(),
  reportedOn: isoDate('reportedOn').optional(),
  report: evidenceRefSchema.optional(),
  findings: z.array(findingSchema).default([]),
  /** Smart-contract audits (v9 2.01.2): the code audited, by reference and hash, so a later change is visible. */
  auditedCode: z.array(z.strictObject({ ref: text('ref'), sha256: sha256('sha256') })).default([]),
});

export type Finding = z.infer<typeof findingSchema>;
export type SecurityTest = z.infer<typeof securityTestSchema>;

/** Rules across fields of one test: date order, due dates, resolution dates, performed before reported. */
export function securityTestProblems(t: SecurityTest, base: string): Problem[] {
  const out = dateOrderProblems(t, base, [
    ['startedOn', 'performedOn'],
    ['performedOn', 'reportedOn'],
    ['startedOn', 'reportedOn'],
  ]);
  if (t.performedOn === undefined && t.plannedOn === undefined) out.push({ path: join(base, 'performedOn'), message: 'performedOn (or plannedOn for a test not yet done) is required' });
  if (t.performedOn === undefined) {
    if (t.reportedOn !== undefined) out.push({ path: join(base, 'performedOn'), message: 'performedOn is required when reportedOn is given' });
    if (t.findings.length > 0) out.push({ path: join(base, 'performedOn'), message: 'performedOn is required when the test has findings' });
  }
  const seen = new Set<string>();
  t.findings.forEach((f, i) => {
    const at = join(base, 'findings', i);
    if (seen.has(f.id)) out.push({ path: join(at, 'id'), message: `finding id ${f.id} appears twice in test ${t.id}` });
    seen.add(f.id);
    if (f.severity !== 'info' && f.due === undefined) out.push({ path: join(at, 'due'), message: `due is required for a ${f.severity} finding` });
    if ((f.remediation === 'remediated' || f.remediation === 'risk_accepted') && f.resolvedOn === undefined) {
      out.push({ path: join(at, 'resolvedOn'), message: `resolvedOn is required when remediation is ${f.remediation}` });
    }
    if ((f.remediation === 'open' || f.remediation === 'in_progress') && f.resolvedOn !== undefined) {
      out.push({ path: join(at, 'resolvedOn'), message: `resolvedOn must be left out while remediation is ${f.remediation}` });
    }
    if (t.performedOn !== undefined) {
      const scoped = { performedOn: t.performedOn, due: f.due, resolvedOn: f.resolvedOn, retestOn: f.retest?.on };
      for (const p of dateOrderProblems(scoped, '', [['performedOn', 'due'], ['performedOn', 'resolvedOn'], ['performedOn', 'retestOn']])) {
        out.push({ path: join(at, p.path === 'retestOn' ? 'retest.on' : p.path!), message: p.message.replace('retestOn', 'retest.on') });
      }
    }
    out.push(...dateOrderProblems({ resolvedOn: f.resolvedOn, retest: { on: f.retest?.on } }, at, [['resolvedOn', 'retest.on']]));
  });
  if (t.kind !== 'smart_contract_audit' && t.auditedCode.length > 0) out.push({ path: join(base, 'auditedCode'), message: 'auditedCode applies to smart_contract_audit tests only' });
  return out;
}
