/**
 * Evaluation on a clock: for each requirement, does the evidence it relies on still hold today and
 * until when; what status does that leave (an answer of "in place" whose evidence has lapsed falls
 * back to not in place, with the reason); and which level follows (weakest link, @keygrade/scoring).
 *
 * A requirement's sources are grouped by evidence topic. Within a group one current source is enough
 * (this year's pentest replaces last year's); every group must be current. When a requirement relies
 * on register evidence at all, every topic the map gives it is a group, so "trained and rehearsed"
 * needs both a current training and a current drill.
 */
import { allRequirements, type Edition, type Level, type LevelOrZero } from '@keygrade/catalog';
import { isKeygradeError } from '@keygrade/errors';
import { score, validateAnswers, type Answer, type Answers, type ScoreResult, type Status } from '@keygrade/scoring';
import { resolveValidity, type ValidityConfig } from './config.js';
import { minUntil, todayOf, type Clock, type IsoDate } from './dates.js';
import { ComplianceError } from './errors.js';
import type { Registers } from './registers.js';
import { topicsForRequirement } from './requirements-map.js';
import { buildSources, type EvidenceLink, type SourceMap } from './sources.js';
import { bestOf, lapsesOn, type ProviderCheck } from './validity.js';

/** Statuses that rest on evidence and fall back to `not_in_place` when it lapses (not_applicable rests on a justification). */
export const EVIDENCE_BACKED_STATUSES: readonly Status[] = ['in_place', 'in_place_comparable', 'qualified_in_place'];

/** One source of a requirement on the evaluated day. */
export interface SourceEvaluation {
  ref: string;
  label: string;
  topic: string;
  valid: boolean;
  validFrom?: IsoDate;
  /** Last day it counts (or counted); `null`: no end. */
  validUntil: IsoDate | null;
  reason: string;
}

/** One requirement on the evaluated day. */
export interface RequirementEvaluation {
  id: string;
  aspectId: string;
  controlId: string;
  level: Level;
  /** The status in the assessment. */
  answered: Status;
  /** The status that counts today. */
  effective: Status;
  /** `none`: nothing supports it (the answer stands as given); `valid`: every group holds; `lapsed`: some group does not. */
  evidence: 'none' | 'valid' | 'lapsed';
  /** With valid evidence: the last day it holds (`null`: no end). */
  validUntil?: IsoDate | null;
  /** True when an evidence-backed answer fell back to `not_in_place`. */
  fellBack: boolean;
  /** Why the evidence does not hold (lapsed) or what it rests on. */
  reason?: string;
  sources: SourceEvaluation[];
}

/** The result of one evaluation. */
export interface Evaluation {
  edition: string;
  at: IsoDate;
  /** The effective system level (weakest link over effective statuses). */
  level: LevelOrZero;
  /** The level the answers alone would give. */
  answeredLevel: LevelOrZero;
  aspects: { id: string; level: LevelOrZero; answeredLevel: LevelOrZero }[];
  /** Every requirement of the edition, in catalog order. */
  requirements: RequirementEvaluation[];
  /** The full effective score (for gaps and reports). */
  score: ScoreResult;
  /** The first day an evidence-backed requirement that holds today would lapse if nothing is added (`null`: none). */
  nextLapse: IsoDate | null;
}

/** Everything an evaluation needs besides the day. */
export interface EvaluationInput {
  /** Answers by requirement id (a Map as @keygrade/scoring takes, or a plain object). */
  answers: Answers | Readonly<Record<string, Answer>>;
  registers: Registers;
  links?: readonly EvidenceLink[];
  edition: Edition;
  /** The organization's validity rules (overrides of DEFAULT_VALIDITY). */
  validity?: Partial<ValidityConfig>;
  /**
   * Providers whose certificate the platform found in its registry, by provider id: the registry's
   * window and state replace the dates the entry claims.
   */
  providerChecks?: ReadonlyMap<string, ProviderCheck>;
}

/** A prepared evaluation: sources and answers checked once, then evaluated on any day. */
export interface Evaluator {
  readonly edition: Edition;
  readonly config: ValidityConfig;
  at(now: IsoDate | Clock): Evaluation;
}

const toMap = (answers: EvaluationInput['answers']): Answers => (answers instanceof Map ? answers : new Map(Object.entries(answers as Record<string, Answer>)));

/**
 * Prepares the evaluation of one assessment with its registers and links. Throws ComplianceError:
 * COMPLIANCE_INVALID_ANSWERS (answers that do not fit the edition), COMPLIANCE_INVALID_LINK,
 * COMPLIANCE_INVALID_CONFIG.
 */
