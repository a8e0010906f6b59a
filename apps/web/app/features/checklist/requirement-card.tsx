/**
 * One requirement: status, note, the field the status must carry, evidence, history. Saving sends
 * the version the user started from; a 409 VERSION_CONFLICT shows the other person's answer and
 * lets the user keep theirs or overwrite it with their own (no lost update, platform.md).
 */
import { memo, useId, useState, type FormEvent } from 'react';
import { api, ApiError, seg } from '../../api/client';
import { CARRIES, STATUSES, type Answer, type Evidence, type Requirement, type Scorecard, type Status } from '../../api/types';
import { ErrorMessage, formatDate, LevelBadge } from '../../components/ui';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { EvidenceLinks } from './evidence-links';

export interface Draft {
  status: Status;
  note: string;
  justification: string;
  comparableControl: string;
  reliesOn: string;
}

export function draftOf(a: Answer): Draft {
  return { status: a.status, note: a.note ?? '', justification: a.justification ?? '', comparableControl: a.comparableControl ?? '', reliesOn: a.reliesOn ?? '' };
}

/** The PUT body: only the carried field the status uses (a stray one is an error, docs/assessment-file.md). */
export function bodyOf(d: Draft, version: number): Record<string, unknown> {
  const carried = CARRIES[d.status];
  const body: Record<string, unknown> = { status: d.status, version };
  if (d.note.trim()) body.note = d.note;
  if (carried) body[carried] = d[carried];
  return body;
}

const CARRIED_LABEL: Record<'justification' | 'comparableControl' | 'reliesOn', MessageKey> = {
  justification: 'answer.justification',
  comparableControl: 'answer.comparableControl',
  reliesOn: 'answer.reliesOn',
};
const CARRIED_HINT: Record<'justification' | 'comparableControl' | 'reliesOn', MessageKey> = {
  justification: 'answer.justificationHint',
  comparableControl: 'answer.comparableControlHint',
  reliesOn: 'answer.reliesOnHint',
};

interface Props {
  assessmentId: string;
  orgId: string;
  requirement: Requirement;
  canWrite: boolean;
  library: Evidence[];
  onLibraryChange(): void;
  onScorecard(s: Scorecard): void;
}

