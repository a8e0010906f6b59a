/**
 * The report model: everything a report shows, computed once from an assessment, so every
 * renderer (HTML, Markdown, JSON, PDF, SVG, OSCAL) is a pure function of the same data.
 */
import { allControls, allRequirements, pick, type Lang, type Level, type LevelOrZero } from '@keygrade/catalog';
import type { Assessment } from '@keygrade/assessment';
import { gapsOf, score, STATUS_RULES, type CarriedField, type GapsResult, type ScoreResult, type Status } from '@keygrade/scoring';

/** The outcome of checking one evidence reference against its recorded SHA-256 (done by the caller, which does IO). */
export interface EvidenceCheck {
  /** The answer key (requirement or control id) the evidence belongs to. */
  key: string;
  /** The evidence's path or URL as written in the assessment. */
  ref: string;
  /** The SHA-256 recorded in the assessment (64 lowercase hex). */
  sha256: string;
  state: 'verified' | 'mismatch' | 'missing' | 'not-checked';
  /** The SHA-256 actually found, when it differs (`mismatch`). */
  actual?: string;
  description?: string;
}

/** A statement an answer carries because of its status (SCORING.md "Answers"). */
export interface CarriedStatement {
  field: CarriedField;
  text: string;
}

/** What the assessment says about one answer key, in the aspect narrative. */
export interface NarrativeEntry {
  /** A requirement id, or a control id answered with `level:`. */
  key: string;
  /** The requirement's status, when the key is a requirement. */
  status?: Status;
  /** The achieved level, when the key is a control (component-style `level:` shorthand). */
  level?: LevelOrZero;
  /** The user's note (untrusted text: renderers escape it). */
  note?: string;
  carried?: CarriedStatement;
}

/** One aspect's narrative: the catalog's summary, the level of each control and the notes of its answers. */
export interface AspectNarrative {
  id: string;
  title: string;
  summary: string;
  level: LevelOrZero;
  controls: { id: string; title: string; level: LevelOrZero }[];
  entries: NarrativeEntry[];
}

/** One requirement of the edition with its answer, in catalog order. */
export interface RequirementRow {
  id: string;
  level: Level;
  status: Status;
  satisfied: boolean;
  controlId: string;
  controlTitle: string;
  aspectId: string;
  /** Keygrade's wording of the requirement in the report language. */
  text: string;
  /** The key of the answer it came from (the requirement id, or its control id for `level:` answers). */
  key?: string;
  /** The note of that answer (untrusted user text). */
  note?: string;
  carried?: CarriedStatement;
}

/** Everything a report shows; every renderer is a pure function of it. */
export interface ReportModel {
  lang: Lang;
  /** ISO 8601 date-time the report was generated (injected: renderers never read the clock). */
  generatedAt: string;
  meta: {
    organization: string;
    system: string;
    scope?: string;
    assessor?: string;
    /** As written in the assessment: YYYY-MM-DD or an ISO 8601 date-time. */
    assessedAt: string;
  };
  edition: { id: string; name: string; published: string; domains: { id: string; title: string }[] };
  score: ScoreResult;
  /** Total number of requirements in the edition. */
  requirementCount: number;
  /** Every requirement with its answer, in catalog order. */
  requirements: RequirementRow[];
  /** Gaps to the target level; absent when the system is already at Level III. */
  gaps?: GapsResult;
  narrative: AspectNarrative[];
  evidence: EvidenceCheck[];
}

/** Options of {@link buildReportModel}. */
export interface ReportModelOptions {
  /** ISO 8601 date-time of generation, e.g. `new Date().toISOString()`. */
  generatedAt: string;
  lang?: Lang;
  /** Level to list gaps to (default: one above the system level, at most III). */
  target?: Level;
  /** Evidence checks done by the caller; without them the assessment's references are listed as `not-checked`. */
  evidence?: EvidenceCheck[];
}

const CARRIED: readonly CarriedField[] = ['comparable_control', 'relies_on', 'justification'];

function withoutAspect(e: NarrativeEntry & { aspectId: string }): NarrativeEntry {
  const out: NarrativeEntry = { key: e.key };
  if (e.status !== undefined) out.status = e.status;
  if (e.level !== undefined) out.level = e.level;
  if (e.note !== undefined) out.note = e.note;
  if (e.carried !== undefined) out.carried = e.carried;
  return out;
}

