/**
 * The outputs of an audit (issue 5 item 7): the audit report (HTML and PDF, built on the report
 * package's model of the findings plus an audit section), OSCAL assessment results with the
 * attestations of the auditor and the reviewer and the audit period as start/end, the audit file
 * (tar.gz with a hashed manifest, packages/audit `buildAuditFile`), and the data of the certificate
 * the registry signs.
 */
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Document, isMap } from 'yaml';
import { assessmentHeader, parseAssessment } from '@keygrade/assessment';
import { allRequirements, pick, type Catalog } from '@keygrade/catalog';
import { buildAuditFile, summariseResults, type Engagement, type TarEntry } from '@keygrade/audit';
import { buildOscalAssessmentResults, buildReportModel, labels, renderHtml, renderPdf, type PdfSection, type ReportModel, escapeXml } from '@keygrade/report';
import type { Evidence } from '@keygrade/db';
import type { EvidenceStore } from './evidence-store.js';
import { findingsOf, threadsOf, type EngagementData } from './engagement-view.js';
import { readFile } from 'node:fs/promises';

type Data = Omit<EngagementData, 'access'> & { access: { engagement: EngagementData['access']['engagement'] } };

const h = escapeXml;
const TECHNIQUE_NAMES: Record<string, string> = { inquiry: 'Inquiry / interview', inspection: 'Inspection of documents', observation: 'Observation', reperformance: 'Re-performance', not_applicable: 'N/A' };

function reviewerOf(doc: Engagement) {
  return doc.peerReviewer ? `${doc.peerReviewer.name} (${doc.peerReviewer.firm.name})` : 'not assigned';
}

function leadOf(doc: Engagement) {
  return doc.auditors.find((a) => a.lead) ?? doc.auditors[0]!;
}

/** The findings as an assessment (the report package's input), dated at sign-off or today. */
function reportModel(d: Data, catalog: Catalog, generatedAt: string): ReportModel {
  const e = d.access.engagement;
  const doc = d.doc;
  const header = assessmentHeader(e.edition, {
    organization: doc.auditee.organization.name,
    system: doc.auditee.system.name,
    scope: `${e.type === 'certification' ? 'Certification audit' : 'Readiness assessment'}, period ${doc.period.start} to ${doc.period.end}`,
    assessor: `${leadOf(doc).name} (${doc.auditorFirm.name}); peer reviewer ${reviewerOf(doc)}`,
    assessedAt: (e.signedOffAt ?? generatedAt).slice(0, 10),
  });
  const answers: Record<string, Record<string, unknown>> = {};
  for (const f of findingsOf(d.tests)) {
    const entry: Record<string, unknown> = { status: f.status };
    if (f.rationale) entry.note = f.rationale;
    if (f.comparable_control) entry.comparable_control = f.comparable_control;
    if (f.relies_on) entry.relies_on = f.relies_on;
    if (f.justification) entry.justification = f.justification;
    answers[f.requirementId] = entry;
  }
  const yaml = new Document({ ...header, answers });
  const node = yaml.get('answers', true);
  if (isMap(node)) node.flow = false;
  return buildReportModel(parseAssessment('audit.yaml', yaml.toString({ lineWidth: 0 }), catalog), { generatedAt, lang: d.lang });
}

