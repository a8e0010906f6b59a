/**
 * Authentication and authorization for every route (docs/design/platform.md): session cookies
 * and API tokens become a `Principal`; `requireOrg` checks the principal's role (or token scopes)
 * in an organization against the role → permission table. A global hook enforces each route's
 * declared permission (`config: { permission }`), the CSRF token of cookie-authenticated
 * state-changing requests, and the MFA requirement of owners.
 */
import { timingSafeEqual } from 'node:crypto';
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  AccountError,
  DEFAULT_POLICY,
  DbError,
  allowsOrg,
  checkSessionUser,
  checkToken,
  engagementRolesOf,
  getEngagement,
  getOrg,
  isOrgRole,
  mfaRequiredFor,
  roleIn,
  tokenInOrg,
  type AccountPolicy,
  type Db,
  type EngagementRole,
  type EngagementRow,
  type MasterKey,
  type OrgRole,
  type Session,
  type TokenInfo,
  type UserRow,
  type Who,
} from '@keygrade/db';

export type { OrgRole } from '@keygrade/db';
export type Permission = 'org:read' | 'answer:write' | 'system:write' | 'org:admin';
/**
 * Engagement permissions (issue 5), held through an engagement role or the auditee organization:
 * `read` any role on the engagement or `org:read` in the auditee organization; `audit` an auditor;
 * `lead` the lead auditor; `review` the active peer reviewer; `member` an auditor or the reviewer;
 * `auditee` `system:write` in the auditee organization or an auditor (remediation items).
 */
export type EngagementPermission = 'engagement:read' | 'engagement:audit' | 'engagement:lead' | 'engagement:review' | 'engagement:member' | 'engagement:auditee';
export const ENGAGEMENT_PERMISSIONS: readonly EngagementPermission[] = ['engagement:read', 'engagement:audit', 'engagement:lead', 'engagement:review', 'engagement:member', 'engagement:auditee'];
/** What a route declares in `config.permission`: an organization or engagement permission, any signed-in user, the instance administrator, or public. */
export type RoutePermission = Permission | EngagementPermission | 'user' | 'admin' | 'public';

/** The role → permission table of docs/design/platform.md. */
export const ROLE_PERMISSIONS: Readonly<Record<OrgRole, readonly Permission[]>> = {
  owner: ['org:read', 'answer:write', 'system:write', 'org:admin'],
  security_lead: ['org:read', 'answer:write', 'system:write'],
  keyholder: ['org:read', 'answer:write'],
  viewer: ['org:read'],
};

export const PERMISSIONS: readonly Permission[] = ['org:read', 'answer:write', 'system:write', 'org:admin'];

export interface Principal {
  kind: 'user' | 'token';
  /** `user:<id>` or `token:<id>`, for the audit log. */
  actor: string;
  userId: string | null;
  isAdmin: boolean;
}

export const SESSION_COOKIE = 'kg_session';
export const CSRF_HEADER = 'x-csrf-token';
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; the authorization matrix test reads it. */
    permission?: RoutePermission;
    /** false on the sign-in routes, which do not act with a session's authority. */
    csrf?: boolean;
  }
  interface FastifyInstance {
    keygradeAuthz: AuthzContext;
  }
}

/** An HTTP answer other than success: status, stable code, and optional headers and field problems. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly extra: { headers?: Record<string, string>; problems?: { path: string; message: string }[] } = {},
  ) {
    super(message);
  }
}

export interface AuthzOptions {
  policy?: Partial<AccountPolicy>;
  /** Mark the session cookie Secure even when the request looks like plain HTTP (behind a TLS proxy). */
  secureCookies?: boolean;
}

export interface AuthzContext {
  db: Db;
  master: MasterKey;
  now: () => Date;
  policy: AccountPolicy;
  secureCookies: boolean;
  /** Every route as registered (HEAD routes left out), for the authorization matrix. */
  routes: { method: string; url: string; permission: RoutePermission | undefined }[];
}

interface Resolved {
  principal: Principal;
  user?: UserRow;
  session?: Session;
  token?: TokenInfo;
}

const resolved = new WeakMap<FastifyRequest, Promise<Resolved>>();
const orgRoles = new WeakMap<FastifyRequest, Map<string, Promise<OrgRole | null>>>();

