import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ReportError } from '@keygrade/errors';
import { renderPdf } from './pdf.js';
import { pdfDrawnText, workedExampleModel } from './test-fixtures.js';

const latin1 = (b: Uint8Array) => new TextDecoder('latin1').decode(b);
const pageCount = (b: Uint8Array) => (latin1(b).match(/\/Type \/Page\b/g) ?? []).length;

/** A font with CJK glyphs for the zh-CN test: $KEYGRADE_CJK_FONT (with $KEYGRADE_CJK_FONT_FAMILY for a .ttc), or a Debian font if installed. */
function cjkFont(): { fontPath?: string; fontFamily?: string; reason?: string } {
  if (process.env.KEYGRADE_CJK_FONT) return { fontPath: process.env.KEYGRADE_CJK_FONT, ...(process.env.KEYGRADE_CJK_FONT_FAMILY ? { fontFamily: process.env.KEYGRADE_CJK_FONT_FAMILY } : {}) };
  const known = [
    { fontPath: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', fontFamily: 'WenQuanYiMicroHei' },
    { fontPath: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', fontFamily: 'WenQuanYiZenHei' },
    { fontPath: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', fontFamily: 'NotoSansCJKsc-Regular' },
  ];
  return known.find((f) => existsSync(f.fontPath)) ?? { reason: 'no CJK font found (set KEYGRADE_CJK_FONT, or apt-get install fonts-wqy-microhei)' };
}

describe('renderPdf', () => {
  it('writes an A4 PDF with the report text, the figures and page numbers', async () => {
    const pdf = await renderPdf(workedExampleModel(), { compress: false });
    assert.equal(latin1(pdf.subarray(0, 5)), '%PDF-');
    assert.ok(latin1(pdf).includes('/MediaBox [0 0 595.28 841.89]'), 'A4 pages');
    const pages = pageCount(pdf);
    assert.ok(pages >= 3, `${pages} pages`);
    const text = pdfDrawnText(pdf);
    for (const s of ['CCSS self-assessment report', 'Acme Custody Ltd', 'System level: Level I', 'Scorecard', 'Aspect levels', 'Gaps to Level II', 'Evidence index', 'evidence/key ceremony.pdf', `Page ${pages} of ${pages}`]) {
      assert.ok(text.includes(s), `PDF text has ${JSON.stringify(s)}`);
    }
    // The note is plain text in a PDF: drawn as written.
    assert.ok(text.includes('<script>alert(1)</script>'));
  });

  it('draws an appendix and replaced labels (the audit report)', async () => {
    const pdf = await renderPdf(workedExampleModel(), {
      compress: false,
      labels: { reportTitle: 'CCSS audit report', disclaimer: 'Signed off after peer review.' },
      appendix: [{ title: 'Audit', rows: [['Audit period', '2026-01-01 to 2026-12-31']], tables: [{ title: 'Samples', columns: [{ header: 'Requirement', share: 1 }, { header: 'Seed', share: 3, mono: true }], rows: [['1.1.1.L1', 'ab'.repeat(32)]] }] }],
    });
    const text = pdfDrawnText(pdf);
    for (const s of ['CCSS audit report', 'Audit period', '2026-01-01 to 2026-12-31', 'Samples', 'ab'.repeat(32), 'Signed off after peer review.']) assert.ok(text.includes(s), `PDF text has ${JSON.stringify(s)}`);
    assert.ok(!text.includes('CCSS self-assessment report'));
  });

  it('is deterministic: the creation date comes from generatedAt', async () => {
    const a = await renderPdf(workedExampleModel());
    const b = await renderPdf(workedExampleModel());
    assert.ok(Buffer.compare(a, b) === 0, 'same model, same bytes');
    assert.ok(latin1(a).includes('\n(D:20261122100000Z)\n'), 'the creation date is generatedAt');
    const later = await renderPdf(workedExampleModel({ generatedAt: '2027-01-01T00:00:00Z' }));
    assert.ok(Buffer.compare(a, later) !== 0);
  });

  it('refuses zh-CN without a CJK font, telling the user to pass --font', async () => {
    await assert.rejects(renderPdf(workedExampleModel({ lang: 'zh-CN' })), (e: unknown) => {
      assert.ok(e instanceof ReportError);
      assert.equal(e.code, 'REPORT_RENDER_FAILED');
      assert.match(e.message, /--font <file\.ttf>/);
      return true;
    });
  });

  it('refuses Chinese user text in an English report without a font, instead of drawing garbage', async () => {
    await assert.rejects(renderPdf(workedExampleModel({}, { organization: '示例交易所' })), (e: unknown) => e instanceof ReportError && e.code === 'REPORT_RENDER_FAILED' && /--font/.test(e.message));
  });

  it('reports an unreadable font or a collection without a font name as REPORT_RENDER_FAILED', async () => {
    const model = workedExampleModel({ lang: 'zh-CN' });
    await assert.rejects(renderPdf(model, { font: new TextEncoder().encode('not a font at all') }), (e: unknown) => e instanceof ReportError && e.code === 'REPORT_RENDER_FAILED');
    const ttc = new TextEncoder().encode('ttcf\0\0\0\0');
    await assert.rejects(renderPdf(model, { font: ttc }), (e: unknown) => e instanceof ReportError && /collection/.test(e.message));
  });

  const font = cjkFont();
  it('renders zh-CN with a CJK font, embedding it', { skip: font.fontPath ? false : `skipped: ${font.reason}` }, async () => {
    const pdf = await renderPdf(workedExampleModel({ lang: 'zh-CN' }), { font: readFileSync(font.fontPath!), ...(font.fontFamily ? { fontFamily: font.fontFamily } : {}), compress: false });
    assert.equal(latin1(pdf.subarray(0, 5)), '%PDF-');
    assert.ok(latin1(pdf).includes('/FontFile2'), 'the font is embedded');
    assert.ok(latin1(pdf).includes('/Lang (zh-CN)'), 'the document language is zh-CN');
    assert.ok(pageCount(pdf) >= 3);
  });
});
