/**
 * Proof-of-reserves snapshots per system (issue 9, item 6): a custodian uploads each signed
 * manifest `keygrade por build` wrote; the server checks its signatures and totals and that it
 * follows the system's previous snapshot, keeps it, files it as evidence on the proof-of-reserve
 * requirements of the system's latest assessment, and, when asked, publishes a page per snapshot
 * that anyone can read (no login, no script) with the manifest to download and the offline
 * verifier page.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { escapeXml } from '@keygrade/report';
import { z } from 'zod';
import { allRequirements, type Catalog } from '@keygrade/catalog';
import { canonicalJson } from '@keygrade/tlog';
import { fromHex, parseManifest, verifyManifest, type SignedManifest } from '@keygrade/reserves';
import {
  addReserveSnapshot,
  audited,
  createEvidence,
  DomainError,
  getReserveSnapshot,
  getSystem,
  latestAssessments,
  latestReserveManifest,
  linkEvidence,
  listReserveSnapshots,
} from '@keygrade/db';
import type { AppDeps } from '../app.js';
import { ApiError, requireOrg, type Permission } from '../authz.js';
import type { EvidenceStore } from '../domain/evidence-store.js';

const Id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'an id');
const Hex32 = z.string().regex(/^[0-9a-f]{64}$/i, '64 hex digits');

const esc = escapeXml;

/** A base-unit integer as a decimal amount with the asset's decimals (exact, no floating point). */
function amount(units: string, decimals: number): string {
  if (decimals === 0) return units;
  const s = units.padStart(decimals + 1, '0');
  const whole = s.slice(0, -decimals);
  const frac = s.slice(-decimals).replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : whole;
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1a1f2b}
h1{font-size:1.5rem}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .6rem;border-bottom:1px solid #d7dbe3}
td.num{text-align:right;font-variant-numeric:tabular-nums}code{word-break:break-all}.muted{color:#5b6475}`;
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

function publicPage(s: { id: string; sequence: number; time: string; label: string | null; manifestHash: string; previousHash: string | null; chain: string; signers: string[] }, m: SignedManifest, system: string, verifier: boolean): string {
  const rows = m.assets.map((a) => `<tr><th scope="row">${esc(a.symbol)}</th><td class="num">${esc(amount(a.total, a.decimals))}</td><td class="num">${a.decimals}</td></tr>`).join('');
  const chain = s.chain === 'verified' ? 'follows the previous snapshot published here' : s.chain === 'first' ? 'the first snapshot of this system' : 'its previous snapshot is not published here';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Proof of reserves: ${esc(system)} — snapshot ${s.sequence}</title><style>${STYLE}</style></head><body><main>
<h1>Proof of reserves: ${esc(system)}</h1>
<p>Snapshot ${s.sequence}${s.label ? ` (${esc(s.label)})` : ''}, balances taken at <time datetime="${esc(s.time)}">${esc(s.time)}</time>.</p>
<h2>Customer liabilities per asset</h2>
<table><thead><tr><th scope="col">Asset</th><th scope="col">Total owed to customers</th><th scope="col">Decimals</th></tr></thead><tbody>${rows}</tbody></table>
<h2>What to check</h2>
<dl><dt>Merkle-sum root</dt><dd><code>${esc(m.root)}</code></dd>
<dt>Manifest hash</dt><dd><code>${esc(s.manifestHash)}</code> — ${esc(chain)}</dd>
<dt>Previous manifest hash</dt><dd><code>${esc(s.previousHash ?? 'none')}</code></dd>
<dt>Signed by</dt><dd>${s.signers.map((k) => `<code>${esc(k)}</code>`).join('<br>')}</dd>
<dt>Tree</dt><dd>height ${m.height}, ${m.leafCount} leaves (padding included)</dd></dl>
<p><a href="/reserves/${esc(s.id)}/manifest.json" download>Download the signed manifest</a>${verifier ? ` · <a href="/reserves/verifier.html" download>Download the offline verifier page</a>` : ''}</p>
<p class="muted">Your exchange gives you your own inclusion proof. Open the verifier page (it works offline and sends nothing anywhere), drop in your proof and this manifest, and check the public key against the one your exchange publishes. Checked and kept by Keygrade; Keygrade does not see customer balances.</p>
</main></body></html>`;
}

export function reserveRoutes(deps: AppDeps & { catalog: Catalog; evidence: EvidenceStore; verifierHtml?: string | undefined }): FastifyPluginAsync {
  const now = deps.now ?? (() => new Date());
  const k = deps.db.kysely;
  const noSystem = () => new DomainError('SYSTEM_NOT_FOUND', 'no such system');
  const systemFor = async (req: FastifyRequest, id: string, permission: Permission) => {
    const s = await getSystem(k, id);
    if (!s) throw noSystem();
    try {
      return { system: s, actor: (await requireOrg(req, s.orgId, permission)).actor };
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) throw noSystem();
      throw e;
    }
  };
  const verifier = deps.verifierHtml !== undefined && existsSync(deps.verifierHtml) ? readFileSync(deps.verifierHtml, 'utf8') : undefined;

  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();

    app.post(
      '/api/systems/:systemId/reserves',
      {
        config: { permission: 'system:write' },
        schema: {
          tags: ['reserves'],
          summary: 'Add a proof-of-reserves snapshot: the signed manifest from `keygrade por build`. It must follow the latest one of this system.',
          params: z.object({ systemId: Id }),
          body: z.object({ manifest: z.unknown(), publicKey: Hex32.optional(), public: z.boolean().default(false) }).strict(),
        },
      },
      async (req, reply) => {
        const { system, actor } = await systemFor(req, req.params.systemId, 'system:write');
        const m = parseManifest(req.body.manifest, 'manifest');
        const previousText = await latestReserveManifest(k, system.id);
        const previous = previousText ? parseManifest(JSON.parse(previousText) as unknown) : undefined;
        if (previous && m.previous === null) {
          throw new ApiError(409, 'CHAIN_BROKEN', `this system already has snapshots: a new manifest must chain to the latest (previous = manifest hash of sequence ${previous.sequence})`);
        }
        const check = verifyManifest(m, { ...(req.body.publicKey ? { publicKey: fromHex(req.body.publicKey) } : {}), ...(previous ? { previous } : {}) });
        if (check.failure) {
          const status = check.failure.code === 'CHAIN_BROKEN' ? 409 : 422;
          throw new ApiError(status, check.failure.code, check.failure.message);
        }
        const text = canonicalJson(m);
        const stored = await deps.evidence.put(Readable.from([Buffer.from(text, 'utf8')]));
        const at = now();
        const by = { actor, at };
        const latest = (await latestAssessments(k, [system.id])).get(system.id);
        const porRequirements = latest ? allRequirements(deps.catalog.edition(latest.edition)).filter((r) => r.aspectId === '2.03') : [];
        const snapshot = await audited(
          k,
          { actor, requestId: req.id, at },
          'reserves.snapshot.add',
          `system:${system.id}`,
          async (trx) => {
            const ev = await createEvidence(
              trx,
              {
                orgId: system.orgId,
                sha256: stored.sha256,
                size: stored.size,
                contentType: 'application/json',
                filename: `por-manifest-${m.sequence}.json`,
                title: `Proof-of-reserves manifest, snapshot ${m.sequence}${m.label ? ` (${m.label})` : ''}`,
                sourceSystem: system.name,
                tool: 'keygrade por build',
                parameters: `snapshot ${m.snapshotId}; root ${m.root}; manifest hash ${check.manifestHash}`,
              },
              by,
            );
            for (const r of porRequirements) await linkEvidence(trx, latest!.id, r.id, ev.id, by);
            return addReserveSnapshot(
              trx,
              {
                orgId: system.orgId,
                systemId: system.id,
                snapshotId: m.snapshotId,
                sequence: m.sequence,
                time: m.time,
                label: m.label ?? null,
                manifestHash: check.manifestHash,
                previousHash: m.previous,
                chain: previous ? 'verified' : m.previous === null ? 'first' : 'unchecked',
                signers: check.signers.map((s) => s.publicKey),
                public: req.body.public,
                evidenceId: ev.id,
                manifest: text,
              },
              by,
            );
          },
          (s) => ({ snapshot: s.id, manifestHash: s.manifestHash, public: s.public }),
        ).catch((e: unknown) => {
          if (/unique|UNIQUE/.test(String((e as Error).message))) throw new ApiError(409, 'SNAPSHOT_EXISTS', 'this manifest was added to this system already');
          throw e;
        });
        return reply.code(201).send({ snapshot, linkedRequirements: porRequirements.map((r) => r.id) });
      },
    );

    app.get(
      '/api/systems/:systemId/reserves',
      { config: { permission: 'org:read' }, schema: { tags: ['reserves'], summary: "The system's proof-of-reserves snapshots, newest first, with their chain", params: z.object({ systemId: Id }) } },
      async (req) => {
        const { system } = await systemFor(req, req.params.systemId, 'org:read');
        return { snapshots: await listReserveSnapshots(k, system.id) };
      },
    );

    // ---- public (no login): only snapshots marked public ----------------------------------------
    const publicSnapshot = async (id: string) => {
      const s = await getReserveSnapshot(k, id);
      if (!s || !s.public) throw new ApiError(404, 'SNAPSHOT_NOT_FOUND', 'no such public snapshot');
      return s;
    };
    const securityHeaders = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' };

    app.get('/reserves/verifier.html', { config: { permission: 'public' }, schema: { hide: true } }, async (_req, reply) => {
      if (!verifier) throw new ApiError(404, 'VERIFIER_NOT_BUILT', 'the verifier page is not built here: run `node packages/reserves/verifier/build.mjs`');
      return reply.headers(securityHeaders).header('content-type', 'text/html; charset=utf-8').header('content-disposition', 'attachment; filename="keygrade-por-verifier.html"').send(verifier);
    });

    app.get('/reserves/:snapshotId', { config: { permission: 'public' }, schema: { tags: ['reserves'], summary: 'The public page of a published snapshot (HTML, no script)', params: z.object({ snapshotId: Id }) } }, async (req, reply) => {
      const s = await publicSnapshot(req.params.snapshotId);
      const system = (await getSystem(k, s.systemId))!;
      const html = publicPage(s, parseManifest(JSON.parse(s.manifest) as unknown), system.name, verifier !== undefined);
      return reply
        .headers(securityHeaders)
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`)
        .send(html);
    });

    app.get('/reserves/:snapshotId/manifest.json', { config: { permission: 'public' }, schema: { tags: ['reserves'], summary: 'The signed manifest of a published snapshot', params: z.object({ snapshotId: Id }) } }, async (req, reply) => {
      const s = await publicSnapshot(req.params.snapshotId);
      return reply
        .headers(securityHeaders)
        .header('content-type', 'application/json')
        .header('content-disposition', `attachment; filename="por-manifest-${s.sequence}.json"`)
        .send(s.manifest);
    });
  };
}
