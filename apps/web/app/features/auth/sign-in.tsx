/** Sign-in: email and password, then a TOTP or recovery code when the account has MFA. */
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api/client';
import { ErrorMessage, Page, TextField } from '../../components/ui';
import { useI18n } from '../../i18n/i18n';
import { Link, navigate, queryParam } from '../../router';
import { safeNext, useSession } from '../../session';

export function SignIn() {
  const { t } = useI18n();
  const { refresh } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needCode, setNeedCode] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api('/api/auth/login', { json: { email, password, ...(needCode ? { code: code.replace(/\s+/g, '') } : {}) }, quiet: true });
      const s = await refresh();
      if (s && s.mfaRequired && !s.user.mfaEnabled) navigate('/mfa');
      else navigate(safeNext(queryParam('next')));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'MFA_CODE_REQUIRED' && !needCode) setNeedCode(true);
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={t('signIn.title')}>
      <form className="card form narrow" onSubmit={submit} aria-busy={busy}>
        <TextField label={t('field.email')} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <TextField label={t('field.password')} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        {needCode ? (
          <TextField
            label={t('signIn.code')}
            hint={t('signIn.codeHint')}
            autoComplete="one-time-code"
            inputMode="text"
            required
            autoFocus
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
        ) : null}
        <ErrorMessage error={error} />
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {t('signIn.submit')}
        </button>
        <p>
          {t('signIn.noAccount')} <Link to="/sign-up">{t('signUp.title')}</Link>
        </p>
      </form>
    </Page>
  );
}