export const RequirementCard = memo(function RequirementCard({ assessmentId, orgId, requirement, canWrite, library, onLibraryChange, onScorecard }: Props) {
  const { t, lang } = useI18n();
  const uid = useId();
  const [saved, setSaved] = useState<Answer>(requirement.answer);
  const [draft, setDraft] = useState<Draft>(() => draftOf(requirement.answer));
  const [conflict, setConflict] = useState<Answer | null>(null);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [flash, setFlash] = useState(false);
  const carried = CARRIES[draft.status];
  const dirty = JSON.stringify(draft) !== JSON.stringify(draftOf(saved));
  const path = `/api/assessments/${seg(assessmentId)}/answers/${seg(requirement.id)}`;

  const put = async (version: number) => {
    setBusy(true);
    setError(undefined);
    setFlash(false);
    try {
      const r = await api<{ answer: Answer; scorecard: Scorecard }>(path, { method: 'PUT', json: bodyOf(draft, version) });
      setSaved({ ...r.answer, evidence: r.answer.evidence ?? saved.evidence });
      setDraft(draftOf(r.answer));
      setConflict(null);
      setFlash(true);
      onScorecard(r.scorecard);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.body.current && typeof e.body.current === 'object') setConflict(e.body.current as Answer);
      else setError(e);
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void put(saved.version);
  };
  const keepTheirs = () => {
    if (!conflict) return;
    setSaved(conflict);
    setDraft(draftOf(conflict));
    setConflict(null);
  };
  const useMine = () => {
    if (conflict) void put(conflict.version);
  };

  const set = (k: keyof Draft) => (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value });
  const statusLabel = (s: Status) => t(`status.${s}` as MessageKey);

  return (
    <article className={`req status-border-${saved.status}`} id={`req-${requirement.id}`} aria-labelledby={`${uid}-h`}>
      <header className="req-head">
        <h4 id={`${uid}-h`}>
          <span className="id">{requirement.id}</span> <LevelBadge level={requirement.level} />
        </h4>
        <span className={`status-chip status-${saved.status}`}>{statusLabel(saved.status)}</span>
      </header>
      <p className="req-text">{requirement.text}</p>
      {canWrite ? (
        <form className="req-form" onSubmit={submit}>
          <div className="field">
            <label htmlFor={`${uid}-status`}>{t('answer.status')}</label>
            <select id={`${uid}-status`} value={draft.status} onChange={set('status')}>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {statusLabel(s)}
                </option>
              ))}
            </select>
          </div>
          {carried ? (
            <div className="field">
              <label htmlFor={`${uid}-carried`}>{t(CARRIED_LABEL[carried])}</label>
              <textarea id={`${uid}-carried`} rows={2} required aria-describedby={`${uid}-carried-hint`} value={draft[carried]} onChange={set(carried)} />
              <p className="hint" id={`${uid}-carried-hint`}>
                {t(CARRIED_HINT[carried])}
              </p>
            </div>
          ) : null}
          <div className="field">
            <label htmlFor={`${uid}-note`}>{t('answer.note')}</label>
            <textarea id={`${uid}-note`} rows={2} value={draft.note} onChange={set('note')} />
          </div>
          {conflict ? (
            <div className="alert alert-warning conflict" role="alert">
              <p>
                <strong>{t('answer.conflictTitle')}</strong> {t('answer.conflictBy', { by: conflict.updatedBy ?? '?', at: formatDate(conflict.updatedAt, lang) })}
              </p>
              <dl className="kv">
                <dt>{t('answer.status')}</dt>
                <dd>{statusLabel(conflict.status)}</dd>
                {conflict.note ? (
                  <>
                    <dt>{t('answer.note')}</dt>
                    <dd>{conflict.note}</dd>
                  </>
                ) : null}
                {CARRIES[conflict.status] ? (
                  <>
                    <dt>{t(CARRIED_LABEL[CARRIES[conflict.status]!])}</dt>
                    <dd>{conflict[CARRIES[conflict.status]!] ?? ''}</dd>
                  </>
                ) : null}
              </dl>
              <div className="row wrap">
                <button type="button" className="btn" onClick={keepTheirs}>
                  {t('answer.keepTheirs')}
                </button>
                <button type="button" className="btn btn-primary" onClick={useMine} disabled={busy}>
                  {t('answer.useMine')}
                </button>
              </div>
            </div>
          ) : null}
          <ErrorMessage error={error} />
          <div className="row wrap">
            <button type="submit" className="btn btn-primary btn-small" disabled={busy || !dirty || conflict !== null}>
              {t('answer.save')}
            </button>
            {dirty ? (
              <button type="button" className="btn btn-small" onClick={() => setDraft(draftOf(saved))}>
                {t('answer.discard')}
              </button>
            ) : null}
            <span className="muted" role="status">
              {busy ? t('answer.saving') : flash && !dirty ? t('answer.saved') : dirty ? t('answer.unsaved') : ''}
            </span>
          </div>
        </form>
      ) : (
        <ReadOnlyAnswer answer={saved} />
      )}
      {saved.updatedAt ? <p className="hint">{t('answer.lastChange', { by: saved.updatedBy ?? '?', at: formatDate(saved.updatedAt, lang), version: saved.version })}</p> : null}
      <EvidenceLinks
        assessmentId={assessmentId}
        orgId={orgId}
        requirementId={requirement.id}
        linked={saved.evidence ?? []}
        library={library}
        canWrite={canWrite}
        onLinked={(evidence) => setSaved((s) => ({ ...s, evidence }))}
        onLibraryChange={onLibraryChange}
      />
      <History path={`${path}/history`} />
    </article>
  );
});

function ReadOnlyAnswer({ answer }: { answer: Answer }) {
  const { t } = useI18n();
  const carried = CARRIES[answer.status];
  return (
    <dl className="kv">
      {carried ? (
        <>
          <dt>{t(CARRIED_LABEL[carried])}</dt>
          <dd>{answer[carried] ?? '—'}</dd>
        </>
      ) : null}
      {answer.note ? (
        <>
          <dt>{t('answer.note')}</dt>
          <dd>{answer.note}</dd>
        </>
      ) : null}
    </dl>
  );
}

interface HistoryEntry {
  version: number;
  status: Status;
  note?: string | null;
  at: string;
  by: string;
}

function History({ path }: { path: string }) {
  const { t, lang } = useI18n();
  const [entries, setEntries] = useState<HistoryEntry[] | null>(null);
  const [error, setError] = useState<unknown>();
  const load = () => {
    api<{ history: HistoryEntry[] }>(path).then(
      (r) => setEntries(r.history),
      (e: unknown) => setError(e),
    );
  };
  return (
    <details className="history" onToggle={(e) => (e.currentTarget.open && entries === null ? load() : undefined)}>
      <summary>{t('answer.history')}</summary>
      <ErrorMessage error={error} />
      {entries && entries.length === 0 ? <p className="muted">{t('answer.noHistory')}</p> : null}
      <ol className="list">
        {entries?.map((h) => (
          <li key={h.version}>
            v{h.version} · {t(`status.${h.status}` as MessageKey)} · {formatDate(h.at, lang)} · {h.by}
            {h.note ? <> · {h.note}</> : null}
          </li>
        ))}
      </ol>
    </details>
  );
}
