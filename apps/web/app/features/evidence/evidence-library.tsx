/** The organization's evidence library: upload with the metadata an auditor needs, list, download. */
import { useState, type FormEvent } from 'react';
import { api, seg } from '../../api/client';
import type { Evidence } from '../../api/types';
import { ErrorMessage, formatBytes, formatDate, formatDay, Loading, Notice, Page, TextField } from '../../components/ui';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { useSignedIn } from '../../session';
import { evidenceUrl, uploadEvidence, type EvidenceMeta } from './upload';

const EMPTY: Required<EvidenceMeta> = { title: '', sourceSystem: '', tool: '', parameters: '', owner: '', expiresAt: '' };

export function EvidenceLibrary({ orgId }: { orgId: string }) {
  const { t, lang } = useI18n();
  const session = useSignedIn();
  const role = session.memberships.find((m) => m.org.id === orgId)?.role;
  const canWrite = role !== undefined && role !== 'viewer';
  const list = useLoad(() => api<{ evidence: Evidence[] }>(`/api/orgs/${seg(orgId)}/evidence`), [orgId]);
  const [meta, setMeta] = useState(EMPTY);
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof EvidenceMeta) => (e: { target: { value: string } }) => setMeta({ ...meta, [k]: e.target.value });

  const upload = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!file) return;
    const form = e.currentTarget;
    setBusy(true);
    setError(undefined);
    setDone(null);
    try {
      const ev = await uploadEvidence(orgId, file, { ...meta, title: meta.title.trim() || file.name });
      setDone(ev.title);
      setMeta(EMPTY);
      setFile(null);
      form.reset();
      list.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const items = [...(list.data?.evidence ?? [])].sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));
  return (
    <Page title={t('evidence.libraryTitle')} wide>
      {canWrite ? (
        <form className="card form" onSubmit={upload} aria-labelledby="upload-h" aria-busy={busy}>
          <h2 id="upload-h">{t('evidence.upload')}</h2>
          <div className="grid-2">
            <div className="field">
              <label htmlFor="ev-file">{t('evidence.file')}</label>
              <input id="ev-file" type="file" required onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
            </div>
            <TextField label={t('evidence.title')} hint={t('evidence.titleHint')} value={meta.title} onChange={set('title')} />
            <TextField label={t('evidence.sourceSystem')} hint={t('evidence.sourceSystemHint')} value={meta.sourceSystem} onChange={set('sourceSystem')} />
            <TextField label={t('evidence.tool')} hint={t('evidence.toolHint')} value={meta.tool} onChange={set('tool')} />
            <TextField label={t('evidence.parameters')} value={meta.parameters} onChange={set('parameters')} />
            <TextField label={t('evidence.owner')} value={meta.owner} onChange={set('owner')} />
            <TextField label={t('evidence.expiresAt')} type="date" value={meta.expiresAt} onChange={set('expiresAt')} />
          </div>
          <ErrorMessage error={error} />
          {done ? <Notice kind="success">{t('evidence.uploaded', { title: done })}</Notice> : null}
          <button type="submit" className="btn btn-primary" disabled={busy || !file}>
            {t('evidence.uploadSubmit')}
          </button>
        </form>
      ) : null}
      <section className="card" aria-labelledby="library-h">
        <h2 id="library-h">{t('evidence.library')}</h2>
        {list.loading && !list.data ? <Loading /> : null}
        <ErrorMessage error={list.error} />
        {list.data && items.length === 0 ? <p className="muted">{t('evidence.empty')}</p> : null}
        {items.length > 0 ? (
          <div className="table-wrap">
            <table className="evidence-table">
              <thead>
                <tr>
                  <th scope="col">{t('evidence.title')}</th>
                  <th scope="col">{t('evidence.size')}</th>
                  <th scope="col">SHA-256</th>
                  <th scope="col">{t('evidence.sourceSystem')}</th>
                  <th scope="col">{t('evidence.tool')}</th>
                  <th scope="col">{t('evidence.owner')}</th>
                  <th scope="col">{t('evidence.uploadedAt')}</th>
                  <th scope="col">{t('evidence.expiresAt')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((ev) => {
                  const expired = ev.expired ?? (ev.expiresAt ? new Date(ev.expiresAt).getTime() < Date.now() : false);
                  return (
                    <tr key={ev.id}>
                      <td>
                        <a href={evidenceUrl(ev.id)} download>
                          {ev.title}
                        </a>
                        {ev.filename && ev.filename !== ev.title ? <div className="muted small">{ev.filename}</div> : null}
                      </td>
                      <td>{formatBytes(ev.size)}</td>
                      <td>
                        <code title={ev.sha256}>{ev.sha256 ? `${ev.sha256.slice(0, 12)}…` : '—'}</code>
                      </td>
                      <td>{ev.sourceSystem ?? '—'}</td>
                      <td>
                        {ev.tool ?? '—'}
                        {ev.parameters ? <div className="muted small">{ev.parameters}</div> : null}
                      </td>
                      <td>{ev.owner ?? '—'}</td>
                      <td>
                        {formatDate(ev.createdAt, lang)}
                        {ev.createdBy ? <div className="muted small">{ev.createdBy}</div> : null}
                      </td>
                      <td className={expired ? 'expired' : undefined}>
                        {formatDay(ev.expiresAt, lang)}
                        {expired ? <span className="tag tag-warn">{t('evidence.expired')}</span> : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </Page>
  );
}
