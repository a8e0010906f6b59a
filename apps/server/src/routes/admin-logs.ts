/**
 * The instance administrator's view of the tamper-evident logs (issue 3 items 5 and 7): each log's
 * size, what is waiting to be integrated, each witness's status (cosigned size, lag, ok / lagging /
 * never) and the monitoring alerts, with acknowledgement. Instance-level data: only the instance
 * administrator sees it, never organization members as such.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { acknowledgeAlert, audited, getHead, listAlerts, listLogs, witnessStatus } from '@keygrade/db';
import type { AppDeps } from '../app.js';
import { requireAdmin } from '../authz.js';

export function adminLogRoutes(deps: AppDeps): FastifyPluginAsync {
  const now = deps.now ?? (() => new Date());
  const k = deps.db.kysely;
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    app.get('/api/admin/logs', { config: { permission: 'admin' }, schema: { tags: ['logs'], summary: 'Every log with its size, witnesses and alerts (instance administrator)' } }, async (req) => {
      await requireAdmin(req);
      const at = now();
      const logs = [];
      for (const l of await listLogs(k)) {
        const head = await getHead(k, l.name).catch(() => undefined);
        const size = head?.size ?? 0;
        logs.push({
          name: l.name,
          kind: l.kind,
          origin: l.origin,
          description: l.description,
          size,
          pending: l.nextIndex - size,
          checkpointAt: head?.updatedAt ?? null,
          witnesses: await witnessStatus(k, l.name, at),
          alerts: await listAlerts(k, l.name, 50),
        });
      }
      return { logs };
    });

    app.post(
      '/api/admin/alerts/:alertId/acknowledge',
      { config: { permission: 'admin' }, schema: { tags: ['logs'], summary: 'Acknowledge a monitoring alert (instance administrator)', params: z.object({ alertId: z.coerce.number().int().min(1) }) } },
      async (req, reply) => {
        const u = await requireAdmin(req);
        const done = await audited(k, { actor: u.actor, requestId: req.id, at: now() }, 'alert.acknowledge', `alert:${req.params.alertId}`, (trx) => acknowledgeAlert(trx, req.params.alertId, now()));
        if (!done) return reply.code(404).send({ error: 'ALERT_NOT_FOUND', message: 'no such alert, or it was acknowledged already' });
        return reply.code(204).send();
      },
    );
  };
}
