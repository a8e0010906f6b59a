/**
 * NIST OSCAL 1.0.6 assessment results (JSON) of a self-assessment (FORMATS.md "Interchange").
 *
 * - One result: `start` is the assessment date, `reviewed-controls` selects every requirement of the
 *   edition, by the ids the catalog export gives them (`oscalId` in @keygrade/catalog: `ccss-1.1.3.L2`).
 * - One finding per assessed requirement (not `not_assessed`): target type `objective-id` on the
 *   requirement's id, state `satisfied` / `not-satisfied` per SCORING.md, `reason` the CCSS status.
 * - Evidence references become observations (method EXAMINE) related to the findings of their key.
 * - There is no OSCAL assessment plan: `import-ap` points at a back-matter resource describing that.
 * UUIDs are injected; everything else follows from the model, so output is reproducible.
 */
import { KEYGRADE_OSCAL_NS, OSCAL_VERSION, oscalId, roman, type OscalProp } from '@keygrade/catalog';
import { ReportError } from '@keygrade/errors';
import { STATUS_RULES, type Status } from '@keygrade/scoring';
import { labels } from './labels.js';
import type { ReportModel } from './model.js';

/** Options of the OSCAL renderer. */
export interface OscalArOptions {
  /** A fresh RFC 4122 version 4 UUID per call, e.g. `() => crypto.randomUUID()`. */
  uuid: () => string;
}

interface Finding {
  uuid: string;
  title: string;
  description: string;
  props: OscalProp[];
  target: {
    type: 'objective-id';
    'target-id': string;
    status: { state: 'satisfied' | 'not-satisfied'; reason: Status; remarks?: string };
  };
  'related-observations'?: { 'observation-uuid': string }[];
  remarks?: string;
}

interface Observation {
  uuid: string;
  title: string;
  description: string;
  methods: ['EXAMINE'];
  collected: string;
  'relevant-evidence': { href?: string; description: string; props: OscalProp[] }[];
}

/** An OSCAL assessment-results document as `renderOscalAssessmentResults` writes it. */
export interface OscalAssessmentResultsDocument {
  'assessment-results': {
    uuid: string;
    metadata: Record<string, unknown>;
    'import-ap': { href: string; remarks?: string };
    results: Record<string, unknown>[];
    'back-matter': { resources: { uuid: string; title: string; description: string; props?: OscalProp[] }[] };
  };
}

const prop = (name: string, value: string, cls?: string): OscalProp => ({ name, ns: KEYGRADE_OSCAL_NS, value: oneLine(value), ...(cls ? { class: cls } : {}) });
/** OSCAL StringDatatype (`^\S(.*\S)?$`): one line, no leading or trailing space. */
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim() || '-';

