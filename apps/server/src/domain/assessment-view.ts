/**
 * What the API shows of an assessment, computed from the stored answers with the scoring and
 * catalog packages: the scorecard, the checklist, the gaps, and the assessment file (YAML) that
 * round-trips through import. Pure functions of their inputs, so they are tested without a server.
 */
import { Document, isMap } from 'yaml';
import { pick, type Catalog, type Edition, type Lang, type Level } from '@keygrade/catalog';
import { assessmentHeader, parseAssessment, type Assessment, type EvidenceRef } from '@keygrade/assessment';
import { gaps, isStatus, score, type Answer, type ScoreResult } from '@keygrade/scoring';
import type { AnswerRecord, AssessmentRecord, Evidence, EvidenceRefRecord, System } from '@keygrade/db';

/** Answers as the scoring package reads them. */
export function answersForScoring(records: readonly AnswerRecord[]): Map<string, Answer> {
  const m = new Map<string, Answer>();
  for (const r of records) {
    if (!isStatus(r.status)) continue;
    const a: Answer = { status: r.status };
    if (r.comparableControl !== null) a.comparable_control = r.comparableControl;
    if (r.reliesOn !== null) a.relies_on = r.reliesOn;
    if (r.justification !== null) a.justification = r.justification;
    m.set(r.requirementId, a);
  }
  return m;
}

export interface Scorecard {
  level: number;
  complete: boolean;
  counts: ScoreResult['counts'];
  notAssessed: number;
  aspects: { id: string; title: string; level: number; controls: { id: string; title: string; level: number }[] }[];
}

export function scorecardOf(edition: Edition, records: readonly AnswerRecord[], lang: Lang = 'en'): Scorecard {
  const r = score(edition, answersForScoring(records), lang);
  return {
    level: r.systemLevel,
    complete: r.complete,
    counts: r.counts,
    notAssessed: r.notAssessed.length,
    aspects: r.aspects.map((a) => ({ id: a.id, title: a.title, level: a.level, controls: a.controls.map((c) => ({ id: c.id, title: c.title, level: c.level })) })),
  };
}

export interface ChecklistAnswer {
  status: string;
  note: string | null;
  justification: string | null;
  comparableControl: string | null;
  reliesOn: string | null;
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
  evidenceRefs: EvidenceRefRecord[];
  evidence: { id: string; title: string; filename: string; sha256: string; expiresAt: string | null }[];
}

export function checklistOf(edition: Edition, records: readonly AnswerRecord[], linked: ReadonlyMap<string, Evidence[]>, lang: Lang = 'en') {
  const byId = new Map(records.map((r) => [r.requirementId, r]));
  return {
    edition: edition.id,
    aspects: edition.aspects.map((aspect) => ({
      id: aspect.id,
      title: pick(aspect.title, lang),
      controls: aspect.controls.map((control) => ({
        id: control.id,
        title: pick(control.title, lang),
        requirements: control.requirements.map((req) => {
          const a = byId.get(req.id);
          const answer: ChecklistAnswer = {
            status: a?.status ?? 'not_assessed',
            note: a?.note ?? null,
            justification: a?.justification ?? null,
            comparableControl: a?.comparableControl ?? null,
            reliesOn: a?.reliesOn ?? null,
            version: a?.version ?? 0,
            updatedAt: a?.updatedAt ?? null,
            updatedBy: a?.updatedBy ?? null,
            evidenceRefs: a?.evidenceRefs ?? [],
            evidence: (linked.get(req.id) ?? []).map((e) => ({ id: e.id, title: e.title, filename: e.filename, sha256: e.sha256, expiresAt: e.expiresAt })),
          };
          return { id: req.id, level: req.level, text: pick(req.text, lang), answer };
        }),
      })),
    })),
  };
}

export function gapsOfAssessment(edition: Edition, records: readonly AnswerRecord[], target: Level, lang: Lang = 'en') {
  return gaps(edition, answersForScoring(records), target, lang);
}

/** The path under which an uploaded evidence file appears in an exported assessment file. */
export function evidencePath(e: Pick<Evidence, 'sha256' | 'filename'>): string {
  return `evidence/${e.sha256}/${e.filename}`;
}

export interface ExportInput {
  assessment: AssessmentRecord;
  system: System;
  organization: string;
  answers: readonly AnswerRecord[];
  linked: ReadonlyMap<string, Evidence[]>;
  edition: Edition;
}

/**
 * The assessment file (`keygrade: assessment/v1`) of a stored assessment, answers in catalog order.
 * Uploaded evidence is written as `path: evidence/<sha256>/<filename>` with its hash, so importing
 * the file into the same organization links the same evidence again.
 */
export function exportAssessmentYaml(x: ExportInput): string {
  const header = assessmentHeader(x.edition.id, {
    organization: x.organization,
    system: x.system.name,
    ...(x.system.scope ? { scope: x.system.scope } : {}),
    ...(x.assessment.assessor ? { assessor: x.assessment.assessor } : {}),
    assessedAt: x.assessment.assessedAt,
  });
  const byId = new Map(x.answers.map((a) => [a.requirementId, a]));
  const answers: Record<string, Record<string, unknown>> = {};
  for (const aspect of x.edition.aspects) {
    for (const control of aspect.controls) {
      for (const req of control.requirements) {
        const a = byId.get(req.id);
        const linked = x.linked.get(req.id) ?? [];
        if (!a && linked.length === 0) continue;
        const evidence: EvidenceRef[] = [
          ...(a?.evidenceRefs ?? []).map((r) => ({ ...r }) as EvidenceRef),
          ...linked.map((e) => ({ path: evidencePath(e), sha256: e.sha256, description: e.title })),
        ];
        const entry: Record<string, unknown> = { status: a?.status ?? 'not_assessed' };
        if (a?.note) entry.note = a.note;
        if (a?.comparableControl) entry.comparable_control = a.comparableControl;
        if (a?.reliesOn) entry.relies_on = a.reliesOn;
        if (a?.justification) entry.justification = a.justification;
        if (evidence.length > 0) entry.evidence = evidence;
        answers[req.id] = entry;
      }
    }
  }
  const doc = new Document({ ...header, answers });
  const node = doc.get('answers', true);
  if (isMap(node)) node.flow = false;
  return doc.toString({ lineWidth: 0 });
}

/** Parses an uploaded assessment file with the CLI's parser (same errors, with line and column). */
export function parseUploadedAssessment(text: string, catalog: Catalog, name = 'assessment.yaml'): Assessment {
  return parseAssessment(name, text, catalog);
}
