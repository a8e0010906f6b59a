/**
 * The CCSS scorecard as a standalone SVG, laid out like the standard's own illustration: one row
 * per aspect, columns Level I / II / III, a check mark in every cell up to the aspect's level.
 */
import { roman } from '@keygrade/catalog';
import { labels, levelName } from './labels.js';
import type { ReportModel } from './model.js';
import { displayDateTime, escapeXml as x, fitText, FONT_STACK } from './text-util.js';

/** Options of the SVG renderers. */
export interface SvgOptions {
  /**
   * True (default) for a standalone `.svg` document (with the `xmlns` declaration); false for an
   * SVG embedded in HTML, where the namespace is implied.
   */
  standalone?: boolean;
}

const W = 720;
const PAD = 16;
const COL = 92; // width of one level column
const LABEL_W = W - 2 * PAD - 3 * COL;
const ROW = 28;
const DOMAIN_ROW = 24;
const HEAD_ROW = 30;
const TOP = 112;

const INK = '#1d2733';
const MUTED = '#5b6775';
const GRID = '#c9d1da';
const FILL = '#e6f4ea';
const CHECK = '#1e7b3c';

/** A check mark centred on (cx, cy), drawn as a path so it needs no font glyph. */
function checkMark(cx: number, cy: number): string {
  return `<path class="kg-check" d="M${cx - 9} ${cy + 1} l6 6 l12 -13" fill="none" stroke="${CHECK}" stroke-width="3.2" stroke-linecap="round" stroke-linejoin="round"/>`;
}

/**
 * Renders the scorecard of a report model as an SVG document (a string).
 * Each drawn check mark carries `class="kg-check"`, so their number equals the sum of aspect levels.
 */
export function renderScorecardSvg(model: ReportModel, opts: SvgOptions = {}): string {
  const L = labels(model.lang);
  const { score, meta, edition } = model;
  const domains = new Map(edition.domains.map((d) => [d.id, d.title]));

  const body: string[] = [];
  let y = TOP;
  // Column headings.
  body.push(`<rect x="${PAD}" y="${y}" width="${W - 2 * PAD}" height="${HEAD_ROW}" fill="${INK}"/>`);
  body.push(`<text x="${PAD + 10}" y="${y + 20}" fill="#fff" font-weight="700" font-size="13">${x(L.aspect)}</text>`);
  for (const level of [1, 2, 3] as const) {
    const cx = PAD + LABEL_W + (level - 0.5) * COL;
    body.push(`<text x="${cx}" y="${y + 20}" fill="#fff" font-weight="700" font-size="13" text-anchor="middle">${x(levelName(level, model.lang))}</text>`);
  }
  y += HEAD_ROW;

  let domainId: string | undefined;
  for (const aspect of score.aspects) {
    if (aspect.domainId !== domainId) {
      domainId = aspect.domainId;
      const title = `${domainId} ${domains.get(domainId) ?? ''}`.trim();
      body.push(`<rect x="${PAD}" y="${y}" width="${W - 2 * PAD}" height="${DOMAIN_ROW}" fill="#eef1f5"/>`);
      body.push(`<text x="${PAD + 10}" y="${y + 16}" fill="${MUTED}" font-weight="700" font-size="11.5">${x(fitText(title, W - 2 * PAD - 20, 11.5, true))}</text>`);
      y += DOMAIN_ROW;
    }
    const label = fitText(aspect.title, LABEL_W - 66, 13);
    body.push(`<g class="kg-row" data-aspect="${x(aspect.id)}" data-level="${aspect.level}">`);
    body.push(`<text x="${PAD + 10}" y="${y + 18.5}" fill="${INK}" font-weight="700" font-size="13">${x(aspect.id)}</text>`);
    body.push(`<text x="${PAD + 56}" y="${y + 18.5}" fill="${INK}" font-size="13">${x(label)}</text>`);
    for (const level of [1, 2, 3] as const) {
      const cx0 = PAD + LABEL_W + (level - 1) * COL;
      const reached = level <= aspect.level;
      body.push(`<rect x="${cx0}" y="${y}" width="${COL}" height="${ROW}" fill="${reached ? FILL : '#fff'}" stroke="${GRID}"/>`);
      if (reached) body.push(checkMark(cx0 + COL / 2, y + ROW / 2 - 1));
    }
    body.push('</g>');
    body.push(`<line x1="${PAD}" y1="${y + ROW}" x2="${PAD + LABEL_W}" y2="${y + ROW}" stroke="${GRID}"/>`);
    y += ROW;
  }
  body.push(`<rect x="${PAD}" y="${TOP}" width="${W - 2 * PAD}" height="${y - TOP}" fill="none" stroke="${INK}"/>`);
  y += 22;
  const footer = `${L.shortDisclaimer} · ${L.generatedAt} ${displayDateTime(model.generatedAt)}`;
  body.push(`<text x="${PAD}" y="${y}" fill="${MUTED}" font-size="10.5">${x(fitText(footer, W - 2 * PAD, 10.5))}</text>`);
  const height = y + 14;

  const systemText = `${L.systemLevel}: ${score.systemLevel === 0 ? L.uncertified : roman(score.systemLevel)}`;
  const header = [
    `<text x="${PAD}" y="34" fill="${INK}" font-weight="700" font-size="21">${x(fitText(meta.organization, 400, 21, true))}</text>`,
    `<text x="${PAD}" y="58" fill="${INK}" font-size="14">${x(fitText(meta.system, 400, 14))}</text>`,
    `<text x="${PAD}" y="80" fill="${MUTED}" font-size="12">${x(fitText(`${edition.name} (${edition.id}) · ${L.assessedAt} ${meta.assessedAt}`, 400, 12))}</text>`,
    `<rect x="${W - PAD - 260}" y="16" width="260" height="78" rx="6" fill="${score.systemLevel === 0 ? '#fdecea' : FILL}" stroke="${score.systemLevel === 0 ? '#b3261e' : CHECK}"/>`,
    `<text x="${W - PAD - 130}" y="43" fill="${MUTED}" font-size="12" text-anchor="middle">${x(L.scorecard)} · ${x(edition.id)}</text>`,
    `<text class="kg-system-level" x="${W - PAD - 130}" y="78" fill="${INK}" font-weight="700" font-size="${score.systemLevel === 0 ? 21 : 26}" text-anchor="middle">${x(systemText)}</text>`,
  ];

  const desc = score.aspects.map((a) => `${a.id} ${a.title}: ${levelName(a.level, model.lang)}`).join('; ');
  const title = `${L.scorecard}: ${meta.organization} — ${meta.system}. ${systemText}`;
  const ns = opts.standalone === false ? '' : ' xmlns="http://www.w3.org/2000/svg"';
  return [
    `<svg${ns} class="kg-scorecard" role="img" aria-labelledby="kg-scorecard-title kg-scorecard-desc" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="${x(FONT_STACK)}">`,
    `<title id="kg-scorecard-title">${x(title)}</title>`,
    `<desc id="kg-scorecard-desc">${x(desc)}</desc>`,
    `<rect width="${W}" height="${height}" fill="#fff"/>`,
    ...header,
    ...body,
    '</svg>',
  ].join('\n');
}
