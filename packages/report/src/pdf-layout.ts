/**
 * pdfkit drawing helpers of the PDF report: page-aware blocks and tables, and the two vector
 * figures (scorecard matrix, level bar chart). Everything here writes into one document context.
 */
import { roman, type LevelOrZero } from '@keygrade/catalog';
import { levelName, type Labels } from './labels.js';
import type { ReportModel } from './model.js';

/** The document being written and what every helper needs with it. */
export interface PdfContext {
  doc: PDFKit.PDFDocument;
  fonts: { regular: string; bold: string; mono: string };
  /** Makes text drawable in the current fonts (see pdf.ts). */
  t: (text: string) => string;
  L: Labels;
  model: ReportModel;
}

/** Text colours shared with pdf.ts. */
export const INK = '#1d2733';
export const MUTED = '#5b6775';
const GRID = '#c9d1da';
const HEAD_BG = '#eef1f5';
const OK = '#1e7b3c';
const OK_BG = '#e6f4ea';
const BAD = '#b3261e';
const BAR_FILL: Record<LevelOrZero, string> = { 0: BAD, 1: '#9cc3a8', 2: '#4f9a67', 3: OK };

/** Left edge, width and lowest usable y of the current page. */
export function frame(doc: PDFKit.PDFDocument): { left: number; width: number; bottom: number; top: number } {
  const { margins, width, height } = doc.page;
  return { left: margins.left, width: width - margins.left - margins.right, bottom: height - margins.bottom, top: margins.top };
}

/** Shortens text with an ellipsis so that it fits `width` on one line in the current font and size. */
export function fitLine(doc: PDFKit.PDFDocument, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  const chars = [...text];
  while (chars.length > 0 && doc.widthOfString(`${chars.join('')}...`) > width) chars.pop();
  return `${chars.join('').trimEnd()}...`;
}

/** Starts a new page unless `height` points still fit below the current position. */
export function ensureSpace(ctx: PdfContext, height: number): void {
  if (ctx.doc.y + height > frame(ctx.doc).bottom) ctx.doc.addPage();
}

/** A section heading (level 1) or sub-heading (level 2), kept with the lines that follow it. */
export function heading(ctx: PdfContext, text: string, level: 1 | 2, outline = false): void {
  const { doc, fonts, t } = ctx;
  const size = level === 1 ? 15 : 11.5;
  ensureSpace(ctx, size * 5);
  const { left, width } = frame(doc);
  doc.moveDown(level === 1 ? 0.9 : 0.6);
  if (outline) doc.outline.addItem(t(text));
  doc.font(fonts.bold).fontSize(size).fillColor(INK).text(t(text), left, doc.y, { width });
  if (level === 1) {
    const y = doc.y + 1;
    doc.moveTo(left, y).lineTo(left + width, y).lineWidth(1.2).strokeColor(INK).stroke();
    doc.y = y + 5;
  } else doc.y += 2;
}

/** A wrapped paragraph at the left margin (pdfkit breaks pages inside it when needed). */
export function paragraph(ctx: PdfContext, text: string, o: { size?: number; color?: string; bold?: boolean; indent?: number; gap?: number } = {}): void {
  const { doc, fonts, t } = ctx;
  const { left, width } = frame(doc);
  const indent = o.indent ?? 0;
  doc.font(o.bold ? fonts.bold : fonts.regular).fontSize(o.size ?? 10).fillColor(o.color ?? INK);
  ensureSpace(ctx, doc.currentLineHeight(true) * 2);
  doc.text(t(text), left + indent, doc.y, { width: width - indent, lineGap: 1.5 });
  doc.y += o.gap ?? 4;
}

/** One column of {@link table}: header, width in points, and how its cells are set. */
export interface Column {
  header: string;
  width: number;
  mono?: boolean;
  size?: number;
  align?: 'left' | 'center' | 'right';
}

const PAD = 4;

