/**
 * The registry's public pages (issue 6 item 5), server-rendered HTML without any script: the
 * search page, a certificate page with its live verification, an SVG badge linking to that page,
 * and an Atom feed of issuances and state changes. Strict CSP: no script at all, the one inline
 * style allowed by its hash.
 */
import { createHash } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { escapeXml } from '@keygrade/report';
import { z } from 'zod';
import { certificateEvents, getCertificate, listPublishedCertificates, type Db } from '@keygrade/db';
import type { CertificateStatus } from '@keygrade/attest';
import { publicCertificate, registryService, RegistryError } from './registry.js';

const esc = escapeXml;
const Id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'an id');
const ROMAN = ['uncertified', 'Level I', 'Level II', 'Level III'];

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1f2b}
h1{font-size:1.5rem}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #d7dbe3;vertical-align:top}
code{word-break:break-all}.muted{color:#5b6475}.state{font-weight:600;padding:.1rem .45rem;border-radius:.3rem}
.active{background:#dff3e4;color:#145c2c}.expired,.superseded{background:#eceef2;color:#3d4452}.suspended{background:#fff1d6;color:#7a4b00}.revoked{background:#fde2e1;color:#8a1c14}
.ok{color:#145c2c}.fail{color:#8a1c14}form{display:flex;gap:.5rem;flex-wrap:wrap;align-items:end;margin:1rem 0}label{display:flex;flex-direction:column;font-size:.9rem}
input,select,button{font:inherit;padding:.3rem .5rem}a:focus,input:focus,select:focus,button:focus{outline:3px solid #3b6fd8;outline-offset:2px}`;
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

function page(reply: FastifyReply, title: string, body: string) {
  return reply
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style><link rel="alternate" type="application/atom+xml" title="Keygrade registry" href="/registry/feed.atom"></head><body><main>${body}</main></body></html>`);
}

const stateLabel = (s: CertificateStatus) => `<span class="state ${esc(s.state)}">${esc(s.state)}</span>`;

/** The SVG badge: "CCSS | Level II · active", colour by state. Text only, no script, no external reference. */
export function badgeSvg(level: number, state: string): string {
  const left = 'CCSS';
  const right = state === 'active' ? ROMAN[level]! : `${ROMAN[level]!} · ${state}`;
  const w = (t: string) => Math.round(t.length * 6.6 + 14);
  const lw = w(left);
  const rw = w(right);
  const colour = state === 'active' ? '#2e7d32' : state === 'revoked' ? '#b3261e' : state === 'suspended' ? '#a86300' : '#5f6673';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${lw + rw}" height="20" role="img" aria-label="${esc(`${left}: ${right}`)}"><title>${esc(`${left}: ${right}`)}</title><rect width="${lw}" height="20" fill="#30363f"/><rect x="${lw}" width="${rw}" height="20" fill="${colour}"/><g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11"><text x="7" y="14">${esc(left)}</text><text x="${lw + 7}" y="14">${esc(right)}</text></g></svg>`;
}

export function registryPages(deps: { db: Db; now?: () => Date; publicUrl?: string | undefined }): FastifyPluginAsync {
  const now = deps.now ?? (() => new Date());
  const k = deps.db.kysely;
  const service = registryService(deps.db, now);

  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/registry',
      {
        config: { permission: 'public' },
        schema: { tags: ['registry'], summary: 'The public registry: search certified systems (HTML)', querystring: z.object({ q: z.string().max(200).optional(), level: z.enum(['', '1', '2', '3']).optional(), status: z.enum(['', 'active', 'expired', 'suspended', 'revoked', 'superseded']).optional() }) },
      },
      async (req, reply) => {
        const level = req.query.level ? Number(req.query.level) : undefined;
        const list = await listPublishedCertificates(k, { ...(req.query.q ? { q: req.query.q } : {}), ...(level ? { level } : {}) });
        const st = await service.statuses(list.map((c) => c.id));
        const rows = list
          .map((c) => ({ c, s: st.get(c.id)! }))
          .filter(({ s }) => !req.query.status || s.state === req.query.status)
          .map(({ c, s }) => `<tr><td><a href="/registry/certificates/${esc(c.id)}">${esc(c.id)}</a></td><td>${esc(c.organizationName)}</td><td>${esc(c.systemName)}</td><td>${esc(ROMAN[c.level]!)}</td><td>${stateLabel(s)}</td><td>${esc(c.auditorFirm)}</td><td>${esc(c.issuedAt.slice(0, 10))}</td><td>${esc(c.validUntil.slice(0, 10))}</td></tr>`)
          .join('');
        const opt = (v: string, label: string, cur?: string) => `<option value="${v}"${cur === v ? ' selected' : ''}>${esc(label)}</option>`;
        return page(
          reply,
          'CCSS certification registry',
          `<h1>CCSS certification registry</h1>
<p>Systems certified against the CryptoCurrency Security Standard by accredited auditors, peer-reviewed, signed and recorded in a tamper-evident log. <a href="/registry/feed.atom">Atom feed</a> · <a href="/api/registry/certificates">JSON</a> · <a href="/api/registry/auditors">auditors and their keys</a></p>
<form method="get" action="/registry" role="search"><label>Organization or system<input name="q" value="${esc(req.query.q ?? '')}"></label>
<label>Level<select name="level">${opt('', 'any', req.query.level)}${opt('1', 'Level I', req.query.level)}${opt('2', 'Level II', req.query.level)}${opt('3', 'Level III', req.query.level)}</select></label>
<label>State<select name="status">${['', 'active', 'expired', 'suspended', 'revoked', 'superseded'].map((s) => opt(s, s || 'any', req.query.status)).join('')}</select></label><button type="submit">Search</button></form>
${rows ? `<table><thead><tr><th scope="col">Certificate</th><th scope="col">Organization</th><th scope="col">System</th><th scope="col">Level</th><th scope="col">State</th><th scope="col">Auditor</th><th scope="col">Issued</th><th scope="col">Valid until</th></tr></thead><tbody>${rows}</tbody></table>` : '<p>No certificate matches.</p>'}`,
        );
      },
    );

    app.get('/registry/certificates/:certificateId', { config: { permission: 'public' }, schema: { tags: ['registry'], summary: 'A certificate page with its live verification (HTML)', params: z.object({ certificateId: Id }) } }, async (req, reply) => {
      const c = await getCertificate(k, req.params.certificateId);
      if (!c || !c.published) throw new RegistryError('CERTIFICATE_NOT_FOUND', 'no such certificate in the registry');
      const status = await service.statusOf(c.id);
      const p = publicCertificate(c, status);
      const v = await service.verify(c);
      const aspects = Object.entries(p.aspectLevels)
        .map(([id, l]) => `<tr><th scope="row">${esc(id)}</th><td>${esc(ROMAN[l] ?? String(l))}</td></tr>`)
        .join('');
      const checks = v.checks.map((x) => `<li class="${x.ok ? 'ok' : 'fail'}">${x.ok ? '✓' : '✗'} <strong>${esc(x.check)}</strong>: ${esc(x.detail)}</li>`).join('');
      const stateNote = status.state === 'revoked' ? ` since ${esc(status.since ?? '')}: ${esc(status.reason ?? '')}` : status.state === 'suspended' ? ` since ${esc(status.since ?? '')}: ${esc(status.reason ?? '')}` : status.state === 'superseded' ? ` by <a href="/registry/certificates/${esc(status.supersededBy ?? '')}">${esc(status.supersededBy ?? '')}</a>` : status.state === 'expired' ? ` on ${esc(status.since ?? '')}` : '';
      return page(
        reply,
        `${c.organizationName} — ${c.systemName}: CCSS ${ROMAN[c.level]!}`,
        `<p><a href="/registry">Registry</a></p>
<h1>${esc(c.organizationName)} — ${esc(c.systemName)}</h1>
<p><img src="/registry/certificates/${esc(c.id)}/badge.svg" alt="CCSS ${esc(ROMAN[c.level]!)}, ${esc(status.state)}"> ${stateLabel(status)}${stateNote}</p>
<table><tbody>
<tr><th scope="row">Certificate</th><td>${esc(c.id)}</td></tr>
<tr><th scope="row">Level</th><td>${esc(ROMAN[c.level]!)} (${esc(c.edition)})</td></tr>
<tr><th scope="row">Audit period</th><td>${esc(p.period.start)} to ${esc(p.period.end)}</td></tr>
<tr><th scope="row">Auditor</th><td>${esc(p.auditor.name)}${p.auditor.firm ? `, ${esc(p.auditor.firm)}` : ''}</td></tr>
<tr><th scope="row">Peer reviewer</th><td>${esc(p.peerReviewer.name)}${p.peerReviewer.firm ? `, ${esc(p.peerReviewer.firm)}` : ''}</td></tr>
<tr><th scope="row">Issued</th><td>${esc(c.issuedAt)}</td></tr>
<tr><th scope="row">Valid until</th><td>${esc(c.validUntil)}</td></tr>
${c.supersedes ? `<tr><th scope="row">Replaces</th><td><a href="/registry/certificates/${esc(c.supersedes)}">${esc(c.supersedes)}</a></td></tr>` : ''}
</tbody></table>
<h2>Aspect levels</h2><table><tbody>${aspects}</tbody></table>
<h2>Verification, just now</h2><ul>${checks}</ul>
<h2>Check it yourself</h2>
<p>Download the <a href="/api/registry/certificates/${esc(c.id)}/certificate.dsse.json">certificate</a>, its <a href="/api/registry/certificates/${esc(c.id)}/certificate.tlog-proof">registry-log proof</a> and its <a href="/api/registry/certificates/${esc(c.id)}/trust.json">trust file</a> (compare its keys with the auditors' keys you trust), then run offline:</p>
<pre><code>keygrade cert verify ${esc(c.id)}.dsse.json --proof ${esc(c.id)}.tlog-proof --trust ${esc(c.id)}.trust.json</code></pre>
<p class="muted">Certificate SHA-256 <code>${esc(c.certificateSha256 ?? '')}</code>; audit report SHA-256 <code>${esc(c.reportSha256)}</code>; registry log entry ${c.logIndex ?? '—'}.</p>`,
      );
    });

    app.get('/registry/certificates/:certificateId/badge.svg', { config: { permission: 'public' }, schema: { tags: ['registry'], summary: 'An SVG badge with the level and state, for the certified party to link to its certificate page', params: z.object({ certificateId: Id }) } }, async (req, reply) => {
      const c = await getCertificate(k, req.params.certificateId);
      if (!c || !c.published) throw new RegistryError('CERTIFICATE_NOT_FOUND', 'no such certificate in the registry');
      const s = await service.statusOf(c.id);
      return reply
        .header('content-type', 'image/svg+xml')
        .header('cache-control', 'max-age=300')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
        .header('x-content-type-options', 'nosniff')
        .send(badgeSvg(c.level, s.state));
    });

    app.get('/registry/feed.atom', { config: { permission: 'public' }, schema: { tags: ['registry'], summary: 'Atom feed of issuances, suspensions, reinstatements and revocations' } }, async (req, reply) => {
      const events = (await certificateEvents(k)).slice(-200).reverse();
      const certs = new Map((await listPublishedCertificates(k, { limit: 5000 })).map((c) => [c.id, c]));
      const base = deps.publicUrl ?? `${req.protocol}://${req.hostname}`;
      const updated = events[0]?.at ?? new Date(0).toISOString();
      const entries = events
        .map((e) => {
          const c = certs.get(e.certificateId);
          const what = c ? `${c.organizationName} — ${c.systemName}, CCSS ${ROMAN[c.level]!}` : e.certificateId;
          const title = `${e.type === 'issued' ? 'Issued' : e.type === 'revoked' ? 'Revoked' : e.type === 'suspended' ? 'Suspended' : 'Reinstated'}: ${what}`;
          const url = `${base}/registry/certificates/${e.certificateId}`;
          return `<entry><id>${esc(`${url}#log-${e.logIndex}`)}</id><title>${esc(title)}</title><updated>${esc(e.at)}</updated><link href="${esc(url)}"/><summary>${esc(`${title}${e.reason ? `. Reason: ${e.reason}` : ''} (registry log entry ${e.logIndex})`)}</summary></entry>`;
        })
        .join('\n');
      return reply
        .header('content-type', 'application/atom+xml; charset=utf-8')
        .send(`<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><id>${esc(`${base}/registry`)}</id><title>Keygrade CCSS certification registry</title><updated>${esc(updated)}</updated><link rel="self" href="${esc(`${base}/registry/feed.atom`)}"/><link href="${esc(`${base}/registry`)}"/><author><name>Keygrade registry</name></author>\n${entries}\n</feed>\n`);
    });
  };
}
