/** Editing a system's details (owners and security leads), with the version the page read. */
import { useState, type FormEvent } from 'react';
import { api, ApiError, seg } from '../../api/client';
import type { System } from '../../api/types';
import { ErrorMessage, Notice, TextArea, TextField } from '../../components/ui';
import { useI18n } from '../../i18n/i18n';
import { listOf } from './dashboard';

const formOf = (s: System) => ({
  name: s.name,
  designation: s.designation ?? '',
  scope: s.scope ?? '',
  boundary: s.boundary ?? '',
  wallets: (s.wallets ?? []).join(', '),
  assets: (s.assets ?? []).join(', '),
});

export function EditSystem({ system, onSaved, onCancel }: { system: System; onSaved: () => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [form, setForm] = useState(() => formOf(system));
  const [version, setVersion] = useState(system.version ?? 1);
  const [error, setError] = useState<unknown>();
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setConflict(false);
    try {
      await api(`/api/systems/${seg(system.id)}`, {
        method: 'PATCH',
        json: { version, name: form.name.trim(), designation: form.designation.trim(), scope: form.scope.trim(), boundary: form.boundary.trim(), wallets: listOf(form.wallets), assets: listOf(form.assets) },
      });
      onSaved();
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.body.current) {
        // Someone else saved first: show their version, keep nothing of ours silently.
        const current = err.body.current as System;
        setForm(formOf(current));
        setVersion(current.version ?? version);
        setConflict(true);
      } else setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={save} aria-labelledby="edit-system-h" aria-busy={busy}>
      <h3 id="edit-system-h">{t('system.edit')}</h3>
      {conflict ? <Notice kind="warning">{t('system.editConflict')}</Notice> : null}
      <TextField label={t('field.name')} required value={form.name} onChange={set('name')} />
      <TextField label={t('system.designation')} value={form.designation} onChange={set('designation')} />
      <TextArea label={t('system.scope')} value={form.scope} onChange={set('scope')} />
      <TextArea label={t('system.boundary')} value={form.boundary} onChange={set('boundary')} />
      <TextField label={t('system.wallets')} hint={t('common.commaList')} value={form.wallets} onChange={set('wallets')} />
      <TextField label={t('system.assets')} hint={t('common.commaList')} value={form.assets} onChange={set('assets')} />
      <ErrorMessage error={error} />
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={busy || !form.name.trim()}>
          {t('system.save')}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