/** A table with a header row repeated on every page it spans; rows never split across pages. */
export function table(ctx: PdfContext, columns: readonly Column[], rows: readonly (readonly string[])[], o: { x?: number } = {}): void {
  const { doc, fonts, t } = ctx;
  const x0 = o.x ?? frame(doc).left;
  const totalWidth = columns.reduce((n, c) => n + c.width, 0);
  const fontOf = (c: Column, head: boolean) => (head ? fonts.bold : c.mono ? fonts.mono : fonts.regular);
  const measure = (cells: readonly string[], head: boolean) =>
    Math.max(
      ...columns.map((c, i) => {
        doc.font(fontOf(c, head)).fontSize(c.size ?? 9);
        return doc.heightOfString(t(cells[i] ?? ''), { width: c.width - 2 * PAD, lineGap: 1 });
      }),
    ) + 2 * PAD;
  const drawRow = (cells: readonly string[], head: boolean) => {
    const h = measure(cells, head);
    const y = doc.y;
    if (head) doc.rect(x0, y, totalWidth, h).fillColor(HEAD_BG).fill();
    let x = x0;
    columns.forEach((c, i) => {
      doc.rect(x, y, c.width, h).lineWidth(0.5).strokeColor(GRID).stroke();
      doc.font(fontOf(c, head)).fontSize(c.size ?? 9).fillColor(INK);
      doc.text(t(cells[i] ?? ''), x + PAD, y + PAD, { width: c.width - 2 * PAD, align: head ? 'left' : (c.align ?? 'left'), lineGap: 1 });
      x += c.width;
    });
    doc.x = x0;
    doc.y = y + h;
  };
  const header = columns.map((c) => c.header);
  const headerHeight = measure(header, true);
  ensureSpace(ctx, headerHeight + (rows[0] ? measure(rows[0], false) : 0));
  drawRow(header, true);
  for (const r of rows) {
    if (doc.y + measure(r, false) > frame(doc).bottom) {
      doc.addPage();
      drawRow(header, true);
    }
    drawRow(r, false);
  }
  doc.x = frame(doc).left;
  doc.y += 6;
}

/** A check mark centred on (cx, cy), drawn as a vector path (Helvetica has no ✓ glyph). */
function checkMark(doc: PDFKit.PDFDocument, cx: number, cy: number): void {
  doc.save().moveTo(cx - 6, cy).lineTo(cx - 2, cy + 4).lineTo(cx + 6, cy - 5).lineWidth(2.2).lineCap('round').lineJoin('round').strokeColor(OK).stroke().restore();
}

const SCORECARD_ROW = 19;
const SCORECARD_DOMAIN_ROW = 16;
const CHART_ROW = 17;

/** Height the scorecard matrix takes (so a heading can move to the next page with it). */
export function scorecardHeight(model: ReportModel): number {
  const domainRows = new Set(model.score.aspects.map((a) => a.domainId)).size;
  return SCORECARD_ROW * (1 + model.score.aspects.length) + domainRows * SCORECARD_DOMAIN_ROW + 26;
}

/** Height the level chart takes. */
export function levelChartHeight(model: ReportModel): number {
  return 14 + model.score.aspects.length * CHART_ROW + 24;
}

/** The scorecard matrix: one row per aspect (grouped by domain), a check mark per level reached. */
export function drawScorecard(ctx: PdfContext): void {
  const { doc, fonts, t, L, model } = ctx;
  const { left, width } = frame(doc);
  const col = 68;
  const labelW = width - 3 * col;
  const rowH = SCORECARD_ROW;
  const domainH = SCORECARD_DOMAIN_ROW;
  const domains = new Map(model.edition.domains.map((d) => [d.id, d.title]));
  ensureSpace(ctx, scorecardHeight(model));

  const top = doc.y;
  let y = top;
  doc.rect(left, y, width, rowH).fillColor(INK).fill();
  doc.font(fonts.bold).fontSize(9.5).fillColor('#ffffff');
  doc.text(t(L.aspect), left + 6, y + 5, { width: labelW - 12, lineBreak: false });
  for (const level of [1, 2, 3] as const) {
    doc.text(t(levelName(level, model.lang)), left + labelW + (level - 1) * col, y + 5, { width: col, align: 'center', lineBreak: false });
  }
  y += rowH;
  let domainId: string | undefined;
  for (const a of model.score.aspects) {
    if (a.domainId !== domainId) {
      domainId = a.domainId;
      doc.rect(left, y, width, domainH).fillColor(HEAD_BG).fill();
      doc.font(fonts.bold).fontSize(8.5).fillColor(MUTED);
      doc.text(fitLine(doc, t(`${domainId} ${domains.get(domainId) ?? ''}`), width - 12), left + 6, y + 4, { lineBreak: false });
      y += domainH;
    }
    doc.font(fonts.bold).fontSize(9.5).fillColor(INK).text(t(a.id), left + 6, y + 5, { width: 34, lineBreak: false });
    doc.font(fonts.regular);
    doc.text(fitLine(doc, t(a.title), labelW - 48), left + 42, y + 5, { lineBreak: false });
    for (const level of [1, 2, 3] as const) {
      const x = left + labelW + (level - 1) * col;
      const reached = level <= a.level;
      doc.rect(x, y, col, rowH).fillAndStroke(reached ? OK_BG : '#ffffff', GRID);
      if (reached) checkMark(doc, x + col / 2, y + rowH / 2);
    }
    doc.moveTo(left, y + rowH).lineTo(left + labelW, y + rowH).lineWidth(0.5).strokeColor(GRID).stroke();
    y += rowH;
  }
  doc.rect(left, top, width, y - top).lineWidth(1).strokeColor(INK).stroke();
  const sys = `${L.systemLevel}: ${model.score.systemLevel === 0 ? L.uncertified : roman(model.score.systemLevel)}`;
  doc.font(fonts.bold).fontSize(11).fillColor(INK).text(t(sys), left, y + 7, { width, align: 'right' });
  doc.x = left;
  doc.y = y + 26;
}

