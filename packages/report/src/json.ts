/**
 * JSON output: `scoreJson` is the stable shape of `keygrade score --json`; `renderJson` wraps it in
 * the full report (`keygrade.report/v1`).
 */
import type { LevelOrZero } from '@keygrade/catalog';
import type { ScoreResult } from '@keygrade/scoring';
import type { ReportModel } from './model.js';

/** The score as `keygrade score --json` prints it. */
export interface ScoreJson {
  edition: string;
  systemLevel: LevelOrZero;
  complete: boolean;
  aspects: { id: string; title: string; level: LevelOrZero; controls: { id: string; level: LevelOrZero }[] }[];
  notAssessed: string[];
}

/** Report JSON format identifier. */
export const REPORT_JSON_SCHEMA = 'keygrade.report/v1';

/**
 * The score in exactly the `keygrade score --json` shape: `{ edition, systemLevel, complete, aspects, notAssessed }`.
 * @example JSON.stringify(scoreJson(score(edition, answers)), null, 2)
 */
export function scoreJson(score: ScoreResult): ScoreJson {
  return {
    edition: score.edition,
    systemLevel: score.systemLevel,
    complete: score.complete,
    aspects: score.aspects.map((a) => ({ id: a.id, title: a.title, level: a.level, controls: a.controls.map((c) => ({ id: c.id, level: c.level })) })),
    notAssessed: [...score.notAssessed],
  };
}

/** The report as pretty-printed JSON (`{ schema: 'keygrade.report/v1', ... }`), ending with a newline. */
export function renderJson(model: ReportModel): string {
  const { gaps } = model;
  const report = {
    schema: REPORT_JSON_SCHEMA,
    generatedAt: model.generatedAt,
    lang: model.lang,
    selfAssessment: true,
    meta: model.meta,
    edition: { id: model.edition.id, name: model.edition.name, published: model.edition.published },
    score: scoreJson(model.score),
    counts: model.score.counts,
    requirementCount: model.requirementCount,
    requirements: model.requirements,
    gaps: gaps
      ? {
          target: gaps.target,
          total: gaps.total,
          aspects: gaps.aspects.map((a) => ({ id: a.id, title: a.title, level: a.level, requirements: a.requirements.map((r) => ({ id: r.id, level: r.level, controlId: r.controlId, text: r.text, status: r.status })) })),
        }
      : null,
    narrative: model.narrative.map((a) => ({ id: a.id, title: a.title, level: a.level, entries: a.entries })),
    evidence: model.evidence,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
