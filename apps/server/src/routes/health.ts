import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app.js';

export function healthRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    app.get('/api/health', { schema: { tags: ['health'], summary: 'Liveness: the process answers', response: { 200: z.object({ status: z.literal('ok') }) } } }, () => ({ status: 'ok' as const }));
    app.get(
      '/api/ready',
      {
        schema: {
          tags: ['health'],
          summary: 'Readiness: the database answers',
          response: { 200: z.object({ status: z.literal('ready'), database: z.string(), sequencer: z.boolean() }), 503: z.object({ status: z.literal('unavailable'), message: z.string() }) },
        },
      },
      async (_req, reply) => {
        try {
          await sql`select 1`.execute(deps.db.kysely);
          return { status: 'ready' as const, database: deps.db.dialect, sequencer: deps.sequencerActive?.() ?? false };
        } catch (e) {
          return reply.code(503).send({ status: 'unavailable' as const, message: `database: ${(e as Error).message}` });
        }
      },
    );
  };
}
