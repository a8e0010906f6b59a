/**
 * The key compromise protocol record and the grant/revoke register (issue 8 item 6, aspects 1.5/1.6
 * of 2020/2021 and 2.04/1.04 of v9): validation messages naming the field, validity, and what they
 * evidence on a simulated calendar.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ComplianceError } from './errors.js';
import { createEvaluator } from './evaluate.js';
import { emptyRegisters, validateEntry, type RegisterKind } from './registers.js';
import { DEFAULT_VALIDITY } from './config.js';
import { entryValidity, grantRevokeValidity, kcpProtocolValidity } from './validity.js';
import { registerFromCsv, registerToCsv } from './io/csv.js';
import { crossCheckRegisters } from './cross-check.js';
import { allInPlace, catalog, v9 } from './test-fixtures.js';

const protocol = {
  id: 'KCP-1',
  version: '3',
  owner: 'CISO',
  approval: { by: 'Board', on: '2026-02-01' },
  nextReview: '2027-02-01',
  keyClasses: [
    { name: 'cold signing keys', critical: true, keys: ['cold-A', 'cold-B', 'cold-C'] },
    { name: 'hot wallet key', critical: true },
  ],
  roles: [
    { name: 'incident lead', responsibilities: 'declares the compromise and coordinates', holders: ['K-1'], backups: ['K-2'] },
    { name: 'signer', responsibilities: 'signs the sweep', holders: ['K-3', 'K-4'], backups: ['K-5'] },
  ],
  steps: [
    { action: 'declare the compromise on the incident channel', role: 'incident lead', within: '15 minutes' },
    { action: 'build the sweep PSBT with keygrade kcp sweep', role: 'incident lead', keyClasses: ['cold signing keys'] },
    { action: 'sign the sweep', role: 'signer', keyClasses: ['cold signing keys', 'hot wallet key'], within: '2 hours' },
  ],
  channels: [{ name: 'Signal group KCP', authentication: 'safety numbers verified in person', purpose: 'declaring and coordinating' }],
};

const request = {
  id: 'GR-1',
  action: 'revoke',
  person: 'K-4',
  role: 'signer',
  reason: 'left the company',
  requestedBy: 'HR lead',
  requestedOn: '2026-03-01',
  channel: { name: 'ticket system', authentication: 'SSO with hardware key' },
  approvedBy: 'CISO',
  approvedOn: '2026-03-01',
  performedBy: 'op-7',
  performedOn: '2026-03-02',
  checklist: [
    { item: 'remove HSM user for K-4', done: true },
    { item: 'rotate cold key B share held by K-4', done: true, by: 'op-8' },
  ],
  attestation: { by: 'op-7', on: '2026-03-02', statement: 'all items done' },
};

function refused(kind: RegisterKind, input: unknown, path: string, message: RegExp): void {
  assert.throws(
    () => validateEntry(kind, input),
    (e: unknown) => e instanceof ComplianceError && e.problems.some((p) => p.path === path && message.test(p.message)) ? true : assert.fail(`no problem at ${path} matching ${String(message)}: ${e instanceof ComplianceError ? e.describe() : String(e)}`),
  );
}

describe('key compromise protocol record', () => {
  it('accepts a complete protocol and refuses a broken one, naming the field', () => {
    const p = validateEntry('kcpProtocols', protocol);
    assert.equal(p.keyClasses[1]!.critical, true);
    assert.deepEqual(p.steps[0]!.keyClasses, []);
    refused('kcpProtocols', { ...protocol, roles: [{ ...protocol.roles[0], backups: [] }, protocol.roles[1]] }, 'roles.0.backups', /at least one backup actor/);
    refused('kcpProtocols', { ...protocol, roles: [{ ...protocol.roles[0], backups: ['K-1'] }, protocol.roles[1]] }, 'roles.0.backups', /K-1 is both a holder and a backup of role "incident lead"/);
    refused('kcpProtocols', { ...protocol, steps: [...protocol.steps, { action: 'x', role: 'janitor' }] }, 'steps.3.role', /role "janitor" is not one of the protocol's roles \(incident lead, signer\)/);
    refused('kcpProtocols', { ...protocol, steps: [{ action: 'x', role: 'signer', keyClasses: ['hot wallet key'] }] }, 'keyClasses.0.name', /no step deals with key class "cold signing keys"/);
    refused('kcpProtocols', { ...protocol, steps: [{ action: 'x', role: 'signer', keyClasses: ['tls keys'] }] }, 'steps.0.keyClasses', /key class "tls keys" is not one of/);
    refused('kcpProtocols', { ...protocol, channels: [] }, 'channels', /at least one authenticated channel/);
    refused('kcpProtocols', { ...protocol, channels: [{ name: 'phone' }] }, 'channels.0.authentication', /authentication is required/);
    refused('kcpProtocols', { ...protocol, approval: { by: 'Board', on: '2027-03-01' } }, 'nextReview', /dates are in the wrong order/);
    refused('kcpProtocols', { ...protocol, keyClasses: [protocol.keyClasses[0], protocol.keyClasses[0]] }, 'keyClasses.1.name', /used twice/);
  });

  it('counts from its approval to its next review, and not at all unless approved', () => {
    const p = validateEntry('kcpProtocols', protocol);
    assert.equal(kcpProtocolValidity(p, '2026-01-31').valid, false);
    assert.deepEqual(kcpProtocolValidity(p, '2026-06-01'), { valid: true, from: '2026-02-01', until: '2027-02-01', reason: 'protocol version 3 approved by Board on 2026-02-01, covering 2 key classes and 2 roles, next review 2027-02-01' });
    assert.match(kcpProtocolValidity(p, '2027-02-02').reason, /was due for review on 2027-02-01/);
    const draft = validateEntry('kcpProtocols', { ...protocol, approval: undefined });
    assert.equal(kcpProtocolValidity(draft, '2026-06-01').valid, false);
  });

  it('evidences the key compromise protocol requirements (2020 1.5.1, v9 2.04.1.1–2.04.1.3) and lapses at its review date', () => {
    const registers = { ...emptyRegisters(), kcpProtocols: [validateEntry('kcpProtocols', protocol)] };
    const edition = v9();
    const ev = createEvaluator({ answers: allInPlace(edition), registers, edition });
    const june = ev.at('2026-06-01');
    const fed = (id: string) => june.requirements.find((r) => r.id === id)!;
    for (const id of ['2.04.1.1', '2.04.1.2', '2.04.1.3']) assert.equal(fed(id).evidence, 'valid', id);
    const late = ev.at('2027-02-02');
    assert.deepEqual(late.requirements.filter((r) => r.fellBack).map((r) => r.id), ['2.04.1.1', '2.04.1.2', '2.04.1.3']);
    assert.match(late.requirements.find((r) => r.id === '2.04.1.2')!.reason!, /kcpProtocols\/KCP-1 .*was due for review on 2027-02-01/);

    const c2020 = catalog.edition('ccss-2020');
    const e2020 = createEvaluator({ answers: allInPlace(c2020), registers, edition: c2020 }).at('2027-02-02');
    assert.deepEqual(e2020.requirements.filter((r) => r.fellBack).map((r) => r.id), ['1.5.1.L1', '1.5.1.L2', '1.5.1.L3']);
  });
});

describe('grant/revoke register', () => {
  it('refuses requests with missing or inconsistent fields, naming the field', () => {
    assert.equal(validateEntry('grantRevoke', request).checklist.length, 2);
    refused('grantRevoke', { ...request, action: 'suspend' }, 'action', /action must be one of grant, revoke/);
    refused('grantRevoke', { ...request, checklist: [] }, 'checklist', /at least one permission/);
    refused('grantRevoke', { ...request, channel: undefined }, 'channel', /channel is required/);
    refused('grantRevoke', { ...request, performedOn: '2026-02-20' }, 'performedOn', /performedOn \(2026-02-20\) is before requestedOn \(2026-03-01\)/);
    refused('grantRevoke', { ...request, attestation: undefined }, 'attestation', /needs the attestation of the person who performed it/);
    refused('grantRevoke', { ...request, attestation: { by: 'op-8', on: '2026-03-02' } }, 'attestation.by', /the attestation is by op-8, but op-7 performed the request/);
    refused('grantRevoke', { ...request, performedBy: undefined }, 'performedBy', /performedBy and performedOn go together/);
  });

  it('is read as a whole: authenticated channels and an attested trail, from each request date on', () => {
    const good = validateEntry('grantRevoke', request);
    const open = validateEntry('grantRevoke', { ...request, id: 'GR-2', requestedOn: '2026-05-01', approvedOn: '2026-05-01', performedOn: '2026-05-02', attestation: { by: 'op-7', on: '2026-05-03' }, channel: { name: 'hallway' } });
    const registers = { ...emptyRegisters(), grantRevoke: [good, open] };
    assert.equal(grantRevokeValidity(registers, 'channel', '2026-02-28').reason, 'no grant/revoke request is recorded yet');
    assert.equal(grantRevokeValidity(registers, 'channel', '2026-04-30').valid, true);
    assert.equal(grantRevokeValidity(registers, 'channel', '2026-05-01').reason, '1 of 2 grant/revoke requests came through a channel without authentication (GR-2)');
    assert.equal(grantRevokeValidity(registers, 'trail', '2026-03-01').valid, false);
    assert.equal(grantRevokeValidity(registers, 'trail', '2026-03-02').valid, true);
    assert.equal(grantRevokeValidity(registers, 'trail', '2026-05-02').reason, '1 performed request is not yet attested by the performer (GR-2)');
    assert.equal(grantRevokeValidity(registers, 'trail', '2026-05-03').valid, true);
    const unchecked = validateEntry('grantRevoke', { ...request, id: 'GR-3', checklist: [{ item: 'remove HSM user', done: false }] });
    assert.match(grantRevokeValidity({ ...registers, grantRevoke: [good, unchecked] }, 'trail', '2026-06-01').reason, /checklist items not done \(GR-3\)/);
  });

  it('each request has its own state for lists (entryValidity); people have none', () => {
    const at = '2026-06-01';
    assert.equal(entryValidity('grantRevoke', validateEntry('grantRevoke', request), at, DEFAULT_VALIDITY)!.reason, 'revoke performed on 2026-03-02 by op-7, attested on 2026-03-02');
    assert.equal(entryValidity('grantRevoke', validateEntry('grantRevoke', { ...request, channel: { name: 'hallway' } }), at, DEFAULT_VALIDITY)!.reason, 'requested on 2026-03-01 through hallway, a channel without authentication');
    const pending = validateEntry('grantRevoke', { ...request, performedBy: undefined, performedOn: undefined, attestation: undefined });
    assert.equal(entryValidity('grantRevoke', pending, at, DEFAULT_VALIDITY)!.reason, 'requested on 2026-03-01, not performed yet');
    assert.equal(entryValidity('kcpProtocols', validateEntry('kcpProtocols', protocol), at, DEFAULT_VALIDITY)!.until, '2027-02-01');
    assert.equal(entryValidity('people', validateEntry('people', { id: 'K-1', roles: ['keyholder'] }), at, DEFAULT_VALIDITY), undefined);
  });

  it('evidences 2020 1.6.2/1.6.3 and v9 1.04.2.1/1.04.3.1; an unauthenticated request drops the level', () => {
    const good = validateEntry('grantRevoke', request);
    const open = validateEntry('grantRevoke', { ...request, id: 'GR-2', requestedOn: '2026-05-01', approvedOn: '2026-05-01', performedOn: '2026-05-02', attestation: { by: 'op-7', on: '2026-05-02' }, channel: { name: 'hallway' } });
    const registers = { ...emptyRegisters(), grantRevoke: [good, open] };
    const edition = v9();
    const ev = createEvaluator({ answers: allInPlace(edition), registers, edition });
    assert.equal(ev.at('2026-04-01').level, 3);
    const may = ev.at('2026-05-01');
    assert.deepEqual(may.requirements.filter((r) => r.fellBack).map((r) => r.id), ['1.04.2.1']);
    assert.equal(may.level, 1, 'a Level II requirement of 1.04 fell back');
    const c2020 = catalog.edition('ccss-2020');
    const e2020 = createEvaluator({ answers: allInPlace(c2020), registers: { ...emptyRegisters(), grantRevoke: [good] }, edition: c2020 }).at('2026-03-02');
    for (const id of ['1.6.2.L2', '1.6.2.L3', '1.6.3.L3']) assert.equal(e2020.requirements.find((r) => r.id === id)!.evidence, 'valid', id);
  });

  it('round-trips through CSV (checklists as JSON cells, channel and attestation as dotted columns)', () => {
    const entries = [validateEntry('grantRevoke', request)];
    const csv = registerToCsv('grantRevoke', entries);
    assert.match(csv.split('\n')[0]!, /channel\.name,channel\.authentication/);
    assert.deepEqual(registerFromCsv('grantRevoke', csv), entries);
    const protocols = [validateEntry('kcpProtocols', protocol)];
    assert.deepEqual(registerFromCsv('kcpProtocols', registerToCsv('kcpProtocols', protocols)), protocols);
  });
});

describe('cross-checks between registers', () => {
  it('names participants, role holders, requesters and acknowledged policies that do not resolve', () => {
    const people = ['K-1', 'K-2', 'K-3'].map((id) => validateEntry('people', { id, roles: ['keyholder'], acknowledgements: id === 'K-3' ? [{ subject: 'policy', policyId: 'POL-9', acknowledgedOn: '2026-01-02' }] : [] }));
    const registers = {
      ...emptyRegisters(),
      people,
      kcpProtocols: [validateEntry('kcpProtocols', protocol)],
      grantRevoke: [validateEntry('grantRevoke', request)],
      drills: [validateEntry('drills', { id: 'D-1', scenario: 'x', performedOn: '2026-02-10', participants: ['K-1', 'K-7'] })],
    };
    assert.deepEqual(crossCheckRegisters(registers), [
      { ref: 'drills/D-1', path: 'participants.1', message: 'participant K-7 is not in the people register' },
      { ref: 'kcpProtocols/KCP-1', path: 'roles.1.holders.1', message: 'holder of role "signer" K-4 is not in the people register' },
      { ref: 'kcpProtocols/KCP-1', path: 'roles.1.backups.0', message: 'backup of role "signer" K-5 is not in the people register' },
      { ref: 'grantRevoke/GR-1', path: 'person', message: 'person K-4 is not in the people register' },
      { ref: 'people/K-3', path: 'acknowledgements.0.policyId', message: 'policy POL-9 is not in the policies register' },
    ]);
    assert.deepEqual(crossCheckRegisters({ ...registers, people: [] }).map((w) => w.ref), [], 'without a people register, names are not checked');
  });
});
