/**
 * Test assessments for the report tests, written as real assessment files (scaffold + answers) and
 * read back with parseAssessment, so the renderers see exactly what the CLI would give them.
 */
import { scaffoldAssessment, parseAssessment, type Assessment } from '@keygrade/assessment';
import type { Lang, LevelOrZero } from '@keygrade/catalog';
import { openCatalog } from '@keygrade/catalog/node';
import { buildReportModel, type ReportModel, type ReportModelOptions } from './model.js';

export const catalog = openCatalog();

/** SCORING.md worked example: the standard's illustration of an audited exchange (system Level I). */
export const WORKED_EXAMPLE: Record<string, LevelOrZero> = {
  '1.01': 1, '1.02': 3, '1.03': 1, '1.04': 2, '1.05': 2, '1.06': 3, '2.01': 1, '2.02': 3, '2.03': 1, '2.04': 2,
};

export const XSS_NOTE = '<script>alert(1)</script> & "quoted" | *not bold* [link](javascript:alert(1))';
export const SHA_A = 'a'.repeat(64);
export const SHA_B = '0123456789abcdef'.repeat(4);

/**
 * The worked example as an assessment file on ccss-2020. Most components are answered by level;
 * a few requirements are answered one by one to exercise notes (one hostile), carried statements,
 * evidence by path and by URL, and two requirements left `not_assessed`.
 */
export function workedExampleText(o: { organization?: string; system?: string; levels?: Record<string, LevelOrZero> } = {}): string {
  const edition = catalog.edition('ccss-2020');
  const levels = o.levels ?? WORKED_EXAMPLE;
  const answers: Record<string, unknown> = {};
  for (const aspect of edition.aspects) {
    const level = levels[aspect.id] ?? 0;
    for (const control of aspect.controls) answers[control.id] = { level };
  }
  // 1.01 at Level I: answer 1.1.1 requirement by requirement.
  delete answers['1.1.1'];
  answers['1.1.1.L1'] = { status: 'in_place', note: XSS_NOTE, evidence: [{ path: 'evidence/key ceremony.pdf', sha256: SHA_A, description: 'Ceremony transcript' }] };
  answers['1.1.1.L2'] = { status: 'not_in_place', note: 'Backups are copied\nby a second operator.' };
  answers['1.1.1.L3'] = { status: 'not_in_place' };
  // 2.03 at Level I: relies on a certified provider for L1, leaves L2 and L3 not assessed.
  delete answers['2.3.1'];
  answers['2.3.1.L1'] = { status: 'qualified_in_place', relies_on: 'Custodian X, CCSS certificate 42' };
  // 1.06 at Level III: 1.6.3 has only a Level III cell; declare it not applicable.
  delete answers['1.6.3'];
  answers['1.6.3.L3'] = { status: 'not_applicable', justification: 'No keyholder role exists for | this system' };
  // A note and URL evidence on a component answered by level.
  answers['1.2.1'] = { level: levels['1.02'] ?? 0, note: 'Wallets are created in the HSM.', evidence: [{ url: 'https://example.org/wallet-policy.pdf', sha256: SHA_B }] };

  const scaffold = scaffoldAssessment(edition, {
    organization: o.organization ?? 'Acme Custody Ltd',
    system: o.system ?? 'Cold Vault',
    scope: 'Bitcoin cold storage',
    assessor: 'Jane Doe',
    assessedAt: '2026-11-01',
  });
  // YAML is a superset of JSON: write each answer as a JSON flow mapping.
  const body = Object.entries(answers)
    .map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join('\n');
  return scaffold.replace(/^answers:\n\s*\{\}\n?/m, `answers:\n${body}\n`);
}

export function workedExample(o: Parameters<typeof workedExampleText>[0] = {}): Assessment {
  return parseAssessment('assessment.yaml', workedExampleText(o), catalog);
}

export const GENERATED_AT = '2026-11-22T10:00:00.000Z';

export function workedExampleModel(opts: Partial<ReportModelOptions> & { lang?: Lang } = {}, o: Parameters<typeof workedExampleText>[0] = {}): ReportModel {
  return buildReportModel(workedExample(o), { generatedAt: GENERATED_AT, ...opts });
}

const VOID_HTML = new Set(['meta', 'br', 'hr', 'img', 'input', 'link']);

/**
 * A small well-formedness check for the XML (and HTML) the renderers write: tags nest and close,
 * attributes are quoted, and no bare `&` or `<` is left in text. Node has no DOMParser; this is enough
 * for machine-written markup.
 */
export function wellFormedProblems(markup: string, html = false): string[] {
  const problems: string[] = [];
  const text = markup.replace(/<!--[\s\S]*?-->/g, '').replace(/^<!doctype html>/i, '');
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+(?:="[^"<]*")?)*)\s*(\/?)>/g;
  let last = 0;
  for (const m of text.matchAll(tag)) {
    const between = text.slice(last, m.index);
    if (/[<>]/.test(between)) problems.push(`stray < or > near ${JSON.stringify(between.slice(0, 60))}`);
    if (/&(?!(?:amp|lt|gt|quot|#39|#\d+);)/.test(between)) problems.push(`bare & near ${JSON.stringify(between.slice(0, 60))}`);
    last = m.index + m[0].length;
    const [, close, name, , selfClose] = m;
    const n = html ? name!.toLowerCase() : name!;
    if (close) {
      const open = stack.pop();
      if (open !== n) problems.push(`</${n}> closes <${open ?? 'nothing'}>`);
    } else if (!selfClose && !(html && VOID_HTML.has(n))) stack.push(n);
  }
  const rest = text.slice(last);
  if (/[<>]/.test(rest)) problems.push(`stray markup at the end: ${JSON.stringify(rest.slice(0, 60))}`);
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(' > ')}`);
  return problems;
}

/** The text drawn with the standard fonts in an uncompressed pdfkit PDF (hex strings of TJ operators). */
export function pdfDrawnText(pdf: Uint8Array): string {
  const raw = new TextDecoder('latin1').decode(pdf);
  const lines: string[] = [];
  for (const m of raw.matchAll(/\[((?:<[0-9a-fA-F]*>|[-\d.\s])*)\]\s*TJ/g)) {
    const hex = [...m[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]).join('');
    lines.push(hex.replace(/../g, (b) => String.fromCharCode(parseInt(b, 16))));
  }
  return lines.join('\n');
}