/**
 * Builds the report model of an assessment.
 * @example buildReportModel(parseAssessment(file, text, openCatalog()), { generatedAt: new Date().toISOString() })
 */
export function buildReportModel(assessment: Assessment, opts: ReportModelOptions): ReportModel {
  const lang = opts.lang ?? 'en';
  const { edition, answers, meta } = assessment;
  const result = score(edition, answers, lang);
  const target: Level | undefined = opts.target ?? (result.systemLevel < 3 ? ((result.systemLevel + 1) as Level) : undefined);
  const gapsResult = result.systemLevel < 3 && target !== undefined ? gapsOf(edition, result, target, lang) : undefined;

  // Narrative entries in catalog order (a file may list its answers in any order).
  const order = new Map<string, number>();
  for (const c of allControls(edition)) {
    order.set(c.id, order.size);
    for (const r of c.requirements) order.set(r.id, order.size);
  }
  const controlLevels = new Map(result.aspects.flatMap((a) => a.controls.map((c) => [c.id, c.level] as const)));
  const entries = new Map<string, NarrativeEntry & { aspectId: string }>();
  const entry = (key: string, aspectId: string) => {
    let e = entries.get(key);
    if (!e) {
      e = { key, aspectId };
      const level = controlLevels.get(key);
      if (level !== undefined) e.level = level;
      else e.status = answers.get(key)?.status ?? 'not_assessed';
      entries.set(key, e);
    }
    return e;
  };
  for (const n of assessment.notes) entry(n.key, n.aspectId).note = n.note;
  for (const r of allRequirements(edition)) {
    const answer = answers.get(r.id);
    const field = answer ? STATUS_RULES[answer.status].mustCarry : undefined;
    const text = field && CARRIED.includes(field) ? answer?.[field] : undefined;
    if (field && text) entry(r.id, r.aspectId).carried = { field, text };
  }
  const sorted = [...entries.values()].sort((a, b) => (order.get(a.key) ?? 0) - (order.get(b.key) ?? 0));

  const narrative: AspectNarrative[] = edition.aspects.map((aspect, i) => {
    const scored = result.aspects[i]!;
    return {
      id: aspect.id,
      title: scored.title,
      summary: pick(aspect.summary, lang),
      level: scored.level,
      controls: scored.controls.map((c) => ({ id: c.id, title: c.title, level: c.level })),
      entries: sorted.filter((e) => e.aspectId === aspect.id).map(withoutAspect),
    };
  });

  const texts = new Map(allRequirements(edition).map((r) => [r.id, pick(r.text, lang)]));
  const requirements: RequirementRow[] = result.aspects.flatMap((a) =>
    a.controls.flatMap((c) =>
      c.requirements.map((r) => {
        const answer = answers.get(r.id);
        const carried = entries.get(r.id)?.carried;
        return {
          id: r.id,
          level: r.level,
          status: r.status,
          satisfied: r.satisfied,
          controlId: c.id,
          controlTitle: c.title,
          aspectId: a.id,
          text: texts.get(r.id) ?? '',
          ...(answer ? { key: answer.key } : {}),
          ...(answer?.note ? { note: answer.note } : {}),
          ...(carried ? { carried } : {}),
        };
      }),
    ),
  );

  const evidence: EvidenceCheck[] = [
    ...(opts.evidence ??
    assessment.evidence.map((e) => ({
      key: e.key,
      ref: e.path ?? e.url ?? '',
      sha256: e.sha256,
      state: 'not-checked' as const,
      ...(e.description ? { description: e.description } : {}),
    }))),
  ].sort((a, b) => (order.get(a.key) ?? 0) - (order.get(b.key) ?? 0));

  return {
    lang,
    generatedAt: opts.generatedAt,
    meta: {
      organization: meta.organization,
      system: meta.system,
      ...(meta.scope ? { scope: meta.scope } : {}),
      ...(meta.assessor ? { assessor: meta.assessor } : {}),
      assessedAt: meta.assessed_at,
    },
    edition: {
      id: edition.id,
      name: edition.name,
      published: edition.published,
      domains: edition.domains.map((d) => ({ id: d.id, title: pick(d.title, lang) })),
    },
    score: result,
    requirementCount: requirements.length,
    requirements,
    ...(gapsResult ? { gaps: gapsResult } : {}),
    narrative,
    evidence,
  };
}
