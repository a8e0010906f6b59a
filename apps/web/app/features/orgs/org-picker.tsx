/** Organization picker and creation, and accepting an invitation with its token. */
import { useState, type FormEvent } from 'react';
import { api, seg } from '../../api/client';
import type { OrgRole, OrgSummary } from '../../api/types';
import { ErrorMessage, Loading, Page, TextField } from '../../components/ui';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { useLoad } from '../../hooks';
import { Link, navigate, queryParam } from '../../router';
import { useSession } from '../../session';

export function roleLabel(t: (k: MessageKey) => string, role: OrgRole | string): string {
  return t(`role.${role}` as MessageKey);
}

export function OrgPicker() {
  const { t } = useI18n();
  const { refresh } = useSession();
  const orgs = useLoad(() => api<{ orgs: OrgSummary[] }>('/api/orgs'), []);
  const [name, setName] = useState('');
  const [token, setToken] = useState(queryParam('invitation') ?? '');
  const [error, setError] = useState<unknown>();
  const [inviteError, setInviteError] = useState<unknown>();

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const r = await api<{ org: { id: string } }>('/api/orgs', { json: { name } });
      await refresh();
      navigate(`/orgs/${seg(r.org.id)}`);
    } catch (err) {
      setError(err);
    }
  };
  const accept = async (e: FormEvent) => {
    e.preventDefault();
    setInviteError(undefined);
    try {
      const r = await api<{ org: { id: string } }>('/api/invitations/accept', { json: { token: token.trim() } });
      await refresh();
      navigate(`/orgs/${seg(r.org.id)}`);
    } catch (err) {
      setInviteError(err);
    }
  };

  return (
    <Page title={t('orgs.title')}>
      <div className="grid-2">
        <section className="card" aria-labelledby="orgs-yours">
          <h2 id="orgs-yours">{t('orgs.yours')}</h2>
          {orgs.loading ? <Loading /> : null}
          <ErrorMessage error={orgs.error} />
          {orgs.data && orgs.data.orgs.length === 0 ? <p className="muted">{t('orgs.none')}</p> : null}
          <ul className="list">
            {orgs.data?.orgs.map((o) => (
              <li key={o.id}>
                <Link to={`/orgs/${seg(o.id)}`}>{o.name}</Link> <span className="tag">{roleLabel(t, o.role)}</span>
              </li>
            ))}
          </ul>
        </section>
        <div className="stack">
          <form className="card form" onSubmit={create} aria-labelledby="orgs-create">
            <h2 id="orgs-create">{t('orgs.create')}</h2>
            <TextField label={t('orgs.name')} required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
            <p className="hint">{t('orgs.ownerNote')}</p>
            <ErrorMessage error={error} />
            <button type="submit" className="btn btn-primary">
              {t('orgs.createSubmit')}
            </button>
          </form>
          <form className="card form" onSubmit={accept} aria-labelledby="orgs-accept">
            <h2 id="orgs-accept">{t('orgs.accept')}</h2>
            <TextField label={t('orgs.invitationToken')} required value={token} onChange={(e) => setToken(e.target.value)} />
            <ErrorMessage error={inviteError} />
            <button type="submit" className="btn">
              {t('orgs.acceptSubmit')}
            </button>
          </form>
        </div>
      </div>
    </Page>
  );
}