function auditSection(d: Data): string {
  const e = d.access.engagement;
  const doc = d.doc;
  const rows: [string, string][] = [
    ['Engagement', `${e.type === 'certification' ? 'Certification audit' : 'Readiness assessment'} (${e.id})`],
    ['Audit period', `${doc.period.start} to ${doc.period.end}${doc.firstAudit ? ' (first audit)' : ''}`],
    ['Agreement', doc.agreementReference],
    ['Auditor firm', doc.auditorFirm.name],
    ['Auditors', doc.auditors.map((a) => `${a.name}${a.lead ? ' (lead)' : ''}`).join(', ')],
    ['Peer reviewer', reviewerOf(doc)],
    ['Peer review signed off', e.reviewerSignedOffAt ?? 'not yet'],
    ['Audit signed off', e.signedOffAt ?? 'not yet'],
  ];
  const text = new Map(allRequirements(d.edition).map((r) => [r.id, pick(r.text, d.lang)]));
  const tested = d.tests.filter((t) => t.status !== null || t.techniques.length > 0);
  const testRows = tested
    .map((t) => `<tr><td>${h(t.requirementId)}</td><td>${h(t.status ?? 'not concluded')}</td><td>${h(t.techniques.map((x) => TECHNIQUE_NAMES[x.technique] ?? x.technique).join(', '))}</td><td>${h(t.rationale ?? '')}</td></tr>`)
    .join('');
  const sampleRows = d.samples
    .map((s) => {
      const r = s.body.record;
      const sum = summariseResults(r, s.body.results);
      return `<tr><td>${h(s.body.requirementId)}</td><td>${h(s.body.title)}</td><td>${h(r.method)}</td><td class="num">${r.population.size}</td><td class="num">${r.size.size}</td><td><code>${h(r.seed ?? '—')}</code></td><td class="num">${sum.exceptions.length}</td></tr>`;
    })
    .join('');
  const ipeRows = d.ipe.map((i) => `<tr><td>${h(i.body.title)}</td><td>${h(i.body.generatedOn)}</td><td>${h(i.body.sourceSystem)}</td><td>${h(i.body.tool)}</td><td>${h(i.body.owner)}</td><td>${h(i.body.completenessAccuracy)}</td></tr>`).join('');
  const threads = threadsOf(d.messages);
  return [
    '<section id="audit"><h2>Audit</h2>',
    `<dl class="meta">${rows.map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`).join('')}</dl>`,
    `<h3>Testing</h3><table><thead><tr><th>Requirement</th><th>Finding</th><th>Techniques</th><th>Rationale</th></tr></thead><tbody>${testRows}</tbody></table>`,
    tested.length === 0 ? '' : `<p class="small">${tested.length} of ${text.size} requirements tested.</p>`,
    d.samples.length ? `<h3>Samples</h3><table><thead><tr><th>Requirement</th><th>Population</th><th>Method</th><th>Population size</th><th>Sample size</th><th>Seed</th><th>Exceptions</th></tr></thead><tbody>${sampleRows}</tbody></table>` : '',
    d.ipe.length ? `<h3>Information produced by the entity</h3><table><thead><tr><th>Report</th><th>Generated</th><th>Source</th><th>Tool</th><th>Owner</th><th>Completeness and accuracy</th></tr></thead><tbody>${ipeRows}</tbody></table>` : '',
    `<h3>Peer review</h3><p>${threads.length} quer${threads.length === 1 ? 'y' : 'ies'} raised, ${threads.filter((t) => t.status === 'resolved').length} resolved.</p>`,
    '</section>',
  ].join('\n');
}

/** The audit section of the PDF: the same content as the HTML section, as tables. */
function auditPdfSections(d: Data): PdfSection[] {
  const e = d.access.engagement;
  const doc = d.doc;
  const tested = d.tests.filter((t) => t.status !== null || t.techniques.length > 0);
  const threads = threadsOf(d.messages);
  return [
    {
      title: 'Audit',
      rows: [
        ['Engagement', `${e.type === 'certification' ? 'Certification audit' : 'Readiness assessment'} (${e.id})`],
        ['Audit period', `${doc.period.start} to ${doc.period.end}${doc.firstAudit ? ' (first audit)' : ''}`],
        ['Agreement', doc.agreementReference],
        ['Auditor firm', doc.auditorFirm.name],
        ['Auditors', doc.auditors.map((a) => `${a.name}${a.lead ? ' (lead)' : ''}`).join(', ')],
        ['Peer reviewer', reviewerOf(doc)],
        ['Peer review signed off', e.reviewerSignedOffAt ?? 'not yet'],
        ['Audit signed off', e.signedOffAt ?? 'not yet'],
        ['Peer-review queries', `${threads.length} raised, ${threads.filter((t) => t.status === 'resolved').length} resolved`],
      ],
      tables: [
        {
          title: 'Testing',
          columns: [{ header: 'Requirement', share: 1.3 }, { header: 'Finding', share: 1.4 }, { header: 'Techniques', share: 2 }, { header: 'Rationale', share: 4 }],
          rows: tested.map((t) => [t.requirementId, t.status ?? 'not concluded', t.techniques.map((x) => TECHNIQUE_NAMES[x.technique] ?? x.technique).join(', '), t.rationale ?? '']),
        },
        {
          title: 'Samples',
          columns: [{ header: 'Requirement', share: 1.2 }, { header: 'Population', share: 1.6 }, { header: 'Method', share: 1 }, { header: 'Size', share: 0.8 }, { header: 'Exceptions', share: 0.9 }, { header: 'Seed', share: 3.5, mono: true }],
          rows: d.samples.map((x) => {
            const r = x.body.record;
            return [x.body.requirementId, `${x.body.title} (${r.population.size})`, r.method, String(r.size.size), String(summariseResults(r, x.body.results).exceptions.length), r.seed ?? '—'];
          }),
        },
        {
          title: 'Information produced by the entity',
          columns: [{ header: 'Report', share: 2 }, { header: 'Generated', share: 1 }, { header: 'Source and tool', share: 2 }, { header: 'Owner', share: 1 }, { header: 'Completeness and accuracy', share: 3 }],
          rows: d.ipe.map((i) => [i.body.title, i.body.generatedOn, `${i.body.sourceSystem}; ${i.body.tool}`, i.body.owner, i.body.completenessAccuracy]),
        },
      ],
    },
  ];
}

export function auditOutputs(deps: { catalog: Catalog; evidence: EvidenceStore; now: () => Date; cjkFont?: Uint8Array | undefined }) {
  const disclaimerOf = (d: Data) =>
    d.access.engagement.status === 'signed_off'
      ? `This report records a CCSS ${d.access.engagement.type === 'certification' ? 'audit' : 'readiness assessment'} signed off on ${d.access.engagement.signedOffAt!.slice(0, 10)} by the auditor named above after peer review.`
      : 'Draft: this audit is not signed off; its findings may still change.';

  return {
    async report(d: Data, format: 'html' | 'pdf'): Promise<{ body: string | Buffer; contentType: string; filename: string }> {
      const model = reportModel(d, deps.catalog, deps.now().toISOString());
      const base = `audit-${d.doc.auditee.system.name.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 60)}-${d.doc.period.end}`;
      const L = labels(d.lang);
      if (format === 'pdf') {
        // The PDF carries the scorecard, findings and narrative; its title and disclaimer are the audit's.
        const bytes = await renderPdf(model, { ...(deps.cjkFont ? { font: deps.cjkFont } : {}), appendix: auditPdfSections(d), labels: { reportTitle: 'CCSS audit report', disclaimer: disclaimerOf(d), shortDisclaimer: d.access.engagement.status === 'signed_off' ? 'CCSS audit report' : 'Draft audit report' } });
        return { body: Buffer.from(bytes), contentType: 'application/pdf', filename: `${base}.pdf` };
      }
      let html = renderHtml(model);
      html = html.replace(`<h1>${h(L.reportTitle)}</h1>`, '<h1>CCSS audit report</h1>').replace(`<title>${h(L.reportTitle)}`, '<title>CCSS audit report');
      html = html.replace(`<strong>${h(L.disclaimer)}</strong>`, `<strong>${h(disclaimerOf(d))}</strong>`);
      html = html.replace('<section id="summary">', `${auditSection(d)}\n<section id="summary">`);
      return { body: html, contentType: 'text/html; charset=utf-8', filename: `${base}.html` };
    },

    oscal(d: Data): string {
      const e = d.access.engagement;
      const doc = d.doc;
      const model = reportModel(d, deps.catalog, deps.now().toISOString());
      const ar = buildOscalAssessmentResults(model, { uuid: randomUUID })['assessment-results'];
      const kind = e.type === 'certification' ? 'CCSS certification audit' : 'CCSS readiness assessment';
      const auditorParty = randomUUID();
      const reviewerParty = doc.peerReviewer ? randomUUID() : undefined;
      const meta = ar.metadata as { title: string; roles: { id: string; title: string }[]; parties: { uuid: string; type: string; name: string }[]; 'responsible-parties': { 'role-id': string; 'party-uuids': string[] }[]; remarks: string };
      meta.title = `${kind} results: ${doc.auditee.organization.name} — ${doc.auditee.system.name}`.replace(/\s+/g, ' ');
      meta.roles = [...meta.roles.filter((r) => r.id !== 'assessor'), { id: 'assessor', title: 'CCSS Auditor' }, ...(reviewerParty ? [{ id: 'peer-reviewer', title: 'CCSS Peer Reviewer' }] : [])];
      meta.parties = [
        ...meta.parties.filter((p) => p.type === 'organization'),
        { uuid: auditorParty, type: 'person', name: `${leadOf(doc).name} (${doc.auditorFirm.name})` },
        ...(reviewerParty ? [{ uuid: reviewerParty, type: 'person', name: reviewerOf(doc) }] : []),
      ];
      meta['responsible-parties'] = [...meta['responsible-parties'].filter((r) => r['role-id'] === 'system-owner'), { 'role-id': 'assessor', 'party-uuids': [auditorParty] }, ...(reviewerParty ? [{ 'role-id': 'peer-reviewer', 'party-uuids': [reviewerParty] }] : [])];
      meta.remarks = `${kind} of ${doc.auditee.system.name}; ${e.status === 'signed_off' ? `signed off ${e.signedOffAt}` : 'not signed off (draft)'}.`;
      const result = ar.results[0] as Record<string, unknown>;
      result.title = `${kind} of ${doc.auditee.system.name}`;
      result.description = `${kind} of ${doc.auditee.system.name} (${doc.auditee.organization.name}) against ${e.edition}, covering ${doc.period.start} to ${doc.period.end}, by ${doc.auditorFirm.name}.`;
      result.start = `${doc.period.start}T00:00:00Z`;
      result.end = `${doc.period.end}T23:59:59Z`;
      result.attestations = [
        { 'responsible-parties': [{ 'role-id': 'assessor', 'party-uuids': [auditorParty] }], parts: [{ name: 'attestation', prose: e.signedOffAt ? `The auditor signed off the audit on ${e.signedOffAt}.` : 'The audit is not signed off.' }] },
        ...(reviewerParty
          ? [{ 'responsible-parties': [{ 'role-id': 'peer-reviewer', 'party-uuids': [reviewerParty] }], parts: [{ name: 'attestation', prose: e.reviewerSignedOffAt ? `The peer reviewer signed off the review on ${e.reviewerSignedOffAt}.` : 'The peer review is not signed off.' }] }]
          : []),
      ];
      const plan = ar['back-matter'].resources[0]!;
      plan.title = `${kind} plan: ${doc.auditee.system.name}`;
      plan.description = `Testing of every requirement of ${e.edition} over the audit period ${doc.period.start} to ${doc.period.end} (engagement ${e.id}, agreement ${doc.agreementReference}).`;
      ar['import-ap'].remarks = 'The engagement, its testing and samples are recorded in the Keygrade audit file; the referenced resource describes the plan.';
      return `${JSON.stringify({ 'assessment-results': ar }, null, 2)}\n`;
    },

    async auditFile(d: Data): Promise<{ body: Buffer; filename: string; manifestSha256: string }> {
      const e = d.access.engagement;
      const used = new Set<string>();
      for (const t of d.tests) {
        t.evidenceIds.forEach((id) => used.add(id));
        t.techniques.forEach((x) => (x.evidenceIds ?? []).forEach((id) => used.add(id)));
      }
      for (const i of d.ipe) if (i.body.evidenceId) used.add(i.body.evidenceId);
      const evidence = [...used].map((id) => d.evidence.get(id)).filter((x): x is Evidence => x !== undefined);
      const files: TarEntry[] = [];
      for (const s of d.samples) files.push({ path: `samples/${s.id}.csv`, data: new TextEncoder().encode(s.body.populationCsv) });
      const stored = new Set<string>();
      for (const ev of evidence) {
        if (stored.has(ev.sha256) || !deps.evidence.has(ev.sha256)) continue;
        stored.add(ev.sha256);
        files.push({ path: `evidence/${ev.sha256}`, data: new Uint8Array(await readFile(deps.evidence.pathOf(ev.sha256))) });
      }
      const created = deps.now().toISOString();
      const json: Record<string, unknown> = {
        'engagement.json': { id: e.id, type: e.type, edition: e.edition, status: e.status, doc: d.doc, holidays: e.holidays, reviewAssignedOn: e.reviewAssignedOn, queriesRaisedOn: e.queriesRaisedOn, reviewerSignedOffAt: e.reviewerSignedOffAt, signedOffAt: e.signedOffAt, members: d.members },
        'tests.json': d.tests.map((t) => {
          const [finding] = findingsOf([t]);
          return { requirementId: t.requirementId, finding: finding ?? null, claimed: t.claimed, techniques: t.techniques, auditorNotes: t.auditorNotes, evidenceIds: t.evidenceIds, version: t.version, updatedAt: t.updatedAt, updatedBy: t.updatedBy };
        }),
        'ipe.json': d.ipe.map((i) => ({ id: i.id, createdAt: i.createdAt, createdBy: i.createdBy, ...i.body })),
        'review.json': threadsOf(d.messages),
        'evidence.json': evidence.map((ev) => ({ ...ev, file: stored.has(ev.sha256) ? `evidence/${ev.sha256}` : null })),
        'conclusion.json': e.status === 'signed_off' ? e.conclusion : 'error' in d.live ? null : d.live,
        ...Object.fromEntries(d.samples.map((s) => [`samples/${s.id}.json`, { requirementId: s.body.requirementId, title: s.body.title, populationFile: s.body.populationFile, ipeId: s.body.ipeId ?? null, record: s.body.record, results: s.body.results }])),
      };
      const built = buildAuditFile({ engagementId: e.id, edition: e.edition, created, json, files });
      return { body: gzipSync(built.tar), filename: `audit-file-${e.id}.tar.gz`, manifestSha256: built.manifestSha256 };
    },

    certificateData(d: Data) {
      const e = d.access.engagement;
      const doc = d.doc;
      const c = e.conclusion as { systemLevel: number; aspects: { id: string; level: number }[] };
      const lead = leadOf(doc);
      return {
        engagementId: e.id,
        organization: { id: doc.auditee.organization.id, name: doc.auditee.organization.name },
        system: { id: doc.auditee.system.id, name: doc.auditee.system.name },
        edition: e.edition,
        level: c.systemLevel,
        aspectLevels: Object.fromEntries(c.aspects.map((a) => [a.id, a.level])),
        period: doc.period,
        auditor: { id: lead.id, name: lead.name, firm: doc.auditorFirm.name },
        peerReviewer: doc.peerReviewer ? { id: doc.peerReviewer.id, name: doc.peerReviewer.name, firm: doc.peerReviewer.firm.name } : null,
        signedOffAt: e.signedOffAt,
        reviewerSignedOffAt: e.reviewerSignedOffAt,
      };
    },
  };
}