export function createEvaluator(input: EvaluationInput): Evaluator {
  const { edition, registers } = input;
  const config = resolveValidity(input.validity ?? {});
  const answers = toMap(input.answers);
  try {
    validateAnswers(edition, answers);
  } catch (cause) {
    if (!isKeygradeError(cause)) throw cause;
    throw new ComplianceError('COMPLIANCE_INVALID_ANSWERS', cause.message, { problems: cause.problems, cause });
  }
  const sources = buildSources(edition, registers, input.links ?? [], config, input.providerChecks ? { providerChecks: input.providerChecks } : {});
  const answered = score(edition, answers);
  return { edition, config, at: (now) => evaluateAt(edition, answers, answered, sources, todayOf(now)) };
}

/**
 * Evaluates an assessment on a day: evidence per requirement, effective statuses, effective level.
 * @example evaluate(answers, registers, [], '2027-03-10', catalog.edition('ccss-v9')).level
 */
export function evaluate(
  answers: EvaluationInput['answers'],
  registers: Registers,
  evidenceLinks: readonly EvidenceLink[],
  now: IsoDate | Clock,
  edition: Edition,
  options: { validity?: Partial<ValidityConfig> } = {},
): Evaluation {
  return createEvaluator({ answers, registers, links: evidenceLinks, edition, ...(options.validity ? { validity: options.validity } : {}) }).at(now);
}

function evaluateAt(edition: Edition, answers: Answers, answered: ScoreResult, sourceMap: SourceMap, at: IsoDate): Evaluation {
  const effective = new Map(answers);
  const requirements: RequirementEvaluation[] = [];
  let nextLapse: IsoDate | null = null;
  for (const r of allRequirements(edition)) {
    const status = answers.get(r.id)?.status ?? 'not_assessed';
    const base = { id: r.id, aspectId: r.aspectId, controlId: r.controlId, level: r.level, answered: status };
    const list = sourceMap.get(r.id) ?? [];
    if (list.length === 0) {
      requirements.push({ ...base, effective: status, evidence: 'none', fellBack: false, sources: [] });
      continue;
    }
    const sources: SourceEvaluation[] = list.map((s) => {
      const st = s.state(at);
      return { ref: s.ref, label: s.label, topic: s.topic, valid: st.valid, ...(st.from ? { validFrom: st.from } : {}), validUntil: st.until, reason: st.reason };
    });
    // Every topic present is a group; relying on register evidence at all makes every mapped topic a group.
    const mapped = topicsForRequirement(edition.id, r.id);
    const groups = new Set<string>(sources.map((s) => s.topic));
    if (mapped.some((t) => groups.has(t))) for (const t of mapped) groups.add(t);
    let until: IsoDate | null = null;
    const failing: string[] = [];
    for (const g of groups) {
      const inGroup = sources.filter((s) => s.topic === g);
      const best = bestOf(inGroup.map((s) => ({ valid: s.valid, ...(s.validFrom ? { from: s.validFrom } : {}), until: s.validUntil, reason: s.reason })));
      if (best?.valid) {
        until = minUntil(until, best.until);
        continue;
      }
      if (inGroup.length === 0) failing.push(`no ${g} evidence is recorded`);
      else {
        const shown = inGroup.find((s) => s.reason === best?.reason) ?? inGroup[0]!;
        failing.push(`${shown.ref} (${shown.label}): ${shown.reason}`);
      }
    }
    if (failing.length === 0) {
      // minUntil reads null as "never", which is also "no lapse ahead" here.
      if (EVIDENCE_BACKED_STATUSES.includes(status)) nextLapse = minUntil(nextLapse, lapsesOn(until));
      requirements.push({ ...base, effective: status, evidence: 'valid', validUntil: until, fellBack: false, sources });
      continue;
    }
    const fellBack = EVIDENCE_BACKED_STATUSES.includes(status);
    const why = failing.join('; ');
    if (fellBack) effective.set(r.id, { status: 'not_in_place' });
    requirements.push({
      ...base,
      effective: fellBack ? 'not_in_place' : status,
      evidence: 'lapsed',
      fellBack,
      reason: fellBack ? `answered ${status}, but on ${at} its evidence does not hold: ${why}` : `its evidence does not hold on ${at}: ${why}`,
      sources,
    });
  }
  const result = score(edition, effective);
  return {
    edition: edition.id,
    at,
    level: result.systemLevel,
    answeredLevel: answered.systemLevel,
    aspects: result.aspects.map((a, i) => ({ id: a.id, level: a.level, answeredLevel: answered.aspects[i]!.level })),
    requirements,
    score: result,
    nextLapse,
  };
}
