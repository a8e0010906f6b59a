/**
 * The PDF report, drawn with pdfkit (no browser): A4, the same sections as the HTML report, vector
 * figures, page breaks that keep tables and figures whole, and page numbers. The built-in
 * Helvetica only covers Windows-1252, so Chinese reports need a CJK font from the user.
 */
import PDFDocument from 'pdfkit';
import { roman } from '@keygrade/catalog';
import { ReportError } from '@keygrade/errors';
import { STATUSES } from '@keygrade/scoring';
import { labels, levelName, metaRows, type Labels } from './labels.js';
import type { ReportModel } from './model.js';
import { drawLevelChart, drawScorecard, ensureSpace, fitLine, frame, heading, INK, levelChartHeight, MUTED, paragraph, scorecardHeight, table, type PdfContext } from './pdf-layout.js';
import { displayDateTime, hasWideChars } from './text-util.js';

/** Options of {@link renderPdf}. */
export interface PdfOptions {
  /** A TrueType/OpenType font with CJK glyphs, as bytes (the caller reads the file). Required for `zh-CN`. */
  font?: Uint8Array;
  /** The PostScript name of the font to use when the font file is a collection (`.ttc`). */
  fontFamily?: string;
  /** Compress page streams (default true; tests turn it off to read the text). */
  compress?: boolean;
  /** Replaces labels, e.g. the title and disclaimer of an audit report built on the same model. */
  labels?: Partial<Pick<Labels, 'reportTitle' | 'disclaimer' | 'shortDisclaimer'>>;
  /** Extra sections after the evidence (e.g. an audit's engagement, testing and samples): tables of text. */
  appendix?: readonly PdfSection[];
}

/** A section of the appendix: a heading, key–value rows, then tables whose column widths are fractions of the page width. */
export interface PdfSection {
  title: string;
  rows?: readonly (readonly [string, string])[];
  tables?: readonly { title?: string; columns: readonly { header: string; share: number; mono?: boolean }[]; rows: readonly (readonly string[])[] }[];
  notes?: readonly string[];
}

function appendixSections(ctx: PdfContext, sections: readonly PdfSection[]): void {
  const { doc } = ctx;
  for (const section of sections) {
    heading(ctx, section.title, 1, true);
    const width = frame(doc).width;
    if (section.rows && section.rows.length > 0) table(ctx, [{ header: '', width: width * 0.3 }, { header: '', width: width * 0.7 }], section.rows);
    for (const t of section.tables ?? []) {
      if (t.title) heading(ctx, t.title, 2);
      if (t.rows.length === 0) continue;
      const total = t.columns.reduce((n, c) => n + c.share, 0);
      table(ctx, t.columns.map((c) => ({ header: c.header, width: (width * c.share) / total, ...(c.mono ? { mono: true, size: 7.5 } : {}) })), t.rows);
    }
    for (const n of section.notes ?? []) paragraph(ctx, n, { size: 9.5 });
  }
}

const FONT_HINT = 'pass --font <file.ttf> with a TrueType/OpenType font that has CJK glyphs (for example Noto Sans SC)';

// Windows-1252 characters outside Latin-1 that Helvetica can draw (pdfkit's WIN_ANSI_MAP).
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const ASCII_FALLBACK: Record<string, string> = { '≠': '!=', '≤': '<=', '≥': '>=', '→': '->', '←': '<-', '✓': 'x', '✔': 'x', '■': '#', '≈': '~', '×': 'x', '\u00a0': ' ' };

/** Text for the standard fonts: Windows-1252 characters pass, a few symbols get ASCII stand-ins, the rest become '?'. */
function winAnsi(text: string): string {
  if (hasWideChars(text)) {
    throw new ReportError('REPORT_RENDER_FAILED', `the PDF report contains Chinese (or other CJK) text that the built-in Helvetica font cannot draw: ${FONT_HINT}`);
  }
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '\n' || (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(ch)) out += ch;
    else if (code < 0x20) out += ' ';
    else out += ASCII_FALLBACK[ch] ?? '?';
  }
  return out;
}

function documentDate(generatedAt: string): Date {
  const date = new Date(generatedAt);
  if (Number.isNaN(date.getTime())) throw new ReportError('REPORT_RENDER_FAILED', `generatedAt is not a date-time: ${generatedAt}`);
  return date;
}

