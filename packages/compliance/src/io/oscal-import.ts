/**
 * Import of NIST OSCAL 1.0.6 assessment results (JSON) as requirement statuses, e.g. the results of
 * an external assessment or a previous Keygrade export (@keygrade/report `oscal` format).
 *
 * - Each finding's `target-id` names a requirement: a Keygrade id (`ccss-1.1.3.L2`, see `oscalId` in
 *   @keygrade/catalog) or a bare requirement id. Unknown ids are reported as notes, not guessed.
 * - The status is the finding's `reason` when it is a CCSS status (Keygrade writes it there);
 *   otherwise `satisfied` -> in_place and `not-satisfied` -> not_in_place. A status that must carry a
 *   statement (SCORING.md "Answers") carries the finding's remarks.
 * - Results are read oldest first (by `start`), so a later finding on a requirement wins.
 * - When the document is about another edition, statuses go through the catalog crosswalk with the
 *   same rules as `keygrade migrate` (@keygrade/assessment planMigration), and what cannot be carried
 *   is listed for re-assessment.
 * The document is untrusted input: it is parsed with a schema that keeps only the fields read here.
 */
import { z } from 'zod';
import { indexEdition, KEYGRADE_OSCAL_NS, modelIdFromOscal, parseLocatedYaml, type Catalog, type Edition } from '@keygrade/catalog';
import { ASSESSMENT_FORMAT, planMigration, type Assessment, type ResolvedAnswer } from '@keygrade/assessment';
import { isKeygradeError, type Problem } from '@keygrade/errors';
import { isStatus, STATUS_RULES, type Answer, type Status } from '@keygrade/scoring';
import { ComplianceError } from '../errors.js';

const propSchema = z.object({ name: z.string(), ns: z.string().optional(), value: z.string(), class: z.string().optional() });

const findingSchema = z.object({
  uuid: z.string(),
  title: z.string().optional(),
  remarks: z.string().optional(),
  target: z.object({
    type: z.string(),
    'target-id': z.string(),
    status: z.object({ state: z.enum(['satisfied', 'not-satisfied'], { error: 'state must be satisfied or not-satisfied' }), reason: z.string().optional(), remarks: z.string().optional() }),
  }),
});

const resultSchema = z.object({
  uuid: z.string(),
  start: z.string(),
  props: z.array(propSchema).optional(),
  findings: z.array(findingSchema).optional(),
});

const documentSchema = z.object({
  'assessment-results': z.object({
    uuid: z.string(),
    metadata: z.object({ props: z.array(propSchema).optional() }),
    results: z.array(resultSchema).min(1, 'results must hold at least one result'),
  }),
});

/** Options of {@link importOscalAssessmentResults}. */
export interface OscalImportOptions {
  /** The edition the findings are about, when the document does not name it (Keygrade exports do, in an `edition` prop). */
  sourceEdition?: string;
  /** The edition to produce statuses for (default: the source edition). */
  targetEdition?: string;
}

/** Something the import could not use or could not carry, with the requirement or finding concerned. */
export interface OscalImportNote {
  requirementId?: string;
  findingUuid?: string;
  message: string;
}

/** Statuses read from an OSCAL assessment-results document. */
export interface OscalImportResult {
  sourceEdition: string;
  targetEdition: string;
  /** The `start` of the latest result. */
  assessedAt: string;
  /** Statuses by requirement id of the target edition; requirements without one stay not assessed. */
  answers: Map<string, Answer>;
  notes: OscalImportNote[];
}

const editionProp = (props: readonly z.infer<typeof propSchema>[] | undefined) => props?.find((p) => p.name === 'edition' && (p.ns === undefined || p.ns === KEYGRADE_OSCAL_NS))?.value;

function answerOf(f: z.infer<typeof findingSchema>): Answer {
  const reason = f.target.status.reason;
  const status: Status = isStatus(reason) ? reason : f.target.status.state === 'satisfied' ? 'in_place' : 'not_in_place';
  const carry = STATUS_RULES[status].mustCarry;
  if (!carry) return { status };
  const statement = f.remarks?.trim() || f.target.status.remarks?.trim() || `stated in OSCAL finding ${f.uuid}`;
  return { status, [carry]: statement };
}

