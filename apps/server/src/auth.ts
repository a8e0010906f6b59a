/** API-token authentication and authorisation, checked on the server for every protected route. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { allows, checkToken, type Db, type TokenInfo } from '@keygrade/db';

export class HttpDenied extends Error {
  constructor(
    readonly statusCode: 401 | 403,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function presented(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (typeof h === 'string' && /^bearer\s+/i.test(h)) return h.replace(/^bearer\s+/i, '').trim();
  return undefined;
}

/** The token of the request, or undefined when none was sent. A bad token is a 401, never "anonymous". */
export async function optionalToken(db: Db, req: FastifyRequest, now: Date): Promise<TokenInfo | undefined> {
  const t = presented(req);
  if (t === undefined) return undefined;
  const r = await checkToken(db.kysely, t, now);
  if (!r.ok) throw new HttpDenied(401, 'TOKEN_INVALID', r.reason === 'expired' ? 'the API token has expired' : r.reason === 'revoked' ? 'the API token was revoked' : 'the API token is not valid');
  return r.info;
}

/** Requires a token allowed to `verb` the log. */
export async function requireScope(db: Db, req: FastifyRequest, verb: 'append' | 'read' | 'admin', log: string, now: Date): Promise<TokenInfo> {
  const info = await optionalToken(db, req, now);
  if (!info) throw new HttpDenied(401, 'TOKEN_REQUIRED', 'this endpoint needs an API token: send "Authorization: Bearer kg_…"');
  if (!allows(info, verb, log)) throw new HttpDenied(403, 'TOKEN_SCOPE', `the token "${info.name}" has no log:${verb}:${log} scope`);
  return info;
}

export function sendDenied(reply: FastifyReply, e: HttpDenied): FastifyReply {
  if (e.statusCode === 401) reply.header('www-authenticate', 'Bearer');
  return reply.code(e.statusCode).send({ error: e.code, message: e.message });
}
