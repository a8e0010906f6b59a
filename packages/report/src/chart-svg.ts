/**
 * Horizontal bar chart of aspect levels on the 0–III scale, with gridlines at I, II and III and a
 * marker for the system level (the weakest link, SCORING.md "Levels").
 */
import { roman, type LevelOrZero } from '@keygrade/catalog';
import { labels } from './labels.js';
import type { ReportModel } from './model.js';
import type { SvgOptions } from './scorecard-svg.js';
import { escapeXml as x, fitText, FONT_STACK } from './text-util.js';

const W = 720;
const PAD = 16;
const LABEL_W = 320;
const X0 = PAD + LABEL_W + 14; // x of level 0
const X3 = W - PAD - 40; // x of level III (room for the bar's label)
const ROW = 26;
const BAR = 16;

const INK = '#1d2733';
const MUTED = '#5b6775';
const GRID = '#c9d1da';
const BAR_FILL: Record<LevelOrZero, string> = { 0: '#b3261e', 1: '#9cc3a8', 2: '#4f9a67', 3: '#1e7b3c' };
const MARKER = '#b3261e';

const xOf = (level: number) => X0 + ((X3 - X0) * level) / 3;

/** Renders the aspect-level bar chart of a report model as an SVG document (a string). */
export function renderLevelChartSvg(model: ReportModel, opts: SvgOptions = {}): string {
  const L = labels(model.lang);
  const { aspects, systemLevel } = model.score;
  const standalone = opts.standalone !== false;
  // Embedded in HTML, the page's own heading names the chart.
  const top = standalone ? 66 : 36;
  const bottom = top + aspects.length * ROW;
  const height = bottom + 34;
  const out: string[] = [];

  if (standalone) out.push(`<text x="${PAD}" y="24" fill="${INK}" font-weight="700" font-size="15">${x(L.levelChart)}</text>`);
  // Scale: axis at 0, gridlines and labels at I, II, III.
  for (const level of [0, 1, 2, 3] as const) {
    const gx = xOf(level);
    out.push(`<line x1="${gx}" y1="${top - 6}" x2="${gx}" y2="${bottom}" stroke="${level === 0 ? INK : GRID}" stroke-width="${level === 0 ? 1.2 : 1}"${level === 0 ? '' : ' stroke-dasharray="4 3"'}/>`);
    out.push(`<text x="${gx}" y="${top - 12}" fill="${MUTED}" font-size="11.5" text-anchor="middle">${level === 0 ? '0' : roman(level)}</text>`);
  }

  aspects.forEach((a, i) => {
    const y = top + i * ROW;
    const cy = y + ROW / 2;
    const label = fitText(`${a.id}  ${a.title}`, LABEL_W, 12);
    out.push(`<text x="${PAD + LABEL_W}" y="${cy + 4}" fill="${INK}" font-size="12" text-anchor="end">${x(label)}</text>`);
    if (a.level > 0) {
      const w = xOf(a.level) - X0;
      out.push(`<rect class="kg-bar" data-aspect="${x(a.id)}" data-level="${a.level}" x="${X0}" y="${cy - BAR / 2}" width="${w.toFixed(1)}" height="${BAR}" rx="2" fill="${BAR_FILL[a.level]}"/>`);
      out.push(`<text x="${(xOf(a.level) + 6).toFixed(1)}" y="${cy + 4}" fill="${INK}" font-size="11.5" font-weight="700">${roman(a.level)}</text>`);
    } else {
      out.push(`<rect class="kg-bar" data-aspect="${x(a.id)}" data-level="0" x="${X0}" y="${cy - BAR / 2}" width="3" height="${BAR}" fill="${BAR_FILL[0]}"/>`);
      out.push(`<text x="${X0 + 8}" y="${cy + 4}" fill="${BAR_FILL[0]}" font-size="11.5">${x(L.uncertified)}</text>`);
    }
  });

  // The system level marker: the weakest aspect caps the system.
  const mx = xOf(systemLevel);
  const markerText = `${L.systemLevel}: ${systemLevel === 0 ? L.uncertified : roman(systemLevel)}`;
  out.push(`<line class="kg-system-marker" x1="${mx}" y1="${top - 4}" x2="${mx}" y2="${bottom + 6}" stroke="${MARKER}" stroke-width="2"/>`);
  out.push(`<path d="M${mx - 5} ${bottom + 12} l5 -7 l5 7 z" fill="${MARKER}"/>`);
  const anchor = systemLevel === 3 ? 'end' : 'start';
  out.push(`<text x="${anchor === 'end' ? mx - 8 : mx + 8}" y="${bottom + 22}" fill="${MARKER}" font-size="12" font-weight="700" text-anchor="${anchor}">${x(markerText)}</text>`);

  const desc = aspects.map((a) => `${a.id} ${a.title}: ${a.level === 0 ? L.uncertified : roman(a.level)}`).join('; ');
  const ns = standalone ? ' xmlns="http://www.w3.org/2000/svg"' : '';
  return [
    `<svg${ns} class="kg-level-chart" role="img" aria-labelledby="kg-chart-title kg-chart-desc" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="${x(FONT_STACK)}">`,
    `<title id="kg-chart-title">${x(`${L.levelChart}. ${markerText}`)}</title>`,
    `<desc id="kg-chart-desc">${x(desc)}</desc>`,
    `<rect width="${W}" height="${height}" fill="#fff"/>`,
    ...out,
    '</svg>',
  ].join('\n');
}
