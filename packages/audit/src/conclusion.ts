/**
 * The audit conclusion: a finding per requirement (the statuses of @keygrade/scoring, which are the
 * v9 finding statuses), the level per aspect and for the system through `score` (weakest link,
 * SCORING.md), and a summary of the exceptions found in testing.
 */
import type { Edition, LevelOrZero } from '@keygrade/catalog';
import { ScoringError, type Problem } from '@keygrade/errors';
import { score, STATUS_RULES, type Answer, type ScoreResult, type Status } from '@keygrade/scoring';
import { AuditError } from './errors.js';
import type { ResultSummary } from './sample.js';

/** The finding of one requirement: its status, what the status must carry, and the auditor's rationale. */
export interface Finding extends Answer {
  requirementId: string;
  rationale?: string;
}

/** The tested sample of a requirement, summarised (sample.ts `summariseResults`). */
export interface RequirementSample {
  requirementId: string;
  sampleId: string;
  results: ResultSummary;
}

export interface RequirementExceptions {
  requirementId: string;
  status: Status;
  tested: number;
  exceptions: { sampleId: string; itemId: string; note: string }[];
}

export interface Conclusion {
  edition: string;
  systemLevel: LevelOrZero;
  aspects: { id: string; title: string; level: LevelOrZero }[];
  /** False while a requirement is not assessed or a sample has untested items. */
  complete: boolean;
  notAssessed: string[];
  counts: Record<Status, number>;
  exceptions: { total: number; byRequirement: RequirementExceptions[] };
  /** Things the auditor should explain in the rationale, e.g. a satisfied requirement whose sample had exceptions. */
  attention: string[];
  /** The full score, for reports. */
  score: ScoreResult;
}

/** The part of a finding that scoring reads. */
function toAnswer(f: Finding): Answer {
  const answer: Answer = { status: f.status };
  if (f.comparable_control !== undefined) answer.comparable_control = f.comparable_control;
  if (f.relies_on !== undefined) answer.relies_on = f.relies_on;
  if (f.justification !== undefined) answer.justification = f.justification;
  return answer;
}

/**
 * Concludes an audit: validates the findings (AUDIT_FINDINGS_INVALID naming each requirement), scores
 * them and summarises the exceptions of the samples.
 */
export function concludeAudit(edition: Edition, findings: readonly Finding[], samples: readonly RequirementSample[] = []): Conclusion {
  const problems: Problem[] = [];
  const answers = new Map<string, Answer>();
  findings.forEach((f, i) => {
    if (answers.has(f.requirementId)) problems.push({ path: `findings.${i}`, message: `${f.requirementId} has two findings` });
    answers.set(f.requirementId, toAnswer(f));
  });
  const known = new Set(edition.aspects.flatMap((a) => a.controls.flatMap((c) => c.requirements.map((r) => r.id))));
  samples.forEach((s, i) => {
    if (!known.has(s.requirementId)) problems.push({ path: `samples.${i}.requirementId`, message: `${s.requirementId} is not a requirement of ${edition.id}` });
  });
  let result: ScoreResult | undefined;
  try {
    result = score(edition, answers);
  } catch (e) {
    if (!(e instanceof ScoringError)) throw e;
    problems.push(...e.problems);
  }
  if (problems.length > 0 || !result) throw new AuditError('AUDIT_FINDINGS_INVALID', 'the findings are not valid', { problems });
  const statusOf = (id: string): Status => answers.get(id)?.status ?? 'not_assessed';
  const byRequirement = new Map<string, RequirementExceptions>();
  for (const s of samples) {
    const entry = byRequirement.get(s.requirementId) ?? { requirementId: s.requirementId, status: statusOf(s.requirementId), tested: 0, exceptions: [] };
    entry.tested += s.results.tested;
    entry.exceptions.push(...s.results.exceptions.map((x) => ({ sampleId: s.sampleId, ...x })));
    byRequirement.set(s.requirementId, entry);
  }
  const attention: string[] = [];
  for (const e of byRequirement.values()) {
    if (e.exceptions.length > 0 && STATUS_RULES[e.status].satisfied) {
      attention.push(`${e.requirementId} is concluded ${e.status} although its sample had ${e.exceptions.length} exception${e.exceptions.length === 1 ? '' : 's'}: explain why in the rationale`);
    }
  }
  for (const s of samples) if (!s.results.complete) attention.push(`sample ${s.sampleId} of ${s.requirementId} has ${s.results.untested.length} untested item${s.results.untested.length === 1 ? '' : 's'}`);
  const list = [...byRequirement.values()].filter((e) => e.exceptions.length > 0);
  return {
    edition: result.edition,
    systemLevel: result.systemLevel,
    aspects: result.aspects.map((a) => ({ id: a.id, title: a.title, level: a.level })),
    complete: result.complete && samples.every((s) => s.results.complete),
    notAssessed: result.notAssessed,
    counts: result.counts,
    exceptions: { total: list.reduce((n, e) => n + e.exceptions.length, 0), byRequirement: list },
    attention,
    score: result,
  };
}
