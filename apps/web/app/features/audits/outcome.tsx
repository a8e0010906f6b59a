/**
 * What an engagement produces: the conclusion (system level and aspect levels; live while the
 * audit runs, frozen at sign-off), the certificate's data for a signed-off certification audit,
 * the downloads (report HTML/PDF, OSCAL, and the audit file for auditors), and remediation items
 * for the auditee.
 */
import { useState, type FormEvent } from 'react';
import { api, download, seg } from '../../api/client';
import type { CertificateData, ConclusionView, EngagementView } from '../../api/types';
import { ErrorMessage, formatDate, formatDay, LevelBadge, Notice, SelectField, TextField } from '../../components/ui';
import { useLoad } from '../../hooks';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { fieldError, isConflict, todayIso, useAction } from './common';

export function Conclusion({ v }: { v: EngagementView }) {
  const { t, lang } = useI18n();
  const e = v.engagement;
  const signed = e.status === 'signed_off';
  const cert = useLoad(
    () => (signed && e.type === 'certification' ? api<{ certificate: CertificateData }>(`/api/engagements/${seg(e.id)}/certificate-data`) : Promise.resolve(null)),
    [e.id, signed, e.type],
  );
  const c = v.conclusion;
  if (!c) return null;
  if ('error' in c) {
    return (
      <section className="card" aria-labelledby="conclusion-h">
        <h2 id="conclusion-h">{t('conclusion.live')}</h2>
        <div className="alert alert-warning" role="status">
          <p>{t('conclusion.invalid')}</p>
          <p>{c.error}</p>
        </div>
      </section>
    );
  }
  const conclusion: ConclusionView = c;
  return (
    <section className="card" aria-labelledby="conclusion-h">
      <div className="section-head">
        <h2 id="conclusion-h">{signed ? t('conclusion.signed') : t('conclusion.live')}</h2>
        <p className="system-level-line" role="status">
          {signed ? t('conclusion.certifiedLevel') : t('conclusion.systemLevel')} <LevelBadge level={conclusion.systemLevel} large />
        </p>
      </div>
      {!signed ? <p className="hint">{conclusion.complete ? t('conclusion.complete') : t('conclusion.incomplete', { n: conclusion.notAssessed.length })}</p> : null}
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">{t('conclusion.aspects')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('system.aspect')}</th>
              <th scope="col">{t('common.level')}</th>
            </tr>
          </thead>
          <tbody>
            {conclusion.aspects.map((a) => (
              <tr key={a.id}>
                <th scope="row">
                  <span className="id">{a.id}</span> {a.title}
                </th>
                <td>
                  <LevelBadge level={a.level} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul className="counts" aria-label={t('system.counts')}>
        {Object.entries(conclusion.counts)
          .filter(([, n]) => typeof n === 'number' && n > 0)
          .map(([s, n]) => (
            <li key={s} className={`status-chip status-${s}`}>
              {t(`status.${s}` as MessageKey)}: <strong>{n}</strong>
            </li>
          ))}
        {conclusion.exceptions.total > 0 ? <li className="status-chip status-not_in_place">{t('conclusion.exceptions', { n: conclusion.exceptions.total })}</li> : null}
      </ul>
      {conclusion.attention.length > 0 ? (
        <>
          <h3>{t('conclusion.attention')}</h3>
          <ul className="list">
            {conclusion.attention.map((a, i) => (
              <li key={i}>{a}</li>
            ))}
          </ul>
        </>
      ) : null}
      {cert.data ? (
        <>
          <h3>{t('certificate.title')}</h3>
          <dl className="kv certificate">
            <dt>{t('engagement.system')}</dt>
            <dd>
              {cert.data.certificate.system.name} · {cert.data.certificate.organization.name}
            </dd>
            <dt>{t('certificate.level')}</dt>
            <dd>
              <LevelBadge level={cert.data.certificate.level} />
            </dd>
            <dt>{t('audits.period')}</dt>
            <dd>
              {formatDay(cert.data.certificate.period.start, lang)} – {formatDay(cert.data.certificate.period.end, lang)}
            </dd>
            <dt>{t('certificate.auditor')}</dt>
            <dd>
              {cert.data.certificate.auditor.name} ({cert.data.certificate.auditor.firm})
            </dd>
            <dt>{t('engagement.reviewer')}</dt>
            <dd>{cert.data.certificate.peerReviewer ? `${cert.data.certificate.peerReviewer.name} (${cert.data.certificate.peerReviewer.firm})` : '—'}</dd>
            <dt>{t('engagement.signedOffAt')}</dt>
            <dd>{formatDate(cert.data.certificate.signedOffAt, lang)}</dd>
          </dl>
        </>
      ) : null}
      <ErrorMessage error={cert.error} />
    </section>
  );
}

export function Outputs({ v }: { v: EngagementView }) {
  const { t, lang } = useI18n();
  const e = v.engagement;
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const insider = v.you.isAuditor || v.you.isReviewer;
  const shared = insider || e.type === 'readiness' || e.status === 'signed_off';
  if (!shared) {
    return (
      <section className="card" aria-labelledby="outputs-h">
        <h2 id="outputs-h">{t('outputs.title')}</h2>
        <p className="muted">{t('outputs.afterSignoff')}</p>
      </section>
    );
  }
  const base = `/api/engagements/${seg(e.id)}`;
  const get = async (path: string, name: string) => {
    setBusy(true);
    setError(undefined);
    try {
      await download(path, name);
    } catch (x) {
      setError(x);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="outputs-h">
      <h2 id="outputs-h">{t('outputs.title')}</h2>
      <p className="hint">{e.status === 'signed_off' ? t('outputs.hintFinal') : t('outputs.hintDraft')}</p>
      <div className="row wrap">
        <a className="btn" href={`${base}/report?format=html&lang=${lang}`} target="_blank" rel="noopener">
          {t('outputs.openHtml')}
        </a>
        <button type="button" className="btn" disabled={busy} onClick={() => void get(`${base}/report?format=pdf&lang=${lang}`, 'audit-report.pdf')}>
          {t('reports.download', { format: 'PDF' })}
        </button>
        <button type="button" className="btn" disabled={busy} onClick={() => void get(`${base}/report?format=html&lang=${lang}`, 'audit-report.html')}>
          {t('reports.download', { format: 'HTML' })}
        </button>
        <button type="button" className="btn" disabled={busy} onClick={() => void get(`${base}/oscal`, 'assessment-results.oscal.json')}>
          {t('reports.download', { format: 'OSCAL' })}
        </button>
        {v.you.isAuditor ? (
          <button type="button" className="btn" disabled={busy} onClick={() => void get(`${base}/export`, 'audit-file.tar.gz')}>
            {t('outputs.export')}
          </button>
        ) : null}
      </div>
      {busy ? (
        <p role="status" className="muted">
          {t('reports.preparing')}
        </p>
      ) : null}
      <ErrorMessage error={error} />
    </section>
  );
}

export function Remediation({ v, onChange }: { v: EngagementView; onChange(): void }) {
  const { t, lang } = useI18n();
  const e = v.engagement;
  const open = e.type === 'readiness' || e.status === 'signed_off';
  const canEdit = open && (v.you.isAuditor || v.you.auditee === 'owner' || v.you.auditee === 'security_lead');
  const add = useAction();
  const mark = useAction();
  const notMet = v.requirements.filter((r) => r.test?.status === 'not_in_place').map((r) => r.id);
  const [f, setF] = useState({ requirementId: notMet[0] ?? v.requirements[0]?.id ?? '', description: '', owner: '', dueDate: '' });
  if (!open && v.remediation.length === 0) return null;
  const err = (p: string) => fieldError(add.error, p);
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    if (await add.run(() => api(`/api/engagements/${seg(e.id)}/remediation`, { json: f }))) {
      setF({ ...f, description: '', owner: '', dueDate: '' });
      onChange();
    }
  };
  const setStatus = async (id: string, version: number, status: 'open' | 'done') => {
    if (await mark.run(() => api(`/api/engagements/${seg(e.id)}/remediation/${seg(id)}`, { method: 'PUT', json: { version, status, ...(status === 'done' ? { closedOn: todayIso() } : {}) } }))) onChange();
  };
  return (
    <section className="card" aria-labelledby="remediation-h">
      <h2 id="remediation-h">{t('remediation.title')}</h2>
      <p className="hint">{t('remediation.intro')}</p>
      {v.remediation.length === 0 ? <p className="muted">{t('remediation.none')}</p> : null}
      {v.remediation.length > 0 ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('review.requirement')}</th>
                <th scope="col">{t('remediation.description')}</th>
                <th scope="col">{t('remediation.owner')}</th>
                <th scope="col">{t('remediation.due')}</th>
                <th scope="col">{t('audits.status')}</th>
              </tr>
            </thead>
            <tbody>
              {v.remediation.map((r) => (
                <tr key={r.id}>
                  <td>
                    <span className="id">{r.requirementId}</span>
                  </td>
                  <td>{r.description}</td>
                  <td>{r.owner}</td>
                  <td>{formatDay(r.dueDate, lang)}</td>
                  <td>
                    {r.status === 'done' ? t('remediation.doneOn', { date: formatDay(r.closedOn, lang) }) : t('remediation.open')}{' '}
                    {canEdit ? (
                      <button type="button" className="btn btn-small" disabled={mark.busy} onClick={() => void setStatus(r.id, r.version, r.status === 'done' ? 'open' : 'done')}>
                        {r.status === 'done' ? t('remediation.reopen') : t('remediation.markDone')}
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {isConflict(mark.error) ? <Notice kind="warning">{t('testing.conflict')}</Notice> : <ErrorMessage error={mark.error} />}
      {canEdit ? (
        <form className="form" onSubmit={submit} aria-labelledby="remediation-add-h" aria-busy={add.busy}>
          <h3 id="remediation-add-h">{t('remediation.add')}</h3>
          <div className="grid-2">
            <SelectField label={t('review.requirement')} value={f.requirementId} onChange={(x) => setF({ ...f, requirementId: x.target.value })}>
              {v.requirements.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.id}
                  {notMet.includes(r.id) ? ` (${t('status.not_in_place')})` : ''}
                </option>
              ))}
            </SelectField>
            <TextField label={t('remediation.owner')} required value={f.owner} onChange={(x) => setF({ ...f, owner: x.target.value })} error={err('owner')} />
            <TextField label={t('remediation.description')} required value={f.description} onChange={(x) => setF({ ...f, description: x.target.value })} error={err('description')} />
            <TextField label={t('remediation.due')} type="date" required value={f.dueDate} onChange={(x) => setF({ ...f, dueDate: x.target.value })} error={err('dueDate')} />
          </div>
          <ErrorMessage error={add.error} />
          <div className="row">
            <button type="submit" className="btn btn-primary" disabled={add.busy}>
              {t('remediation.addSubmit')}
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
