/**
 * Conflict-of-interest declarations (employment, family, financial interest such as tokens or
 * equity): the declarations made so far, and the form for the signed-in auditor or reviewer. A
 * "yes" needs details. The latest declaration of a person counts.
 */
import { useId, useState, type FormEvent } from 'react';
import { api, seg } from '../../api/client';
import type { Declaration, EngagementView } from '../../api/types';
import { ErrorMessage, formatDay, Notice } from '../../components/ui';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { useSignedIn } from '../../session';
import { fieldError, useAction, useAuditLabels } from './common';

const TOPICS = ['employment', 'family', 'financialInterest'] as const;
type Topic = (typeof TOPICS)[number];

export function Declarations({ v, onChange }: { v: EngagementView; onChange(): void }) {
  const { t, lang } = useI18n();
  const labels = useAuditLabels();
  const me = useSignedIn().user.id;
  const role: Declaration['role'] = v.you.isReviewer ? 'peer_reviewer' : 'auditor';
  const mine = v.declarations.filter((d) => d.personId === me && d.role === role);
  const nameOf = (id: string) => v.members.find((m) => m.userId === id)?.name ?? id;
  const action = useAction();
  const [answers, setAnswers] = useState<Record<Topic, { conflict: boolean; details: string }>>({
    employment: { conflict: false, details: '' },
    family: { conflict: false, details: '' },
    financialInterest: { conflict: false, details: '' },
  });
  const [saved, setSaved] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const body: Record<string, unknown> = { role };
    for (const topic of TOPICS) body[topic] = answers[topic].conflict ? { conflict: true, details: answers[topic].details } : { conflict: false };
    if (await action.run(() => api(`/api/engagements/${seg(v.engagement.id)}/declarations`, { json: body }))) {
      setSaved(true);
      onChange();
    }
  };
  const summary = (d: Declaration) =>
    TOPICS.map((topic) => (d[topic].conflict ? `${t(`declare.${topic}` as MessageKey)}: ${t('declare.yes')} (${d[topic].details ?? ''})` : null)).filter(Boolean).join('; ') || t('declare.noConflict');
  return (
    <section className="card" aria-labelledby="declare-h">
      <h2 id="declare-h">{t('declare.title')}</h2>
      <p className="hint">{t('declare.intro')}</p>
      {v.declarations.length > 0 ? (
        <ul className="list">
          {v.declarations.map((d, i) => (
            <li key={i}>
              <strong>{nameOf(d.personId)}</strong> ({labels.role(d.role === 'auditor' ? 'auditor' : 'peer_reviewer')}, {formatDay(d.declaredOn, lang)}): {summary(d)}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t('declare.none')}</p>
      )}
      <form className="form" onSubmit={submit} aria-labelledby="declare-form-h" aria-busy={action.busy}>
        <h3 id="declare-form-h">{mine.length > 0 ? t('declare.again') : t('declare.yours')}</h3>
        {TOPICS.map((topic) => (
          <Question
            key={topic}
            topic={topic}
            value={answers[topic]}
            error={fieldError(action.error, `${topic}.details`) ?? fieldError(action.error, topic)}
            onChange={(x) => setAnswers({ ...answers, [topic]: x })}
          />
        ))}
        <ErrorMessage error={action.error} />
        {saved ? <Notice kind="success">{t('declare.saved')}</Notice> : null}
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={action.busy}>
            {t('declare.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

function Question({ topic, value, error, onChange }: { topic: Topic; value: { conflict: boolean; details: string }; error?: string | undefined; onChange(v: { conflict: boolean; details: string }): void }) {
  const { t } = useI18n();
  const id = useId();
  return (
    <fieldset className="question">
      <legend>{t(`declare.q.${topic}` as MessageKey)}</legend>
      <div className="row wrap">
        <label>
          <input type="radio" name={`${id}-c`} checked={!value.conflict} onChange={() => onChange({ ...value, conflict: false })} /> {t('declare.no')}
        </label>
        <label>
          <input type="radio" name={`${id}-c`} checked={value.conflict} onChange={() => onChange({ ...value, conflict: true })} /> {t('declare.yes')}
        </label>
      </div>
      {value.conflict ? (
        <div className="field">
          <label htmlFor={`${id}-d`}>{t('declare.details')}</label>
          <textarea id={`${id}-d`} rows={2} required value={value.details} aria-invalid={error ? true : undefined} onChange={(e) => onChange({ ...value, details: e.target.value })} />
          {error ? <p className="field-error">{error}</p> : null}
        </div>
      ) : null}
    </fieldset>
  );
}
