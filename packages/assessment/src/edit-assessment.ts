/**
 * Writing assessment files: a fresh scaffold for `keygrade init`, and comment-preserving updates of
 * single answers for `keygrade checklist` (the YAML document is edited in place, so the user's
 * comments and ordering survive every save).
 */
import { Document, isMap, YAMLMap, type Document as YamlDocument } from 'yaml';
import { pick, type Edition, type Lang } from '@keygrade/catalog';
import { STATUSES } from '@keygrade/scoring';
import { ASSESSMENT_FORMAT, type AnswerEntry } from './schema.js';

export interface ScaffoldOptions {
  organization: string;
  system: string;
  scope?: string;
  assessor?: string;
  /** YYYY-MM-DD */
  assessedAt: string;
  lang?: Lang;
}

/** The header fields of an assessment file, in the order they are written. */
export function assessmentHeader(edition: string, o: Omit<ScaffoldOptions, 'lang'>): Record<string, string> {
  return {
    keygrade: ASSESSMENT_FORMAT,
    edition,
    organization: o.organization,
    system: o.system,
    ...(o.scope ? { scope: o.scope } : {}),
    ...(o.assessor ? { assessor: o.assessor } : {}),
    assessed_at: o.assessedAt,
  };
}

/** The text of a new, empty assessment for an edition, with comments explaining the format. */
export function scaffoldAssessment(edition: Edition, o: ScaffoldOptions): string {
  const doc = new Document({ ...assessmentHeader(edition.id, o), answers: {} });
  const example = edition.aspects[0]!.controls[0]!;
  const firstReq = example.requirements[0]!;
  doc.commentBefore = [
    ` Keygrade self-assessment against ${edition.name} (${edition.id}).`,
    ` Fill it in with \`keygrade checklist <this file>\`, or by hand; then \`keygrade score <this file>\`.`,
    '',
    ` answers: one entry per requirement id (see \`keygrade catalog show ${edition.id}\`), e.g.`,
    `   "${firstReq.id}":           # ${pick(example.title, o.lang)}`,
    `     status: in_place       # ${STATUSES.join(' | ')}`,
    `     note: how it is done`,
    `     evidence: [{ path: evidence/runbook.pdf, sha256: <64 hex> }]`,
    ` in_place_comparable needs comparable_control, qualified_in_place needs relies_on,`,
    ` not_applicable needs justification. Requirements left out count as not_assessed.`,
    ...(edition.style === 'component'
      ? [` A component may be answered by its achieved level: "${example.id}": { level: 2 }`]
      : []),
  ].join('\n');
  const answers = doc.get('answers', true);
  if (isMap(answers)) answers.flow = false;
  return doc.toString({ lineWidth: 0 });
}

/** Sets (or replaces) the answer of one key in a parsed assessment document, keeping comments. */
export function setAnswer(doc: YamlDocument, key: string, entry: AnswerEntry): void {
  let answers = doc.get('answers', true);
  if (!isMap(answers)) {
    answers = new YAMLMap();
    doc.set('answers', answers);
  }
  const clean = Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined));
  (answers as YAMLMap).flow = false;
  (answers as YAMLMap).set(doc.createNode(key), doc.createNode(clean));
}

/** Serialises a document for writing. */
export function documentText(doc: YamlDocument): string {
  return doc.toString({ lineWidth: 0 });
}