function bearerOf(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  return typeof h === 'string' && /^bearer\s+/i.test(h) ? h.replace(/^bearer\s+/i, '').trim() : undefined;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

async function resolve(req: FastifyRequest): Promise<Resolved> {
  const ctx = req.server.keygradeAuthz;
  const now = ctx.now();
  const bearer = bearerOf(req);
  if (bearer !== undefined) {
    const r = await checkToken(ctx.db.kysely, bearer, now);
    if (!r.ok) throw new ApiError(401, 'TOKEN_INVALID', r.reason === 'expired' ? 'the API token has expired' : r.reason === 'revoked' ? 'the API token was revoked' : 'the API token is not valid');
    return { principal: { kind: 'token', actor: `token:${r.info.id}`, userId: null, isAdmin: false }, token: r.info };
  }
  const value = req.cookies[SESSION_COOKIE];
  if (!value) throw new ApiError(401, 'SESSION_REQUIRED', 'sign in first (POST /api/auth/login), or send an API token');
  const s = await checkSessionUser(ctx.db.kysely, value, now, ctx.policy);
  if (!s.ok) throw new ApiError(401, 'SESSION_EXPIRED', 'the session has expired or was ended; sign in again');
  const user = s.user;
  return { principal: { kind: 'user', actor: `user:${user.id}`, userId: user.id, isAdmin: user.is_admin === 1 }, user, session: s.session };
}

/**
 * The request's principal with the checks every authenticated request gets: the CSRF token of
 * cookie-authenticated state-changing requests (403 CSRF_INVALID) and, outside /api/auth/*, MFA
 * for users whose role requires it (403 MFA_REQUIRED).
 */
async function checked(req: FastifyRequest): Promise<Resolved> {
  const r = await resolve(req);
  if (r.session && STATE_CHANGING.has(req.method) && req.routeOptions.config.csrf !== false) {
    const sent = req.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !sameText(sent, r.session.csrfToken)) throw new ApiError(403, 'CSRF_INVALID', `send the header ${CSRF_HEADER} with the csrfToken from GET /api/auth/session`);
  }
  if (r.user && r.user.mfa_enabled !== 1 && !(req.routeOptions.url ?? '').startsWith('/api/auth/')) {
    if (await mfaRequiredFor(req.server.keygradeAuthz.db.kysely, r.user.id)) throw new ApiError(403, 'MFA_REQUIRED', 'your role requires two-factor authentication: set it up at POST /api/auth/mfa/setup');
  }
  return r;
}

function details(req: FastifyRequest): Promise<Resolved> {
  let p = resolved.get(req);
  if (!p) {
    p = checked(req);
    resolved.set(req, p);
  }
  return p;
}

/** 401 when the request has no valid session or token; 403 MFA_REQUIRED / CSRF_INVALID as above. */
export async function authenticate(req: FastifyRequest): Promise<Principal> {
  return (await details(req)).principal;
}

/** A signed-in user (not an API token), with the user row and the session. */
export async function requireUser(req: FastifyRequest): Promise<Principal & { userId: string; user: UserRow; session: Session }> {
  const r = await details(req);
  if (!r.user || !r.session) throw new ApiError(403, 'FORBIDDEN', 'this endpoint is for signed-in users; API tokens cannot use it');
  return { ...r.principal, userId: r.user.id, user: r.user, session: r.session };
}

/** The instance administrator (a signed-in user, never a token); others get 403. */
export async function requireAdmin(req: FastifyRequest): Promise<Awaited<ReturnType<typeof requireUser>>> {
  const u = await requireUser(req);
  if (!u.isAdmin) throw new ApiError(403, 'FORBIDDEN', 'only the instance administrator may do this');
  return u;
}

/** The request's roles by organization, looked up (or given by `knownRole`) at most once each. */
function roleCache(req: FastifyRequest): Map<string, Promise<OrgRole | null>> {
  let m = orgRoles.get(req);
  if (!m) orgRoles.set(req, (m = new Map()));
  return m;
}

function cachedRole(req: FastifyRequest, orgId: string, userId: string): Promise<OrgRole | null> {
  const m = roleCache(req);
  let p = m.get(orgId);
  if (!p) m.set(orgId, (p = roleIn(req.server.keygradeAuthz.db.kysely, orgId, userId)));
  return p;
}

/**
 * Records the user's role in an organization, read together with the resource (one round trip
 * less); `requireOrg` in the same request then uses it. The role must be the signed-in user's.
 */
