/**
 * Weakest-link scoring, exactly per shared/design/SCORING.md ("Levels"):
 *   controlLevel = largest L in {0..3} such that every requirement with level <= L is satisfied;
 *   aspectLevel  = min over the aspect's controls; systemLevel = min over aspects.
 * Pure: (edition, answers) -> result. No IO.
 */
import { allRequirements, indexEdition, pick, type Edition, type Level, type LevelOrZero, type Text } from '@keygrade/catalog';
import { ScoringError, type Problem } from '@keygrade/errors';
import { answerProblem, STATUS_RULES, type Answer, type Status } from './status.js';

/** Answers keyed by requirement id; a missing entry means `not_assessed`. */
export type Answers = ReadonlyMap<string, Answer>;

export interface RequirementScore {
  id: string;
  level: Level;
  status: Status;
  satisfied: boolean;
}

export interface ControlScore {
  id: string;
  title: string;
  level: LevelOrZero;
  requirements: RequirementScore[];
}

export interface AspectScore {
  id: string;
  title: string;
  domainId: string;
  level: LevelOrZero;
  controls: ControlScore[];
}

export interface ScoreResult {
  edition: string;
  systemLevel: LevelOrZero;
  /** True when no requirement is `not_assessed`. */
  complete: boolean;
  aspects: AspectScore[];
  /** Requirement ids still `not_assessed`, in catalog order. */
  notAssessed: string[];
  /** Number of requirements per status. */
  counts: Record<Status, number>;
}

/**
 * Checks that every answer names a requirement of the edition and carries what its status requires.
 * Throws ScoringError(SCORING_INVALID_ANSWER) listing every problem, each with the requirement id.
 */
export function validateAnswers(edition: Edition, answers: Answers): void {
  const index = indexEdition(edition);
  const problems: Problem[] = [];
  for (const [id, answer] of answers) {
    if (!index.requirement(id)) problems.push({ path: id, message: `not a requirement of ${edition.id}` });
    else if (!(answer.status in STATUS_RULES)) problems.push({ path: id, message: `unknown status ${String(answer.status)}` });
    else {
      const p = answerProblem(answer);
      if (p) problems.push({ path: id, message: p });
    }
  }
  if (problems.length > 0) throw new ScoringError('SCORING_INVALID_ANSWER', `${problems.length} invalid answer${problems.length === 1 ? '' : 's'}`, { problems });
}

/** The level a set of requirement scores reaches (weakest link inside one control). */
export function levelOf(requirements: readonly { level: Level; satisfied: boolean }[]): LevelOrZero {
  let level: LevelOrZero = 0;
  for (const candidate of [1, 2, 3] as const) {
    if (requirements.every((r) => r.level > candidate || r.satisfied)) level = candidate;
    else break;
  }
  return level;
}

const minLevel = (levels: readonly LevelOrZero[]): LevelOrZero => (levels.length === 0 ? 0 : (Math.min(...levels) as LevelOrZero));

/**
 * Scores an assessment.
 * @example score(edition, new Map([['1.1.1.L1', { status: 'in_place' }]])).systemLevel // 0
 */
export function score(edition: Edition, answers: Answers, lang: 'en' | 'zh-CN' = 'en'): ScoreResult {
  validateAnswers(edition, answers);
  const title = (t: Text) => pick(t, lang);
  const counts = Object.fromEntries(Object.keys(STATUS_RULES).map((s) => [s, 0])) as Record<Status, number>;
  const notAssessed: string[] = [];
  const aspects: AspectScore[] = edition.aspects.map((aspect) => {
    const controls: ControlScore[] = aspect.controls.map((control) => {
      const requirements = control.requirements.map((r) => {
        const status = answers.get(r.id)?.status ?? 'not_assessed';
        counts[status] += 1;
        if (status === 'not_assessed') notAssessed.push(r.id);
        return { id: r.id, level: r.level, status, satisfied: STATUS_RULES[status].satisfied };
      });
      return { id: control.id, title: title(control.title), level: levelOf(requirements), requirements };
    });
    return { id: aspect.id, title: title(aspect.title), domainId: aspect.domainId, level: minLevel(controls.map((c) => c.level)), controls };
  });
  return {
    edition: edition.id,
    systemLevel: minLevel(aspects.map((a) => a.level)),
    complete: notAssessed.length === 0,
    aspects,
    notAssessed,
    counts,
  };
}

export interface Gap {
  id: string;
  level: Level;
  controlId: string;
  controlTitle: string;
  text: string;
  status: Status;
}

export interface AspectGaps {
  id: string;
  title: string;
  level: LevelOrZero;
  requirements: Gap[];
}

export interface GapsResult {
  edition: string;
  target: Level;
  systemLevel: LevelOrZero;
  /** Number of requirements to close. */
  total: number;
  aspects: AspectGaps[];
  /** Ways to close a gap: each satisfying status and what it must carry. */
  closeWith: { status: Status; mustCarry?: string }[];
}

/** Every requirement with level <= target that is not satisfied, grouped by aspect (SCORING.md "gaps"). */
export function gaps(edition: Edition, answers: Answers, target: Level, lang: 'en' | 'zh-CN' = 'en'): GapsResult {
  return gapsOf(edition, score(edition, answers, lang), target, lang);
}

/** The gaps of an assessment already scored with `score` (no second scoring pass). */
export function gapsOf(edition: Edition, result: ScoreResult, target: Level, lang: 'en' | 'zh-CN' = 'en'): GapsResult {
  if (![1, 2, 3].includes(target)) throw new ScoringError('SCORING_INVALID_TARGET', `target level must be 1, 2 or 3 (got ${String(target)})`);
  if (result.edition !== edition.id) throw new ScoringError('SCORING_INVALID_TARGET', `the score is for ${result.edition}, not ${edition.id}`);
  const index = indexEdition(edition);
  const aspects: AspectGaps[] = [];
  for (const aspect of result.aspects) {
    const requirements: Gap[] = [];
    for (const control of aspect.controls) {
      for (const r of control.requirements) {
        if (r.level > target || r.satisfied) continue;
        const req = index.requirement(r.id)!;
        requirements.push({ id: r.id, level: r.level, controlId: control.id, controlTitle: control.title, text: pick(req.text, lang), status: r.status });
      }
    }
    if (requirements.length > 0) aspects.push({ id: aspect.id, title: aspect.title, level: aspect.level, requirements });
  }
  const closeWith = (Object.entries(STATUS_RULES) as [Status, (typeof STATUS_RULES)[Status]][])
    .filter(([, rule]) => rule.satisfied)
    .map(([status, rule]) => (rule.mustCarry ? { status, mustCarry: rule.mustCarry } : { status }));
  return { edition: edition.id, target, systemLevel: result.systemLevel, total: aspects.reduce((n, a) => n + a.requirements.length, 0), aspects, closeWith };
}

/** Answers that mark every requirement of an edition with one status (useful for tests and templates). */
export function uniformAnswers(edition: Edition, status: Status): Map<string, Answer> {
  const carry = STATUS_RULES[status].mustCarry;
  return new Map(allRequirements(edition).map((r) => [r.id, carry ? { status, [carry]: 'stated' } : { status }]));
}
