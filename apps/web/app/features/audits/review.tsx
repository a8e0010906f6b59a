/**
 * Peer review: queries on requirements (raised by the reviewer, answered by the auditors, followed
 * up and resolved by the reviewer) and the reviewer's sign-off, which the server refuses while a
 * query is open (the refusal is shown with the open queries it names).
 */
import { useState, type FormEvent } from 'react';
import { api, seg } from '../../api/client';
import type { EngagementView, ReviewThread } from '../../api/types';
import { ErrorMessage, formatDate, Notice } from '../../components/ui';
import { useI18n } from '../../i18n/i18n';
import { ActionError, fieldError, useAction, useAuditLabels } from './common';

/** The reviewer's form to raise a query; on one requirement, or with a requirement to choose. */
export function RaiseQuery({ v, requirementId, onChange }: { v: EngagementView; requirementId?: string; onChange(): void }) {
  const { t } = useI18n();
  const action = useAction();
  const [req, setReq] = useState(requirementId ?? v.requirements[0]?.id ?? '');
  const [body, setBody] = useState('');
  const [raised, setRaised] = useState(false);
  const id = `q-${(requirementId ?? 'any').replace(/\./g, '-')}`;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setRaised(false);
    if (await action.run(() => api(`/api/engagements/${seg(v.engagement.id)}/queries`, { json: { requirementId: req, body } }))) {
      setBody('');
      setRaised(true);
      onChange();
    }
  };
  return (
    <form className="form query-form" onSubmit={submit} aria-label={requirementId ? t('review.raiseOn', { id: requirementId }) : t('review.raise')} aria-busy={action.busy}>
      {requirementId ? null : (
        <div className="field">
          <label htmlFor={`${id}-req`}>{t('review.requirement')}</label>
          <select id={`${id}-req`} value={req} onChange={(e) => setReq(e.target.value)}>
            {v.requirements.map((r) => (
              <option key={r.id} value={r.id}>
                {r.id}
              </option>
            ))}
          </select>
          {fieldError(action.error, 'requirementId') ? <p className="field-error">{fieldError(action.error, 'requirementId')}</p> : null}
        </div>
      )}
      <div className="field">
        <label htmlFor={`${id}-body`}>{requirementId ? t('review.queryOn', { id: requirementId }) : t('review.query')}</label>
        <textarea id={`${id}-body`} rows={3} required value={body} onChange={(e) => setBody(e.target.value)} />
      </div>
      <ErrorMessage error={action.error} />
      {raised ? <Notice kind="success">{t('review.raised')}</Notice> : null}
      <div className="row">
        <button type="submit" className="btn" disabled={action.busy}>
          {t('review.raiseSubmit')}
        </button>
      </div>
    </form>
  );
}

export function ReviewQueries({ v, onChange }: { v: EngagementView; onChange(): void }) {
  const { t } = useI18n();
  const e = v.engagement;
  const signoff = useAction();
  const inReview = e.status === 'in_review';
  const signOff = async () => {
    if (await signoff.run(() => api(`/api/engagements/${seg(e.id)}/review-signoff`, { json: { version: e.version } }))) onChange();
  };
  return (
    <section className="card" aria-labelledby="review-h">
      <div className="section-head">
        <h2 id="review-h">{t('review.title')}</h2>
        <p className="muted small">{t('review.openCount', { open: v.openQueries, total: v.threads.length })}</p>
      </div>
      {v.threads.length === 0 ? <p className="muted">{inReview ? t('review.none') : t('review.notStarted')}</p> : null}
      <ul className="threads">
        {v.threads.map((th) => (
          <Thread key={th.id} v={v} th={th} onChange={onChange} />
        ))}
      </ul>
      {v.you.isReviewer && inReview ? (
        <>
          <h3>{t('review.raise')}</h3>
          <RaiseQuery v={v} onChange={onChange} />
          <h3>{t('review.signoffTitle')}</h3>
          <p className="hint">{t('review.signoffHint')}</p>
          <ActionError
            error={signoff.error}
            onReload={() => {
              signoff.clear();
              onChange();
            }}
          />
          <div className="row">
            <button type="button" className="btn btn-primary" disabled={signoff.busy} onClick={() => void signOff()}>
              {t('review.signoff')}
            </button>
          </div>
        </>
      ) : null}
    </section>
  );
}

function Thread({ v, th, onChange }: { v: EngagementView; th: ReviewThread; onChange(): void }) {
  const { t, lang } = useI18n();
  const labels = useAuditLabels();
  const reply = useAction();
  const resolve = useAction();
  const [body, setBody] = useState('');
  const nameOf = (id: string) => v.members.find((m) => m.userId === id)?.name ?? id;
  const inReview = v.engagement.status === 'in_review';
  const base = `/api/engagements/${seg(v.engagement.id)}/queries/${seg(th.id)}`;
  const id = `th-${th.id}`;
  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (await reply.run(() => api(`${base}/replies`, { json: { body } }))) {
      setBody('');
      onChange();
    }
  };
  const close = async () => {
    if (await resolve.run(() => api(`${base}/resolve`, { json: body.trim() ? { body } : {} }))) {
      setBody('');
      onChange();
    }
  };
  return (
    <li className={`thread thread-${th.status}`} aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`} className="thread-head">
        <span className="id">{th.requirementId}</span> <span className={th.status === 'open' ? 'tag tag-warn' : 'tag'}>{th.status === 'open' ? t('review.open') : t('review.resolved')}</span>
      </h3>
      <ol className="messages">
        {th.messages.map((m, i) => (
          <li key={i} className={`message message-${m.kind}`}>
            <p className="small muted">
              <strong>{nameOf(m.author)}</strong> ({labels.role(m.role)}) · {formatDate(m.at, lang)}
              {m.kind === 'resolve' ? ` · ${t('review.resolvedMark')}` : ''}
            </p>
            <p className="message-body">{m.body}</p>
          </li>
        ))}
      </ol>
      {inReview ? (
        <form className="form" onSubmit={send} aria-busy={reply.busy || resolve.busy}>
          <div className="field">
            <label htmlFor={`${id}-reply`}>{v.you.isReviewer ? t('review.followUp', { id: th.requirementId }) : t('review.replyTo', { id: th.requirementId })}</label>
            <textarea id={`${id}-reply`} rows={2} value={body} onChange={(e) => setBody(e.target.value)} />
          </div>
          <ErrorMessage error={reply.error ?? resolve.error} />
          <div className="row wrap">
            <button type="submit" className="btn" disabled={reply.busy || !body.trim()}>
              {v.you.isReviewer ? t('review.sendFollowUp') : t('review.sendReply')}
            </button>
            {v.you.isReviewer && th.status === 'open' ? (
              <button type="button" className="btn btn-primary" disabled={resolve.busy} onClick={() => void close()}>
                {t('review.resolve')}
              </button>
            ) : null}
          </div>
        </form>
      ) : null}
    </li>
  );
}
