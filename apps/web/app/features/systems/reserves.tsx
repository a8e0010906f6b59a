/**
 * Proof of reserves on the system page: the snapshots with their chain and public page, and
 * adding the signed manifest that `keygrade por build` wrote (checked by the server: signatures,
 * totals, and that it follows the previous snapshot).
 */
import { useState, type FormEvent } from 'react';
import { api, seg } from '../../api/client';
import { ErrorMessage, formatDate, Notice, TextField } from '../../components/ui';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n/i18n';

interface Snapshot {
  id: string;
  sequence: number;
  time: string;
  label: string | null;
  manifestHash: string;
  chain: string;
  public: boolean;
}

export function ReservesSection({ systemId, canWrite }: { systemId: string; canWrite: boolean }) {
  const { t, lang } = useI18n();
  const list = useLoad(() => api<{ snapshots: Snapshot[] }>(`/api/systems/${seg(systemId)}/reserves`), [systemId]);
  const [file, setFile] = useState<File | null>(null);
  const [publicKey, setPublicKey] = useState('');
  const [publish, setPublish] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);

  const add = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!file) return;
    const form = e.currentTarget;
    setBusy(true);
    setError(undefined);
    setDone(null);
    try {
      let manifest: unknown;
      try {
        manifest = JSON.parse(await file.text());
      } catch {
        throw new Error(t('reserves.notJson'));
      }
      const r = await api<{ snapshot: Snapshot }>(`/api/systems/${seg(systemId)}/reserves`, { json: { manifest, public: publish, ...(publicKey.trim() ? { publicKey: publicKey.trim().toLowerCase() } : {}) } });
      setDone(r.snapshot.sequence);
      setFile(null);
      form.reset();
      list.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const snapshots = list.data?.snapshots ?? [];
  return (
    <section className="card" aria-labelledby="reserves-h">
      <h2 id="reserves-h">{t('reserves.title')}</h2>
      <p className="hint">{t('reserves.intro')}</p>
      <ErrorMessage error={list.error} />
      {list.data && snapshots.length === 0 ? <p className="muted">{t('reserves.none')}</p> : null}
      {snapshots.length > 0 ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('reserves.sequence')}</th>
                <th scope="col">{t('reserves.time')}</th>
                <th scope="col">{t('reserves.chain')}</th>
                <th scope="col">{t('reserves.hash')}</th>
                <th scope="col">{t('reserves.public')}</th>
              </tr>
            </thead>
            <tbody>
              {snapshots.map((s) => (
                <tr key={s.id}>
                  <td>
                    {s.sequence}
                    {s.label ? <div className="muted small">{s.label}</div> : null}
                  </td>
                  <td>{formatDate(s.time, lang)}</td>
                  <td>{t(s.chain === 'verified' ? 'reserves.chain.verified' : s.chain === 'first' ? 'reserves.chain.first' : 'reserves.chain.unchecked')}</td>
                  <td>
                    <code title={s.manifestHash}>{s.manifestHash.slice(0, 12)}…</code>
                  </td>
                  <td>{s.public ? <a href={`/reserves/${seg(s.id)}`}>{t('reserves.publicPage')}</a> : <span className="muted">{t('reserves.private')}</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {canWrite ? (
        <form className="form reserves-form" onSubmit={add} aria-labelledby="reserves-add-h" aria-busy={busy}>
          <h3 id="reserves-add-h">{t('reserves.add')}</h3>
          <div className="field">
            <label htmlFor="reserves-file">{t('reserves.file')}</label>
            <input id="reserves-file" type="file" accept=".json,application/json" required onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          </div>
          <TextField label={t('reserves.publicKey')} hint={t('reserves.publicKeyHint')} value={publicKey} onChange={(e) => setPublicKey(e.target.value)} />
          <div className="field">
            <label>
              <input type="checkbox" checked={publish} onChange={(e) => setPublish(e.target.checked)} /> {t('reserves.publish')}
            </label>
          </div>
          <ErrorMessage error={error} />
          {done !== null ? <Notice kind="success">{t('reserves.added', { sequence: done })}</Notice> : null}
          <button type="submit" className="btn btn-primary" disabled={busy || !file}>
            {t('reserves.addSubmit')}
          </button>
        </form>
      ) : null}
    </section>
  );
}
