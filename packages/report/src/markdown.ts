/**
 * The report in Markdown (CommonMark + GFM tables): the same sections as the HTML report, with the
 * scorecard as a table of ✓ marks. User text is escaped so it can neither add Markdown structure
 * nor raw HTML (which Markdown renderers pass through).
 */
import { roman } from '@keygrade/catalog';
import { STATUSES } from '@keygrade/scoring';
import { labels, levelName, metaRows, type Labels } from './labels.js';
import type { AspectNarrative, NarrativeEntry, ReportModel } from './model.js';
import { displayDateTime, escapeMarkdown as md } from './text-util.js';

/** Cell text for a GFM table (pipes escaped, line breaks as `<br>`). */
const cell = (text: string) => md(text, 'table');
const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
const table = (head: readonly string[], rows: readonly (readonly string[])[], align?: readonly string[]) =>
  [row(head), row(align ?? head.map(() => '---')), ...rows.map(row)].join('\n');

/** Renders the report as Markdown. */
export function renderMarkdown(model: ReportModel): string {
  const L = labels(model.lang);
  const { meta, score } = model;
  const sys = score.systemLevel === 0 ? L.uncertified : levelName(score.systemLevel, model.lang);
  const out: string[] = [];

  out.push(`# ${md(L.reportTitle)}: ${md(meta.organization)} — ${md(meta.system)}`, '');
  const rows = metaRows(model, L);
  out.push(...rows.map(([k, v]) => `- **${md(k)}:** ${md(v)}`), '');

  out.push(`## ${md(L.summary)}`, '', `**${md(L.systemLevel)}: ${md(sys)}**`, '');
  out.push(`**${md(L.completeness)}:** ${md(score.complete ? L.complete : L.incomplete(score.notAssessed.length, model.requirementCount))}`, '');
  out.push(
    table(
      [cell(L.status), cell(L.count)],
      [...STATUSES.map((s) => [cell(L.statuses[s]), String(score.counts[s])]), [`**${cell(L.requirements)}**`, `**${model.requirementCount}**`]],
      ['---', '---:'],
    ),
    '',
  );

  out.push(`## ${md(L.scorecard)}`, '');
  out.push(
    table(
      [cell(L.aspect), ...[1, 2, 3].map((l) => cell(levelName(l as 1 | 2 | 3, model.lang))), cell(L.level)],
      score.aspects.map((a) => [`${cell(a.id)} ${cell(a.title)}`, ...[1, 2, 3].map((l) => (l <= a.level ? '✓' : ' ')), a.level === 0 ? '—' : roman(a.level)]),
      ['---', ':---:', ':---:', ':---:', ':---:'],
    ),
    '',
    `**${md(L.systemLevel)}: ${md(sys)}**`,
    '',
  );

  out.push(`## ${md(L.levelChart)}`, '');
  out.push('```text');
  const width = Math.max(...score.aspects.map((a) => a.id.length));
  for (const a of score.aspects) out.push(`${a.id.padEnd(width)}  ${'■■■■■'.repeat(a.level)}${'·····'.repeat(3 - a.level)}  ${a.level === 0 ? '—' : roman(a.level)}`);
  out.push(`${''.padEnd(width)}  ${'^'.padStart(Math.max(1, score.systemLevel * 5))} ${L.systemLevel}: ${score.systemLevel === 0 ? L.uncertified : roman(score.systemLevel)}`.replace(/`/g, "'"));
  out.push('```', '');

  out.push(`## ${md(L.narrative)}`, '');
  for (const a of model.narrative) out.push(...aspectSection(a, model, L));

  if (model.gaps) {
    const { gaps } = model;
    const target = roman(gaps.target);
    out.push(`## ${md(L.gaps(target))}`, '');
    if (gaps.total === 0) out.push(md(L.noGaps, 'block'), '');
    else {
      out.push(md(L.gapsIntro(gaps.total, target), 'block'), '');
      for (const a of gaps.aspects) {
        out.push(`### ${md(a.id)} ${md(a.title)} (${md(levelName(a.level, model.lang))})`, '');
        out.push(
          table(
            [cell(L.requirement), cell(L.level), cell(L.text), cell(L.currentStatus)],
            a.requirements.map((r) => [`\`${r.id}\``, roman(r.level), cell(r.text), cell(L.statuses[r.status])]),
          ),
          '',
        );
      }
    }
  }

  out.push(`## ${md(L.evidence)}`, '');
  if (model.evidence.length === 0) out.push(md(L.noEvidence, 'block'), '');
  else {
    out.push(
      table(
        [cell(L.key), cell(L.reference), 'SHA-256', cell(L.state)],
        model.evidence.map((e) => [
          cell(e.key),
          cell(e.description ? `${e.ref} (${e.description})` : e.ref),
          `\`${e.sha256}\`${e.actual ? ` ≠ \`${e.actual}\`` : ''}`,
          cell(L.evidenceStates[e.state]),
        ]),
      ),
      '',
    );
  }

  out.push('---', '', `*${md(L.disclaimer)}*`, '', `${md(L.generatedAt)}: ${md(displayDateTime(model.generatedAt))} · Keygrade`, '');
  return out.join('\n');
}

function entryLine(e: NarrativeEntry, L: Labels): string[] {
  const tag = e.status !== undefined ? L.statuses[e.status] : e.level !== undefined ? `${L.level}: ${e.level === 0 ? L.uncertified : roman(e.level)}` : '';
  const lines = [`- \`${e.key}\` (${md(tag)})${e.note ? `: ${md(e.note).replace(/\n/g, '\n  ')}` : ''}`];
  if (e.carried) lines.push(`  - *${md(L.carried[e.carried.field])}:* ${md(e.carried.text).replace(/\n/g, '\n    ')}`);
  return lines;
}

function aspectSection(a: AspectNarrative, model: ReportModel, L: Labels): string[] {
  const out = [`### ${md(a.id)} ${md(a.title)} (${md(levelName(a.level, model.lang))})`, '', md(a.summary, 'block'), ''];
  out.push(table([cell(L.controls), '', cell(L.level)], a.controls.map((c) => [`\`${c.id}\``, cell(c.title), cell(levelName(c.level, model.lang))])), '');
  out.push(`**${md(L.notes)}**`, '');
  if (a.entries.length === 0) out.push(md(L.noNotes, 'block'), '');
  else out.push(...a.entries.flatMap((e) => entryLine(e, L)), '');
  return out;
}