export function knownRole(req: FastifyRequest, orgId: string, role: string | null): void {
  const m = roleCache(req);
  if (!m.has(orgId)) m.set(orgId, Promise.resolve(role !== null && isOrgRole(role) ? role : null));
}

const notFound = () => new ApiError(404, 'ORG_NOT_FOUND', 'no such organization');

/**
 * authenticate + the principal holds `permission` in `orgId`: 404 ORG_NOT_FOUND when the principal
 * has no role there (or the organization does not exist), 403 FORBIDDEN when the role is too low.
 * The instance admin has no implicit access. A token has exactly the permissions of its scopes.
 */
export async function requireOrg(req: FastifyRequest, orgId: string, permission: Permission): Promise<Principal & { role: OrgRole | null }> {
  const r = await details(req);
  if (r.token) {
    if (!tokenInOrg(r.token, orgId) || !(await getOrg(req.server.keygradeAuthz.db.kysely, orgId))) throw notFound();
    if (!allowsOrg(r.token, permission, orgId)) throw new ApiError(403, 'FORBIDDEN', `the token "${r.token.name}" has no ${permission}:${orgId} scope`);
    return { ...r.principal, role: null };
  }
  const role = await cachedRole(req, orgId, r.principal.userId!);
  if (!role) throw notFound();
  if (!ROLE_PERMISSIONS[role].includes(permission)) throw new ApiError(403, 'FORBIDDEN', `your role (${role}) does not allow ${permission}`);
  return { ...r.principal, role };
}

export interface EngagementAccess {
  engagement: EngagementRow;
  principal: Principal & { userId: string };
  /** The user's role in the auditee organization, if any. */
  auditee: OrgRole | null;
  /** Active engagement roles. */
  roles: EngagementRole[];
  isAuditor: boolean;
  isLead: boolean;
  isReviewer: boolean;
}

const engagementAccesses = new WeakMap<FastifyRequest, Map<string, Promise<EngagementAccess>>>();

function loadEngagementAccess(req: FastifyRequest, engagementId: string): Promise<EngagementAccess> {
  let m = engagementAccesses.get(req);
  if (!m) engagementAccesses.set(req, (m = new Map()));
  let p = m.get(engagementId);
  if (!p) {
    p = (async () => {
      const u = await requireUser(req);
      const k = req.server.keygradeAuthz.db.kysely;
      const engagement = await getEngagement(k, engagementId);
      const missing = () => new ApiError(404, 'ENGAGEMENT_NOT_FOUND', 'no such engagement');
      if (!engagement) throw missing();
      const [auditee, roles] = await Promise.all([cachedRole(req, engagement.orgId, u.userId), engagementRolesOf(k, engagementId, u.userId)]);
      if (!auditee && roles.length === 0) throw missing();
      const isLead = roles.includes('lead_auditor');
      return { engagement, principal: u, auditee, roles, isLead, isAuditor: isLead || roles.includes('auditor'), isReviewer: roles.includes('peer_reviewer') };
    })();
    m.set(engagementId, p);
  }
  return p;
}

/**
 * A signed-in user (API tokens get 403) with `permission` on the engagement: 404
 * ENGAGEMENT_NOT_FOUND when the user has no role on it and none in the auditee organization,
 * 403 FORBIDDEN when the role does not give the permission.
 */
export async function requireEngagement(req: FastifyRequest, engagementId: string, permission: EngagementPermission): Promise<EngagementAccess> {
  const a = await loadEngagementAccess(req, engagementId);
  const orgAllows = (p: Permission) => a.auditee !== null && ROLE_PERMISSIONS[a.auditee].includes(p);
  const allowed =
    permission === 'engagement:read'
      ? a.roles.length > 0 || orgAllows('org:read')
      : permission === 'engagement:audit'
        ? a.isAuditor
        : permission === 'engagement:lead'
          ? a.isLead
          : permission === 'engagement:review'
            ? a.isReviewer
            : permission === 'engagement:member'
              ? a.isAuditor || a.isReviewer
              : a.isAuditor || orgAllows('system:write');
  if (!allowed) {
    const held = [...a.roles, ...(a.auditee ? [`${a.auditee} of the auditee organization`] : [])].join(', ');
    throw new ApiError(403, 'FORBIDDEN', `your role on this engagement (${held}) does not allow ${permission}`);
  }
  return a;
}

/** The audit-log actor of a principal, for `audited()`. */
export function whoOf(req: FastifyRequest, p: Principal): Who {
  return { actor: p.actor, requestId: req.id, at: req.server.keygradeAuthz.now() };
}

