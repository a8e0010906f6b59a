/**
 * Account routes under /api/auth: sign-up (the first user becomes instance admin), sign-in with
 * lockout and a per-IP limit, sign-out, the session (with the CSRF token), TOTP MFA with recovery
 * codes, and password changes. Every state change is audited in the same transaction; passwords,
 * codes, secrets and cookies never enter the audit log.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  acceptTotp,
  assertPasswordAcceptable,
  audited,
  beginMfaSetup,
  consumeRecoveryCode,
  createSession,
  createUser,
  deleteOtherSessions,
  deleteSession,
  disableMfa,
  dummyPasswordHash,
  enableMfa,
  encodeSecret,
  findUserByEmail,
  getUserRow,
  hashPassword,
  hitRateLimit,
  isRecoveryCodeShape,
  lockedFor,
  membershipsOf,
  mfaRequiredFor,
  needsRehash,
  otpauthUrl,
  recordAction,
  recordLoginFailure,
  resetLoginFailures,
  sessionIdOf,
  setPasswordHash,
  toUser,
  verifyPassword,
  type UserRow,
} from '@keygrade/db';
import { ApiError, accountErrorHandler, clearSessionCookie, requireUser, setSessionCookie, whoOf } from '../authz.js';

export const Email = z.string().trim().toLowerCase().max(254).pipe(z.email('an email address'));
const Password = z.string().min(1).max(1024);
const Code = z.string().trim().regex(/^([0-9]{6}|[A-Za-z0-9]{5}-?[A-Za-z0-9]{5})$/, 'a 6-digit code from the authenticator app, or a recovery code xxxxx-xxxxx');
export const UserView = z.object({ id: z.string(), email: z.string(), name: z.string(), isAdmin: z.boolean(), mfaEnabled: z.boolean() });
export const ErrorBody = z.object({ error: z.string(), message: z.string(), problems: z.array(z.object({ path: z.string(), message: z.string() })).optional() });
const userView = (u: UserRow) => {
  const v = toUser(u);
  return { id: v.id, email: v.email, name: v.name, isAdmin: v.isAdmin, mfaEnabled: v.mfaEnabled };
};

function tooMany(reply: FastifyReply, code: string, message: string, retryAfter: number): FastifyReply {
  return reply.code(429).header('retry-after', String(retryAfter)).send({ error: code, message });
}

export function authRoutes(): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    app.setErrorHandler(accountErrorHandler);
    const ctx = () => app.keygradeAuthz;
    const ipLimit = async (req: FastifyRequest, kind: 'login' | 'signup') => {
      const { db, policy, now } = ctx();
      const [limit, windowMs] = kind === 'login' ? [policy.ipLoginLimit, policy.ipLoginWindowMs] : [policy.ipSignupLimit, policy.ipSignupWindowMs];
      return hitRateLimit(db.kysely, `${kind}:ip:${req.ip}`, limit, windowMs, now());
    };
    const startSession = async (req: FastifyRequest, reply: FastifyReply, userId: string) => {
      const { db, policy, now } = ctx();
      const old = req.cookies.kg_session;
      const { cookie } = await createSession(db.kysely, userId, now(), { ip: req.ip, userAgent: req.headers['user-agent'] }, policy);
      // A new session on every sign-in (no fixation); the browser's previous session ends.
      if (old) await deleteSession(db.kysely, sessionIdOf(old));
      setSessionCookie(req, reply, cookie);
    };

    app.post(
      '/api/auth/signup',
      {
        config: { permission: 'public', csrf: false },
        schema: {
          tags: ['accounts'],
          summary: 'Create an account and sign in (the first account becomes the instance admin)',
          body: z.object({ email: Email, password: Password, name: z.string().trim().min(1).max(200) }).strict(),
          response: { 201: z.object({ user: UserView }), 400: ErrorBody, 409: ErrorBody, 429: ErrorBody },
        },
      },
      async (req, reply) => {
        const { db, now } = ctx();
        const limit = await ipLimit(req, 'signup');
        if (!limit.allowed) return tooMany(reply, 'RATE_LIMITED', 'too many sign-ups from this address; try again later', limit.retryAfter);
        const { email, password, name } = req.body;
        assertPasswordAcceptable(password, email);
        const passwordHash = await hashPassword(password);
        const user = await db.kysely.transaction().execute(async (trx) => {
          const u = await createUser(trx, db.dialect, { email, password, name, passwordHash }, now());
          await recordAction(trx, { ts: now().toISOString(), actor: `user:${u.id}`, action: 'user.signup', object: `user:${u.id}`, requestId: req.id, result: 'ok', details: { isAdmin: u.isAdmin } });
          return u;
        });
        await startSession(req, reply, user.id);
        return reply.code(201).send({ user: { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin, mfaEnabled: user.mfaEnabled } });
      },
    );

    app.post(
      '/api/auth/login',
      {
        config: { permission: 'public', csrf: false },
        schema: {
          tags: ['accounts'],
          summary: 'Sign in with email, password and (when MFA is on) a TOTP or recovery code',
          body: z.object({ email: Email, password: Password, code: Code.optional() }).strict(),
          response: { 200: z.object({ user: UserView }), 401: ErrorBody, 429: ErrorBody },
        },
      },
      async (req, reply) => {
        const { db, master, policy, now } = ctx();
        const limit = await ipLimit(req, 'login');
        if (!limit.allowed) return tooMany(reply, 'RATE_LIMITED', 'too many sign-in attempts from this address; try again later', limit.retryAfter);
        const { email, password, code } = req.body;
        const failed = () => reply.code(401).send({ error: 'LOGIN_FAILED', message: 'the email or the password is wrong' });
        const user = await findUserByEmail(db.kysely, email);
        if (!user) {
          await verifyPassword(password, await dummyPasswordHash());
          return failed();
        }
        const locked = lockedFor(user, now());
        if (locked > 0) return tooMany(reply, 'LOGIN_LOCKED', 'too many failed sign-ins: the account is locked for a while', Math.ceil(locked / 1000));
        const fail = async (reason: string) => {
          const r = await db.kysely.transaction().execute(async (trx) => {
            const f = await recordLoginFailure(trx, user.id, now(), policy);
            await recordAction(trx, { ts: now().toISOString(), actor: 'anonymous', action: f.locked ? 'user.lockout' : 'user.login.failed', object: `user:${user.id}`, requestId: req.id, result: 'denied', details: { reason } });
            return f;
          });
          return r;
        };
        if (!(await verifyPassword(password, user.password_hash))) {
          await fail('password');
          return failed();
        }
        if (user.mfa_enabled === 1) {
          if (code === undefined) return reply.code(401).send({ error: 'MFA_CODE_REQUIRED', message: 'enter the code from your authenticator app (or a recovery code)' });
          const recovery = isRecoveryCodeShape(code) && !/^[0-9]{6}$/.test(code);
          const ok = recovery ? await consumeRecoveryCode(db.kysely, user.id, code, now()) : await acceptTotp(db.kysely, master, user.id, code, now());
          if (!ok) {
            await fail(recovery ? 'recovery-code' : 'totp');
            return reply.code(401).send({ error: 'MFA_CODE_INVALID', message: 'the code is wrong or was used already' });
          }
        }
        await audited(db.kysely, { actor: `user:${user.id}`, requestId: req.id, at: now() }, 'user.login', `user:${user.id}`, async (trx) => {
          await resetLoginFailures(trx, user.id);
          if (needsRehash(user.password_hash)) await setPasswordHash(trx, user.id, await hashPassword(password), now());
        }, () => ({ mfa: user.mfa_enabled === 1, ip: req.ip }));
        await startSession(req, reply, user.id);
        return { user: userView(user) };
      },
    );

    app.post(
      '/api/auth/logout',
      { config: { permission: 'user' }, schema: { tags: ['accounts'], summary: 'Sign out: the session is deleted', response: { 204: z.null() } } },
      async (req, reply) => {
        const p = await requireUser(req);
        await audited(ctx().db.kysely, whoOf(req, p), 'user.logout', `user:${p.userId}`, (trx) => deleteSession(trx, p.session.id));
        clearSessionCookie(req, reply);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/auth/session',
      {
        config: { permission: 'user' },
        schema: {
          tags: ['accounts'],
          summary: 'The signed-in user, the CSRF token, memberships and whether MFA set-up is required',
          response: {
            200: z.object({
              user: UserView,
              csrfToken: z.string(),
              memberships: z.array(z.object({ org: z.object({ id: z.string(), name: z.string() }), role: z.string() })),
              mfaRequired: z.boolean(),
            }),
            401: ErrorBody,
          },
        },
      },
      async (req) => {
        const p = await requireUser(req);
        const { db } = ctx();
        const memberships = await membershipsOf(db.kysely, p.userId);
        const mfaRequired = p.user.mfa_enabled !== 1 && (await mfaRequiredFor(db.kysely, p.userId));
        return { user: userView(p.user), csrfToken: p.session.csrfToken, memberships: memberships.map((m) => ({ org: { id: m.org.id, name: m.org.name }, role: m.role })), mfaRequired };
      },
    );

    app.post(
      '/api/auth/mfa/setup',
      {
        config: { permission: 'user' },
        schema: { tags: ['accounts'], summary: 'Start TOTP set-up: a new secret, active once confirmed with a code', response: { 200: z.object({ secret: z.string(), otpauthUrl: z.string() }), 409: ErrorBody } },
      },
      async (req) => {
        const p = await requireUser(req);
        const { db, master } = ctx();
        const secret = await audited(db.kysely, whoOf(req, p), 'user.mfa.setup', `user:${p.userId}`, (trx) => beginMfaSetup(trx, master, p.userId));
        return { secret: encodeSecret(secret), otpauthUrl: otpauthUrl(secret, p.user.email) };
      },
    );

    app.post(
      '/api/auth/mfa/enable',
      {
        config: { permission: 'user' },
        schema: {
          tags: ['accounts'],
          summary: 'Confirm TOTP set-up with a code; returns 10 single-use recovery codes, shown once',
          body: z.object({ code: z.string().trim().regex(/^[0-9]{6}$/, 'a 6-digit code') }).strict(),
          response: { 200: z.object({ recoveryCodes: z.array(z.string()).length(10) }), 400: ErrorBody, 409: ErrorBody },
        },
      },
      async (req) => {
        const p = await requireUser(req);
        const { db, master, now } = ctx();
        const recoveryCodes = await audited(db.kysely, whoOf(req, p), 'user.mfa.enable', `user:${p.userId}`, (trx) => enableMfa(trx, master, p.userId, req.body.code, now()));
        return { recoveryCodes };
      },
    );

    app.post(
      '/api/auth/mfa/disable',
      {
        config: { permission: 'user' },
        schema: {
          tags: ['accounts'],
          summary: 'Turn TOTP off (refused while a role requires it)',
          body: z.object({ code: Code }).strict(),
          response: { 204: z.null(), 400: ErrorBody, 403: ErrorBody, 409: ErrorBody },
        },
      },
      async (req, reply) => {
        const p = await requireUser(req);
        const { db, master, now } = ctx();
        if (p.user.mfa_enabled !== 1) throw new ApiError(409, 'MFA_NOT_ENABLED', 'two-factor authentication is not enabled');
        if (await mfaRequiredFor(db.kysely, p.userId)) throw new ApiError(403, 'MFA_REQUIRED_FOR_ROLE', 'your role in an organization requires two-factor authentication');
        const code = req.body.code;
        const ok = /^[0-9]{6}$/.test(code) ? await acceptTotp(db.kysely, master, p.userId, code, now()) : await consumeRecoveryCode(db.kysely, p.userId, code, now());
        if (!ok) throw new ApiError(400, 'MFA_CODE_INVALID', 'the code is wrong or was used already', { problems: [{ path: 'code', message: 'wrong or used code' }] });
        await audited(db.kysely, whoOf(req, p), 'user.mfa.disable', `user:${p.userId}`, (trx) => disableMfa(trx, p.userId));
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/api/auth/password',
      {
        config: { permission: 'user' },
        schema: {
          tags: ['accounts'],
          summary: 'Change the password; every other session of the user ends',
          body: z.object({ current: Password, next: Password }).strict(),
          response: { 204: z.null(), 400: ErrorBody, 401: ErrorBody, 429: ErrorBody },
        },
      },
      async (req, reply) => {
        const p = await requireUser(req);
        const { db, policy, now } = ctx();
        const user = (await getUserRow(db.kysely, p.userId))!;
        const locked = lockedFor(user, now());
        if (locked > 0) return tooMany(reply, 'LOGIN_LOCKED', 'too many failed attempts: the account is locked for a while', Math.ceil(locked / 1000));
        if (!(await verifyPassword(req.body.current, user.password_hash))) {
          await recordLoginFailure(db.kysely, user.id, now(), policy);
          throw new ApiError(400, 'PASSWORD_WRONG', 'the current password is wrong', { problems: [{ path: 'current', message: 'wrong password' }] });
        }
        assertPasswordAcceptable(req.body.next, user.email, 'next');
        const hash = await hashPassword(req.body.next);
        await audited(db.kysely, whoOf(req, p), 'user.password.change', `user:${p.userId}`, async (trx) => {
          await setPasswordHash(trx, p.userId, hash, now());
          return deleteOtherSessions(trx, p.userId, p.session.id);
        }, (ended) => ({ sessionsEnded: ended }));
        return reply.code(204).send(null);
      },
    );
  };
}
