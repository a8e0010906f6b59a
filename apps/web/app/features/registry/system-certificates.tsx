/**
 * The system's certificates on the system page (GET /api/orgs/:orgId/certificates, this system's
 * only): state, level, valid until, when the next annual audit is due (with the server's reminder
 * from 90 days before expiry), the badge and the public page in the registry.
 */
import { api, seg } from '../../api/client';
import type { OrgCertificate } from '../../api/types';
import { ErrorMessage, formatDate, LevelBadge, Loading, Notice } from '../../components/ui';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { StateLine } from './common';

export function SystemCertificates({ orgId, systemId }: { orgId: string; systemId: string }) {
  const { t, lang } = useI18n();
  const list = useLoad(() => api<{ certificates: OrgCertificate[] }>(`/api/orgs/${seg(orgId)}/certificates`), [orgId]);
  const certs = (list.data?.certificates ?? []).filter((c) => c.system.id === systemId).sort((a, b) => b.issuedAt.localeCompare(a.issuedAt));
  const reminders = certs.filter((c) => c.reminder);
  return (
    <section className="card" aria-labelledby="system-certs-h">
      <h2 id="system-certs-h">{t('cert.systemTitle')}</h2>
      {list.loading && !list.data ? <Loading /> : null}
      <ErrorMessage error={list.error} />
      {list.data && certs.length === 0 ? <p className="muted">{t('cert.systemNone')}</p> : null}
      {reminders.map((c) => (
        <Notice key={c.id} kind="warning">
          {t('cert.reminder', { id: c.id, date: formatDate(c.nextAuditDue, lang) })}
        </Notice>
      ))}
      {certs.length > 0 ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('cert.id')}</th>
                <th scope="col">{t('cert.state')}</th>
                <th scope="col">{t('common.level')}</th>
                <th scope="col">{t('cert.validUntil')}</th>
                <th scope="col">{t('cert.nextAudit')}</th>
                <th scope="col">{t('cert.badge')}</th>
              </tr>
            </thead>
            <tbody>
              {certs.map((c) => (
                <tr key={c.id}>
                  <td>
                    <a href={c.links.page}>{c.id}</a>
                    <span className="block hint">{t('cert.auditedBy', { auditor: c.auditor.firm ? `${c.auditor.name} (${c.auditor.firm})` : c.auditor.name })}</span>
                  </td>
                  <td>
                    <StateLine status={c.status} />
                  </td>
                  <td>
                    <LevelBadge level={c.level} />
                  </td>
                  <td>{formatDate(c.validUntil, lang)}</td>
                  <td>{c.status.state === 'active' || c.status.state === 'suspended' ? formatDate(c.nextAuditDue, lang) : '—'}</td>
                  <td>
                    <a href={c.links.page}>
                      <img src={c.links.badge} alt={t('cert.badgeAlt', { id: c.id })} height={20} />
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {certs.length > 0 ? <p className="hint">{t('cert.badgeHint')}</p> : null}
    </section>
  );
}
