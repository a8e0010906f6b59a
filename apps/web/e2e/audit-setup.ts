/**
 * Set-up shared by the audit and registry browser tests: accounts of auditors (MFA on, no
 * organization), the administrator's API session, and a certification audit taken to sign-off
 * through the API (the full flow in the browser is audit.test.ts).
 */
import assert from 'node:assert/strict';
import { BASE, apiAs, totp, type ApiUser } from './harness.js';

export const PASSWORD = 'correct horse battery staple 42';

/** A signed-up account with MFA turned on (the harness's way: the TOTP code from the secret), in no organization. */
export async function auditorAccount(label: string): Promise<ApiUser & { name: string }> {
  const email = `${label}-${process.pid}-${Date.now()}@example.com`;
  const name = `${label[0]!.toUpperCase()}${label.slice(1)} Auditor`;
  const s = await fetch(`${BASE}/api/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD, name }) });
  assert.equal(s.status, 201, await s.clone().text());
  const cookie = s.headers.get('set-cookie')!.split(';')[0]!;
  const session = (await (await fetch(`${BASE}/api/auth/session`, { headers: { cookie } })).json()) as { csrfToken: string };
  const user: ApiUser & { name: string } = { email, password: PASSWORD, cookie, csrf: session.csrfToken, name };
  const setup = await apiAs<{ secret: string }>(user, 'POST', '/api/auth/mfa/setup');
  await apiAs(user, 'POST', '/api/auth/mfa/enable', { code: totp(setup.secret) });
  user.secret = setup.secret;
  return user;
}

/** The instance administrator made by scripts/test-browser.mjs, signed in through the API (with its CSRF token). */
export async function adminSession(): Promise<ApiUser> {
  const email = process.env.KEYGRADE_E2E_ADMIN_EMAIL!;
  const login = await fetch(`${BASE}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: process.env.KEYGRADE_E2E_ADMIN_PASSWORD }) });
  assert.equal(login.status, 200, await login.clone().text());
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const session = (await (await fetch(`${BASE}/api/auth/session`, { headers: { cookie } })).json()) as { csrfToken: string };
  return { email, password: '', cookie, csrf: session.csrfToken };
}

/** Registers an account as an accredited auditor of a firm (POST /api/admin/auditors). */
export async function accredit(admin: ApiUser, who: ApiUser, firmId: string, firmName: string): Promise<void> {
  await apiAs(admin, 'POST', '/api/admin/auditors', { email: who.email, firmId, firmName, accreditedFrom: '2020-01-01', accreditedUntil: '2099-12-31' });
}

const NO = { conflict: false };

/**
 * A first certification audit of `systemId` (edition ccss-2020, every requirement in place) taken
 * to sign-off through the API: engaged by the owner, reviewer assigned, declarations, fieldwork,
 * peer review and both sign-offs. Returns the engagement id.
 */
export async function signedOffAudit(opts: { owner: ApiUser; systemId: string; lead: ApiUser; reviewer: ApiUser; period: { start: string; end: string } }): Promise<string> {
  const { owner, lead, reviewer } = opts;
  const created = await apiAs<{ engagement: { id: string } }>(owner, 'POST', `/api/systems/${opts.systemId}/engagements`, {
    type: 'certification',
    edition: 'ccss-2020',
    firstAudit: true,
    agreementReference: 'EL-REG-1',
    leadAuditorEmail: lead.email,
    period: opts.period,
  });
  const id = created.engagement.id;
  const view = () => apiAs<{ engagement: { version: number }; requirements: { id: string }[] }>(lead, 'GET', `/api/engagements/${id}`);
  const step = async (path: string, who: ApiUser = lead, body: Record<string, unknown> = {}) => apiAs(who, 'POST', `/api/engagements/${id}/${path}`, { version: (await view()).engagement.version, ...body });
  await step('members', lead, { email: reviewer.email, role: 'peer_reviewer' });
  await apiAs(lead, 'POST', `/api/engagements/${id}/declarations`, { role: 'auditor', employment: NO, family: NO, financialInterest: NO });
  await step('start');
  for (const r of (await view()).requirements) {
    await apiAs(lead, 'PUT', `/api/engagements/${id}/tests/${r.id}`, { version: 0, techniques: [{ technique: 'inspection' }], status: 'in_place' });
  }
  await apiAs(reviewer, 'POST', `/api/engagements/${id}/declarations`, { role: 'peer_reviewer', employment: NO, family: NO, financialInterest: NO });
  await step('submit');
  await step('review-signoff', reviewer);
  await step('signoff');
  return id;
}
