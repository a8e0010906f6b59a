/**
 * The authorization matrix (issue 4, item 7): every route the app registers × every role
 * (owner, security_lead, keyholder, viewer), anonymous, a member of a foreign organization, and
 * scoped API tokens. Each route declares its permission in `config.permission`; the expected
 * status follows from the role → permission table in authz.ts:
 *   anonymous → 401; role without the permission → 403; foreign member or token → 404;
 *   allowed → anything but 401/403 and ORG_NOT_FOUND (400/404/409 from the handler are fine).
 * A route without a declaration fails the test unless listed below with the reason.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { AUDIT_LOG, MFA_ROLES, MasterKey, putAuditor, ORG_ROLES, addMember, createInvitation, createOrg, createSession, createUser, hashPassword, type OrgRole } from '@keygrade/db';
import { postgresSkipNote, testBackends, type TestDb } from '@keygrade/db/testing';
import type { App } from './app.js';
import { ENGAGEMENT_PERMISSIONS, PERMISSIONS, ROLE_PERMISSIONS, type Permission, type RoutePermission } from './authz.js';
import { bearer, testApp } from './testing.js';

const master = MasterKey.generate();
const note = postgresSkipNote();
if (note) test(note, { skip: note }, () => undefined);

/** Routes registered without `config.permission`, and why they are outside the matrix. */
const UNDECLARED: Record<string, string> = {
  'GET /api/health': 'public liveness probe (routes/health.ts)',
  'GET /api/ready': 'public readiness probe (routes/health.ts)',
  'GET /api/logs': 'log routes are authorised by log:<verb>:<log> token scopes (routes/logs.ts, tested in logs.test.ts)',
  'POST /api/logs/:log/entries': 'log scopes (logs.test.ts)',
  'GET /api/logs/:log/entries': 'log scopes (logs.test.ts)',
  'GET /api/logs/:log/proof/:index': 'public: proofs reveal only hashes (logs.test.ts)',
  'GET /api/logs/:log/consistency': 'public: proofs reveal only hashes (logs.test.ts)',
  'GET /api/logs/:log/witnesses': 'public witness status (logs.test.ts)',
  'GET /api/logs/:log/alerts': 'log scopes (logs.test.ts)',
  'GET /logs/:log/checkpoint': 'C2SP tlog-tiles: public by design',
  'GET /logs/:log/tile/*': 'C2SP tlog-tiles: hash tiles public, entry bundles need a log:read scope (logs.test.ts)',
  'POST /logs/:log/cosignature': 'witness cosignatures, authenticated by the witness signature (logs.test.ts)',
};

type Who = { kind: 'anonymous' } | { kind: 'admin' } | { kind: 'member'; role: OrgRole } | { kind: 'foreign' } | { kind: 'token'; name: string; scopes: Permission[] } | { kind: 'foreign-token' };
const PRINCIPALS: Who[] = [
  { kind: 'anonymous' },
  { kind: 'admin' },
  { kind: 'foreign' },
  { kind: 'foreign-token' },
  { kind: 'token', name: 'read-token', scopes: ['org:read'] },
  { kind: 'token', name: 'write-token', scopes: ['org:read', 'answer:write', 'system:write'] },
  ...[...ORG_ROLES].reverse().map((role): Who => ({ kind: 'member', role })),
];
const label = (w: Who) => (w.kind === 'member' ? w.role : w.kind === 'token' ? w.name : w.kind);

type Expect = 'allow' | 401 | 403 | 404;
/** Error codes that mean "authorization refused"; an allowed principal must never see them. */
const DENIALS = new Set(['FORBIDDEN', 'MFA_REQUIRED', 'CSRF_INVALID', 'SESSION_REQUIRED', 'SESSION_EXPIRED', 'TOKEN_INVALID', 'TOKEN_REQUIRED', 'ORG_NOT_FOUND']);
function expected(w: Who, permission: Exclude<RoutePermission, 'public'>): Expect {
  if (w.kind === 'anonymous') return 401;
  if (permission.startsWith('engagement:')) {
    // Engagement routes are for signed-in users; the matrix's principals hold no engagement role,
    // so only the auditee organization's roles reach them (engagements.test.ts covers the auditor and reviewer roles).
    if (w.kind === 'token' || w.kind === 'foreign-token') return 403;
    if (w.kind === 'foreign' || w.kind === 'admin') return 404;
    if (permission === 'engagement:read') return 'allow';
    if (permission === 'engagement:auditee') return ROLE_PERMISSIONS[w.role].includes('system:write') ? 'allow' : 403;
    return 403;
  }
  if (permission === 'admin') return w.kind === 'admin' ? 'allow' : 403;
  if (permission === 'user') return w.kind === 'member' || w.kind === 'foreign' || w.kind === 'admin' ? 'allow' : 403;
  // The instance administrator has no implicit access to organizations.
  if (w.kind === 'foreign' || w.kind === 'foreign-token' || w.kind === 'admin') return 404;
  if (w.kind === 'token') return w.scopes.includes(permission as Permission) ? 'allow' : 403;
  return ROLE_PERMISSIONS[w.role].includes(permission as Permission) ? 'allow' : 403;
}

interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  minLength?: number;
  minimum?: number;
  format?: string;
  pattern?: string;
}
interface Operation {
  parameters?: { name: string; in: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content: Record<string, { schema?: JsonSchema }> };
}

/** A small valid value of a JSON schema, so validation never hides the authorization answer. */
function sample(s: JsonSchema, name = ''): unknown {
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  if (s.default !== undefined) return s.default;
  const alt = s.anyOf ?? s.oneOf;
  if (alt) return sample(alt.find((a) => a.type !== 'null') ?? alt[0]!, name);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'object':
      return Object.fromEntries((s.required ?? []).map((k) => [k, sample(s.properties?.[k] ?? {}, k)]));
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => sample(s.items ?? {}, name));
    case 'integer':
    case 'number':
      return s.minimum ?? 0;
    case 'boolean':
      return false;
    case 'string':
      if (s.format === 'email') return 'matrix@example.test';
      if (s.format === 'date-time') return new Date(Date.now() + 30 * 86_400_000).toISOString();
      if (s.format === 'uuid') return randomUUID();
      if (name === 'code') return '123456';
      return 'x'.repeat(Math.max(s.minLength ?? 1, 1));
    default:
      return 'x';
  }
}

const openapiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

for (const backend of testBackends()) {
  describe(`authorization matrix on ${backend.name}`, () => {
    let db: TestDb;
    let app: App;
    let doc: { paths: Record<string, Record<string, Operation>> };
    let passwordHash: string;
    let adminId: string;
    before(async () => {
      db = await backend.open();
      app = await testApp(db, master);
      await app.ready();
      doc = (await app.inject({ url: '/api/openapi.json' })).json();
      passwordHash = await hashPassword('matrix passphrase 123');
      // The first account is the instance administrator; make it before any member.
      adminId = (await createUser(db.kysely, db.dialect, { email: 'admin@example.test', password: '', name: 'Admin', passwordHash }, new Date())).id;
      // With MFA, since creating an organization during the matrix makes the admin an owner.
      await db.kysely.updateTable('app_user').set({ mfa_enabled: 1 }).where('id', '=', adminId).execute();
    });
    after(async () => {
      await app.close();
      await db.close();
    });

    const k = () => db.kysely;
    const now = () => new Date();
    let n = 0;
    async function user(orgId: string, role: OrgRole): Promise<string> {
      const u = await createUser(k(), db.dialect, { email: `m${++n}-${randomUUID().slice(0, 8)}@example.test`, password: '', name: 'M', passwordHash }, now());
      await addMember(k(), orgId, u.id, role, now());
      if (MFA_ROLES.has(role)) await k().updateTable('app_user').set({ mfa_enabled: 1 }).where('id', '=', u.id).execute();
      return u.id;
    }
    async function sessionHeaders(userId: string): Promise<Record<string, string>> {
      const s = await createSession(k(), userId, now());
      return { cookie: `kg_session=${s.cookie}`, 'x-csrf-token': s.session.csrfToken };
    }

    /** A fresh pair of organizations with one member per role, a foreign owner and tokens. */
    async function world() {
      const orgA = (await createOrg(k(), { name: 'A', ownerId: null }, now())).id;
      const orgB = (await createOrg(k(), { name: 'B', ownerId: null }, now())).id;
      const members = Object.fromEntries(await Promise.all(ORG_ROLES.map(async (r) => [r, await user(orgA, r)] as const))) as Record<OrgRole, string>;
      const foreign = await user(orgB, 'owner');
      const tokens: Record<string, string> = {};
      for (const w of PRINCIPALS) if (w.kind === 'token') tokens[w.name] = await bearer(app, { orgId: orgA, scopes: w.scopes });
      tokens['foreign-token'] = await bearer(app, { orgId: orgB, scopes: ['org:read', 'answer:write', 'system:write'] });
      const owner = await sessionHeaders(members.owner);
      const fixtures = new Map<string, Promise<string>>();
      const json = async (req: InjectOptions, pick: (b: Record<string, unknown>) => unknown, what: string) => {
        const r = await app.inject({ ...req, headers: { ...owner, ...req.headers } });
        const id = r.statusCode < 300 ? pick(r.json()) : undefined;
        if (typeof id !== 'string') throw new Error(`fixture ${what}: ${req.method ?? 'GET'} ${req.url} answered ${r.statusCode} ${r.body.slice(0, 300)}`);
        return id;
      };
      const make: Record<string, () => Promise<string>> = {
        engagementId: async () => {
          const auditor = await user(orgB, 'viewer');
          await putAuditor(k(), auditor, { firmId: 'matrix-firm', firmName: 'Matrix Audit', accreditedFrom: '2000-01-01', accreditedUntil: '2999-12-31' }, { actor: 'system', at: now() });
          await k().updateTable('app_user').set({ mfa_enabled: 1 }).where('id', '=', auditor).execute();
          const email = (await k().selectFrom('app_user').select('email').where('id', '=', auditor).executeTakeFirstOrThrow()).email;
          return json(
            { method: 'POST', url: `/api/systems/${await get('systemId')}/engagements`, payload: { type: 'readiness', edition: 'ccss-2020', period: { start: '2026-01-01', end: '2026-06-30' }, agreementReference: 'matrix', leadAuditorEmail: email } },
            (b) => (b.engagement as { id?: string } | undefined)?.id,
            'engagement',
          );
        },
        threadId: async () => randomUUID(),
        keyid: async () => '0'.repeat(64),
        certificateId: async () => 'KG-2026-MATRIX',
        sampleId: async () => randomUUID(),
        itemId: async () => randomUUID(),
        orgId: async () => orgA,
        register: async () => 'securityTests',
        entryId: () =>
          json(
            { method: 'POST', url: `/api/orgs/${orgA}/compliance/registers/securityTests`, payload: { id: 'PT-MATRIX', kind: 'penetration_test', scope: 'matrix', tester: { name: 'Acme', relation: 'third_party' }, performedOn: '2026-01-10' } },
            (b) => (b.entry as { id?: string } | undefined)?.id,
            'compliance entry',
          ),
        linkId: async () =>
          json(
            { method: 'POST', url: `/api/assessments/${await get('assessmentId')}/compliance/links`, payload: { requirement: '2.1.1.L2', evidence: { sha256: 'a'.repeat(64), expiresOn: '2999-01-01' } } },
            (b) => (b.link as { id?: string } | undefined)?.id,
            'compliance link',
          ),
        alertId: async () => {
          const r = await k().insertInto('alert').values({ rule_id: 'matrix', log: AUDIT_LOG, raised_at: now().toISOString(), message: 'matrix alert', first_index: null, last_index: null, acknowledged_at: null }).returning('id').executeTakeFirstOrThrow();
          return String(r.id);
        },
        userId: () => user(orgA, 'viewer'),
        invitationId: async () => (await createInvitation(k(), { orgId: orgA, email: 'invited@example.test', role: 'viewer', invitedBy: members.owner }, now())).invitation.id,
        tokenId: async () => (await bearer(app, { orgId: orgA, scopes: ['org:read'] })).split('_')[1]!,
        systemId: () => json({ method: 'POST', url: `/api/orgs/${orgA}/systems`, payload: { name: 'Matrix system' } }, (b) => (b.system as { id?: string } | undefined)?.id, 'system'),
        assessmentId: async () => json({ method: 'POST', url: `/api/systems/${await get('systemId')}/assessments`, payload: { edition: 'ccss-2020' } }, (b) => (b.assessment as { id?: string } | undefined)?.id, 'assessment'),
        requirementId: async () =>
          json({ url: `/api/assessments/${await get('assessmentId')}/checklist` }, (b) => (b.aspects as { controls: { requirements: { id: string }[] }[] }[] | undefined)?.[0]?.controls[0]?.requirements[0]?.id, 'requirement'),
        evidenceId: async () => {
          const boundary = 'matrixboundary';
          const body = [`--${boundary}`, 'content-disposition: form-data; name="title"', '', 'Matrix evidence', `--${boundary}`, 'content-disposition: form-data; name="file"; filename="e.txt"', 'content-type: text/plain', '', 'evidence', `--${boundary}--`, ''].join('\r\n');
          return json({ method: 'POST', url: `/api/orgs/${orgA}/evidence`, payload: body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }, (b) => (b.evidence as { id?: string } | undefined)?.id, 'evidence');
        },
      };
      const get = (param: string): Promise<string> => {
        let p = fixtures.get(param);
        if (!p) {
          const f = make[param];
          if (!f) throw new Error(`no fixture for the path parameter :${param}; add one to authz-matrix.test.ts`);
          fixtures.set(param, (p = f()));
        }
        return p;
      };
      const headersOf = async (w: Who): Promise<Record<string, string>> => {
        switch (w.kind) {
          case 'anonymous':
            return {};
          case 'admin':
            return sessionHeaders(adminId);
          case 'member':
            return sessionHeaders(members[w.role]);
          case 'foreign':
            return sessionHeaders(foreign);
          case 'token':
            return { authorization: `Bearer ${tokens[w.name]!}` };
          case 'foreign-token':
            return { authorization: `Bearer ${tokens['foreign-token']!}` };
        }
      };
      return { get, headersOf };
    }

    test('every route declares its permission (or is listed with a reason)', () => {
      const routes = app.keygradeAuthz.routes;
      assert.ok(routes.length > 10, 'the route list is collected');
      const missing = routes.filter((r) => r.permission === undefined && !UNDECLARED[`${r.method} ${r.url}`]).map((r) => `${r.method} ${r.url}`);
      assert.deepEqual(missing, [], 'declare config.permission on these routes');
      for (const r of routes) if (r.permission !== undefined) assert.ok(['public', 'user', 'admin', ...PERMISSIONS, ...ENGAGEMENT_PERMISSIONS].includes(r.permission), `${r.method} ${r.url}: unknown permission ${r.permission}`);
    });

    test('the matrix covers the account routes and, once registered, the domain routes', () => {
      const declared = new Set(app.keygradeAuthz.routes.map((r) => `${r.method} ${r.url}`));
      for (const r of ['GET /api/orgs/:orgId', 'PUT /api/orgs/:orgId/members/:userId', 'POST /api/orgs/:orgId/tokens', 'POST /api/invitations/accept']) assert.ok(declared.has(r), r);
    });

    // The route list is known only once the app is built; node:test needs the tests now, so one
    // test walks the routes and reports every mismatch (route × principal) together.
    test('every route × every principal answers as the permission table says', async () => {
      const failures: string[] = [];
      let checked = 0;
      for (const route of app.keygradeAuthz.routes) {
        const permission = route.permission;
        if (permission === undefined || permission === 'public') continue;
        const op = doc.paths[openapiPath(route.url)]?.[route.method.toLowerCase()] ?? {};
        const w = await world();
        let url: string;
        try {
          url = route.url;
          for (const m of route.url.matchAll(/:([A-Za-z0-9_]+)/g)) url = url.replace(`:${m[1]!}`, encodeURIComponent(await w.get(m[1]!)));
        } catch (e) {
          failures.push(`${route.method} ${route.url}: ${(e as Error).message}`);
          continue;
        }
        const query = Object.fromEntries((op.parameters ?? []).filter((p) => p.in === 'query' && p.required).map((p) => [p.name, String(sample(p.schema ?? {}, p.name))]));
        const content = op.requestBody?.content ?? {};
        const jsonBody = content['application/json']?.schema;
        const [ct, other] = Object.entries(content).find(([c]) => c !== 'application/json') ?? [];
        const body: Partial<InjectOptions> = jsonBody ? { payload: JSON.stringify(sample(jsonBody)), headers: { 'content-type': 'application/json' } } : ct && ct !== 'multipart/form-data' && other ? { payload: String(sample(other.schema ?? { type: 'string' })), headers: { 'content-type': ct } } : {};
        for (const who of PRINCIPALS) {
          const want = expected(who, permission);
          const res = await app.inject({ method: route.method as InjectOptions['method'], url, query, ...body, headers: { ...body.headers, ...(await w.headersOf(who)) } });
          let code: string;
          try {
            code = String((res.json() as { error?: string }).error ?? '');
          } catch {
            code = '';
          }
          checked++;
          const got = res.statusCode;
          // A 403 the handler gives for a business rule (e.g. MFA_REQUIRED_FOR_ROLE) is not an authorization denial.
          const ok = got < 500 && (want === 'allow' ? got !== 401 && !DENIALS.has(code) : got === want && (want !== 403 || code === 'FORBIDDEN'));
          if (!ok) failures.push(`${route.method} ${route.url} as ${label(who)} (${permission}): expected ${want}, got ${got} ${res.body.slice(0, 160)}${want !== 'allow' && (got === 400 || got === 415) ? ' — validation answered before authorization; declare the route with :orgId or check permission first' : ''}`);
        }
      }
      assert.ok(checked > 50, `checked ${checked} requests`);
      assert.deepEqual(failures, []);
    });
  });
}