/** Sets the session cookie: HttpOnly, SameSite=Lax, Path=/, Secure over HTTPS or when configured. */
export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, value: string): void {
  const ctx = req.server.keygradeAuthz;
  reply.setCookie(SESSION_COOKIE, value, { httpOnly: true, sameSite: 'lax', path: '/', secure: ctx.secureCookies || req.protocol === 'https', maxAge: Math.floor(ctx.policy.sessionAbsoluteMs / 1000) });
}

export function clearSessionCookie(req: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', path: '/', secure: req.server.keygradeAuthz.secureCookies || req.protocol === 'https' });
}

export const ACCOUNT_STATUS: Record<string, number> = {
  EMAIL_TAKEN: 409,
  PASSWORD_WEAK: 400,
  USER_NOT_FOUND: 404,
  ORG_NOT_FOUND: 404,
  MEMBER_NOT_FOUND: 404,
  ALREADY_MEMBER: 409,
  LAST_OWNER: 409,
  INVITATION_NOT_FOUND: 404,
  INVITATION_EMAIL_MISMATCH: 403,
  MFA_ALREADY_ENABLED: 409,
  MFA_NOT_SET_UP: 409,
  MFA_NOT_ENABLED: 409,
  MFA_CODE_INVALID: 400,
  MFA_REQUIRED_FOR_ROLE: 403,
  TOKEN_SCOPE_INVALID: 400,
};

/**
 * Error handler for the account routes: ApiError and account errors become their status with
 * headers and field problems; anything else goes on to the application's handler.
 */
export function accountErrorHandler(error: unknown, _req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof ApiError) {
    if (error.extra.headers) reply.headers(error.extra.headers);
    return reply.code(error.statusCode).send({ error: error.code, message: error.message, ...(error.extra.problems ? { problems: error.extra.problems } : {}) });
  }
  if ((error instanceof AccountError || error instanceof DbError) && ACCOUNT_STATUS[error.code] !== undefined) {
    const problems = error.problems.map((p) => ({ path: p.path ?? '', message: p.message }));
    return reply.code(ACCOUNT_STATUS[error.code]!).send({ error: error.code, message: error.message, ...(problems.length ? { problems } : {}) });
  }
  throw error;
}

/**
 * Installs cookies, the per-route permission hook and the route list. Call it in buildApp before
 * any route is registered.
 */
export async function installAuthz(app: FastifyInstance, deps: { db: Db; master: MasterKey; now?: () => Date; accounts?: AuthzOptions }): Promise<AuthzContext> {
  const ctx: AuthzContext = {
    db: deps.db,
    master: deps.master,
    now: deps.now ?? (() => new Date()),
    policy: { ...DEFAULT_POLICY, ...deps.accounts?.policy },
    secureCookies: deps.accounts?.secureCookies ?? false,
    routes: [],
  };
  await app.register(cookie);
  app.decorate('keygradeAuthz', ctx);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      ctx.routes.push({ method, url: route.url, permission: (route.config as { permission?: RoutePermission } | undefined)?.permission });
    }
  });
  // Runs before body validation, so an anonymous or foreign caller learns nothing from 400s.
  app.addHook('preValidation', async (req) => {
    const permission = req.routeOptions.config.permission;
    if (permission === 'user') {
      await requireUser(req);
    } else if (permission === 'admin') {
      await requireAdmin(req);
    } else if (permission !== undefined && permission.startsWith('engagement:')) {
      const engagementId = (req.params as Record<string, unknown> | undefined)?.engagementId;
      if (typeof engagementId === 'string') await requireEngagement(req, engagementId, permission as EngagementPermission);
      else await requireUser(req);
    } else if (permission !== undefined && permission !== 'public') {
      const orgId = (req.params as Record<string, unknown> | undefined)?.orgId;
      if (typeof orgId === 'string') await requireOrg(req, orgId, permission as Permission);
      else await authenticate(req);
    } else if (STATE_CHANGING.has(req.method) && req.routeOptions.config.csrf !== false && bearerOf(req) === undefined && req.cookies[SESSION_COOKIE]) {
      // Public or undeclared state-changing route called with a live session: the CSRF check still applies.
      try {
        await details(req);
      } catch (e) {
        if (e instanceof ApiError && e.code === 'CSRF_INVALID') throw e;
      }
    }
  });
  return ctx;
}
