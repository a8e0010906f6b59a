/**
 * The organization's compliance webhook (owners): URL, on/off, a test ping, and the signing secret,
 * which the server generates and shows once (on the first save and when rotated). The secret lives
 * in this component's state only until the owner dismisses it; it is never stored in the browser.
 */
import { useState, type FormEvent } from 'react';
import { api, seg } from '../../api/client';
import { ErrorMessage, formatDate, Loading, Notice, TextField } from '../../components/ui';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { messageFor, problemsOf } from './fields';
import type { WebhookRecord } from './types';

export function WebhookSettings({ orgId }: { orgId: string }) {
  const { t, lang } = useI18n();
  const path = `/api/orgs/${seg(orgId)}/compliance/webhook`;
  const hook = useLoad(() => api<{ webhook: WebhookRecord | null }>(path), [orgId]);
  const [url, setUrl] = useState<string | null>(null);
  const [enabled, setEnabled] = useState<boolean | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const current = hook.data?.webhook ?? null;
  const shownUrl = url ?? current?.url ?? '';
  const shownEnabled = enabled ?? current?.enabled ?? true;

  const put = async (rotateSecret: boolean) => {
    setBusy(true);
    setError(undefined);
    setStatus(null);
    try {
      const r = await api<{ webhook: WebhookRecord; secret?: string }>(path, { method: 'PUT', json: { url: shownUrl.trim(), enabled: shownEnabled, rotateSecret } });
      hook.setData({ webhook: r.webhook });
      setUrl(null);
      setEnabled(null);
      if (r.secret) setSecret(r.secret);
      setStatus(t('compliance.webhook.saved'));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void put(false);
  };
  const test = async () => {
    setBusy(true);
    setError(undefined);
    setStatus(null);
    try {
      const r = await api<{ status: string; delivered: boolean }>(`${path}/test`, { method: 'POST' });
      setStatus(r.delivered ? t('compliance.webhook.delivered', { status: r.status }) : t('compliance.webhook.notDelivered', { status: r.status }));
      hook.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    if (!window.confirm(t('compliance.webhook.removeConfirm'))) return;
    setError(undefined);
    try {
      await api(path, { method: 'DELETE' });
      hook.setData({ webhook: null });
      setUrl(null);
      setSecret(null);
      setStatus(t('compliance.webhook.removed'));
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section className="card" aria-labelledby="webhook-h">
      <h2 id="webhook-h">{t('compliance.webhook.title')}</h2>
      <p className="muted">{t('compliance.webhook.intro')}</p>
      {hook.loading && !hook.data ? <Loading /> : null}
      {secret ? (
        <Notice kind="warning">
          <p>{t('compliance.webhook.secretOnce')}</p>
          <p>
            <code data-testid="webhook-secret">{secret}</code>
          </p>
          <button type="button" className="btn btn-small" onClick={() => setSecret(null)}>
            {t('compliance.webhook.secretSaved')}
          </button>
        </Notice>
      ) : null}
      <form className="form" onSubmit={submit}>
        <TextField label={t('compliance.webhook.url')} type="url" value={shownUrl} onChange={(e) => setUrl(e.target.value)} placeholder="https://" error={messageFor(problemsOf(error), 'url')} required />
        <div className="field">
          <label>
            <input type="checkbox" checked={shownEnabled} onChange={(e) => setEnabled(e.target.checked)} /> {t('compliance.webhook.enabled')}
          </label>
        </div>
        {current ? (
          <p className="muted">
            {current.lastDeliveryAt ? t('compliance.webhook.last', { date: formatDate(current.lastDeliveryAt, lang), status: current.lastStatus ?? '—' }) : t('compliance.webhook.never')}
          </p>
        ) : null}
        {status ? <Notice kind="success">{status}</Notice> : null}
        <ErrorMessage error={error ?? hook.error} />
        <div className="row wrap">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {t('compliance.webhook.save')}
          </button>
          {current ? (
            <>
              <button type="button" className="btn" disabled={busy} onClick={() => void test()}>
                {t('compliance.webhook.test')}
              </button>
              <button type="button" className="btn" disabled={busy} onClick={() => void put(true)}>
                {t('compliance.webhook.rotate')}
              </button>
              <button type="button" className="btn btn-danger" disabled={busy} onClick={() => void remove()}>
                {t('compliance.webhook.remove')}
              </button>
            </>
          ) : null}
        </div>
      </form>
    </section>
  );
}