function openDocument(model: ReportModel, opts: PdfOptions): PdfContext {
  const L = { ...labels(model.lang), ...opts.labels };
  const custom = opts.font;
  if (model.lang === 'zh-CN' && custom === undefined) {
    throw new ReportError('REPORT_RENDER_FAILED', `a Chinese (zh-CN) PDF report needs a font with CJK glyphs, which the built-in Helvetica does not have: ${FONT_HINT}`);
  }
  const date = documentDate(model.generatedAt);
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 62, left: 50, right: 50 },
    bufferPages: true,
    compress: opts.compress ?? true,
    lang: model.lang,
    displayTitle: true,
    // Dates come from the model, so the same model gives the same bytes (pdfkit derives the file ID from them).
    info: {
      Title: `${L.reportTitle}: ${model.meta.organization} — ${model.meta.system}`,
      Subject: `${model.edition.name} (${model.edition.id})`,
      Author: model.meta.assessor ?? model.meta.organization,
      Keywords: 'CCSS, self-assessment, Keygrade',
      Creator: 'Keygrade',
      Producer: 'Keygrade (PDFKit)',
      CreationDate: date,
      ModDate: date,
    },
  });
  if (custom === undefined) return { doc, fonts: { regular: 'Helvetica', bold: 'Helvetica-Bold', mono: 'Courier' }, t: winAnsi, L, model };
  const what = 'the font given';
  // A TrueType collection starts with the tag 'ttcf'; pdfkit needs the name of one font inside it.
  const collection = String.fromCharCode(...custom.subarray(0, 4)) === 'ttcf';
  if (collection && !opts.fontFamily) {
    throw new ReportError('REPORT_RENDER_FAILED', `${what} is a font collection: name one font in it by its PostScript name (fontFamily), or pass a single .ttf/.otf font`);
  }
  try {
    doc.registerFont('kg-custom', Buffer.from(custom.buffer, custom.byteOffset, custom.byteLength), opts.fontFamily);
    doc.font('kg-custom');
  } catch (cause) {
    throw new ReportError('REPORT_RENDER_FAILED', `cannot use ${what} in the PDF: ${(cause as Error).message}`, { cause });
  }
  return { doc, fonts: { regular: 'kg-custom', bold: 'kg-custom', mono: 'kg-custom' }, t: (s) => s, L, model };
}

function titleBlock(ctx: PdfContext): void {
  const { doc, fonts, t, L, model } = ctx;
  const { left, width } = frame(doc);
  doc.font(fonts.bold).fontSize(20).fillColor(INK).text(t(L.reportTitle), left, doc.y, { width });
  doc.font(fonts.regular).fontSize(13).fillColor(MUTED).text(t(`${model.meta.organization} — ${model.meta.system}`), { width });
  doc.moveDown(0.6);
  const rows = metaRows(model, L);
  for (const [k, v] of rows) {
    const y = doc.y;
    doc.font(fonts.regular).fontSize(9.5).fillColor(MUTED).text(t(k), left, y, { width: 90 });
    doc.font(fonts.regular).fontSize(9.5).fillColor(INK).text(t(v), left + 95, y, { width: width - 95 });
    doc.y = Math.max(doc.y, y + 13);
  }
}

function summarySection(ctx: PdfContext): void {
  const { doc, fonts, t, L, model } = ctx;
  const { score } = model;
  heading(ctx, L.summary, 1, true);
  const { left, width } = frame(doc);
  const sys = `${L.systemLevel}: ${score.systemLevel === 0 ? L.uncertified : levelName(score.systemLevel, model.lang)}`;
  const y = doc.y + 2;
  const ok = score.systemLevel > 0;
  doc.roundedRect(left, y, width, 40, 5).fillAndStroke(ok ? '#e6f4ea' : '#fdecea', ok ? '#1e7b3c' : '#b3261e');
  doc.font(fonts.bold).fontSize(20).fillColor(INK).text(t(sys), left + 14, y + 11, { width: width - 28, lineBreak: false });
  doc.y = y + 50;
  doc.x = left;
  paragraph(ctx, `${L.completeness}: ${score.complete ? L.complete : L.incomplete(score.notAssessed.length, model.requirementCount)}`);
  table(
    ctx,
    [
      { header: L.status, width: 200 },
      { header: L.count, width: 60, align: 'right' },
    ],
    [...STATUSES.map((s) => [L.statuses[s], String(score.counts[s])]), [L.requirements, String(model.requirementCount)]],
  );
}

function narrativeSection(ctx: PdfContext): void {
  const { L, model } = ctx;
  const { width } = frame(ctx.doc);
  heading(ctx, L.narrative, 1, true);
  for (const a of model.narrative) {
    // Keep the heading, the summary and the start of the controls table on one page.
    ctx.doc.font(ctx.fonts.regular).fontSize(9.5);
    ensureSpace(ctx, 40 + ctx.doc.heightOfString(ctx.t(a.summary), { width, lineGap: 1.5 }) + 50);
    heading(ctx, `${a.id} ${a.title} — ${levelName(a.level, model.lang)}`, 2);
    paragraph(ctx, a.summary, { size: 9.5, color: MUTED });
    table(
      ctx,
      [
        { header: L.controls, width: 60 },
        { header: '', width: width - 60 - 90 },
        { header: L.level, width: 90 },
      ],
      a.controls.map((c) => [c.id, c.title, levelName(c.level, model.lang)]),
    );
    paragraph(ctx, L.notes, { bold: true, size: 9.5, gap: 2 });
    if (a.entries.length === 0) paragraph(ctx, L.noNotes, { size: 9.5, color: MUTED });
    for (const e of a.entries) {
      const tag = e.status !== undefined ? L.statuses[e.status] : e.level !== undefined ? `${L.level}: ${e.level === 0 ? L.uncertified : roman(e.level)}` : '';
      paragraph(ctx, `${e.key} (${tag})${e.note ? `: ${e.note}` : ''}`, { size: 9.5, indent: 8, gap: 2 });
      if (e.carried) paragraph(ctx, `${L.carried[e.carried.field]}: ${e.carried.text}`, { size: 9.5, indent: 20, gap: 2, color: MUTED });
    }
  }
}

