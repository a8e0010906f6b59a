/**
 * Adding and changing register entries. Security tests have a structured form (scope, tester,
 * dates, report, findings with severity, owner, due date and remediation); every other register,
 * including kinds this page does not know yet, is edited as the entry's JSON. The server validates
 * every entry and answers field problems, shown next to the field they name (and all together
 * above the buttons). Fields the form does not show (a retest, audited code) are kept as they were.
 */
import { useState, type FormEvent } from 'react';
import { api, ApiError, seg } from '../../api/client';
import { ErrorMessage, Notice, SelectField, TextField } from '../../components/ui';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { useAction } from '../../hooks';
import { messageFor, problemsOf } from './fields';
import { registerLabel } from './labels';
import type { EntryRecord } from './types';

interface FormProps {
  orgId: string;
  register: string;
  /** The entry to change; absent to add one. */
  record?: EntryRecord;
  onSaved(record: EntryRecord): void;
  onCancel(): void;
}

/** Saves an entry: POST for a new one, PUT with the version read for a change. */
async function save(orgId: string, register: string, record: EntryRecord | undefined, entry: Record<string, unknown>): Promise<EntryRecord> {
  const base = `/api/orgs/${seg(orgId)}/compliance/registers/${seg(register)}`;
  const r = record
    ? await api<{ entry: EntryRecord }>(`${base}/entries/${seg(record.id)}`, { method: 'PUT', json: { version: record.version, entry } })
    : await api<{ entry: EntryRecord }>(base, { json: entry });
  return r.entry;
}

/** Drops empty strings and objects left empty, so a blank field is an absent field (as in the CSV files). */
function compact(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(compact);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const c = compact(x);
      if (c === '' || c === undefined) continue;
      if (c && typeof c === 'object' && !Array.isArray(c) && Object.keys(c).length === 0) continue;
      out[k] = c;
    }
    return out;
  }
  return typeof v === 'string' ? v.trim() : v;
}

/** Saves an entry; a 409 keeps the current version, so a second save replaces it knowingly. */
function useSaver(props: FormProps) {
  const { busy, error, run } = useAction();
  const [conflict, setConflict] = useState<EntryRecord | null>(null);
  const submit = (entry: Record<string, unknown>) =>
    run(async () => {
      try {
        props.onSaved(await save(props.orgId, props.register, conflict ?? props.record, entry));
        setConflict(null);
      } catch (e) {
        if (e instanceof ApiError && e.status === 409 && e.body.current && typeof e.body.current === 'object') setConflict(e.body.current as EntryRecord);
        throw e;
      }
    });
  return { error, busy, conflict, submit };
}

/** The end of an entry form: who saved in between (after a 409), the error, save and cancel. */
function SaveRow({ saver, onCancel }: { saver: ReturnType<typeof useSaver>; onCancel(): void }) {
  const { t } = useI18n();
  const { conflict, error, busy } = saver;
  return (
    <>
      {conflict ? (
        <Notice kind="warning">
          <p>{t('compliance.form.conflict', { version: conflict.version, by: conflict.updatedBy })}</p>
        </Notice>
      ) : null}
      <ErrorMessage error={error} />
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {conflict ? t('compliance.form.saveAnyway') : t('compliance.form.save')}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </>
  );
}

// ---- security tests ------------------------------------------------------------------------------

const TEST_KINDS = ['penetration_test', 'security_audit', 'smart_contract_audit'] as const;
const RELATIONS = ['third_party', 'internal'] as const;
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
const REMEDIATION = ['open', 'in_progress', 'remediated', 'risk_accepted'] as const;

interface FindingDraft {
  id: string;
  title: string;
  severity: string;
  owner: string;
  due: string;
  remediation: string;
  resolvedOn: string;
  /** Fields of the stored finding the form does not show (retest, note). */
  rest: Record<string, unknown>;
}

