/**
 * @keygrade/report: pure renderers of a scored assessment (no file or network IO; the CLI does IO).
 * Build a model once with `buildReportModel`, then render it to any format.
 */
import { ReportError } from '@keygrade/errors';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import type { ReportModel } from './model.js';
import { renderOscalAssessmentResults, type OscalArOptions } from './oscal-ar.js';
import { renderPdf, type PdfOptions } from './pdf.js';

export * from './model.js';
export * from './json.js';
export * from './html.js';
export * from './markdown.js';
export * from './pdf.js';
export * from './oscal-ar.js';
export { renderScorecardSvg, type SvgOptions } from './scorecard-svg.js';
export { renderLevelChartSvg } from './chart-svg.js';
export { labels, levelName, type Labels } from './labels.js';
export { escapeXml } from './text-util.js';

/** Formats `render` produces. */
export const REPORT_FORMATS = ['html', 'md', 'json', 'pdf', 'oscal'] as const;
/** A format name `render` accepts. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Options of `render`: the PDF font options and the OSCAL UUID source (default `crypto.randomUUID`). */
export type RenderOptions = PdfOptions & Partial<OscalArOptions>;

/**
 * Renders a report model in one format: a string for html, md, json and oscal, bytes for pdf.
 * Throws ReportError('REPORT_UNSUPPORTED_FORMAT') for any other format.
 * @example await render('html', buildReportModel(assessment, { generatedAt: new Date().toISOString() }))
 */
export async function render(format: string, model: ReportModel, opts: RenderOptions = {}): Promise<string | Uint8Array> {
  switch (format) {
    case 'html':
      return renderHtml(model);
    case 'md':
      return renderMarkdown(model);
    case 'json':
      return renderJson(model);
    case 'pdf':
      return renderPdf(model, opts);
    case 'oscal':
      return renderOscalAssessmentResults(model, { uuid: opts.uuid ?? (() => globalThis.crypto.randomUUID()) });
    default:
      throw new ReportError('REPORT_UNSUPPORTED_FORMAT', `unsupported report format "${format}"; use one of ${REPORT_FORMATS.join(', ')}`);
  }
}
