/**
 * The system's key inventory: the current version (counts and tables of sites, devices, keys and
 * backups), import of one or more YAML/CSV files as a new version (problems shown per file and
 * line; private keys and seeds are refused by the server), the version list and downloads.
 */
import { useState, type FormEvent } from 'react';
import { ApiError, api, download, seg } from '../../api/client';
import { ErrorMessage, formatDate, Notice, TextField } from '../../components/ui';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import type { Inventory, InventoryAnswer, InventoryVersionInfo, LocatedProblem } from './types';

/** Problems of a refused import, grouped by file, each with its line and field. */
export function ProblemsByFile({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!(error instanceof ApiError)) return <ErrorMessage error={error} />;
  const problems = error.problems as LocatedProblem[];
  const title = error.code === 'PRIVATE_KEY_REFUSED' ? t('wallet.error.secretRefused') : error.code === 'INVENTORY_INVALID' ? t('wallet.error.inventoryInvalid') : null;
  if (!title || problems.length === 0) return <ErrorMessage error={error} />;
  const files = [...new Set(problems.map((p) => p.file ?? ''))];
  return (
    <div className="alert alert-error" role="alert">
      <p>{title}</p>
      {files.map((f) => (
        <div key={f}>
          <h4 className="wallet-problem-file">{f || t('wallet.inventory.request')}</h4>
          <ul>
            {problems
              .filter((p) => (p.file ?? '') === f)
              .map((p, i) => (
                <li key={i}>
                  {p.line !== undefined ? <strong>{t('wallet.inventory.line', { line: p.line })}</strong> : null} {p.field ? <code>{p.field}</code> : null} {p.message}
                </li>
              ))}
          </ul>
        </div>
      ))}
    </div>
  );
}

export function InventorySection({ systemId, canImport }: { systemId: string; canImport: boolean }) {
  const { t, lang } = useI18n();
  const inv = useLoad(() => api<InventoryAnswer>(`/api/systems/${seg(systemId)}/wallet-inventory`), [systemId]);
  const current = inv.data?.current ?? null;
  return (
    <section className="card wallet-inventory" aria-labelledby="wallet-inventory-h">
      <h2 id="wallet-inventory-h">{t('wallet.inventory.title')}</h2>
      <p className="hint">{t('wallet.inventory.intro')}</p>
      <ErrorMessage error={inv.error} />
      {inv.data && !current ? <p className="muted">{t('wallet.inventory.none')}</p> : null}
      {current ? (
        <>
          <p>
            {t('wallet.inventory.currentVersion', { version: current.version, date: formatDate(current.createdAt, lang) })}
            {current.note ? <span className="muted"> · {current.note}</span> : null}
          </p>
          <ul className="counts" aria-label={t('wallet.inventory.counts')}>
            <li className="status-chip">
              {t('wallet.inventory.sites')}: <strong>{current.counts.sites}</strong>
            </li>
            <li className="status-chip">
              {t('wallet.inventory.devices')}: <strong>{current.counts.devices}</strong>
            </li>
            <li className="status-chip">
              {t('wallet.inventory.keys')}: <strong>{current.counts.keys}</strong>
            </li>
            <li className="status-chip">
              {t('wallet.inventory.backups')}: <strong>{current.counts.backups}</strong>
            </li>
          </ul>
          <InventoryTables inventory={current.inventory} />
        </>
      ) : null}
      {canImport ? <ImportForm systemId={systemId} expectedVersion={current?.version ?? 0} onImported={inv.reload} /> : null}
      {inv.data && inv.data.versions.length > 0 ? <Versions systemId={systemId} versions={inv.data.versions} /> : null}
    </section>
  );
}

