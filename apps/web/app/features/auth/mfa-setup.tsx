/**
 * TOTP set-up (RFC 6238): the otpauth URL as a QR code and as text, the secret for manual entry,
 * a code to confirm, then the ten recovery codes, shown once. Secrets and codes live only in this
 * component's state and are gone when the user leaves the page.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { QrCode } from '../../components/qr-code';
import { ChangePassword } from './change-password';
import { ErrorMessage, Notice, Page, TextField } from '../../components/ui';
import { useI18n } from '../../i18n/i18n';
import { Link, navigate, queryParam } from '../../router';
import { safeNext, useSession, useSignedIn } from '../../session';

export function MfaSetup() {
  const { t } = useI18n();
  const session = useSignedIn();
  const { refresh } = useSession();
  const [setup, setSetup] = useState<{ secret: string; otpauthUrl: string } | null>(null);
  const [code, setCode] = useState('');
  const [recovery, setRecovery] = useState<string[] | null>(null);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const started = useRef(false);
  const next = safeNext(queryParam('next'));
  const enabled = session.user.mfaEnabled;

  const start = async () => {
    setError(undefined);
    try {
      setSetup(await api<{ secret: string; otpauthUrl: string }>('/api/auth/mfa/setup', { method: 'POST' }));
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => {
    if (enabled || started.current) return;
    started.current = true;
    void start();
  }, [enabled]);

  const enable = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const r = await api<{ recoveryCodes: string[] }>('/api/auth/mfa/enable', { json: { code: code.replace(/\s+/g, '') } });
      setSetup(null);
      setCode('');
      setRecovery(r.recoveryCodes);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const done = async () => {
    setRecovery(null);
    await refresh();
    navigate(next);
  };

  if (recovery) {
    return (
      <Page title={t('mfa.recoveryTitle')}>
        <section className="card narrow">
          <Notice kind="warning">{t('mfa.recoveryOnce')}</Notice>
          <ol className="recovery-codes" aria-label={t('mfa.recoveryTitle')}>
            {recovery.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ol>
          <button type="button" className="btn btn-primary" onClick={() => void done()}>
            {t('mfa.recoverySaved')}
          </button>
        </section>
      </Page>
    );
  }

  if (enabled) {
    return (
      <Page title={t('mfa.title')}>
        <section className="card narrow">
          <Notice kind="success">{t('mfa.enabled')}</Notice>
          <Link className="btn" to={next}>
            {t('common.continue')}
          </Link>
        </section>
        <ChangePassword />
      </Page>
    );
  }

  return (
    <Page title={t('mfa.title')}>
      <section className="card narrow">
        {session.mfaRequired ? <Notice kind="warning">{t('mfa.required')}</Notice> : <p>{t('mfa.intro')}</p>}
        {setup ? (
          <>
            <ol className="steps">
              <li>{t('mfa.step1')}</li>
              <li>{t('mfa.step2')}</li>
            </ol>
            <QrCode text={setup.otpauthUrl} label={t('mfa.qrLabel')} />
            <dl className="kv">
              <dt>{t('mfa.secret')}</dt>
              <dd>
                <code data-testid="mfa-secret">{setup.secret}</code>
              </dd>
              <dt>{t('mfa.otpauthUrl')}</dt>
              <dd>
                <code className="wrap" data-testid="mfa-otpauth">
                  {setup.otpauthUrl}
                </code>
              </dd>
            </dl>
            <form className="form" onSubmit={enable} aria-busy={busy}>
              <TextField
                label={t('mfa.code')}
                autoComplete="one-time-code"
                inputMode="numeric"
                pattern="[0-9 ]{6,7}"
                required
                value={code}
                onChange={(e) => setCode(e.target.value)}
              />
              <ErrorMessage error={error} />
              <button type="submit" className="btn btn-primary" disabled={busy}>
                {t('mfa.enable')}
              </button>
            </form>
          </>
        ) : (
          <>
            <ErrorMessage error={error} />
            <button type="button" className="btn" onClick={() => void start()}>
              {t('mfa.start')}
            </button>
          </>
        )}
        {!session.mfaRequired ? (
          <p>
            <Link to={next}>{t('mfa.later')}</Link>
          </p>
        ) : null}
      </section>
      <ChangePassword />
    </Page>
  );
}
