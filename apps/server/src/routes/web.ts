/**
 * Serves the web app (apps/web/dist) at `/`: hashed files under /assets/ with immutable caching,
 * every other non-file path gets index.html so client routes survive a reload (never /api/* or
 * /logs/*, which keep their JSON 404). Every answer carries a strict Content-Security-Policy (no
 * inline script, same-origin only, no framing) and nosniff / referrer-policy headers.
 * Without a build, `/` says how to make one.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';

/** apps/web/dist, from apps/server/src/routes (sources) or apps/server/dist/routes (build). */
export const WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** The Content-Security-Policy of the web app: same origin only, no inline script, no framing. */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Paths that belong to the API and the log endpoints: never answered with the app. */
const NOT_APP = /^\/(api|logs)(\/|$)/;

const HOW_TO_BUILD = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Keygrade</title></head><body>
<h1>Keygrade API</h1>
<p>The web app is not built. Run <code>npm run build</code> (or <code>npm run build -w @keygrade/web</code>) and restart the server.</p>
<p>The API is described at <a href="/api/openapi.json">/api/openapi.json</a>.</p>
</body></html>`;

export interface WebOptions {
  /** The built app; default apps/web/dist. */
  dir?: string;
}

/** The web app plugin. Registers nothing but an explanation at `/` when the build is missing. */
export function webRoutes(opts: WebOptions = {}): FastifyPluginAsync {
  const dir = resolve(opts.dir ?? WEB_DIST);
  return async (app) => {
    const index = join(dir, 'index.html');
    if (!existsSync(index)) {
      app.get('/', { config: { permission: 'public' }, schema: { hide: true } }, (_req, reply) => reply.headers(SECURITY_HEADERS).type('text/html; charset=utf-8').send(HOW_TO_BUILD));
      return;
    }
    const sendFile = async (reply: FastifyReply, file: string, cache: string) => {
      const body = await readFile(file);
      return reply
        .headers(SECURITY_HEADERS)
        .header('cache-control', cache)
        .type(TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream')
        .send(body);
    };
    app.get('/*', { config: { permission: 'public' }, schema: { hide: true } }, async (req, reply) => {
      const raw = req.url.split('?')[0] ?? '/';
      let path: string;
      try {
        path = decodeURIComponent(raw);
      } catch {
        return reply.code(400).send({ error: 'BAD_REQUEST', message: 'the path is not valid percent-encoding' });
      }
      if (NOT_APP.test(path)) return reply.code(404).send({ error: 'NOT_FOUND', message: `no route ${req.method} ${raw}` });
      // The path is attacker-controlled: resolve it and refuse anything outside the build.
      const file = resolve(dir, `.${path}`);
      if (file !== dir && !file.startsWith(dir + sep)) return reply.code(404).send({ error: 'NOT_FOUND', message: 'not found' });
      const s = await stat(file).catch(() => undefined);
      if (s?.isFile()) {
        const hashed = path.startsWith('/assets/');
        return sendFile(reply, file, hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      }
      // A missing file (it has an extension) is a 404; anything else is a client route.
      if (extname(path) !== '' || path.startsWith('/assets/')) {
        return reply.headers(SECURITY_HEADERS).code(404).type('text/plain; charset=utf-8').send('not found');
      }
      return sendFile(reply, index, 'no-cache');
    });
  };
}