/** Horizontal bars of aspect levels on the 0–III scale with a marker at the system level. */
export function drawLevelChart(ctx: PdfContext): void {
  const { doc, fonts, t, L, model } = ctx;
  const { left, width } = frame(doc);
  const { aspects, systemLevel } = model.score;
  const labelW = 190;
  const x0 = left + labelW + 10;
  const x3 = left + width - 30;
  const xOf = (l: number) => x0 + ((x3 - x0) * l) / 3;
  const rowH = CHART_ROW;
  ensureSpace(ctx, levelChartHeight(model));

  const top = doc.y + 14;
  const bottom = top + aspects.length * rowH;
  for (const l of [0, 1, 2, 3]) {
    doc.save();
    if (l > 0) doc.dash(3, { space: 2 });
    doc.moveTo(xOf(l), top - 3).lineTo(xOf(l), bottom).lineWidth(l === 0 ? 1 : 0.6).strokeColor(l === 0 ? INK : GRID).stroke();
    doc.restore();
    doc.font(fonts.regular).fontSize(8.5).fillColor(MUTED).text(l === 0 ? '0' : roman(l as LevelOrZero), xOf(l) - 15, top - 13, { width: 30, align: 'center', lineBreak: false });
  }
  aspects.forEach((a, i) => {
    const cy = top + i * rowH + rowH / 2;
    doc.font(fonts.regular).fontSize(8.5).fillColor(INK);
    const label = fitLine(doc, t(`${a.id}  ${a.title}`), labelW);
    doc.text(label, left + labelW - doc.widthOfString(label), cy - 4.5, { lineBreak: false });
    if (a.level > 0) {
      doc.rect(x0, cy - 5.5, xOf(a.level) - x0, 11).fillColor(BAR_FILL[a.level]).fill();
      doc.font(fonts.bold).fontSize(8.5).fillColor(INK).text(roman(a.level), xOf(a.level) + 4, cy - 4.5, { lineBreak: false });
    } else {
      doc.rect(x0, cy - 5.5, 2, 11).fillColor(BAD).fill();
      doc.font(fonts.regular).fontSize(8.5).fillColor(BAD).text(t(L.uncertified), x0 + 6, cy - 4.5, { lineBreak: false });
    }
  });
  const mx = xOf(systemLevel);
  doc.moveTo(mx, top - 2).lineTo(mx, bottom + 4).lineWidth(1.6).strokeColor(BAD).stroke();
  doc.moveTo(mx - 4, bottom + 10).lineTo(mx, bottom + 4).lineTo(mx + 4, bottom + 10).closePath().fillColor(BAD).fill();
  const marker = `${L.systemLevel}: ${systemLevel === 0 ? L.uncertified : roman(systemLevel)}`;
  doc.font(fonts.bold).fontSize(9).fillColor(BAD);
  const w = doc.widthOfString(t(marker));
  doc.text(t(marker), systemLevel === 3 ? mx - w - 6 : mx + 6, bottom + 5, { lineBreak: false });
  doc.x = left;
  doc.y = bottom + 24;
}
