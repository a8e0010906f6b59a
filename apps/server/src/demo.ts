/**
 * `keygrade serve --demo` (and `npm start -- --demo`): seeds the example exchange so a new user
 * sees a filled-in assessment at once — an organization, its system, and the example assessment
 * file imported — and a demo account (security lead, so no MFA set-up is needed) whose fresh
 * password is printed at each start. Every write goes through the audit log like any other.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Catalog } from '@keygrade/catalog';
import {
  addMember,
  audited,
  createAssessment,
  createOrg,
  createSystem,
  createUser,
  findUserByEmail,
  getAnswers,
  hashPassword,
  listSystems,
  membershipsOf,
  putAnswer,
  recordLevel,
  setPasswordHash,
  type Db,
} from '@keygrade/db';
import { parseUploadedAssessment, scorecardOf } from './domain/assessment-view.js';

export const DEMO_EMAIL = 'demo@keygrade.localhost';
export const DEMO_ORG = 'Acme Exchange (demo)';

export interface DemoAccount {
  email: string;
  password: string;
  orgId: string;
  orgName: string;
  created: boolean;
}

export async function seedDemo(db: Db, catalog: Catalog, exampleFile: string, now: Date): Promise<DemoAccount> {
  const k = db.kysely;
  const password = randomBytes(15).toString('base64url');
  const who = { actor: 'system:demo', requestId: 'demo-seed', at: now };
  const user = await findUserByEmail(k, DEMO_EMAIL);
  if (user) {
    const hash = await hashPassword(password);
    await audited(k, who, 'user.password.reset', `user:${user.id}`, (trx) => setPasswordHash(trx, user.id, hash, now));
  }
  const created = !user;
  const userId = user?.id ?? (await audited(k, who, 'user.create', `user:${DEMO_EMAIL}`, (trx) => createUser(trx, db.dialect, { email: DEMO_EMAIL, password, name: 'Demo user' }, now))).id;
  let org = (await membershipsOf(k, userId)).find((m) => m.org.name === DEMO_ORG)?.org;
  if (!org) {
    org = await audited(k, who, 'org.create', `org:${DEMO_ORG}`, async (trx) => {
      const o = await createOrg(trx, { name: DEMO_ORG, ownerId: null }, now);
      await addMember(trx, o.id, userId, 'security_lead', now);
      return o;
    });
  }
  if ((await listSystems(k, org.id)).length === 0) {
    const parsed = parseUploadedAssessment(readFileSync(exampleFile, 'utf8'), catalog, exampleFile);
    const orgId = org.id;
    await audited(k, who, 'demo.seed', `org:${orgId}`, async (trx) => {
      const by = { actor: who.actor, at: now };
      const system = await createSystem(trx, orgId, { name: parsed.meta.system, scope: parsed.meta.scope, assets: ['BTC'] }, by);
      const a = await createAssessment(trx, { systemId: system.id, orgId, edition: parsed.edition.id, assessor: parsed.meta.assessor, assessedAt: parsed.meta.assessed_at }, by);
      for (const [id, ans] of parsed.answers) {
        await putAnswer(trx, a.id, id, { status: ans.status, note: ans.note, justification: ans.justification, comparableControl: ans.comparable_control, reliesOn: ans.relies_on, evidenceRefs: ans.evidence ?? [] }, 0, by);
      }
      await recordLevel(trx, a.id, scorecardOf(parsed.edition, await getAnswers(trx, a.id)).level, now);
    });
  }
  return { email: DEMO_EMAIL, password, orgId: org.id, orgName: org.name, created };
}
