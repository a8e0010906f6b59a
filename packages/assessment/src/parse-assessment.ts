/**
 * Reads an assessment file: YAML syntax, duplicate keys, the schema, then every answer against
 * the edition (unknown ids, ids of another edition, statuses missing what they must carry,
 * `level:` shorthand, requirements answered twice). Every problem names file, line and field.
 */
import { allRequirements, indexEdition, parseLocatedYaml, validateLocated, type Catalog, type Edition, type LocatedYaml } from '@keygrade/catalog';
import { AssessmentError, type Problem } from '@keygrade/errors';
import { answerProblem, STATUS_RULES, type Answer, type Status } from '@keygrade/scoring';
import { assessmentFileSchema, type AnswerEntry, type AssessmentFile, type EvidenceRef } from './schema.js';

/** One requirement's answer, after expanding any control-level shorthand. */
export interface ResolvedAnswer extends Answer {
  note?: string;
  evidence?: EvidenceRef[];
  /** The key in the file this answer came from (a requirement id, or a control id with `level:`). */
  key: string;
}

/** A note written in the file, on a requirement or on a control. */
export interface AssessmentNote {
  key: string;
  aspectId: string;
  note: string;
}

export interface Assessment {
  file: string;
  meta: Omit<AssessmentFile, 'answers'>;
  edition: Edition;
  /** Answers by requirement id (requirements without an entry are `not_assessed`). */
  answers: Map<string, ResolvedAnswer>;
  notes: AssessmentNote[];
  /** Every evidence reference, with the key it belongs to. */
  evidence: (EvidenceRef & { key: string })[];
  /** The parsed YAML document, for comment-preserving edits. */
  yaml: LocatedYaml;
}

function fail(code: 'ASSESSMENT_PARSE' | 'ASSESSMENT_INVALID' | 'ASSESSMENT_EDITION_MISMATCH', file: string, problems: Problem[]): AssessmentError {
  const n = problems.length;
  const what = code === 'ASSESSMENT_PARSE' ? 'is not valid YAML' : code === 'ASSESSMENT_EDITION_MISMATCH' ? 'does not match its edition' : 'is invalid';
  return new AssessmentError(code, `${file} ${what} (${n} problem${n === 1 ? '' : 's'})`, { problems });
}

/** Parses and validates an assessment; throws AssessmentError listing every problem. */
export function parseAssessment(file: string, text: string, catalog: Catalog): Assessment {
  const { yaml, problems: syntax } = parseLocatedYaml(file, text);
  if (!yaml) throw fail('ASSESSMENT_PARSE', file, syntax);
  if (yaml.data === undefined || yaml.data === null) throw fail('ASSESSMENT_INVALID', file, [{ file, line: 1, message: 'the file is empty; create one with `keygrade init`' }]);
  const { value, problems } = validateLocated(yaml, assessmentFileSchema);
  if (!value) throw fail('ASSESSMENT_INVALID', file, problems);
  if (!catalog.has(value.edition)) {
    throw fail('ASSESSMENT_INVALID', file, [yaml.problem(['edition'], `unknown edition "${value.edition}"; available: ${catalog.editionIds.join(', ')}`)]);
  }
  const edition = catalog.edition(value.edition);
  const { answers: entries, ...meta } = value;
  const resolved = resolveAnswers(edition, entries, yaml, catalog);
  if (resolved.problems.length > 0) {
    const mismatch = resolved.problems.every((p) => p.message.includes('belongs to edition'));
    throw fail(mismatch ? 'ASSESSMENT_EDITION_MISMATCH' : 'ASSESSMENT_INVALID', file, resolved.problems);
  }
  return { file, meta, edition, answers: resolved.answers, notes: resolved.notes, evidence: resolved.evidence, yaml };
}

