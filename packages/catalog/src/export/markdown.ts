/**
 * Markdown export of an edition: a readable document with one GitHub-flavoured table per aspect
 * (control, title, [uncertified,] Level I, Level II, Level III), then definitions and caveats.
 */
import { LEVELS, pick, roman, type Aspect, type Control, type Edition, type Lang, type Level } from '../model.js';

interface Labels {
  edition: string;
  published: string;
  style: Record<Edition['style'], string>;
  source: string;
  wording: string;
  control: string;
  title: string;
  uncertified: string;
  level: (level: Level) => string;
  definitions: string;
  caveats: string;
}

const LABELS: Record<Lang, Labels> = {
  en: {
    edition: 'Edition',
    published: 'published',
    style: { component: 'component-style: one cell per level', requirement: 'requirement-style: requirements listed with the level at which they first apply' },
    source: 'Source',
    wording: 'Wording',
    control: 'Control',
    title: 'Title',
    uncertified: 'Uncertified',
    level: (l) => `Level ${roman(l)}`,
    definitions: 'Definitions',
    caveats: 'Caveats',
  },
  'zh-CN': {
    edition: '版本',
    published: '发布',
    style: { component: '组件式：每个级别一个单元格', requirement: '要求式：逐条列出要求及其首次适用的级别' },
    source: '来源',
    wording: '措辞',
    control: '控制项',
    title: '标题',
    uncertified: '未认证',
    level: (l) => `${roman(l)} 级`,
    definitions: '定义',
    caveats: '注意事项',
  },
};

/**
 * Makes text safe for one GFM table cell: `|` is escaped (GFM §4.10 splits cells on unescaped
 * pipes) and every line break becomes `<br>` (a raw newline would end the table row).
 */
export function markdownCell(text: string): string {
  return text
    .trim()
    .replace(/\|/g, '\\|')
    .replace(/\r\n|\r|\n/g, '<br>');
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** One cell per level: every requirement of the control at that level, id first, joined by `<br>`. */
function levelCell(control: Control, level: Level, lang: Lang): string {
  return control.requirements
    .filter((r) => r.level === level)
    .map((r) => `**${r.id}** ${markdownCell(pick(r.text, lang))}`)
    .join('<br>');
}

function aspectTable(edition: Edition, aspect: Aspect, labels: Labels, lang: Lang): string[] {
  const component = edition.style === 'component';
  const header = [labels.control, labels.title, ...(component ? [labels.uncertified] : []), ...LEVELS.map(labels.level)];
  const lines = [row(header), row(header.map(() => '---'))];
  for (const c of aspect.controls) {
    const uncertified = component ? [c.uncertified ? markdownCell(pick(c.uncertified, lang)) : ''] : [];
    lines.push(row([markdownCell(c.id), markdownCell(pick(c.title, lang)), ...uncertified, ...LEVELS.map((l) => levelCell(c, l, lang))]));
  }
  return lines;
}

/** A paragraph outside a table: trimmed, with blank lines collapsed so it stays one paragraph. */
function paragraph(text: string): string {
  return text.trim().replace(/(\r\n|\r|\n)\s*(\r\n|\r|\n)+/g, '\n');
}

/**
 * Exports an edition as a Markdown document in `lang` (falling back to English for missing text).
 * Uses Keygrade's own wording; imported official wording is not written out.
 * @example writeFileSync('ccss-2021.md', exportMarkdown(catalog.edition('ccss-2021')));
 */
export function exportMarkdown(edition: Edition, lang: Lang = 'en'): string {
  const labels = LABELS[lang];
  const out: string[] = [
    `# ${edition.name}`,
    '',
    `${labels.edition} \`${edition.id}\` (${labels.published} ${edition.published}; ${labels.style[edition.style]}).`,
    '',
    `**${labels.source}.** ${paragraph(edition.source)}`,
    '',
    `**${labels.wording}.** ${paragraph(edition.wordingNote)}`,
  ];
  for (const domain of edition.domains) {
    const aspects = edition.aspects.filter((a) => a.domainId === domain.id);
    if (aspects.length === 0) continue;
    out.push('', `## ${domain.id} ${pick(domain.title, lang)}`);
    for (const aspect of aspects) {
      out.push('', `### ${aspect.id} ${pick(aspect.title, lang)}`, '', paragraph(pick(aspect.summary, lang)), '', ...aspectTable(edition, aspect, labels, lang));
    }
  }
  if (edition.definitions.length > 0) {
    out.push('', `## ${labels.definitions}`);
    for (const d of edition.definitions) out.push('', `**${pick(d.term, lang)}.** ${paragraph(pick(d.text, lang))}`);
  }
  if (edition.caveats.length > 0) {
    out.push('', `## ${labels.caveats}`);
    for (const c of edition.caveats) out.push('', `### ${pick(c.title, lang)}`, '', paragraph(pick(c.text, lang)));
  }
  return `${out.join('\n')}\n`;
}