function gapsSection(ctx: PdfContext): void {
  const { L, model } = ctx;
  const { gaps } = model;
  if (!gaps) return;
  const { width } = frame(ctx.doc);
  const target = roman(gaps.target);
  heading(ctx, L.gaps(target), 1, true);
  if (gaps.total === 0) {
    paragraph(ctx, L.noGaps);
    return;
  }
  paragraph(ctx, L.gapsIntro(gaps.total, target));
  for (const a of gaps.aspects) {
    heading(ctx, `${a.id} ${a.title} — ${levelName(a.level, model.lang)}`, 2);
    table(
      ctx,
      [
        { header: L.requirement, width: 74 },
        { header: L.level, width: 38, align: 'center' },
        { header: L.text, width: width - 74 - 38 - 85 },
        { header: L.currentStatus, width: 85 },
      ],
      a.requirements.map((r) => [r.id, roman(r.level), r.text, L.statuses[r.status]]),
    );
  }
}

/** Evidence descriptions and paths are user text: capped so that one table row always fits a page. */
const cap = (s: string, n = 400) => (s.length > n ? `${s.slice(0, n)}…` : s);

function evidenceSection(ctx: PdfContext): void {
  const { L, model } = ctx;
  const { width } = frame(ctx.doc);
  heading(ctx, L.evidence, 1, true);
  if (model.evidence.length === 0) {
    paragraph(ctx, L.noEvidence);
    return;
  }
  table(
    ctx,
    [
      { header: L.key, width: 74 },
      { header: L.reference, width: width - 74 - 170 - 70 },
      { header: 'SHA-256', width: 170, mono: true, size: 8 },
      { header: L.state, width: 70 },
    ],
    model.evidence.map((e) => [
      e.key,
      cap(e.description ? `${e.ref}\n${e.description}` : e.ref),
      // Two lines of 32 hex digits read better than one tiny line of 64.
      `${e.sha256.slice(0, 32)}\n${e.sha256.slice(32)}${e.actual ? `\n${L.found}:\n${e.actual.slice(0, 32)}\n${e.actual.slice(32)}` : ''}`,
      L.evidenceStates[e.state],
    ]),
  );
}

/** Footer of every page: the self-assessment disclaimer, the generation time and "Page n of m". */
function footers(ctx: PdfContext): void {
  const { doc, fonts, t, L, model } = ctx;
  const range = doc.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    const { left, width } = frame(doc);
    const bottomMargin = doc.page.margins.bottom;
    // Writing inside the bottom margin would make pdfkit start a new page: lift the margin meanwhile.
    doc.page.margins.bottom = 0;
    const y = doc.page.height - 40;
    doc.moveTo(left, y - 6).lineTo(left + width, y - 6).lineWidth(0.5).strokeColor('#c9d1da').stroke();
    doc.font(fonts.regular).fontSize(8).fillColor(MUTED);
    doc.text(fitLine(doc, t(`${L.shortDisclaimer} · ${L.generatedAt} ${displayDateTime(model.generatedAt)}`), width - 100), left, y, { lineBreak: false });
    doc.text(t(L.page(i + 1, range.count)), left + width - 90, y, { width: 90, align: 'right', lineBreak: false });
    doc.page.margins.bottom = bottomMargin;
  }
}

/**
 * Renders the report as a PDF (A4). Chinese reports need `font`; without one this
 * throws ReportError('REPORT_RENDER_FAILED') telling the user to pass `--font <file.ttf>`.
 */
export async function renderPdf(model: ReportModel, opts: PdfOptions = {}): Promise<Uint8Array> {
  const ctx = openDocument(model, opts);
  const { doc, L } = ctx;
  const chunks: Uint8Array[] = [];
  const done = new Promise<void>((resolve, reject) => {
    doc.on('data', (c: Uint8Array) => chunks.push(c));
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  try {
    titleBlock(ctx);
    summarySection(ctx);
    // Each figure's heading moves to the next page together with the figure.
    ensureSpace(ctx, 45 + scorecardHeight(model));
    heading(ctx, L.scorecard, 1, true);
    drawScorecard(ctx);
    ensureSpace(ctx, 45 + levelChartHeight(model));
    heading(ctx, L.levelChart, 1, true);
    drawLevelChart(ctx);
    narrativeSection(ctx);
    gapsSection(ctx);
    evidenceSection(ctx);
    if (opts.appendix) appendixSections(ctx, opts.appendix);
    heading(ctx, L.shortDisclaimer, 2);
    paragraph(ctx, L.disclaimer, { size: 9.5 });
    footers(ctx);
    doc.end();
  } catch (e) {
    if (e instanceof ReportError) throw e;
    throw new ReportError('REPORT_RENDER_FAILED', `cannot render the PDF report: ${(e as Error).message}`, { cause: e });
  }
  await done;
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.length;
  }
  return bytes;
}
