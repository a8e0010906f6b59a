/**
 * Log routes: custodian ingestion (batched, idempotent by client event id), query and export,
 * proofs, witness cosignatures, and the C2SP tlog-tiles endpoints (/logs/<name>/checkpoint,
 * /logs/<name>/tile/...). Hash tiles and checkpoints are public (they reveal only hashes and a
 * count); entry bundles and entries need a `log:read:<name>` token.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AUDIT_LOG,
  appendEntries,
  consistencyProof,
  cosignaturesAt,
  custodianEntry,
  getHead,
  getLog,
  inclusionProof,
  listLogs,
  queryEntries,
  readEntryBundle,
  readTile,
  recordAction,
  witnessStatus,
  acceptCosignature,
  listAlerts,
} from '@keygrade/db';
import { formatTlogProof, parseTilePath } from '@keygrade/tlog';
import type { AppDeps } from '../app.js';
import { requireScope } from '../auth.js';

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const logName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a log name: lowercase letters, digits and dashes');
const isoTime = z.iso.datetime({ offset: true });

const Event = z
  .object({
    id: z.string().regex(/^[\x21-\x7e]{1,128}$/, '1-128 printable ASCII characters without spaces'),
    type: z.string().min(1).max(64),
    ts: isoTime.optional(),
    actor: z.string().min(1).max(256).optional(),
    data: z.unknown().optional(),
  })
  .strict();

const Filter = z.object({
  from: z.coerce.number().int().min(0).optional(),
  to: z.coerce.number().int().min(0).optional(),
  type: z.string().max(64).optional(),
  actor: z.string().max(256).optional(),
  since: isoTime.optional(),
  until: isoTime.optional(),
  limit: z.coerce.number().int().min(1).max(10000).default(1000),
  format: z.enum(['json', 'ndjson', 'csv']).default('json'),
});

function csvField(v: unknown): string {
  const s = v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  // Guard spreadsheet formula injection: a leading = + - @ (or tab/CR) is made inert.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function logRoutes(deps: AppDeps): FastifyPluginAsync {
  const now = deps.now ?? (() => new Date());
  const db = deps.db;
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/logs',
      { schema: { tags: ['logs'], summary: 'Logs this token can read, with their size and witnesses', security: [{ token: [] }] } },
      async (req) => {
        const logs = await listLogs(db.kysely);
        const visible = [];
        for (const l of logs) {
          try {
            await requireScope(db, req, 'read', l.name, now());
          } catch {
            continue;
          }
          const head = await getHead(db.kysely, l.name);
          visible.push({ name: l.name, origin: l.origin, kind: l.kind, description: l.description, publicKey: l.publicKey, size: head.size, pending: l.nextIndex - head.size, witnesses: await witnessStatus(db.kysely, l.name, now()) });
        }
        return { logs: visible };
      },
    );

    app.post(
      '/api/logs/:log/entries',
      {
        schema: {
          tags: ['logs'],
          summary: 'Append a batch of application events (idempotent by event id)',
          security: [{ token: [] }],
          params: z.object({ log: logName }),
          body: z.object({ events: z.array(Event).min(1).max(1000) }).strict(),
          response: { 200: z.object({ entries: z.array(z.object({ id: z.string(), index: z.number().int(), duplicate: z.boolean() })) }) },
        },
      },
      async (req) => {
        const { log } = req.params;
        const token = await requireScope(db, req, 'append', log, now());
        const info = await getLog(db.kysely, log);
        if (info.kind !== 'custodian') throw Object.assign(new Error(`log ${log} is written by Keygrade itself; events can only be appended to custodian logs`), { statusCode: 403, code: 'LOG_READ_ONLY' });
        const at = now().toISOString();
        const entries = req.body.events.map((e) => custodianEntry({ id: e.id, type: e.type, ts: e.ts ?? at, actor: e.actor, data: e.data }));
        const results = await db.kysely.transaction().execute(async (trx) => {
          const r = await appendEntries(trx, log, entries, at);
          const fresh = r.filter((x) => !x.duplicate).map((x) => x.index);
          await recordAction(trx, {
            ts: at,
            actor: `token:${token.id}`,
            action: 'log.append',
            object: `log:${log}`,
            requestId: req.id,
            result: 'ok',
            details: { appended: fresh.length, duplicates: r.length - fresh.length, first: fresh[0] ?? null, last: fresh.at(-1) ?? null },
          });
          return r;
        });
        deps.pokeSequencer?.();
        return { entries: results.map((r, i) => ({ id: req.body.events[i]!.id, index: r.index, duplicate: r.duplicate })) };
      },
    );

    app.get(
      '/api/logs/:log/entries',
      {
        schema: {
          tags: ['logs'],
          summary: 'Query and export entries (JSON, NDJSON or CSV)',
          security: [{ token: [] }],
          params: z.object({ log: logName }),
          querystring: Filter,
        },
      },
      async (req, reply) => {
        const { log } = req.params;
        const token = await requireScope(db, req, 'read', log, now());
        const q = req.query;
        const rows = await queryEntries(db.kysely, log, q);
        const items = rows.map((r) => {
          let entry: unknown;
          try {
            entry = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(r.data));
          } catch {
            entry = { base64: b64(r.data) };
          }
          return { index: r.index, clientId: r.clientId, receivedAt: r.receivedAt, entry };
        });
        const next = rows.length === q.limit ? rows.at(-1)!.index + 1 : null;
        if (q.format !== 'json') {
          await db.kysely.transaction().execute((trx) =>
            recordAction(trx, { ts: now().toISOString(), actor: `token:${token.id}`, action: 'log.export', object: `log:${log}`, requestId: req.id, result: 'ok', details: { format: q.format, count: rows.length, from: q.from ?? null } }),
          );
        }
        if (next !== null) reply.header('x-next-from', String(next));
        if (q.format === 'ndjson') return reply.type('application/x-ndjson').send(items.map((i) => JSON.stringify(i)).join('\n') + (items.length ? '\n' : ''));
        if (q.format === 'csv') {
          const head = 'index,client_id,received_at,type,ts,actor,data\r\n';
          const body = items
            .map((i) => {
              const e = (i.entry ?? {}) as Record<string, unknown>;
              return [i.index, i.clientId, i.receivedAt, e.type ?? e.action, e.ts, e.actor, e.data ?? e.object].map(csvField).join(',');
            })
            .join('\r\n');
          return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${log}.csv"`).send(head + body + (items.length ? '\r\n' : ''));
        }
        return { entries: items, next };
      },
    );

    app.get(
      '/api/logs/:log/proof/:index',
      {
        schema: {
          tags: ['logs'],
          summary: 'Inclusion proof of an entry (JSON, or a C2SP .tlog-proof with format=tlog-proof)',
          params: z.object({ log: logName, index: z.coerce.number().int().min(0) }),
          querystring: z.object({ size: z.coerce.number().int().min(1).optional(), format: z.enum(['json', 'tlog-proof']).default('json') }),
        },
      },
      async (req, reply) => {
        const { log, index } = req.params;
        const p = await inclusionProof(db.kysely, log, index, req.query.size);
        if (req.query.format === 'tlog-proof') {
          const cosigs = await cosignaturesAt(db.kysely, log, p.head.size);
          const text = formatTlogProof({ index, proof: p.proof, checkpoint: p.size === p.head.size ? mergeCosignatures(p.head.checkpoint, cosigs.map((c) => c.note)) : await checkpointAt(log, p.size) });
          return reply.type('text/plain; charset=utf-8').header('content-disposition', `attachment; filename="${log}-${index}.tlog-proof"`).send(text);
        }
        return { index, size: p.size, proof: p.proof.map(b64), checkpoint: p.size === p.head.size ? p.head.checkpoint : await checkpointAt(log, p.size) };
      },
    );

    async function checkpointAt(log: string, size: number): Promise<string> {
      const r = await db.kysely.selectFrom('log_checkpoint').select('note').where('log', '=', log).where('size', '=', size).executeTakeFirst();
      if (!r) throw Object.assign(new Error(`log ${log} has no signed checkpoint at size ${size}; ask for a proof at the current size`), { statusCode: 404, code: 'LOG_NO_CHECKPOINT' });
      return r.note;
    }

    app.get(
      '/api/logs/:log/consistency',
      {
        schema: {
          tags: ['logs'],
          summary: 'Consistency proof between two tree sizes',
          params: z.object({ log: logName }),
          querystring: z.object({ from: z.coerce.number().int().min(0), to: z.coerce.number().int().min(0) }),
          response: { 200: z.object({ from: z.number(), to: z.number(), proof: z.array(z.string()) }) },
        },
      },
      async (req) => ({ from: req.query.from, to: req.query.to, proof: (await consistencyProof(db.kysely, req.params.log, req.query.from, req.query.to)).map(b64) }),
    );

    app.get(
      '/api/logs/:log/witnesses',
      { schema: { tags: ['logs'], summary: 'Each witness of the log: last cosigned size, lag and status', params: z.object({ log: logName }) } },
      async (req) => {
        await getLog(db.kysely, req.params.log);
        return { witnesses: await witnessStatus(db.kysely, req.params.log, now()) };
      },
    );

    app.get(
      '/api/logs/:log/alerts',
      {
        schema: {
          tags: ['logs'],
          summary: 'Monitoring alerts raised on the log, newest first',
          security: [{ token: [] }],
          params: z.object({ log: logName }),
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
        },
      },
      async (req) => {
        await requireScope(db, req, 'read', req.params.log, now());
        return { alerts: await listAlerts(db.kysely, req.params.log, req.query.limit) };
      },
    );

    // --- C2SP tlog-tiles and cosignatures -------------------------------------------------
    app.get('/logs/:log/checkpoint', { schema: { tags: ['tlog-tiles'], summary: 'The latest signed checkpoint, with witness cosignatures', params: z.object({ log: logName }) } }, async (req, reply) => {
      const head = await getHead(db.kysely, req.params.log);
      const cosigs = await cosignaturesAt(db.kysely, req.params.log, head.size);
      return reply.type('text/plain; charset=utf-8').header('cache-control', 'no-store').send(mergeCosignatures(head.checkpoint, cosigs.map((c) => c.note)));
    });

    app.get('/logs/:log/tile/*', { schema: { tags: ['tlog-tiles'], summary: 'A hash tile or an entry bundle (entry bundles need a read token)', params: z.object({ log: logName, '*': z.string() }) } }, async (req, reply) => {
      const { log } = req.params;
      const parsed = parseTilePath(`tile/${req.params['*']}`);
      const head = await getHead(db.kysely, log);
      let data: Uint8Array | undefined;
      let width: number;
      if (parsed.kind === 'entries') {
        await requireScope(db, req, 'read', log, now());
        width = parsed.width;
        data = await readEntryBundle(db.kysely, log, parsed.index, parsed.width, head.size);
      } else {
        width = parsed.tile.width;
        data = await readTile(db.kysely, log, parsed.tile);
      }
      if (!data) return reply.code(404).send({ error: 'TILE_NOT_FOUND', message: `${req.url} is not in the tree yet` });
      return reply.type('application/octet-stream').header('cache-control', width === 256 ? 'public, max-age=31536000, immutable' : 'no-store').send(Buffer.from(data));
    });

    app.post(
      '/logs/:log/cosignature',
      { schema: { tags: ['tlog-tiles'], summary: 'A witness submits its cosignature (a cosigned checkpoint note)', params: z.object({ log: logName }), body: z.string().max(16384) } },
      async (req, reply) => {
        const r = await acceptCosignature(db.kysely, req.params.log, req.body, now());
        return reply.code(r.stored ? 201 : 200).send({ witness: r.witness, size: r.size, stored: r.stored });
      },
    );
  };
}

/** Appends the witnesses' signature lines to the log's own signed checkpoint. */
export function mergeCosignatures(checkpoint: string, cosigned: readonly string[]): string {
  const own = checkpoint.endsWith('\n') ? checkpoint : `${checkpoint}\n`;
  const body = own.slice(0, own.indexOf('\n\n') + 2);
  const lines = new Set(own.slice(body.length).split('\n').filter(Boolean));
  for (const c of cosigned) {
    if (!c.startsWith(body)) continue;
    for (const l of c.slice(body.length).split('\n')) if (l) lines.add(l);
  }
  return body + [...lines].map((l) => `${l}\n`).join('');
}

export { AUDIT_LOG };