interface TestDraft {
  id: string;
  kind: string;
  scope: string;
  testerName: string;
  relation: string;
  plannedOn: string;
  startedOn: string;
  performedOn: string;
  reportedOn: string;
  reportSha256: string;
  reportDescription: string;
  findings: FindingDraft[];
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

function testDraftOf(e: Record<string, unknown> | undefined): TestDraft {
  const tester = obj(e?.tester);
  const report = obj(e?.report);
  const findings = Array.isArray(e?.findings) ? (e.findings as Record<string, unknown>[]) : [];
  return {
    id: str(e?.id),
    kind: str(e?.kind) || 'penetration_test',
    scope: str(e?.scope),
    testerName: str(tester.name),
    relation: str(tester.relation) || 'third_party',
    plannedOn: str(e?.plannedOn),
    startedOn: str(e?.startedOn),
    performedOn: str(e?.performedOn),
    reportedOn: str(e?.reportedOn),
    reportSha256: str(report.sha256),
    reportDescription: str(report.description),
    findings: findings.map((f) => {
      const { id, title, severity, owner, due, remediation, resolvedOn, ...rest } = f;
      return { id: str(id), title: str(title), severity: str(severity), owner: str(owner), due: str(due), remediation: str(remediation) || 'open', resolvedOn: str(resolvedOn), rest };
    }),
  };
}

function testEntryOf(d: TestDraft, prior: Record<string, unknown> | undefined): Record<string, unknown> {
  const report = { ...obj(prior?.report), sha256: d.reportSha256, description: d.reportDescription };
  const entry = {
    ...(prior ?? {}),
    id: d.id,
    kind: d.kind,
    scope: d.scope,
    tester: { name: d.testerName, relation: d.relation },
    plannedOn: d.plannedOn,
    startedOn: d.startedOn,
    performedOn: d.performedOn,
    reportedOn: d.reportedOn,
    report: d.reportSha256 ? report : undefined,
    findings: d.findings.map((f) => ({ ...f.rest, id: f.id, title: f.title, severity: f.severity, owner: f.owner, due: f.due, remediation: f.remediation, resolvedOn: f.resolvedOn })),
  };
  return compact(entry) as Record<string, unknown>;
}

export function SecurityTestForm(props: FormProps) {
  const { t } = useI18n();
  const [d, setD] = useState<TestDraft>(() => testDraftOf(props.record?.entry));
  const saver = useSaver(props);
  const { error, submit } = saver;
  const problems = problemsOf(error);
  const err = (path: string) => messageFor(problems, path);
  const set = (k: keyof Omit<TestDraft, 'findings'>) => (e: { target: { value: string } }) => setD({ ...d, [k]: e.target.value });
  const setFinding = (i: number, k: keyof Omit<FindingDraft, 'rest'>) => (e: { target: { value: string } }) => setD({ ...d, findings: d.findings.map((f, j) => (j === i ? { ...f, [k]: e.target.value } : f)) });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void submit(testEntryOf(d, props.record?.entry));
  };
  const heading = props.record ? t('compliance.form.editTitle', { id: props.record.id }) : t('compliance.form.addTitle', { register: t('compliance.register.securityTests') });
  return (
    <form className="card form" onSubmit={onSubmit} aria-labelledby="entry-form-h" noValidate>
      <h3 id="entry-form-h">{heading}</h3>
      <div className="grid-2">
        <TextField label={t('compliance.test.id')} value={d.id} onChange={set('id')} readOnly={Boolean(props.record)} error={err('id')} />
        <SelectField label={t('compliance.test.kind')} value={d.kind} onChange={set('kind')} error={err('kind')}>
          {TEST_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`compliance.testKind.${k}` as MessageKey)}
            </option>
          ))}
        </SelectField>
      </div>
      <TextField label={t('compliance.test.scope')} value={d.scope} onChange={set('scope')} error={err('scope')} />
      <div className="grid-2">
        <TextField label={t('compliance.test.tester')} value={d.testerName} onChange={set('testerName')} error={err('tester.name') ?? err('tester')} />
        <SelectField label={t('compliance.test.relation')} value={d.relation} onChange={set('relation')} error={err('tester.relation')}>
          {RELATIONS.map((r) => (
            <option key={r} value={r}>
              {t(`compliance.relation.${r}` as MessageKey)}
            </option>
          ))}
        </SelectField>
      </div>
      <fieldset className="fieldset">
        <legend>{t('compliance.test.dates')}</legend>
        <div className="grid-2">
          <TextField type="date" label={t('compliance.test.plannedOn')} value={d.plannedOn} onChange={set('plannedOn')} error={err('plannedOn')} />
          <TextField type="date" label={t('compliance.test.startedOn')} value={d.startedOn} onChange={set('startedOn')} error={err('startedOn')} />
          <TextField type="date" label={t('compliance.test.performedOn')} hint={t('compliance.test.performedOnHint')} value={d.performedOn} onChange={set('performedOn')} error={err('performedOn')} />
          <TextField type="date" label={t('compliance.test.reportedOn')} value={d.reportedOn} onChange={set('reportedOn')} error={err('reportedOn')} />
        </div>
      </fieldset>
      <div className="grid-2">
        <TextField label={t('compliance.test.reportSha256')} hint={t('compliance.test.reportSha256Hint')} value={d.reportSha256} onChange={set('reportSha256')} error={err('report.sha256') ?? err('report')} spellCheck={false} />
        <TextField label={t('compliance.test.reportDescription')} value={d.reportDescription} onChange={set('reportDescription')} error={err('report.description')} />
      </div>
      <fieldset className="fieldset">
        <legend>{t('compliance.test.findings')}</legend>
        {d.findings.length === 0 ? <p className="muted">{t('compliance.test.noFindings')}</p> : null}
        {d.findings.map((f, i) => {
          const at = `findings.${i}`;
          return (
            <fieldset key={i} className="fieldset">
              <legend>{t('compliance.finding.legend', { n: i + 1 })}</legend>
              <div className="grid-2">
                <TextField label={t('compliance.finding.id')} value={f.id} onChange={setFinding(i, 'id')} error={err(`${at}.id`)} />
                <TextField label={t('compliance.finding.title')} value={f.title} onChange={setFinding(i, 'title')} error={err(`${at}.title`)} />
                <SelectField label={t('compliance.finding.severity')} value={f.severity} onChange={setFinding(i, 'severity')} error={err(`${at}.severity`)}>
                  <option value="">{t('compliance.finding.chooseSeverity')}</option>
                  {SEVERITIES.map((s) => (
                    <option key={s} value={s}>
                      {t(`compliance.severity.${s}` as MessageKey)}
                    </option>
                  ))}
                </SelectField>
                <TextField label={t('compliance.finding.owner')} value={f.owner} onChange={setFinding(i, 'owner')} error={err(`${at}.owner`)} />
                <TextField type="date" label={t('compliance.finding.due')} value={f.due} onChange={setFinding(i, 'due')} error={err(`${at}.due`)} />
                <SelectField label={t('compliance.finding.remediation')} value={f.remediation} onChange={setFinding(i, 'remediation')} error={err(`${at}.remediation`)}>
                  {REMEDIATION.map((s) => (
                    <option key={s} value={s}>
                      {t(`compliance.remediation.${s}` as MessageKey)}
                    </option>
                  ))}
                </SelectField>
                <TextField type="date" label={t('compliance.finding.resolvedOn')} value={f.resolvedOn} onChange={setFinding(i, 'resolvedOn')} error={err(`${at}.resolvedOn`)} />
              </div>
              <button type="button" className="btn btn-small" onClick={() => setD({ ...d, findings: d.findings.filter((_, j) => j !== i) })}>
                {t('compliance.finding.remove', { n: i + 1 })}
              </button>
            </fieldset>
          );
        })}
        <button
          type="button"
          className="btn btn-small"
          onClick={() => setD({ ...d, findings: [...d.findings, { id: `F${d.findings.length + 1}`, title: '', severity: '', owner: '', due: '', remediation: 'open', resolvedOn: '', rest: {} }] })}
        >
          {t('compliance.finding.add')}
        </button>
      </fieldset>
      <SaveRow saver={saver} onCancel={props.onCancel} />
    </form>
  );
}

