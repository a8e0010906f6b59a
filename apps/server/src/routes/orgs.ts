/**
 * Organization routes: organizations, members and roles, invitations, and the organization's API
 * tokens. Each route declares its permission (`config.permission`); the authz hook enforces it
 * before the body is validated, and the handler repeats `requireOrg` for the principal it audits.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ORG_ROLES,
  acceptInvitation,
  audited,
  createInvitation,
  createOrg,
  createToken,
  getOrg,
  listInvitations,
  listMembers,
  listTokens,
  membershipsOf,
  removeMember,
  renameOrg,
  revokeInvitation,
  revokeToken,
  scopeOrg,
  setMemberRole,
  type TokenInfo,
} from '@keygrade/db';
import { ApiError, accountErrorHandler, requireOrg, requireUser, whoOf } from '../authz.js';
import { Email, ErrorBody } from './auth.js';

const Role = z.enum(ORG_ROLES);
const OrgId = z.object({ orgId: z.string().min(1).max(64) });
const OrgView = z.object({ id: z.string(), name: z.string(), createdAt: z.string() });
const OrgName = z.string().trim().min(1).max(200);
const InvitationView = z.object({ id: z.string(), email: z.string(), role: z.string(), expiresAt: z.string(), createdAt: z.string(), invitedBy: z.string() });
const TokenView = z.object({ id: z.string(), name: z.string(), scopes: z.array(z.string()), createdAt: z.string(), expiresAt: z.string().nullable(), revokedAt: z.string().nullable() });
const MAX_TOKEN_DAYS = 366;

const orgTokens = (tokens: TokenInfo[], orgId: string) => tokens.filter((t) => t.scopes.some((s) => scopeOrg(s)?.orgId === orgId));

export function orgRoutes(): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    app.setErrorHandler(accountErrorHandler);
    const ctx = () => app.keygradeAuthz;

    app.get(
      '/api/orgs',
      { config: { permission: 'user' }, schema: { tags: ['organizations'], summary: 'Organizations the signed-in user belongs to', response: { 200: z.object({ orgs: z.array(z.object({ id: z.string(), name: z.string(), role: Role })) }) } } },
      async (req) => {
        const p = await requireUser(req);
        const ms = await membershipsOf(ctx().db.kysely, p.userId);
        return { orgs: ms.map((m) => ({ id: m.org.id, name: m.org.name, role: m.role })) };
      },
    );

    app.post(
      '/api/orgs',
      {
        config: { permission: 'user' },
        schema: { tags: ['organizations'], summary: 'Create an organization; the caller becomes its owner', body: z.object({ name: OrgName }).strict(), response: { 201: z.object({ org: OrgView }) } },
      },
      async (req, reply) => {
        const p = await requireUser(req);
        const { db, now } = ctx();
        const org = await audited(db.kysely, whoOf(req, p), 'org.create', 'org:new', (trx) => createOrg(trx, { name: req.body.name, ownerId: p.userId }, now()), (o) => ({ id: o.id }));
        return reply.code(201).send({ org });
      },
    );

    app.get(
      '/api/orgs/:orgId',
      { config: { permission: 'org:read' }, schema: { tags: ['organizations'], summary: 'An organization and the caller’s role in it', params: OrgId, response: { 200: z.object({ org: OrgView, role: Role.nullable() }), 404: ErrorBody } } },
      async (req) => {
        const p = await requireOrg(req, req.params.orgId, 'org:read');
        const org = await getOrg(ctx().db.kysely, req.params.orgId);
        if (!org) throw new ApiError(404, 'ORG_NOT_FOUND', 'no such organization');
        return { org, role: p.role };
      },
    );

    app.patch(
      '/api/orgs/:orgId',
      {
        config: { permission: 'org:admin' },
        schema: { tags: ['organizations'], summary: 'Rename an organization', params: OrgId, body: z.object({ name: OrgName }).strict(), response: { 200: z.object({ org: OrgView }), 404: ErrorBody } },
      },
      async (req) => {
        const p = await requireOrg(req, req.params.orgId, 'org:admin');
        const org = await audited(ctx().db.kysely, whoOf(req, p), 'org.rename', `org:${req.params.orgId}`, (trx) => renameOrg(trx, req.params.orgId, req.body.name));
        return { org };
      },
    );

    app.get(
      '/api/orgs/:orgId/members',
      {
        config: { permission: 'org:read' },
        schema: {
          tags: ['organizations'],
          summary: 'Members and their roles',
          params: OrgId,
          response: { 200: z.object({ members: z.array(z.object({ userId: z.string(), email: z.string(), name: z.string(), role: Role, mfaEnabled: z.boolean() })) }), 404: ErrorBody },
        },
      },
      async (req) => {
        await requireOrg(req, req.params.orgId, 'org:read');
        const members = await listMembers(ctx().db.kysely, req.params.orgId);
        return { members: members.map((m) => ({ userId: m.userId, email: m.email, name: m.name, role: m.role, mfaEnabled: m.mfaEnabled })) };
      },
    );

    app.put(
      '/api/orgs/:orgId/members/:userId',
      {
        config: { permission: 'org:admin' },
        schema: {
          tags: ['organizations'],
          summary: 'Change a member’s role (the last owner cannot be demoted)',
          params: OrgId.extend({ userId: z.string().min(1).max(64) }),
          body: z.object({ role: Role }).strict(),
          response: { 200: z.object({ userId: z.string(), role: Role, previous: Role }), 404: ErrorBody, 409: ErrorBody },
        },
      },
      async (req) => {
        const { orgId, userId } = req.params;
        const p = await requireOrg(req, orgId, 'org:admin');
        const previous = await audited(ctx().db.kysely, whoOf(req, p), 'org.member.role', `org:${orgId}/user:${userId}`, (trx) => setMemberRole(trx, orgId, userId, req.body.role), (prev) => ({ from: prev, to: req.body.role }));
        return { userId, role: req.body.role, previous };
      },
    );

    app.delete(
      '/api/orgs/:orgId/members/:userId',
      {
        config: { permission: 'org:admin' },
        schema: { tags: ['organizations'], summary: 'Remove a member (not the last owner)', params: OrgId.extend({ userId: z.string().min(1).max(64) }), response: { 204: z.null(), 404: ErrorBody, 409: ErrorBody } },
      },
      async (req, reply) => {
        const { orgId, userId } = req.params;
        const p = await requireOrg(req, orgId, 'org:admin');
        await audited(ctx().db.kysely, whoOf(req, p), 'org.member.remove', `org:${orgId}/user:${userId}`, (trx) => removeMember(trx, orgId, userId), (prev) => ({ role: prev }));
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/api/orgs/:orgId/invitations',
      {
        config: { permission: 'org:admin' },
        schema: {
          tags: ['organizations'],
          summary: 'Invite someone by email (the 7-day token is shown once)',
          params: OrgId,
          body: z.object({ email: Email, role: Role }).strict(),
          response: { 201: z.object({ invitation: InvitationView, token: z.string() }), 404: ErrorBody },
        },
      },
      async (req, reply) => {
        const p = await requireOrg(req, req.params.orgId, 'org:admin');
        const { db, policy, now } = ctx();
        const r = await audited(db.kysely, whoOf(req, p), 'org.invitation.create', `org:${req.params.orgId}`, (trx) => createInvitation(trx, { orgId: req.params.orgId, email: req.body.email, role: req.body.role, invitedBy: p.userId! }, now(), policy), (x) => ({ id: x.invitation.id, role: x.invitation.role }));
        const i = r.invitation;
        return reply.code(201).send({ invitation: { id: i.id, email: i.email, role: i.role, expiresAt: i.expiresAt, createdAt: i.createdAt, invitedBy: i.invitedBy }, token: r.token });
      },
    );

    app.get(
      '/api/orgs/:orgId/invitations',
      { config: { permission: 'org:admin' }, schema: { tags: ['organizations'], summary: 'Pending invitations', params: OrgId, response: { 200: z.object({ invitations: z.array(InvitationView) }), 404: ErrorBody } } },
      async (req) => {
        await requireOrg(req, req.params.orgId, 'org:admin');
        const list = await listInvitations(ctx().db.kysely, req.params.orgId, ctx().now());
        return { invitations: list.map((i) => ({ id: i.id, email: i.email, role: i.role, expiresAt: i.expiresAt, createdAt: i.createdAt, invitedBy: i.invitedBy })) };
      },
    );

    app.delete(
      '/api/orgs/:orgId/invitations/:invitationId',
      { config: { permission: 'org:admin' }, schema: { tags: ['organizations'], summary: 'Revoke a pending invitation', params: OrgId.extend({ invitationId: z.string().min(1).max(64) }), response: { 204: z.null(), 404: ErrorBody } } },
      async (req, reply) => {
        const { orgId, invitationId } = req.params;
        const p = await requireOrg(req, orgId, 'org:admin');
        await audited(ctx().db.kysely, whoOf(req, p), 'org.invitation.revoke', `org:${orgId}/invitation:${invitationId}`, async (trx) => {
          if (!(await revokeInvitation(trx, orgId, invitationId, ctx().now()))) throw new ApiError(404, 'INVITATION_NOT_FOUND', 'no pending invitation with this id');
        });
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/api/invitations/accept',
      {
        config: { permission: 'user' },
        schema: {
          tags: ['organizations'],
          summary: 'Accept an invitation as the signed-in user (sent to this user’s email)',
          body: z.object({ token: z.string().min(1).max(200) }).strict(),
          response: { 200: z.object({ org: OrgView, role: Role }), 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
        },
      },
      async (req) => {
        const p = await requireUser(req);
        const { db, now } = ctx();
        const r = await audited(db.kysely, whoOf(req, p), 'org.invitation.accept', `user:${p.userId}`, (trx) => acceptInvitation(trx, req.body.token, { id: p.userId, email: p.user.email }, now()), (x) => ({ org: x.org.id, role: x.role, invitation: x.invitationId }));
        return { org: r.org, role: r.role };
      },
    );

    app.post(
      '/api/orgs/:orgId/tokens',
      {
        config: { permission: 'org:admin' },
        schema: {
          tags: ['organizations'],
          summary: 'Create an API token scoped to this organization (shown once)',
          params: OrgId,
          body: z
            .object({
              name: z.string().trim().min(1).max(100),
              scopes: z.array(z.enum(['org:read', 'answer:write', 'system:write'])).min(1).max(3),
              expiresAt: z.iso.datetime({ offset: true }),
            })
            .strict(),
          response: { 201: z.object({ token: z.string(), info: TokenView }), 400: ErrorBody, 404: ErrorBody },
        },
      },
      async (req, reply) => {
        const { orgId } = req.params;
        const p = await requireOrg(req, orgId, 'org:admin');
        const { db, now } = ctx();
        const expiresAt = new Date(req.body.expiresAt);
        const days = (expiresAt.getTime() - now().getTime()) / 86_400_000;
        if (!(days > 0 && days <= MAX_TOKEN_DAYS)) throw new ApiError(400, 'INVALID_REQUEST', `the expiry must be in the future and at most ${MAX_TOKEN_DAYS} days away`, { problems: [{ path: 'expiresAt', message: `between now and ${MAX_TOKEN_DAYS} days from now` }] });
        // Scopes are given without the organization; the token can only ever act in this one.
        const scopes = [...new Set(req.body.scopes)].map((s) => `${s}:${orgId}`);
        const r = await audited(db.kysely, whoOf(req, p), 'org.token.create', `org:${orgId}`, (trx) => createToken(trx, { name: req.body.name, scopes, expiresAt }, now()), (x) => ({ id: x.info.id, scopes: x.info.scopes, expiresAt: x.info.expiresAt }));
        return reply.code(201).send({ token: r.token, info: r.info });
      },
    );

    app.get(
      '/api/orgs/:orgId/tokens',
      { config: { permission: 'org:admin' }, schema: { tags: ['organizations'], summary: 'API tokens of this organization (never their secrets)', params: OrgId, response: { 200: z.object({ tokens: z.array(TokenView) }), 404: ErrorBody } } },
      async (req) => {
        await requireOrg(req, req.params.orgId, 'org:admin');
        return { tokens: orgTokens(await listTokens(ctx().db.kysely), req.params.orgId) };
      },
    );

    app.delete(
      '/api/orgs/:orgId/tokens/:tokenId',
      { config: { permission: 'org:admin' }, schema: { tags: ['organizations'], summary: 'Revoke an API token of this organization', params: OrgId.extend({ tokenId: z.string().min(1).max(64) }), response: { 204: z.null(), 404: ErrorBody } } },
      async (req, reply) => {
        const { orgId, tokenId } = req.params;
        const p = await requireOrg(req, orgId, 'org:admin');
        const { db, now } = ctx();
        await audited(db.kysely, whoOf(req, p), 'org.token.revoke', `org:${orgId}/token:${tokenId}`, async (trx) => {
          const mine = orgTokens(await listTokens(trx), orgId).some((t) => t.id === tokenId && !t.revokedAt);
          if (!mine || !(await revokeToken(trx, tokenId, now()))) throw new ApiError(404, 'TOKEN_NOT_FOUND', 'no active token with this id in this organization');
        });
        return reply.code(204).send(null);
      },
    );
  };
}
