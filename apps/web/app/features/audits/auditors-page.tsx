/**
 * The instance administrator's registry of accredited auditors (CCSSA): register an existing
 * account by email with its firm and accreditation dates, and list them (GET/POST /api/admin/auditors).
 */
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import type { Auditor } from '../../api/types';
import { ErrorMessage, formatDay, Loading, Notice, Page, TextField } from '../../components/ui';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { fieldError, todayIso, useAction } from './common';

const EMPTY = { email: '', firmId: '', firmName: '', accreditedFrom: '', accreditedUntil: '' };

export function AuditorsPage() {
  const { t, lang } = useI18n();
  const list = useLoad(() => api<{ auditors: Auditor[] }>('/api/admin/auditors'), []);
  const [form, setForm] = useState(EMPTY);
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();
  const set = (k: keyof typeof EMPTY) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    const ok = await action.run(() => api('/api/admin/auditors', { json: form }));
    if (ok) {
      setDone(form.email);
      setForm(EMPTY);
      list.reload();
    }
  };
  const today = todayIso();
  return (
    <Page title={t('auditors.title')} wide>
      <p className="muted">{t('auditors.intro')}</p>
      <section className="card" aria-labelledby="auditors-list-h">
        <h2 id="auditors-list-h">{t('auditors.list')}</h2>
        {list.loading && !list.data ? <Loading /> : null}
        <ErrorMessage error={list.error} />
        {list.data && list.data.auditors.length === 0 ? <p className="muted">{t('auditors.none')}</p> : null}
        {list.data && list.data.auditors.length > 0 ? (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('field.name')}</th>
                  <th scope="col">{t('field.email')}</th>
                  <th scope="col">{t('auditors.firm')}</th>
                  <th scope="col">{t('auditors.accreditation')}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.auditors.map((a) => {
                  const current = a.accreditedFrom <= today && today <= a.accreditedUntil;
                  return (
                    <tr key={a.userId}>
                      <td>{a.name}</td>
                      <td>{a.email}</td>
                      <td>
                        {a.firmName} <span className="id">{a.firmId}</span>
                      </td>
                      <td>
                        {formatDay(a.accreditedFrom, lang)} – {formatDay(a.accreditedUntil, lang)}
                        {current ? null : <span className="tag tag-warn">{t('auditors.notCurrent')}</span>}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
      <form className="card form" onSubmit={submit} aria-labelledby="auditors-add-h" aria-busy={action.busy}>
        <h2 id="auditors-add-h">{t('auditors.register')}</h2>
        <p className="hint">{t('auditors.registerHint')}</p>
        <TextField label={t('field.email')} type="email" required autoComplete="off" value={form.email} onChange={set('email')} error={fieldError(action.error, 'email')} />
        <div className="grid-2">
          <TextField label={t('auditors.firmId')} hint={t('auditors.firmIdHint')} required pattern="[A-Za-z0-9_\-]+" value={form.firmId} onChange={set('firmId')} error={fieldError(action.error, 'firmId')} />
          <TextField label={t('auditors.firmName')} required value={form.firmName} onChange={set('firmName')} error={fieldError(action.error, 'firmName')} />
          <TextField label={t('auditors.from')} type="date" required value={form.accreditedFrom} onChange={set('accreditedFrom')} error={fieldError(action.error, 'accreditedFrom')} />
          <TextField label={t('auditors.until')} type="date" required value={form.accreditedUntil} onChange={set('accreditedUntil')} error={fieldError(action.error, 'accreditedUntil')} />
        </div>
        <ErrorMessage error={action.error} />
        {done ? <Notice kind="success">{t('auditors.registered', { email: done })}</Notice> : null}
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={action.busy}>
            {t('auditors.registerSubmit')}
          </button>
        </div>
      </form>
    </Page>
  );
}
