/**
 * Testing per requirement. A compact list (filter by text, aspect and finding) where each row is
 * a disclosure button; the open row shows, for auditors, the editor: techniques performed with
 * notes and evidence, the finding with the field it must carry, rationale and auditor-only notes,
 * saved with the test's `version` (409: someone else saved; reload). "Save and next" (also
 * Ctrl+Enter) moves to the next row of the filtered list. The reviewer and the auditee see the
 * same rows read-only (the reviewer without auditor notes and with evidence as title + SHA-256).
 */
import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { api, download, seg } from '../../api/client';
import { CARRIES, STATUSES, TECHNIQUES, type EngagementEvidenceRef, type EngagementRequirement, type EngagementView, type Evidence, type Status, type Technique, type TestView } from '../../api/types';
import { ErrorMessage, LevelBadge, Notice } from '../../components/ui';
import { useLoad } from '../../hooks';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { aspectOf, fieldError, isConflict, useAction } from './common';
import { RaiseQuery } from './review';

const FINDINGS = STATUSES.filter((s) => s !== 'not_assessed');
type Filter = '' | 'open' | 'concluded' | Status;

export function Testing({ v, onChange }: { v: EngagementView; onChange(): void }) {
  const { t } = useI18n();
  const e = v.engagement;
  const editable = v.you.isAuditor && (e.status === 'fieldwork' || e.status === 'in_review');
  const library = useLoad(() => (v.you.isAuditor ? api<{ evidence: Evidence[] }>(`/api/engagements/${seg(e.id)}/evidence`) : Promise.resolve({ evidence: [] as Evidence[] })), [e.id, v.you.isAuditor]);
  const [query, setQuery] = useState('');
  const [aspect, setAspect] = useState('');
  const [filter, setFilter] = useState<Filter>('');
  const [openId, setOpenId] = useState<string | null>(null);
  const [focusId, setFocusId] = useState<string | null>(null);
  const aspects = useMemo(() => {
    const titles = new Map<string, string>();
    if (v.conclusion && 'aspects' in v.conclusion) for (const a of v.conclusion.aspects) titles.set(a.id, a.title);
    const ids = [...new Set(v.requirements.map((r) => aspectOf(r.controlId)))];
    return ids.map((id) => ({ id, title: titles.get(id) ?? '' }));
  }, [v.requirements, v.conclusion]);
  const openThreads = useMemo(() => {
    const m = new Map<string, number>();
    for (const th of v.threads) if (th.status === 'open') m.set(th.requirementId, (m.get(th.requirementId) ?? 0) + 1);
    return m;
  }, [v.threads]);
  const rows = useMemo(() => {
    const q = query.trim().toLowerCase();
    return v.requirements.filter((r) => {
      const status = r.test?.status ?? null;
      if (aspect && aspectOf(r.controlId) !== aspect) return false;
      if (filter === 'open' && status !== null) return false;
      if (filter === 'concluded' && status === null) return false;
      if (filter !== '' && filter !== 'open' && filter !== 'concluded' && status !== filter) return false;
      return q === '' || r.id.toLowerCase().includes(q) || r.text.toLowerCase().includes(q);
    });
  }, [v.requirements, query, aspect, filter]);
  const concluded = v.requirements.filter((r) => r.test?.status).length;

  const openNext = (id: string) => {
    const i = rows.findIndex((r) => r.id === id);
    const next = rows[i + 1];
    setOpenId(next?.id ?? null);
    setFocusId(next?.id ?? null);
  };

  return (
    <section className="card" aria-labelledby="testing-h">
      <div className="section-head">
        <h2 id="testing-h">{t('testing.title')}</h2>
        <p className="muted small" role="status">
          {t('testing.progress', { done: concluded, total: v.requirements.length })}
        </p>
      </div>
      {editable ? <p className="hint">{t('testing.hint')}</p> : null}
      <ErrorMessage error={library.error} />
      <div className="filters">
        <div className="field">
          <label htmlFor="testing-q">{t('testing.search')}</label>
          <input id="testing-q" type="search" value={query} onChange={(x) => setQuery(x.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="testing-aspect">{t('testing.aspect')}</label>
          <select id="testing-aspect" value={aspect} onChange={(x) => setAspect(x.target.value)}>
            <option value="">{t('testing.allAspects')}</option>
            {aspects.map((a) => (
              <option key={a.id} value={a.id}>
                {a.id} {a.title}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="testing-filter">{t('testing.finding')}</label>
          <select id="testing-filter" value={filter} onChange={(x) => setFilter(x.target.value as Filter)}>
            <option value="">{t('testing.all')}</option>
            <option value="open">{t('testing.notConcluded')}</option>
            <option value="concluded">{t('testing.concluded')}</option>
            {FINDINGS.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p className="muted small">{t('testing.shown', { shown: rows.length, total: v.requirements.length })}</p>
      <ul className="test-rows">
        {rows.map((r) => (
          <Row
            key={r.id}
            v={v}
            r={r}
            open={openId === r.id}
            focus={focusId === r.id}
            editable={editable}
            library={library.data?.evidence ?? []}
            openQueries={openThreads.get(r.id) ?? 0}
            onToggle={() => setOpenId(openId === r.id ? null : r.id)}
            onSaved={(next) => {
              onChange();
              if (next) openNext(r.id);
            }}
            onChange={onChange}
          />
        ))}
      </ul>
    </section>
  );
}

interface RowProps {
  v: EngagementView;
  r: EngagementRequirement;
  open: boolean;
  focus: boolean;
  editable: boolean;
  library: Evidence[];
  openQueries: number;
  onToggle(): void;
  onSaved(next: boolean): void;
  onChange(): void;
}

function Row({ v, r, open, focus, editable, library, openQueries, onToggle, onSaved, onChange }: RowProps) {
  const { t } = useI18n();
  const status = r.test?.status ?? null;
  const button = useRef<HTMLButtonElement>(null);
  const panel = `test-panel-${r.id}`;
  const statusText = status ? t(`status.${status}` as MessageKey) : t('testing.notConcluded');
  const techniques = (r.test?.techniques ?? []).map((x) => t(`technique.${x.technique}` as MessageKey)).join(', ');
  return (
    <li className={`test-row${status ? ` status-border-${status}` : ''}`} id={`test-${r.id}`}>
      <button ref={button} type="button" className="test-row-head" aria-expanded={open} aria-controls={panel} onClick={onToggle}>
        <span className="id">{r.id}</span> <LevelBadge level={r.level} /> <span className={`status-chip${status ? ` status-${status}` : ''}`}>{statusText}</span>
        {techniques ? <span className="muted small">{techniques}</span> : null}
        {openQueries > 0 ? <span className="tag tag-warn">{t('testing.openQueries', { n: openQueries })}</span> : null}
        <span className="test-row-text">{r.text}</span>
      </button>
      {open ? (
        <div id={panel} className="test-panel">
          {editable ? (
            <Editor
              v={v}
              r={r}
              focus={focus}
              library={library}
              onSaved={onSaved}
              onClose={() => {
                onToggle();
                button.current?.focus();
              }}
            />
          ) : (
            <Details v={v} test={r.test ?? null} />
          )}
          {v.you.isReviewer && v.engagement.status === 'in_review' ? <RaiseQuery v={v} requirementId={r.id} onChange={onChange} /> : null}
        </div>
      ) : null}
    </li>
  );
}

function EvidenceRefs({ v, refs }: { v: EngagementView; refs: EngagementEvidenceRef[] }) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>();
  if (refs.length === 0) return null;
  return (
    <ul className="list small">
      {refs.map((x) => (
        <li key={x.id}>
          {x.title} {x.sha256 ? <code title={x.sha256}>sha256 {x.sha256}</code> : null}{' '}
          {x.downloadable ? (
            <button type="button" className="btn-link" onClick={() => download(`/api/engagements/${seg(v.engagement.id)}/evidence/${seg(x.id)}/content`, x.filename ?? 'evidence').catch(setError)}>
              {t('testing.downloadEvidence')}
            </button>
          ) : null}
        </li>
      ))}
      {error ? (
        <li>
          <ErrorMessage error={error} />
        </li>
      ) : null}
    </ul>
  );
}

/** The test as recorded, read-only (reviewer, auditee, or a closed engagement). */
function Details({ v, test }: { v: EngagementView; test: TestView | null }) {
  const { t } = useI18n();
  if (!test) return <p className="muted">{t('testing.nothingYet')}</p>;
  const carried = test.status ? CARRIES[test.status] : null;
  return (
    <dl className="kv">
      {test.claimed ? (
        <>
          <dt>{t('testing.claimed')}</dt>
          <dd>
            {t(`status.${test.claimed.status}` as MessageKey)}
            {test.claimed.note ? ` — ${test.claimed.note}` : ''}
          </dd>
        </>
      ) : null}
      {test.techniques && test.techniques.length > 0 ? (
        <>
          <dt>{t('testing.techniques')}</dt>
          <dd>
            <ul className="list">
              {test.techniques.map((x) => (
                <li key={x.technique}>
                  <strong>{t(`technique.${x.technique}` as MessageKey)}</strong>
                  {x.notes ? ` — ${x.notes}` : ''}
                  <EvidenceRefs v={v} refs={x.evidence} />
                </li>
              ))}
            </ul>
          </dd>
        </>
      ) : null}
      <dt>{t('testing.finding')}</dt>
      <dd>{test.status ? t(`status.${test.status}` as MessageKey) : t('testing.notConcluded')}</dd>
      {carried && test[carried] ? (
        <>
          <dt>{t(`answer.${carried}` as MessageKey)}</dt>
          <dd>{test[carried]}</dd>
        </>
      ) : null}
      {test.rationale ? (
        <>
          <dt>{t('testing.rationale')}</dt>
          <dd>{test.rationale}</dd>
        </>
      ) : null}
      {test.auditorNotes ? (
        <>
          <dt>{t('testing.auditorNotes')}</dt>
          <dd>{test.auditorNotes}</dd>
        </>
      ) : null}
    </dl>
  );
}

interface Draft {
  techniques: Partial<Record<Technique, { notes: string; evidenceIds: string[] }>>;
  status: Status | '';
  comparableControl: string;
  reliesOn: string;
  justification: string;
  rationale: string;
  auditorNotes: string;
}

function draftOf(test: TestView | null | undefined): Draft {
  const techniques: Draft['techniques'] = {};
  for (const x of test?.techniques ?? []) techniques[x.technique] = { notes: x.notes ?? '', evidenceIds: x.evidence.map((e) => e.id) };
  return {
    techniques,
    status: test?.status ?? '',
    comparableControl: test?.comparableControl ?? '',
    reliesOn: test?.reliesOn ?? '',
    justification: test?.justification ?? '',
    rationale: test?.rationale ?? '',
    auditorNotes: test?.auditorNotes ?? '',
  };
}

function bodyOf(d: Draft, version: number) {
  const carried = d.status ? CARRIES[d.status] : null;
  return {
    version,
    techniques: TECHNIQUES.filter((x) => d.techniques[x]).map((x) => {
      const rec = d.techniques[x]!;
      return { technique: x, ...(rec.notes.trim() ? { notes: rec.notes } : {}), ...(rec.evidenceIds.length > 0 ? { evidenceIds: rec.evidenceIds } : {}) };
    }),
    status: d.status === '' ? null : d.status,
    ...(carried ? { [carried]: d[carried] } : {}),
    rationale: d.rationale.trim() ? d.rationale : null,
    auditorNotes: d.auditorNotes.trim() ? d.auditorNotes : null,
  };
}

function Editor({ v, r, focus, library, onSaved, onClose }: { v: EngagementView; r: EngagementRequirement; focus: boolean; library: Evidence[]; onSaved(next: boolean): void; onClose(): void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<Draft>(() => draftOf(r.test));
  const [version, setVersion] = useState(r.test?.version ?? 0);
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (focus) first.current?.focus();
  }, [focus]);
  // A reload after someone else saved brings a newer version: take it (the user chose to reload).
  const serverVersion = r.test?.version ?? 0;
  const [seen, setSeen] = useState(serverVersion);
  if (serverVersion !== seen) {
    setSeen(serverVersion);
    if (serverVersion > version) {
      setVersion(serverVersion);
      setDraft(draftOf(r.test));
      action.clear();
    }
  }
  const carried = draft.status ? CARRIES[draft.status] : null;
  const id = `t-${r.id.replace(/\./g, '-')}`;
  const save = async (next: boolean) => {
    setSaved(false);
    let newVersion = version;
    const ok = await action.run(async () => {
      newVersion = (await api<{ test: { version: number } }>(`/api/engagements/${seg(v.engagement.id)}/tests/${seg(r.id)}`, { method: 'PUT', json: bodyOf(draft, version) })).test.version;
    });
    if (ok) {
      setVersion(newVersion);
      setSeen(newVersion);
      setSaved(true);
      onSaved(next);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save(false);
  };
  const keys = (e: KeyboardEvent<HTMLFormElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void save(true);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    }
  };
  const setTechnique = (x: Technique, on: boolean) => {
    const techniques = { ...draft.techniques };
    if (on) techniques[x] = techniques[x] ?? { notes: '', evidenceIds: [] };
    else delete techniques[x];
    setDraft({ ...draft, techniques });
  };
  const setField = (k: 'comparableControl' | 'reliesOn' | 'justification' | 'rationale' | 'auditorNotes') => (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value });
  return (
    <form className="test-form" onSubmit={submit} onKeyDown={keys} aria-label={t('testing.editorOf', { id: r.id })} aria-busy={action.busy}>
      {r.test?.claimed ? (
        <p className="small">
          <strong>{t('testing.claimed')}:</strong> {t(`status.${r.test.claimed.status}` as MessageKey)}
          {r.test.claimed.note ? ` — ${r.test.claimed.note}` : ''}
        </p>
      ) : null}
      <fieldset className="techniques">
        <legend>{t('testing.techniques')}</legend>
        {fieldError(action.error, 'techniques') ? <p className="field-error">{fieldError(action.error, 'techniques')}</p> : null}
        {TECHNIQUES.map((x, i) => {
          const rec = draft.techniques[x];
          return (
            <div key={x} className="technique">
              <label>
                <input ref={i === 0 ? first : undefined} type="checkbox" checked={rec !== undefined} onChange={(e) => setTechnique(x, e.target.checked)} /> {t(`technique.${x}` as MessageKey)}
              </label>
              {rec ? (
                <div className="technique-detail">
                  <div className="field">
                    <label htmlFor={`${id}-${x}-notes`}>{t('testing.techniqueNotes', { technique: t(`technique.${x}` as MessageKey) })}</label>
                    <textarea id={`${id}-${x}-notes`} rows={2} value={rec.notes} onChange={(e) => setDraft({ ...draft, techniques: { ...draft.techniques, [x]: { ...rec, notes: e.target.value } } })} />
                  </div>
                  {library.length > 0 ? (
                    <div className="field">
                      <label htmlFor={`${id}-${x}-ev`}>{t('testing.techniqueEvidence', { technique: t(`technique.${x}` as MessageKey) })}</label>
                      <select
                        id={`${id}-${x}-ev`}
                        multiple
                        size={Math.max(2, Math.min(4, library.length))}
                        value={rec.evidenceIds}
                        onChange={(e) => setDraft({ ...draft, techniques: { ...draft.techniques, [x]: { ...rec, evidenceIds: [...e.target.selectedOptions].map((o) => o.value) } } })}
                      >
                        {library.map((ev) => (
                          <option key={ev.id} value={ev.id}>
                            {ev.title} ({ev.filename ?? ev.id})
                          </option>
                        ))}
                      </select>
                      {fieldError(action.error, `techniques.${TECHNIQUES.filter((y) => draft.techniques[y]).indexOf(x)}.evidenceIds`) ? (
                        <p className="field-error">{fieldError(action.error, `techniques.${TECHNIQUES.filter((y) => draft.techniques[y]).indexOf(x)}.evidenceIds`)}</p>
                      ) : null}
                    </div>
                  ) : null}
                </div>
              ) : null}
            </div>
          );
        })}
      </fieldset>
      <div className="test-fields">
        <div className="field">
          <label htmlFor={`${id}-status`}>{t('testing.finding')}</label>
          <select id={`${id}-status`} value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value as Status | '' })} aria-invalid={fieldError(action.error, 'status') ? true : undefined}>
            <option value="">{t('testing.notConcluded')}</option>
            {FINDINGS.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}` as MessageKey)}
              </option>
            ))}
          </select>
          {fieldError(action.error, 'status') ? <p className="field-error">{fieldError(action.error, 'status')}</p> : null}
        </div>
        {carried ? (
          <div className="field">
            <label htmlFor={`${id}-carried`}>{t(`answer.${carried}` as MessageKey)}</label>
            <textarea id={`${id}-carried`} rows={2} required value={draft[carried]} onChange={setField(carried)} />
          </div>
        ) : null}
        <div className="field">
          <label htmlFor={`${id}-rationale`}>{t('testing.rationale')}</label>
          <textarea id={`${id}-rationale`} rows={2} value={draft.rationale} onChange={setField('rationale')} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-notes`}>{t('testing.auditorNotes')}</label>
          <textarea id={`${id}-notes`} rows={2} aria-describedby={`${id}-notes-hint`} value={draft.auditorNotes} onChange={setField('auditorNotes')} />
          <p className="hint" id={`${id}-notes-hint`}>
            {t('testing.auditorNotesHint')}
          </p>
        </div>
      </div>
      {isConflict(action.error) ? (
        <div className="alert alert-warning" role="alert">
          <p>{t('testing.conflict')}</p>
          <button type="button" className="btn btn-small" onClick={() => onSaved(false)}>
            {t('testing.reload')}
          </button>
        </div>
      ) : (
        <ErrorMessage error={action.error} />
      )}
      {saved && !action.error ? <Notice kind="success">{t('testing.saved', { id: r.id })}</Notice> : null}
      <div className="row wrap">
        <button type="submit" className="btn btn-primary" disabled={action.busy}>
          {t('testing.save')}
        </button>
        <button type="button" className="btn" disabled={action.busy} onClick={() => void save(true)}>
          {t('testing.saveNext')}
        </button>
        <button type="button" className="btn" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
    </form>
  );
}