/** Carries source-edition answers to the target edition with the migration rules of @keygrade/assessment. */
function carry(source: Edition, target: Edition, answers: Map<string, Answer>, catalog: Catalog, assessedAt: string): { answers: Map<string, Answer>; notes: OscalImportNote[] } {
  const crosswalk = catalog.crosswalk(source.id, target.id);
  // planMigration reads only the answers and the edition of an assessment; the rest is a minimal, empty document.
  const resolved = new Map<string, ResolvedAnswer>([...answers].map(([id, a]) => [id, { ...a, key: id }]));
  const assessment: Assessment = {
    file: 'oscal-assessment-results.json',
    meta: { keygrade: ASSESSMENT_FORMAT, edition: source.id, organization: 'imported', system: 'imported', assessed_at: assessedAt },
    edition: source,
    answers: resolved,
    notes: [],
    evidence: [],
    yaml: parseLocatedYaml('oscal-assessment-results.json', '{}').yaml!,
  };
  const plan = planMigration(assessment, crosswalk, target);
  const out = new Map<string, Answer>();
  for (const [id, entry] of plan.answers) {
    if (entry.status === undefined || entry.status === 'not_assessed') continue;
    const a: Answer = { status: entry.status };
    if (entry.comparable_control) a.comparable_control = entry.comparable_control;
    if (entry.relies_on) a.relies_on = entry.relies_on;
    if (entry.justification) a.justification = entry.justification;
    out.set(id, a);
  }
  const notes = plan.reassess.filter((r) => r.from.some((f) => f.status !== 'not_assessed')).map((r) => ({ requirementId: r.to, message: `re-assess: ${r.reason}` }));
  return { answers: out, notes };
}

/**
 * Reads statuses from an OSCAL assessment-results document (parsed JSON).
 * Throws COMPLIANCE_OSCAL_INVALID for a document of the wrong shape or of an unknown edition.
 * @example importOscalAssessmentResults(JSON.parse(text), catalog, { targetEdition: 'ccss-v9' }).answers
 */
export function importOscalAssessmentResults(document: unknown, catalog: Catalog, options: OscalImportOptions = {}): OscalImportResult {
  const parsed = documentSchema.safeParse(document);
  if (!parsed.success) {
    const problems: Problem[] = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(document)', message: i.message }));
    throw new ComplianceError('COMPLIANCE_OSCAL_INVALID', `not an OSCAL assessment-results document: ${problems[0]!.path}: ${problems[0]!.message}`, { problems });
  }
  const ar = parsed.data['assessment-results'];
  const results = [...ar.results].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const latest = results[results.length - 1]!;
  const named = editionProp(latest.props) ?? editionProp(ar.metadata.props) ?? options.sourceEdition;
  if (!named) throw new ComplianceError('COMPLIANCE_OSCAL_INVALID', 'the document does not name its CCSS edition; pass sourceEdition');
  let source: Edition;
  let target: Edition;
  try {
    source = catalog.edition(named);
    target = catalog.edition(options.targetEdition ?? named);
  } catch (cause) {
    if (!isKeygradeError(cause)) throw cause;
    throw new ComplianceError('COMPLIANCE_OSCAL_INVALID', cause.message, { cause });
  }
  const index = indexEdition(source);
  const notes: OscalImportNote[] = [];
  const answers = new Map<string, Answer>();
  const from = new Map<string, string>();
  for (const result of results) {
    for (const f of result.findings ?? []) {
      const targetId = f.target['target-id'];
      const id = modelIdFromOscal(targetId) ?? targetId;
      if (!index.requirement(id)) {
        notes.push({ findingUuid: f.uuid, message: `target ${targetId} is not a requirement of ${source.id}; finding skipped` });
        continue;
      }
      const prior = from.get(id);
      if (prior !== undefined && prior === result.uuid) notes.push({ requirementId: id, findingUuid: f.uuid, message: `${id} has several findings in one result; the last one is used` });
      from.set(id, result.uuid);
      answers.set(id, answerOf(f));
    }
  }
  if (source.id === target.id) return { sourceEdition: source.id, targetEdition: target.id, assessedAt: latest.start, answers, notes };
  const carried = carry(source, target, answers, catalog, latest.start);
  return { sourceEdition: source.id, targetEdition: target.id, assessedAt: latest.start, answers: carried.answers, notes: [...notes, ...carried.notes] };
}
