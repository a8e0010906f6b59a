/**
 * The report as ONE self-contained HTML document: inline CSS, inline SVG, no script, no external
 * resource. Notes and every other field of the assessment are untrusted user text: all of it is
 * escaped, and a Content-Security-Policy forbids scripts and remote loads as a second line.
 */
import { roman } from '@keygrade/catalog';
import { STATUSES } from '@keygrade/scoring';
import { renderLevelChartSvg } from './chart-svg.js';
import { labels, levelName, metaRows, type Labels } from './labels.js';
import type { AspectNarrative, NarrativeEntry, ReportModel } from './model.js';
import { renderScorecardSvg } from './scorecard-svg.js';
import { displayDateTime, escapeXml as h, FONT_STACK } from './text-util.js';

// Plain colour values rather than CSS variables, so that older HTML-to-PDF tools render the report too.
const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font-family: ${FONT_STACK}; color: #1d2733; background: #f5f7fa; line-height: 1.5; }
main { max-width: 860px; margin: 0 auto; padding: 32px 28px 48px; background: #fff; }
h1 { font-size: 1.75rem; margin: 0 0 4px; }
h2 { font-size: 1.3rem; margin: 2.2em 0 0.6em; padding-bottom: 4px; border-bottom: 2px solid #1d2733; }
h3 { font-size: 1.08rem; margin: 1.6em 0 0.4em; }
h4 { font-size: 0.95rem; margin: 1em 0 0.3em; color: #5b6775; }
.subtitle { font-size: 1.1rem; margin: 0 0 16px; color: #5b6775; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
dl.meta dt { color: #5b6775; }
dl.meta dd { margin: 0; }
.level { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 0.85rem; font-weight: 600; background: #e6f4ea; color: #1e7b3c; white-space: nowrap; }
.level.l0 { background: #fdecea; color: #b3261e; }
.system-level { display: inline-block; margin: 4px 0 12px; padding: 10px 18px; border: 2px solid #1e7b3c; border-radius: 8px; background: #e6f4ea; font-size: 1.6rem; font-weight: 700; }
.system-level.l0 { border-color: #b3261e; background: #fdecea; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 0.92rem; }
th, td { border: 1px solid #d5dbe2; padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #eef1f5; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .hash { font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace; font-size: 0.85em; }
.hash { word-break: break-all; }
.figure svg { max-width: 100%; height: auto; display: block; }
.note { white-space: pre-wrap; overflow-wrap: anywhere; }
ul.entries { padding-left: 1.2em; }
ul.entries li { margin: 0.4em 0; }
.status { font-size: 0.82rem; color: #5b6775; }
.state-mismatch, .state-missing { color: #b3261e; font-weight: 700; }
.state-verified { color: #1e7b3c; font-weight: 600; }
footer { margin-top: 40px; padding-top: 12px; border-top: 1px solid #d5dbe2; font-size: 0.85rem; color: #5b6775; }
@media print { body { background: #fff; } main { padding: 0; max-width: none; } h2, h3, h4 { break-after: avoid; } .figure, tr, footer { break-inside: avoid; } }
`;

const levelBadge = (level: number, lang: ReportModel['lang']) =>
  `<span class="level l${level}">${h(levelName(level as 0 | 1 | 2 | 3, lang))}</span>`;

/** Renders the report as a self-contained HTML document. */
export function renderHtml(model: ReportModel): string {
  const L = labels(model.lang);
  const { meta } = model;
  const title = `${L.reportTitle}: ${meta.organization} — ${meta.system}`;
  const parts = [
    '<!doctype html>',
    `<html lang="${h(model.lang)}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Defence in depth: even if some text escaped the escaping, nothing could run or load.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="generator" content="Keygrade">',
    `<title>${h(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    '<header>',
    `<h1>${h(L.reportTitle)}</h1>`,
    `<p class="subtitle">${h(meta.organization)} — ${h(meta.system)}</p>`,
    metaList(model, L),
    '</header>',
    summary(model, L),
    `<section id="scorecard"><h2>${h(L.scorecard)}</h2><div class="figure">${renderScorecardSvg(model, { standalone: false })}</div></section>`,
    `<section id="level-chart"><h2>${h(L.levelChart)}</h2><div class="figure">${renderLevelChartSvg(model, { standalone: false })}</div></section>`,
    `<section id="narrative"><h2>${h(L.narrative)}</h2>`,
    ...model.narrative.map((a) => aspectArticle(a, model, L)),
    '</section>',
    gapsSection(model, L),
    evidenceSection(model, L),
    '<footer>',
    `<p><strong>${h(L.disclaimer)}</strong></p>`,
    `<p>${h(L.generatedAt)}: <time datetime="${h(model.generatedAt)}">${h(displayDateTime(model.generatedAt))}</time> · ${h(model.edition.name)} (${h(model.edition.id)}) · Keygrade</p>`,
    '</footer>',
    '</main>',
    '</body>',
    '</html>',
    '',
  ];
  return parts.filter((p) => p !== '').join('\n');
}

function metaList(model: ReportModel, L: Labels): string {
  const rows = metaRows(model, L);
  return `<dl class="meta">${rows.map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`).join('')}</dl>`;
}

function summary(model: ReportModel, L: Labels): string {
  const { score } = model;
  const sys = score.systemLevel === 0 ? L.uncertified : levelName(score.systemLevel, model.lang);
  const completeness = score.complete ? L.complete : L.incomplete(score.notAssessed.length, model.requirementCount);
  const counts = STATUSES.map((s) => `<tr><td>${h(L.statuses[s])}</td><td class="num">${score.counts[s]}</td></tr>`).join('');
  return [
    `<section id="summary"><h2>${h(L.summary)}</h2>`,
    `<div class="system-level l${score.systemLevel}">${h(L.systemLevel)}: ${h(sys)}</div>`,
    `<p><strong>${h(L.completeness)}:</strong> ${h(completeness)}</p>`,
    `<table class="counts"><thead><tr><th>${h(L.status)}</th><th>${h(L.count)}</th></tr></thead><tbody>${counts}`,
    `<tr><th>${h(L.requirements)}</th><th class="num">${model.requirementCount}</th></tr></tbody></table>`,
    '</section>',
  ].join('\n');
}

function entryItem(e: NarrativeEntry, L: Labels): string {
  const tag = e.status !== undefined ? h(L.statuses[e.status]) : e.level !== undefined ? h(`${L.level}: ${e.level === 0 ? L.uncertified : roman(e.level)}`) : '';
  const bits = [`<code>${h(e.key)}</code> <span class="status">(${tag})</span>`];
  if (e.note) bits.push(`<div class="note">${h(e.note)}</div>`);
  if (e.carried) bits.push(`<div class="note"><em>${h(L.carried[e.carried.field])}:</em> ${h(e.carried.text)}</div>`);
  return `<li>${bits.join('')}</li>`;
}

function aspectArticle(a: AspectNarrative, model: ReportModel, L: Labels): string {
  const controls = a.controls
    .map((c) => `<tr><td><code>${h(c.id)}</code></td><td>${h(c.title)}</td><td>${levelBadge(c.level, model.lang)}</td></tr>`)
    .join('');
  return [
    `<article id="aspect-${h(a.id)}">`,
    `<h3>${h(a.id)} ${h(a.title)} ${levelBadge(a.level, model.lang)}</h3>`,
    `<p>${h(a.summary)}</p>`,
    `<table class="controls"><thead><tr><th>${h(L.controls)}</th><th></th><th>${h(L.level)}</th></tr></thead><tbody>${controls}</tbody></table>`,
    `<h4>${h(L.notes)}</h4>`,
    a.entries.length === 0 ? `<p class="status">${h(L.noNotes)}</p>` : `<ul class="entries">${a.entries.map((e) => entryItem(e, L)).join('')}</ul>`,
    '</article>',
  ].join('\n');
}

function gapsSection(model: ReportModel, L: Labels): string {
  const { gaps } = model;
  if (!gaps) return '';
  const target = roman(gaps.target);
  const out = [`<section id="gaps"><h2>${h(L.gaps(target))}</h2>`];
  if (gaps.total === 0) out.push(`<p>${h(L.noGaps)}</p>`);
  else {
    out.push(`<p>${h(L.gapsIntro(gaps.total, target))}</p>`);
    for (const a of gaps.aspects) {
      out.push(`<h3>${h(a.id)} ${h(a.title)} ${levelBadge(a.level, model.lang)}</h3>`);
      const rows = a.requirements
        .map((r) => `<tr><td><code>${h(r.id)}</code></td><td>${roman(r.level)}</td><td>${h(r.text)}</td><td>${h(L.statuses[r.status])}</td></tr>`)
        .join('');
      out.push(`<table class="gaps"><thead><tr><th>${h(L.requirement)}</th><th>${h(L.level)}</th><th>${h(L.text)}</th><th>${h(L.currentStatus)}</th></tr></thead><tbody>${rows}</tbody></table>`);
    }
  }
  out.push('</section>');
  return out.join('\n');
}

function evidenceSection(model: ReportModel, L: Labels): string {
  const out = [`<section id="evidence"><h2>${h(L.evidence)}</h2>`];
  if (model.evidence.length === 0) out.push(`<p>${h(L.noEvidence)}</p>`);
  else {
    // References are shown as text, never as links: the report loads and links nothing.
    const rows = model.evidence
      .map((e) => {
        const ref = e.description ? `${h(e.ref)}<br><span class="status">${h(e.description)}</span>` : h(e.ref);
        const actual = e.actual ? `<br><span class="state-mismatch">≠ ${h(e.actual)}</span>` : '';
        return `<tr><td><code>${h(e.key)}</code></td><td>${ref}</td><td class="hash">${h(e.sha256)}${actual}</td><td class="state-${h(e.state)}">${h(L.evidenceStates[e.state])}</td></tr>`;
      })
      .join('');
    out.push(`<table class="evidence"><thead><tr><th>${h(L.key)}</th><th>${h(L.reference)}</th><th>SHA-256</th><th>${h(L.state)}</th></tr></thead><tbody>${rows}</tbody></table>`);
  }
  out.push('</section>');
  return out.join('\n');
}