function InventoryTables({ inventory }: { inventory: Inventory }) {
  const { t } = useI18n();
  const yes = (b: boolean) => (b ? t('wallet.yes') : t('wallet.no'));
  return (
    <>
      {inventory.sites.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption>{t('wallet.inventory.sites')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('wallet.inventory.id')}</th>
                <th scope="col">{t('wallet.inventory.name')}</th>
                <th scope="col">{t('wallet.inventory.country')}</th>
                <th scope="col">{t('wallet.inventory.region')}</th>
              </tr>
            </thead>
            <tbody>
              {inventory.sites.map((s) => (
                <tr key={s.id}>
                  <th scope="row">{s.id}</th>
                  <td>{s.name ?? '—'}</td>
                  <td>{s.country}</td>
                  <td>{s.region ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {inventory.devices.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption>{t('wallet.inventory.devices')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('wallet.inventory.id')}</th>
                <th scope="col">{t('wallet.inventory.vendor')}</th>
                <th scope="col">{t('wallet.inventory.model')}</th>
                <th scope="col">{t('wallet.inventory.serial')}</th>
              </tr>
            </thead>
            <tbody>
              {inventory.devices.map((d) => (
                <tr key={d.id}>
                  <th scope="row">{d.id}</th>
                  <td>{d.vendor}</td>
                  <td>{d.model ?? '—'}</td>
                  <td>{d.serial ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {inventory.keys.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption>{t('wallet.inventory.keys')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('wallet.inventory.id')}</th>
                <th scope="col">{t('wallet.inventory.fingerprint')}</th>
                <th scope="col">{t('wallet.inventory.xpub')}</th>
                <th scope="col">{t('wallet.inventory.holder')}</th>
                <th scope="col">{t('wallet.inventory.organization')}</th>
                <th scope="col">{t('wallet.inventory.site')}</th>
                <th scope="col">{t('wallet.inventory.device')}</th>
                <th scope="col">{t('wallet.inventory.created')}</th>
              </tr>
            </thead>
            <tbody>
              {inventory.keys.map((k) => (
                <tr key={k.id}>
                  <th scope="row">{k.id}</th>
                  <td>{k.fingerprint ? <code>{k.fingerprint}</code> : '—'}</td>
                  <td>{k.xpub ? <code title={k.xpub}>{`${k.xpub.slice(0, 12)}…${k.xpub.slice(-6)}`}</code> : '—'}</td>
                  <td>{k.holder}</td>
                  <td>{k.organization}</td>
                  <td>{k.site}</td>
                  <td>{k.device ?? '—'}</td>
                  <td>{k.created ? `${k.created.method} · ${k.created.by}${k.created.date ? ` · ${k.created.date}` : ''}${k.created.ceremony ? ` · ${k.created.ceremony}` : ''}` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {inventory.backups.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption>{t('wallet.inventory.backups')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('wallet.inventory.key')}</th>
                <th scope="col">{t('wallet.inventory.medium')}</th>
                <th scope="col">{t('wallet.inventory.site')}</th>
                <th scope="col">{t('wallet.inventory.encrypted')}</th>
                <th scope="col">{t('wallet.inventory.accessControl')}</th>
                <th scope="col">{t('wallet.inventory.environmental')}</th>
                <th scope="col">{t('wallet.inventory.seals')}</th>
              </tr>
            </thead>
            <tbody>
              {inventory.backups.map((b, i) => (
                <tr key={b.id ?? i}>
                  <th scope="row">{b.key}</th>
                  <td>{b.medium}</td>
                  <td>{b.site}</td>
                  <td>{yes(b.encrypted)}</td>
                  <td>{b.accessControl ?? '—'}</td>
                  <td>{b.environmental.length > 0 ? b.environmental.join(', ') : '—'}</td>
                  <td>
                    {b.seals.length === 0
                      ? '—'
                      : b.seals.map((s) => {
                          const last = s.inspections[s.inspections.length - 1];
                          return (
                            <div key={s.serial}>
                              <code>{s.serial}</code>{' '}
                              {last ? t(last.intact && last.serial === s.serial ? 'wallet.inventory.sealOk' : 'wallet.inventory.sealBad', { date: last.date }) : t('wallet.inventory.sealNever')}
                            </div>
                          );
                        })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}

function ImportForm({ systemId, expectedVersion, onImported }: { systemId: string; expectedVersion: number; onImported(): void }) {
  const { t } = useI18n();
  const [files, setFiles] = useState<File[]>([]);
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (files.length === 0) return;
    const form = e.currentTarget;
    setBusy(true);
    setError(undefined);
    setDone(null);
    try {
      const payload = { files: await Promise.all(files.map(async (f) => ({ name: f.name, content: await f.text() }))), expectedVersion, ...(note.trim() ? { note: note.trim() } : {}) };
      const r = await api<{ current: InventoryVersionInfo }>(`/api/systems/${seg(systemId)}/wallet-inventory`, { json: payload });
      setDone(r.current.version);
      setFiles([]);
      setNote('');
      form.reset();
      onImported();
    } catch (err) {
      setError(err);
      // Someone else imported in between: show their version so the next import is against it.
      if (err instanceof ApiError && err.code === 'VERSION_CONFLICT') onImported();
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form" onSubmit={submit} aria-labelledby="wallet-import-h" aria-busy={busy}>
      <h3 id="wallet-import-h">{t('wallet.import.title')}</h3>
      <p className="hint" id="wallet-import-hint">
        {t('wallet.import.hint')}
      </p>
      <div className="field">
        <label htmlFor="wallet-import-files">{t('wallet.import.files')}</label>
        <input id="wallet-import-files" type="file" multiple accept=".yaml,.yml,.csv,text/yaml,text/csv" aria-describedby="wallet-import-hint" onChange={(e) => setFiles([...(e.target.files ?? [])])} />
      </div>
      <TextField label={t('wallet.import.note')} value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
      <ProblemsByFile error={error} />
      {done !== null ? <Notice kind="success">{t('wallet.import.done', { version: done })}</Notice> : null}
      <button type="submit" className="btn btn-primary" disabled={busy || files.length === 0}>
        {t('wallet.import.submit')}
      </button>
    </form>
  );
}

function Versions({ systemId, versions }: { systemId: string; versions: InventoryVersionInfo[] }) {
  const { t, lang } = useI18n();
  const [error, setError] = useState<unknown>();
  const base = `/api/systems/${seg(systemId)}/wallet-inventory/export`;
  const get = (query: string, name: string) => {
    setError(undefined);
    download(`${base}?${query}`, name).catch(setError);
  };
  return (
    <>
      <h3 id="wallet-versions-h">{t('wallet.versions.title')}</h3>
      <ErrorMessage error={error} />
      <div className="table-wrap">
        <table aria-labelledby="wallet-versions-h">
          <thead>
            <tr>
              <th scope="col">{t('wallet.versions.version')}</th>
              <th scope="col">{t('wallet.versions.imported')}</th>
              <th scope="col">{t('wallet.versions.files')}</th>
              <th scope="col">{t('wallet.versions.content')}</th>
              <th scope="col">{t('wallet.versions.download')}</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.version}>
                <th scope="row">
                  {v.version}
                  {v.note ? <div className="muted small">{v.note}</div> : null}
                </th>
                <td>
                  {formatDate(v.createdAt, lang)}
                  <div className="muted small">{v.createdBy}</div>
                </td>
                <td>
                  {v.files.map((f, i) => (
                    <div key={i}>
                      <button type="button" className="btn btn-link" onClick={() => get(`version=${v.version}&format=file&file=${i}`, f.name)} aria-label={t('wallet.versions.downloadFile', { name: f.name, version: v.version })}>
                        {f.name}
                      </button>{' '}
                      <code className="muted small" title={f.sha256}>
                        {f.sha256.slice(0, 12)}…
                      </code>
                    </div>
                  ))}
                </td>
                <td>{t('wallet.versions.counts', { keys: v.counts.keys, backups: v.counts.backups, sites: v.counts.sites, devices: v.counts.devices })}</td>
                <td>
                  <button type="button" className="btn btn-small" onClick={() => get(`version=${v.version}&format=yaml`, `key-inventory-v${v.version}.yaml`)} aria-label={t('wallet.versions.downloadYamlOf', { version: v.version })}>
                    YAML
                  </button>{' '}
                  <button type="button" className="btn btn-small" onClick={() => get(`version=${v.version}&format=json`, `key-inventory-v${v.version}.json`)} aria-label={t('wallet.versions.downloadJsonOf', { version: v.version })}>
                    JSON
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
