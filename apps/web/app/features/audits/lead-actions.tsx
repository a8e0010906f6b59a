/**
 * The lead auditor's actions: add an auditor of the firm or assign the peer reviewer (by email,
 * conflict-checked by the server), ask for another reviewer, start fieldwork, submit for peer
 * review and sign off. Each sends the engagement `version`; refusals (409 with the reason and the
 * people or requirements concerned) are shown as the server gives them.
 */
import { useState, type FormEvent } from 'react';
import { api, seg } from '../../api/client';
import type { EngagementView } from '../../api/types';
import { ErrorMessage, Notice, SelectField, TextField } from '../../components/ui';
import { useI18n } from '../../i18n/i18n';
import { ActionError, fieldError, useAction } from './common';

export function LeadActions({ v, onChange }: { v: EngagementView; onChange(): void }) {
  const { t } = useI18n();
  const e = v.engagement;
  const base = `/api/engagements/${seg(e.id)}`;
  const member = useAction();
  const step = useAction();
  const replace = useAction();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<'auditor' | 'peer_reviewer'>(e.peerReviewer ? 'auditor' : 'peer_reviewer');
  const [added, setAdded] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const canTeam = e.status === 'planning' || e.status === 'fieldwork';

  const addMember = async (ev: FormEvent) => {
    ev.preventDefault();
    setAdded(null);
    const ok = await member.run(() => api(`${base}/members`, { json: { email, role, version: e.version } }));
    if (ok) {
      setAdded(email);
      setEmail('');
      onChange();
    }
  };
  const go = async (path: string) => {
    if (await step.run(() => api(`${base}/${path}`, { json: { version: e.version } }))) onChange();
  };
  const replaceReviewer = async (ev: FormEvent) => {
    ev.preventDefault();
    if (await replace.run(() => api(`${base}/reviewer/replace`, { json: { reason, version: e.version } }))) {
      setReason('');
      onChange();
    }
  };

  return (
    <section className="card" aria-labelledby="lead-h">
      <h2 id="lead-h">{t('lead.title')}</h2>
      <div className="row wrap">
        {e.status === 'planning' ? (
          <button type="button" className="btn btn-primary" disabled={step.busy} onClick={() => void go('start')}>
            {t('lead.start')}
          </button>
        ) : null}
        {e.status === 'fieldwork' ? (
          <button type="button" className="btn btn-primary" disabled={step.busy} onClick={() => void go('submit')}>
            {t('lead.submit')}
          </button>
        ) : null}
        {e.status === 'reviewed' ? (
          <button type="button" className="btn btn-primary" disabled={step.busy} onClick={() => void go('signoff')}>
            {t('lead.signoff')}
          </button>
        ) : null}
      </div>
      <p className="hint">{t(`lead.hint.${e.status}`)}</p>
      <ActionError
        error={step.error}
        onReload={() => {
          step.clear();
          onChange();
        }}
      />
      {canTeam ? (
        <form className="form" onSubmit={addMember} aria-labelledby="team-h" aria-busy={member.busy}>
          <h3 id="team-h">{t('lead.team')}</h3>
          <div className="grid-2">
            <TextField label={t('lead.memberEmail')} type="email" required autoComplete="off" value={email} onChange={(x) => setEmail(x.target.value)} error={fieldError(member.error, 'email')} />
            <SelectField label={t('engagement.role')} value={role} onChange={(x) => setRole(x.target.value as 'auditor' | 'peer_reviewer')}>
              <option value="auditor">{t('engagement.role.auditor')}</option>
              <option value="peer_reviewer">{t('engagement.role.peer_reviewer')}</option>
            </SelectField>
          </div>
          <ActionError
            error={member.error}
            onReload={() => {
              member.clear();
              onChange();
            }}
          />
          {added ? <Notice kind="success">{t('lead.added', { email: added })}</Notice> : null}
          <div className="row">
            <button type="submit" className="btn" disabled={member.busy}>
              {role === 'auditor' ? t('lead.addAuditor') : t('lead.assignReviewer')}
            </button>
          </div>
        </form>
      ) : null}
      {e.peerReviewer && ['planning', 'fieldwork', 'in_review'].includes(e.status) ? (
        <details className="history">
          <summary>{t('lead.replace')}</summary>
          <form className="form" onSubmit={replaceReviewer} aria-busy={replace.busy}>
            <p className="hint">{t('lead.replaceHint')}</p>
            <TextField label={t('lead.replaceReason')} required value={reason} onChange={(x) => setReason(x.target.value)} error={fieldError(replace.error, 'reason')} />
            <ErrorMessage error={replace.error} />
            <div className="row">
              <button type="submit" className="btn btn-danger" disabled={replace.busy}>
                {t('lead.replaceSubmit')}
              </button>
            </div>
          </form>
        </details>
      ) : null}
    </section>
  );
}