// ---- any other register: the entry as JSON -------------------------------------------------------

/** Starting points for a new entry of the registers known today; any other kind starts from an id. */
const TEMPLATES: Record<string, Record<string, unknown>> = {
  sanitization: { id: '', mediaId: '', mediaType: '', held: '', method: 'purge', tool: '', toolConfiguration: '', performedBy: '', witnessedBy: '', performedOn: '' },
  policies: { id: '', kind: 'key_storage', version: '1', owner: '', approval: { by: '', on: '' }, nextReview: '', text: '' },
  people: { id: '', roles: ['keyholder'], grantedOn: '', checks: [], training: [], acknowledgements: [] },
  providers: { id: '', name: '', service: '', certificate: { reference: '', issuer: '', level: 2, issuedOn: '', expiresOn: '' }, covers: [] },
  drills: { id: '', scenario: '', performedOn: '', participants: [], observations: '', improvements: '' },
  kcpProtocols: {
    id: '',
    version: '1',
    owner: '',
    approval: { by: '', on: '' },
    nextReview: '',
    keyClasses: [{ name: '', critical: true, keys: [] }],
    roles: [{ name: '', responsibilities: '', holders: [], backups: [] }],
    steps: [{ action: '', role: '', keyClasses: [], within: '' }],
    channels: [{ name: '', authentication: '', purpose: '' }],
  },
  grantRevoke: {
    id: '',
    action: 'grant',
    person: '',
    role: 'keyholder',
    requestedBy: '',
    requestedOn: '',
    channel: { name: '', authentication: '' },
    approvedBy: '',
    approvedOn: '',
    performedBy: '',
    performedOn: '',
    checklist: [{ item: '', done: false }],
    attestation: { by: '', on: '' },
  },
};

