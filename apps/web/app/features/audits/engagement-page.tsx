/**
 * One engagement (/engagements/:id), rendered from GET /api/engagements/:id according to `you`:
 * the summary for everyone; the lead auditor's team and state actions; conflict declarations for
 * auditors and the reviewer; testing per requirement, IPE and sampling for the auditors (read-only
 * and redacted for the reviewer); peer-review queries; the conclusion, certificate data and
 * outputs; remediation items for the auditee. The server decides; this page only shows what the
 * caller's roles allow and every refusal as it comes.
 */
import { useEffect } from 'react';
import { api, seg } from '../../api/client';
import { ENGAGEMENT_STATUSES, type EngagementView } from '../../api/types';
import { ErrorMessage, formatDate, formatDay, Loading, Page } from '../../components/ui';
import { useLoad } from '../../hooks';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { Link } from '../../router';
import { editionLabel } from '../systems/editions';
import { StatusBadge, useAuditLabels } from './common';
import { Declarations } from './declarations';
import { LeadActions } from './lead-actions';
import { CertificateSection } from '../registry/certificate-section';
import { Conclusion, Outputs, Remediation } from './outcome';
import { ReviewQueries } from './review';
import { Sampling } from './sampling';
import { Testing } from './testing';

export function EngagementPage({ engagementId, onOrg }: { engagementId: string; onOrg(orgId: string): void }) {
  const { t, lang } = useI18n();
  const view = useLoad(() => api<EngagementView>(`/api/engagements/${seg(engagementId)}?lang=${lang}`), [engagementId, lang]);
  const orgId = view.data?.engagement.orgId;
  useEffect(() => {
    if (orgId && view.data?.you.auditee) onOrg(orgId);
  }, [orgId, onOrg, view.data?.you.auditee]);
  const labels = useAuditLabels();

  if (view.error && !view.data) {
    return (
      <Page title={t('engagement.title')}>
        <ErrorMessage error={view.error} />
      </Page>
    );
  }
  if (!view.data) return <Loading />;
  const v = view.data;
  const e = v.engagement;
  const insider = v.you.isAuditor || v.you.isReviewer;
  const title = `${labels.type(e.type)} · ${e.auditee.system.name}`;
  const reload = view.reload;
  return (
    <Page title={title} wide>
      <ErrorMessage error={view.error} />
      <Summary v={v} />
      {v.you.isLead ? <LeadActions v={v} onChange={reload} /> : null}
      {insider && ['planning', 'fieldwork', 'in_review'].includes(e.status) ? <Declarations v={v} onChange={reload} /> : null}
      <Conclusion v={v} />
      <Outputs v={v} />
      {e.type === 'certification' && e.status === 'signed_off' ? <CertificateSection v={v} /> : null}
      {insider ? <ReviewQueries v={v} onChange={reload} /> : null}
      {v.requirements.some((r) => r.test !== undefined) ? <Testing v={v} onChange={reload} /> : <p className="card muted">{t('engagement.findingsLater')}</p>}
      {insider ? <Sampling v={v} onChange={reload} /> : null}
      {v.you.auditee || v.you.isAuditor ? <Remediation v={v} onChange={reload} /> : null}
    </Page>
  );
}

function Summary({ v }: { v: EngagementView }) {
  const { t, lang } = useI18n();
  const labels = useAuditLabels();
  const e = v.engagement;
  const step = ENGAGEMENT_STATUSES.indexOf(e.status);
  const active = v.members.filter((m) => m.active);
  return (
    <section className="card" aria-labelledby="summary-h">
      <div className="section-head">
        <h2 id="summary-h">{t('engagement.summary')}</h2>
        <p className="system-level-line">
          {t('engagement.statusLabel')} <StatusBadge status={e.status} />
        </p>
      </div>
      <ol className="progress" aria-label={t('engagement.progress')}>
        {ENGAGEMENT_STATUSES.map((s, i) => (
          <li key={s} className={i < step ? 'done' : i === step ? 'current' : undefined} aria-current={i === step ? 'step' : undefined}>
            {labels.status(s)}
          </li>
        ))}
      </ol>
      <dl className="kv">
        <dt>{t('engagement.system')}</dt>
        <dd>
          {v.you.auditee ? <Link to={`/systems/${seg(e.systemId)}`}>{e.auditee.system.name}</Link> : e.auditee.system.name} · {e.auditee.organization.name}
        </dd>
        <dt>{t('engagement.typeEdition')}</dt>
        <dd>
          {labels.type(e.type)} · {editionLabel(e.edition)}
          {e.firstAudit ? ` · ${t('audits.firstAudit')}` : ''}
        </dd>
        <dt>{t('audits.period')}</dt>
        <dd>
          {formatDay(e.period.start, lang)} – {formatDay(e.period.end, lang)}
        </dd>
        <dt>{t('audits.agreement')}</dt>
        <dd>{e.agreementReference}</dd>
        <dt>{t('audits.firm')}</dt>
        <dd>
          {e.auditorFirm.name} <span className="id">{e.auditorFirm.id}</span>
        </dd>
        <dt>{t('engagement.reviewer')}</dt>
        <dd>{e.peerReviewer ? `${e.peerReviewer.name} (${e.peerReviewer.firm.name})` : t('engagement.noReviewer')}</dd>
        <dt>{t('engagement.yourRoles')}</dt>
        <dd>{[...v.you.roles.map(labels.role), ...(v.you.auditee ? [t('engagement.auditeeRole', { role: t(`role.${v.you.auditee}` as MessageKey) })] : [])].join(', ')}</dd>
        {e.reviewAssignedOn ? (
          <>
            <dt>{t('engagement.reviewAssignedOn')}</dt>
            <dd>{formatDay(e.reviewAssignedOn, lang)}</dd>
          </>
        ) : null}
        {e.reviewerSignedOffAt ? (
          <>
            <dt>{t('engagement.reviewerSignedOffAt')}</dt>
            <dd>{formatDate(e.reviewerSignedOffAt, lang)}</dd>
          </>
        ) : null}
        {e.signedOffAt ? (
          <>
            <dt>{t('engagement.signedOffAt')}</dt>
            <dd>{formatDate(e.signedOffAt, lang)}</dd>
          </>
        ) : null}
      </dl>
      {v.deadlines ? (
        <>
          <h3>{t('engagement.deadlines')}</h3>
          <dl className="kv">
            <dt>{t('engagement.deadline.another')}</dt>
            <dd>{formatDay(v.deadlines.requestAnotherReviewerBy, lang)}</dd>
            <dt>{t('engagement.deadline.review')}</dt>
            <dd>{formatDay(v.deadlines.reviewBy, lang)}</dd>
            <dt>{t('engagement.deadline.resolve')}</dt>
            <dd>{formatDay(v.deadlines.resolveBy, lang)}</dd>
          </dl>
        </>
      ) : null}
      <h3>{t('engagement.members')}</h3>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('field.name')}</th>
              <th scope="col">{t('field.email')}</th>
              <th scope="col">{t('engagement.role')}</th>
              <th scope="col">{t('audits.firm')}</th>
            </tr>
          </thead>
          <tbody>
            {active.map((m) => (
              <tr key={`${m.userId}-${m.role}`}>
                <td>{m.name}</td>
                <td>{m.email}</td>
                <td>{labels.role(m.role)}</td>
                <td>{m.firm ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
