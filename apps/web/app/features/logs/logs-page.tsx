/**
 * The instance administrator's view of the tamper-evident logs: each log's size and what waits for
 * the sequencer, each witness's status (the CCSS backup on a separate server) and the monitoring
 * alerts, which can be acknowledged.
 */
import { useState } from 'react';
import { api, seg } from '../../api/client';
import { ErrorMessage, formatDate, Loading, Page } from '../../components/ui';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n/i18n';

interface WitnessStatus {
  name: string;
  cosignedSize: number | null;
  cosignedAt: string | null;
  lagEntries: number;
  lagSeconds: number | null;
  status: string;
}

interface Alert {
  id: number;
  raisedAt: string;
  message: string;
  firstIndex: number | null;
  lastIndex: number | null;
  acknowledgedAt: string | null;
}

interface LogView {
  name: string;
  kind: string;
  origin: string;
  size: number;
  pending: number;
  checkpointAt: string | null;
  witnesses: WitnessStatus[];
  alerts: Alert[];
}

export function LogsPage() {
  const { t, lang } = useI18n();
  const list = useLoad(() => api<{ logs: LogView[] }>('/api/admin/logs'), []);
  const [error, setError] = useState<unknown>();
  const acknowledge = async (id: number) => {
    setError(undefined);
    try {
      await api(`/api/admin/alerts/${seg(String(id))}/acknowledge`, { method: 'POST' });
      list.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Page title={t('logs.title')} wide>
      <p className="muted">{t('logs.intro')}</p>
      {list.loading && !list.data ? <Loading /> : null}
      <ErrorMessage error={list.error ?? error} />
      {(list.data?.logs ?? []).map((log) => {
        const open = log.alerts.filter((a) => !a.acknowledgedAt);
        return (
          <section className="card" key={log.name} aria-labelledby={`log-${log.name}`}>
            <h2 id={`log-${log.name}`}>
              {log.name} <span className="muted small">({log.kind})</span>
            </h2>
            <dl className="facts">
              <dt>{t('logs.origin')}</dt>
              <dd>
                <code>{log.origin}</code>
              </dd>
              <dt>{t('logs.size')}</dt>
              <dd>{log.size.toLocaleString(lang)}</dd>
              <dt>{t('logs.pending')}</dt>
              <dd>{log.pending.toLocaleString(lang)}</dd>
              <dt>{t('logs.checkpointAt')}</dt>
              <dd>{formatDate(log.checkpointAt, lang)}</dd>
            </dl>
            <h3>{t('logs.witnesses')}</h3>
            {log.witnesses.length === 0 ? (
              <p className="muted">{t('logs.noWitnesses')}</p>
            ) : (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('logs.witness')}</th>
                      <th scope="col">{t('logs.status')}</th>
                      <th scope="col">{t('logs.cosignedSize')}</th>
                      <th scope="col">{t('logs.lag')}</th>
                      <th scope="col">{t('logs.cosignedAt')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {log.witnesses.map((w) => (
                      <tr key={w.name}>
                        <td>{w.name}</td>
                        <td>
                          <span className={w.status === 'ok' ? 'tag' : 'tag tag-warn'}>{t(`logs.witness.${w.status === 'ok' || w.status === 'never' ? w.status : 'lagging'}`)}</span>
                        </td>
                        <td>{w.cosignedSize?.toLocaleString(lang) ?? '—'}</td>
                        <td>{t('logs.lagValue', { entries: w.lagEntries, seconds: w.lagSeconds ?? '—' })}</td>
                        <td>{formatDate(w.cosignedAt, lang)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <h3>{t('logs.alerts', { open: open.length })}</h3>
            {log.alerts.length === 0 ? (
              <p className="muted">{t('logs.noAlerts')}</p>
            ) : (
              <ul className="alert-list">
                {log.alerts.map((a) => (
                  <li key={a.id} className={a.acknowledgedAt ? 'muted' : undefined}>
                    <strong>{formatDate(a.raisedAt, lang)}</strong> — {a.message}
                    {a.firstIndex !== null ? <span className="muted small"> ({t('logs.entries', { first: a.firstIndex, last: a.lastIndex ?? a.firstIndex })})</span> : null}{' '}
                    {a.acknowledgedAt ? (
                      <span className="small">{t('logs.acknowledgedAt', { at: formatDate(a.acknowledgedAt, lang) })}</span>
                    ) : (
                      <button type="button" className="btn btn-small" onClick={() => void acknowledge(a.id)}>
                        {t('logs.acknowledge')}
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </section>
        );
      })}
    </Page>
  );
}