// OSCAL 1.0.6 DateTimeWithTimezoneDatatype, loosely (the schema also bounds each field).
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A date-time with time zone: a date becomes its midnight UTC; other forms are normalised through Date. */
function dateTime(value: string, what: string): string {
  if (DATE_TIME.test(value)) return value;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value}T00:00:00Z`;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new ReportError('REPORT_RENDER_FAILED', `${what} is not a date-time: ${value}`);
  return d.toISOString();
}

const UUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[45][0-9A-Fa-f]{3}-[89ABab][0-9A-Fa-f]{3}-[0-9A-Fa-f]{12}$/;

/** An evidence reference as a URI reference: URLs as they are, paths percent-encoded (spaces, backslashes). */
function evidenceHref(ref: string): string | undefined {
  if (/^https?:\/\//i.test(ref)) return ref;
  const href = encodeURI(ref.replace(/\\/g, '/'));
  // A relative path whose first segment has a colon would read as a scheme: leave such a path to the description.
  return /^[^/]*:/.test(href) ? undefined : href;
}

/**
 * Renders the report model as an OSCAL 1.0.6 assessment-results document (pretty JSON string).
 * @example renderOscalAssessmentResults(model, { uuid: () => crypto.randomUUID() })
 */
export function renderOscalAssessmentResults(model: ReportModel, opts: OscalArOptions): string {
  return `${JSON.stringify(buildOscalAssessmentResults(model, opts), null, 2)}\n`;
}

/** The OSCAL assessment-results document as an object (see {@link renderOscalAssessmentResults}). */
export function buildOscalAssessmentResults(model: ReportModel, opts: OscalArOptions): OscalAssessmentResultsDocument {
  const uuid = () => {
    const u = opts.uuid();
    if (!UUID.test(u)) throw new ReportError('REPORT_RENDER_FAILED', `uuid() must return a version 4 or 5 UUID (OSCAL UUIDDatatype), got ${JSON.stringify(u)}`);
    return u;
  };
  const L = labels('en');
  const { meta, edition, score } = model;
  const lastModified = dateTime(model.generatedAt, 'generatedAt');
  const start = dateTime(meta.assessedAt, 'assessed_at');
  const system = score.systemLevel === 0 ? 'uncertified' : `Level ${roman(score.systemLevel)}`;

  const docUuid = uuid();
  const orgParty = uuid();
  const assessorParty = meta.assessor ? uuid() : undefined;
  const planResource = uuid();

  // Observations: one per answer key that references evidence.
  const byKey = new Map<string, ReportModel['evidence']>();
  for (const e of model.evidence) byKey.set(e.key, [...(byKey.get(e.key) ?? []), e]);
  const observationOf = new Map<string, string>();
  const observations: Observation[] = [...byKey].map(([key, list]) => {
    const id = uuid();
    observationOf.set(key, id);
    return {
      uuid: id,
      title: `Evidence for ${key}`,
      description: `Evidence the self-assessment references for ${key}, identified by SHA-256.`,
      methods: ['EXAMINE'],
      collected: start,
      'relevant-evidence': list.map((e) => {
        const href = evidenceHref(e.ref);
        return {
          ...(href ? { href } : {}),
          description: e.description ? `${e.ref}: ${e.description}` : e.ref,
          props: [prop('sha256', e.sha256), prop('evidence-check', e.state), ...(e.actual ? [prop('sha256-found', e.actual)] : [])],
        };
      }),
    };
  });

  const findings: Finding[] = [];
  for (const r of model.requirements) {
    if (r.status === 'not_assessed') continue;
    const remarks = [r.note, r.carried ? `${L.carried[r.carried.field]}: ${r.carried.text}` : undefined].filter((x): x is string => !!x);
    const observation = r.key === undefined ? undefined : observationOf.get(r.key);
    findings.push({
      uuid: uuid(),
      title: `${r.id}: ${r.controlTitle}`,
      description: r.text,
      props: [prop('level', String(r.level)), prop('aspect', r.aspectId)],
      target: {
        type: 'objective-id',
        'target-id': oscalId(r.id),
        status: { state: r.satisfied ? 'satisfied' : 'not-satisfied', reason: r.status, remarks: STATUS_RULES[r.status].label },
      },
      ...(observation ? { 'related-observations': [{ 'observation-uuid': observation }] } : {}),
      ...(remarks.length > 0 ? { remarks: remarks.join('\n\n') } : {}),
    });
  }

  const result = {
    uuid: uuid(),
    title: `CCSS self-assessment of ${oneLine(meta.system)} against ${edition.name}`,
    description:
      `Self-assessment of ${meta.system} (${meta.organization}) against ${edition.name} (${edition.id}), made with Keygrade. ` +
      `System level: ${system} (the lowest aspect level). ${score.complete ? 'Every requirement is answered.' : `${score.notAssessed.length} requirements are not assessed.`} ` +
      'This is a self-assessment, not a CCSS certification.',
    start,
    props: [
      prop('edition', edition.id),
      prop('system-level', String(score.systemLevel)),
      prop('complete', String(score.complete)),
      ...score.aspects.map((a) => prop('aspect-level', String(a.level), oscalId(a.id))),
    ],
    'reviewed-controls': {
      description: `Every requirement of ${edition.name}, by the control ids of Keygrade's OSCAL catalog export.`,
      'control-selections': [{ 'include-controls': model.requirements.map((r) => ({ 'control-id': oscalId(r.id) })) }],
    },
    ...(observations.length > 0 ? { observations } : {}),
    ...(findings.length > 0 ? { findings } : {}),
  };

  const metadata = {
    title: oneLine(`CCSS self-assessment results: ${meta.organization} — ${meta.system}`),
    'last-modified': lastModified,
    version: oneLine(meta.assessedAt),
    'oscal-version': OSCAL_VERSION,
    props: [prop('edition', edition.id), prop('generator', 'keygrade')],
    roles: [
      { id: 'system-owner', title: 'System Owner' },
      ...(assessorParty ? [{ id: 'assessor', title: 'Assessor' }] : []),
    ],
    parties: [
      { uuid: orgParty, type: 'organization', name: oneLine(meta.organization) },
      ...(assessorParty && meta.assessor ? [{ uuid: assessorParty, type: 'person', name: oneLine(meta.assessor) }] : []),
    ],
    'responsible-parties': [
      { 'role-id': 'system-owner', 'party-uuids': [orgParty] },
      ...(assessorParty ? [{ 'role-id': 'assessor', 'party-uuids': [assessorParty] }] : []),
    ],
    remarks: `Self-assessment, not a CCSS certification.${meta.scope ? ` Scope: ${meta.scope}` : ''}`,
  };

  return {
    'assessment-results': {
      uuid: docUuid,
      metadata,
      'import-ap': { href: `#${planResource}`, remarks: 'A Keygrade self-assessment has no OSCAL assessment plan; the referenced resource says what was assessed.' },
      results: [result],
      'back-matter': {
        resources: [
          {
            uuid: planResource,
            title: `Keygrade self-assessment plan: ${oneLine(meta.system)}`,
            description: `Self-assessment of every requirement of ${edition.name} (${edition.id}), recorded in a Keygrade assessment file (assessment/v1).`,
            props: [prop('edition', edition.id)],
          },
        ],
      },
    },
  };
}