export function JsonEntryForm(props: FormProps) {
  const { t } = useI18n();
  const [text, setText] = useState(() => JSON.stringify(props.record?.entry ?? TEMPLATES[props.register] ?? { id: '' }, null, 2));
  const [parseError, setParseError] = useState<string>();
  const saver = useSaver(props);
  const { error, submit } = saver;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    let entry: unknown;
    try {
      entry = JSON.parse(text);
    } catch (x) {
      setParseError(t('compliance.form.badJson', { message: (x as Error).message }));
      return;
    }
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      setParseError(t('compliance.form.notObject'));
      return;
    }
    setParseError(undefined);
    void submit(entry as Record<string, unknown>);
  };
  const heading = props.record ? t('compliance.form.editTitle', { id: props.record.id }) : t('compliance.form.addTitle', { register: registerLabel(t, props.register) });
  return (
    <form className="card form" onSubmit={onSubmit} aria-labelledby="entry-form-h">
      <h3 id="entry-form-h">{heading}</h3>
      <div className="field">
        <label htmlFor="entry-json">{t('compliance.form.json')}</label>
        <textarea
          id="entry-json"
          rows={16}
          spellCheck={false}
          className="code"
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-describedby="entry-json-hint"
          aria-invalid={parseError || error ? true : undefined}
        />
        <p className="hint" id="entry-json-hint">
          {t('compliance.form.jsonHint')}
        </p>
        {parseError ? (
          <p className="field-error" role="alert">
            {parseError}
          </p>
        ) : null}
      </div>
      <SaveRow saver={saver} onCancel={props.onCancel} />
    </form>
  );
}

/** The form for a register: structured for security tests, JSON for the rest. */
export function EntryForm(props: FormProps) {
  return props.register === 'securityTests' ? <SecurityTestForm {...props} /> : <JsonEntryForm {...props} />;
}
