/** Changing one's password: the current one, the new one twice. Other sessions end (server side). */
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { ErrorMessage, Notice, TextField } from '../../components/ui';
import { useI18n } from '../../i18n/i18n';

export function ChangePassword() {
  const { t } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const mismatch = again !== '' && again !== next;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (mismatch) return;
    setBusy(true);
    setError(undefined);
    setDone(false);
    try {
      await api('/api/auth/password', { json: { current, next } });
      setDone(true);
      setCurrent('');
      setNext('');
      setAgain('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card narrow" aria-labelledby="password-h">
      <form className="form" onSubmit={submit} aria-busy={busy}>
        <h2 id="password-h">{t('password.title')}</h2>
        <TextField label={t('password.current')} type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
        <TextField label={t('password.next')} hint={t('password.rules')} type="password" autoComplete="new-password" required minLength={12} value={next} onChange={(e) => setNext(e.target.value)} />
        <TextField label={t('password.again')} type="password" autoComplete="new-password" required value={again} onChange={(e) => setAgain(e.target.value)} {...(mismatch ? { error: t('password.mismatch') } : {})} />
        <ErrorMessage error={error} />
        {done ? <Notice kind="success">{t('password.changed')}</Notice> : null}
        <button type="submit" className="btn btn-primary" disabled={busy || mismatch || !current || !next}>
          {t('password.submit')}
        </button>
      </form>
    </section>
  );
}
