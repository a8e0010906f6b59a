/** Sign-up: name, email, password (at least 12 characters, not a common one; the server checks). */
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { ErrorMessage, Page, TextField } from '../../components/ui';
import { useI18n } from '../../i18n/i18n';
import { Link, navigate, queryParam } from '../../router';
import { safeNext, useSession } from '../../session';

export function SignUp() {
  const { t } = useI18n();
  const { refresh } = useSession();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api('/api/auth/signup', { json: { name, email, password }, quiet: true });
      await refresh();
      // Owners must use MFA; offer it at once (the page lets the user continue without it).
      navigate(`/mfa?next=${encodeURIComponent(safeNext(queryParam('next')))}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={t('signUp.title')}>
      <form className="card form narrow" onSubmit={submit} aria-busy={busy}>
        <TextField label={t('field.name')} autoComplete="name" required value={name} onChange={(e) => setName(e.target.value)} />
        <TextField label={t('field.email')} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <TextField
          label={t('field.password')}
          hint={t('signUp.passwordHint')}
          type="password"
          autoComplete="new-password"
          minLength={12}
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <ErrorMessage error={error} />
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {t('signUp.submit')}
        </button>
        <p>
          {t('signUp.haveAccount')} <Link to="/sign-in">{t('signIn.title')}</Link>
        </p>
      </form>
    </Page>
  );
}
