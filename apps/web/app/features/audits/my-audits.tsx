/** "My audits": the engagements where you are an auditor or the peer reviewer (GET /api/engagements). */
import { api, seg } from '../../api/client';
import type { MyEngagement } from '../../api/types';
import { ErrorMessage, formatDay, Loading, Page } from '../../components/ui';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { Link } from '../../router';
import { editionLabel } from '../systems/editions';
import { StatusBadge, useAuditLabels } from './common';

export function MyAudits() {
  const { t, lang } = useI18n();
  const labels = useAuditLabels();
  const list = useLoad(() => api<{ engagements: MyEngagement[] }>('/api/engagements'), []);
  const rows = list.data?.engagements ?? [];
  return (
    <Page title={t('myAudits.title')} wide>
      <p className="muted">{t('myAudits.intro')}</p>
      {list.loading && !list.data ? <Loading /> : null}
      <ErrorMessage error={list.error} />
      {list.data && rows.length === 0 ? <p className="card muted">{t('myAudits.none')}</p> : null}
      {rows.length > 0 ? (
        <section className="card" aria-labelledby="my-audits-h">
          <h2 id="my-audits-h" className="visually-hidden">
            {t('myAudits.title')}
          </h2>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('audits.engagement')}</th>
                  <th scope="col">{t('myAudits.auditee')}</th>
                  <th scope="col">{t('myAudits.yourRole')}</th>
                  <th scope="col">{t('audits.period')}</th>
                  <th scope="col">{t('audits.status')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((e) => (
                  <tr key={e.id}>
                    <td>
                      <Link to={`/engagements/${seg(e.id)}`}>
                        {labels.type(e.type)} · {editionLabel(e.edition)}
                      </Link>
                      <div className="small muted">{e.auditorFirm}</div>
                    </td>
                    <td>
                      {e.system}
                      <div className="small muted">{e.organization}</div>
                    </td>
                    <td>{e.roles.map(labels.role).join(', ')}</td>
                    <td>
                      {formatDay(e.period.start, lang)} – {formatDay(e.period.end, lang)}
                    </td>
                    <td>
                      <StatusBadge status={e.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </Page>
  );
}
