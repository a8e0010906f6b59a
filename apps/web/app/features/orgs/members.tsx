/** Members and invitations of an organization. Changing roles and inviting need the owner role. */
import { useState, type FormEvent } from 'react';
import { api, ApiError, seg } from '../../api/client';
import { ORG_ROLES, type Invitation, type Member, type OrgRole } from '../../api/types';
import { ErrorMessage, formatDate, Loading, Notice, Page, SelectField, TextField } from '../../components/ui';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { useSignedIn } from '../../session';
import { roleLabel } from './org-picker';

export function Members({ orgId }: { orgId: string }) {
  const { t, lang } = useI18n();
  const session = useSignedIn();
  const myRole = session.memberships.find((m) => m.org.id === orgId)?.role;
  const isOwner = myRole === 'owner';
  const members = useLoad(() => api<{ members: Member[] }>(`/api/orgs/${seg(orgId)}/members`), [orgId]);
  const invitations = useLoad(
    () =>
      isOwner
        ? api<{ invitations: Invitation[] }>(`/api/orgs/${seg(orgId)}/invitations`).catch((e: unknown) => {
            if (e instanceof ApiError && e.status === 403) return { invitations: [] };
            throw e;
          })
        : Promise.resolve({ invitations: [] as Invitation[] }),
    [orgId, isOwner],
  );
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<OrgRole>('keyholder');
  const [created, setCreated] = useState<{ email: string; token: string } | null>(null);
  const [error, setError] = useState<unknown>();

  const invite = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const r = await api<{ invitation: Invitation; token: string }>(`/api/orgs/${seg(orgId)}/invitations`, { json: { email, role } });
      setCreated({ email: r.invitation.email, token: r.token });
      setEmail('');
      invitations.reload();
    } catch (err) {
      setError(err);
    }
  };
  const changeRole = async (userId: string, next: OrgRole) => {
    setError(undefined);
    try {
      await api(`/api/orgs/${seg(orgId)}/members/${seg(userId)}`, { method: 'PUT', json: { role: next } });
      members.reload();
    } catch (err) {
      setError(err);
      members.reload();
    }
  };
  const revoke = async (i: Invitation) => {
    setError(undefined);
    try {
      await api(`/api/orgs/${seg(orgId)}/invitations/${seg(i.id)}`, { method: 'DELETE' });
      invitations.reload();
    } catch (err) {
      setError(err);
    }
  };
  const remove = async (m: Member) => {
    if (!window.confirm(t('members.removeConfirm', { name: m.name || m.email }))) return;
    setError(undefined);
    try {
      await api(`/api/orgs/${seg(orgId)}/members/${seg(m.userId)}`, { method: 'DELETE' });
      members.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <Page title={t('members.title')}>
      <ErrorMessage error={error} />
      <section className="card" aria-labelledby="members-list">
        <h2 id="members-list">{t('members.list')}</h2>
        {members.loading && !members.data ? <Loading /> : null}
        <ErrorMessage error={members.error} />
        {members.data ? (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('field.name')}</th>
                  <th scope="col">{t('field.email')}</th>
                  <th scope="col">{t('members.role')}</th>
                  {isOwner ? <th scope="col">{t('common.actions')}</th> : null}
                </tr>
              </thead>
              <tbody>
                {members.data.members.map((m) => (
                  <tr key={m.userId}>
                    <td>{m.name}</td>
                    <td>{m.email}</td>
                    <td>
                      {isOwner ? (
                        <select aria-label={t('members.roleOf', { name: m.name || m.email })} value={m.role} onChange={(e) => void changeRole(m.userId, e.target.value as OrgRole)}>
                          {ORG_ROLES.map((r) => (
                            <option key={r} value={r}>
                              {roleLabel(t, r)}
                            </option>
                          ))}
                        </select>
                      ) : (
                        roleLabel(t, m.role)
                      )}
                    </td>
                    {isOwner ? (
                      <td>
                        <button type="button" className="btn btn-small btn-danger" onClick={() => void remove(m)}>
                          {t('members.remove')}
                        </button>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
      {isOwner ? (
        <div className="grid-2">
          <form className="card form" onSubmit={invite} aria-labelledby="members-invite">
            <h2 id="members-invite">{t('members.invite')}</h2>
            <TextField label={t('field.email')} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
            <SelectField label={t('members.role')} value={role} onChange={(e) => setRole(e.target.value as OrgRole)}>
              {ORG_ROLES.map((r) => (
                <option key={r} value={r}>
                  {roleLabel(t, r)}
                </option>
              ))}
            </SelectField>
            <button type="submit" className="btn btn-primary">
              {t('members.inviteSubmit')}
            </button>
            {created ? (
              <Notice kind="success">
                <p>{t('members.inviteCreated', { email: created.email })}</p>
                <p>
                  <code className="wrap">{created.token}</code>
                </p>
                <p className="hint">{t('members.inviteOnce')}</p>
              </Notice>
            ) : null}
          </form>
          <section className="card" aria-labelledby="members-pending">
            <h2 id="members-pending">{t('members.pending')}</h2>
            <ErrorMessage error={invitations.error} />
            {invitations.data && invitations.data.invitations.length === 0 ? <p className="muted">{t('members.noPending')}</p> : null}
            <ul className="list">
              {invitations.data?.invitations.map((i) => (
                <li key={i.id}>
                  {i.email} <span className="tag">{roleLabel(t, i.role)}</span> <span className="muted">{t('members.expires', { date: formatDate(i.expiresAt, lang) })}</span>{' '}
                  <button type="button" className="btn btn-link" onClick={() => void revoke(i)} aria-label={t('members.revokeNamed', { email: i.email })}>
                    {t('members.revoke')}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        </div>
      ) : null}
    </Page>
  );
}