function resolveAnswers(edition: Edition, entries: Record<string, AnswerEntry>, yaml: LocatedYaml, catalog: Catalog) {
  const index = indexEdition(edition);
  const problems: Problem[] = [];
  const answers = new Map<string, ResolvedAnswer>();
  const notes: AssessmentNote[] = [];
  const evidence: (EvidenceRef & { key: string })[] = [];
  const at = (key: string, field: string | undefined, message: string) => problems.push(yaml.problem(field ? ['answers', key, field] : ['answers', key], message));
  const put = (id: string, answer: ResolvedAnswer) => {
    const prior = answers.get(id);
    if (prior) at(answer.key, undefined, `requirement ${id} is answered twice (here and by "${prior.key}")`);
    else answers.set(id, answer);
  };

  for (const [key, entry] of Object.entries(entries)) {
    const requirement = index.requirement(key);
    const control = index.control(key);
    if (!requirement && !control) {
      at(key, undefined, unknownIdMessage(key, edition, catalog));
      continue;
    }
    const aspectId = requirement?.aspectId ?? control!.aspectId;
    if (entry.note) notes.push({ key, aspectId, note: entry.note });
    for (const e of entry.evidence ?? []) evidence.push({ ...e, key });
    const carried = { ...(entry.note ? { note: entry.note } : {}), ...(entry.evidence ? { evidence: entry.evidence } : {}), key };

    if (requirement) {
      if (entry.level !== undefined) at(key, 'level', `level: is shorthand for a control; ${key} is a requirement, give it a status`);
      if (entry.status === undefined) {
        at(key, 'status', 'missing required field status');
        continue;
      }
      const answer: ResolvedAnswer = { status: entry.status, ...carry(entry), ...carried };
      const problem = answerProblem(answer);
      if (problem) at(key, STATUS_RULES[entry.status].mustCarry, problem);
      checkStrayCarry(key, entry, at);
      put(key, answer);
      continue;
    }
    // control id
    if (edition.style !== 'component') {
      at(key, undefined, `${key} is a control; ${edition.id} is answered per requirement (${control!.requirements.map((r) => r.id).join(', ')})`);
      continue;
    }
    if (entry.level === undefined) {
      at(key, 'level', `${key} is a component: give its achieved level (level: 0-3) or answer its requirements (${control!.requirements.map((r) => r.id).join(', ')})`);
      continue;
    }
    if (entry.status !== undefined) at(key, 'status', 'a component answered with level: takes no status (its requirements follow from the level)');
    for (const field of ['comparable_control', 'relies_on', 'justification'] as const) {
      if (entry[field] !== undefined) at(key, field, `${field} belongs on a requirement answer, not on a component level`);
    }
    for (const r of control!.requirements) put(r.id, { status: r.level <= entry.level ? 'in_place' : 'not_in_place', ...carried });
  }
  return { answers, notes, evidence, problems };
}

function carry(entry: AnswerEntry): Partial<Answer> {
  const out: Partial<Answer> = {};
  if (entry.comparable_control) out.comparable_control = entry.comparable_control;
  if (entry.relies_on) out.relies_on = entry.relies_on;
  if (entry.justification) out.justification = entry.justification;
  return out;
}

/** A carried field that its status does not use is almost always a mistake (e.g. a typo in status). */
function checkStrayCarry(key: string, entry: AnswerEntry, at: (key: string, field: string, message: string) => void): void {
  const wanted = entry.status ? STATUS_RULES[entry.status].mustCarry : undefined;
  for (const field of ['comparable_control', 'relies_on', 'justification'] as const) {
    if (entry[field] !== undefined && field !== wanted) {
      const owner = (Object.entries(STATUS_RULES) as [Status, (typeof STATUS_RULES)[Status]][]).find(([, r]) => r.mustCarry === field)?.[0];
      at(key, field, `${field} is only used with status ${owner}; this answer's status is ${entry.status}`);
    }
  }
}

function unknownIdMessage(key: string, edition: Edition, catalog: Catalog): string {
  for (const other of catalog.editionIds) {
    if (other === edition.id) continue;
    const idx = indexEdition(catalog.edition(other));
    if (idx.requirement(key) || idx.control(key)) return `${key} belongs to edition ${other}, but this assessment is for ${edition.id} (use \`keygrade migrate\` to move between editions)`;
  }
  const example = allRequirements(edition)[0]?.id ?? '';
  return `${key} is not a requirement or control of ${edition.id} (ids look like ${example}; see \`keygrade catalog show ${edition.id}\`)`;
}
