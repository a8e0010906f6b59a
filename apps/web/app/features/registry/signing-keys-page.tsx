/**
 * "Signing keys" (/signing-keys) for accredited auditors: the accreditation, the keys with their
 * history (added, revoked with the reason, registry-log index), registering a public key, and
 * revoking one (GET/POST /api/auditors/me/keys, POST /api/auditors/me/keys/:keyid/revoke).
 * The key pair is made on the auditor's own machine with `keygrade cert keygen`; this page only
 * ever sees the public key and never asks for the private one.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { api, seg } from '../../api/client';
import type { AuditorKey, MyKeys } from '../../api/types';
import { ErrorMessage, formatDate, formatDay, Loading, Notice, Page, TextField } from '../../components/ui';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { fieldError, useAction } from '../audits/common';
import { Command, HEX64, KeyId, keyIdOfHex } from './common';

export function SigningKeysPage() {
  const { t, lang } = useI18n();
  const mine = useLoad(() => api<MyKeys>('/api/auditors/me/keys'), []);
  const keys = [...(mine.data?.keys ?? [])].sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null) || b.addedAt.localeCompare(a.addedAt));
  const a = mine.data?.auditor;
  return (
    <Page title={t('keys.title')} wide>
      <p className="muted">{t('keys.intro')}</p>
      {mine.loading && !mine.data ? <Loading /> : null}
      <ErrorMessage error={mine.error} />
      {mine.data && !a ? <Notice kind="warning">{t('keys.notAuditor')}</Notice> : null}
      {a ? (
        <section className="card" aria-labelledby="accreditation-h">
          <h2 id="accreditation-h">{t('keys.accreditation')}</h2>
          <dl className="kv">
            <dt>{t('auditors.firm')}</dt>
            <dd>
              {a.firm.name} <span className="id">{a.firm.id}</span>
            </dd>
            <dt>{t('auditors.accreditation')}</dt>
            <dd>
              {formatDay(a.accreditedFrom, lang)} – {formatDay(a.accreditedUntil, lang)}
            </dd>
          </dl>
        </section>
      ) : null}
      {mine.data && (a || keys.length > 0) ? (
        <section className="card" aria-labelledby="keys-list-h">
          <h2 id="keys-list-h">{t('keys.list')}</h2>
          {keys.length === 0 ? <p className="muted">{t('keys.none')}</p> : null}
          {keys.length > 0 ? (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('keys.label')}</th>
                    <th scope="col">{t('keys.keyid')}</th>
                    <th scope="col">{t('keys.added')}</th>
                    <th scope="col">{t('keys.state')}</th>
                    <th scope="col">{t('keys.logIndex')}</th>
                  </tr>
                </thead>
                <tbody>
                  {keys.map((k) => (
                    <KeyRow key={k.keyid} k={k} onChange={mine.reload} />
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </section>
      ) : null}
      {a ? (
        <>
          <section className="card" aria-labelledby="keys-create-h">
            <h2 id="keys-create-h">{t('keys.create')}</h2>
            <p>{t('keys.createIntro')}</p>
            <Command label={t('keys.createCommand')}>keygrade cert keygen &lt;name&gt;</Command>
            <p className="hint">{t('keys.createHint')}</p>
          </section>
          <AddKey onAdded={mine.reload} />
        </>
      ) : null}
    </Page>
  );
}

function KeyRow({ k, onChange }: { k: AuditorKey; onChange(): void }) {
  const { t, lang } = useI18n();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const revoke = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await revoke.run(() => api(`/api/auditors/me/keys/${seg(k.keyid)}/revoke`, { json: { reason } }))) {
      setOpen(false);
      onChange();
    }
  };
  return (
    <tr>
      <td>{k.label}</td>
      <td>
        <KeyId keyid={k.keyid} />
        <span className="hint block">
          {t('keys.publicKey')}: <code className="keyid">{k.publicKey}</code>
        </span>
      </td>
      <td>{formatDate(k.addedAt, lang)}</td>
      <td>
        {k.revokedAt ? (
          <>
            <span className="tag cert-state cert-revoked">{t('keys.revoked')}</span> {formatDate(k.revokedAt, lang)}
            {k.revokedReason ? <span className="block">{t('keys.reasonIs', { reason: k.revokedReason })}</span> : null}
          </>
        ) : (
          <>
            <span className="tag cert-state cert-active">{t('keys.active')}</span>{' '}
            {!open ? (
              <button type="button" className="btn btn-small" onClick={() => setOpen(true)} aria-label={t('keys.revokeLabel', { label: k.label })}>
                {t('keys.revoke')}
              </button>
            ) : null}
          </>
        )}
        {open ? (
          <form className="form inline-form" onSubmit={submit} aria-label={t('keys.revokeLabel', { label: k.label })} aria-busy={revoke.busy}>
            <TextField label={t('keys.reason')} hint={t('keys.revokeHint')} required value={reason} onChange={(e) => setReason(e.target.value)} error={fieldError(revoke.error, 'reason')} />
            <ErrorMessage error={revoke.error} />
            <div className="row">
              <button type="submit" className="btn btn-danger btn-small" disabled={revoke.busy}>
                {t('keys.revokeSubmit')}
              </button>
              <button type="button" className="btn btn-small" onClick={() => setOpen(false)}>
                {t('common.cancel')}
              </button>
            </div>
          </form>
        ) : null}
      </td>
      <td>{k.logIndex ?? '—'}</td>
    </tr>
  );
}

function AddKey({ onAdded }: { onAdded(): void }) {
  const { t } = useI18n();
  const [publicKey, setPublicKey] = useState('');
  const [label, setLabel] = useState('');
  const [keyid, setKeyid] = useState<string | null>(null);
  const [added, setAdded] = useState<AuditorKey | null>(null);
  const add = useAction();
  const pk = publicKey.trim().toLowerCase();
  useEffect(() => {
    let live = true;
    void keyIdOfHex(pk).then((id) => {
      if (live) setKeyid(id);
    });
    return () => {
      live = false;
    };
  }, [pk]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setAdded(null);
    let answer: { key: AuditorKey } | undefined;
    if (await add.run(async () => (answer = await api<{ key: AuditorKey }>('/api/auditors/me/keys', { json: { publicKey: pk, label: label.trim() } })))) {
      setAdded(answer!.key);
      setPublicKey('');
      setLabel('');
      onAdded();
    }
  };
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="keys-add-h" aria-busy={add.busy}>
      <h2 id="keys-add-h">{t('keys.add')}</h2>
      <TextField
        label={t('keys.publicKey')}
        hint={t('keys.publicKeyHint')}
        required
        autoComplete="off"
        spellCheck={false}
        pattern="[0-9a-fA-F]{64}"
        maxLength={64}
        className="mono"
        value={publicKey}
        onChange={(e) => setPublicKey(e.target.value)}
        error={fieldError(add.error, 'publicKey')}
      />
      {keyid && HEX64.test(pk) ? (
        <p className="hint" role="status">
          {t('keys.computedId')} <KeyId keyid={keyid} />
        </p>
      ) : null}
      <TextField label={t('keys.label')} hint={t('keys.labelHint')} required maxLength={200} value={label} onChange={(e) => setLabel(e.target.value)} error={fieldError(add.error, 'label')} />
      <ErrorMessage error={add.error} />
      {added ? <Notice kind="success">{t('keys.added.ok', { label: added.label, index: added.logIndex ?? '—' })}</Notice> : null}
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={add.busy}>
          {t('keys.addSubmit')}
        </button>
      </div>
    </form>
  );
}
