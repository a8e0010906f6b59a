/**
 * The "Audits" section of the system page (the auditee): the system's engagements and, for owners
 * and security leads, "Engage an auditor" (POST /api/systems/:systemId/engagements). Field errors
 * of the API (`problems[].path`, e.g. `period.end`) are shown next to their fields.
 */
import { useState, type FormEvent } from 'react';
import { api, seg } from '../../api/client';
import type { AssessmentSummary, EngagementType, OrgEngagement } from '../../api/types';
import { ErrorMessage, formatDate, formatDay, SelectField, TextField } from '../../components/ui';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { Link, navigate } from '../../router';
import { EDITIONS, editionLabel } from '../systems/editions';
import { fieldError, StatusBadge, useAction, useAuditLabels } from './common';

interface Props {
  systemId: string;
  orgId: string;
  canWrite: boolean;
  assessments: AssessmentSummary[];
}

export function AuditsSection({ systemId, orgId, canWrite, assessments }: Props) {
  const { t, lang } = useI18n();
  const labels = useAuditLabels();
  const list = useLoad(() => api<{ engagements: OrgEngagement[] }>(`/api/orgs/${seg(orgId)}/engagements`), [orgId]);
  const mine = (list.data?.engagements ?? []).filter((e) => e.systemId === systemId);
  return (
    <section className="card" aria-labelledby="audits-h">
      <h2 id="audits-h">{t('audits.title')}</h2>
      <p className="hint">{t('audits.intro')}</p>
      <ErrorMessage error={list.error} />
      {list.data && mine.length === 0 ? <p className="muted">{t('audits.none')}</p> : null}
      {mine.length > 0 ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('audits.engagement')}</th>
                <th scope="col">{t('audits.period')}</th>
                <th scope="col">{t('audits.firm')}</th>
                <th scope="col">{t('audits.status')}</th>
              </tr>
            </thead>
            <tbody>
              {mine.map((e) => (
                <tr key={e.id}>
                  <td>
                    <Link to={`/engagements/${seg(e.id)}`}>
                      {labels.type(e.type)} · {editionLabel(e.edition)}
                    </Link>
                  </td>
                  <td>
                    {formatDay(e.period.start, lang)} – {formatDay(e.period.end, lang)}
                  </td>
                  <td>{e.auditorFirm}</td>
                  <td>
                    <StatusBadge status={e.status} />
                    {e.signedOffAt ? <div className="small muted">{formatDate(e.signedOffAt, lang)}</div> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {canWrite ? <EngageForm systemId={systemId} assessments={assessments} /> : null}
    </section>
  );
}

function EngageForm({ systemId, assessments }: { systemId: string; assessments: AssessmentSummary[] }) {
  const { t, lang } = useI18n();
  const action = useAction();
  const [type, setType] = useState<EngagementType>('certification');
  const [edition, setEdition] = useState<string>(assessments[0]?.edition ?? EDITIONS[0].id);
  const [firstAudit, setFirstAudit] = useState(false);
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [agreement, setAgreement] = useState('');
  const [lead, setLead] = useState('');
  const [fromAssessment, setFromAssessment] = useState(false);
  const [holidays, setHolidays] = useState('');
  const usable = assessments.filter((a) => a.edition === edition);
  const latest = [...usable].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const days = holidays
      .split(/[\s,]+/)
      .map((x) => x.trim())
      .filter(Boolean);
    const body = {
      type,
      edition,
      firstAudit: type === 'certification' && firstAudit,
      period: { start, end },
      agreementReference: agreement,
      leadAuditorEmail: lead,
      ...(fromAssessment && latest ? { fromAssessmentId: latest.id } : {}),
      ...(days.length > 0 ? { holidays: days } : {}),
    };
    let id = '';
    const ok = await action.run(async () => {
      id = (await api<{ engagement: { id: string } }>(`/api/systems/${seg(systemId)}/engagements`, { json: body })).engagement.id;
    });
    if (ok) navigate(`/engagements/${seg(id)}`);
  };
  const err = (p: string) => fieldError(action.error, p);
  return (
    <form className="form engage-form" onSubmit={submit} aria-labelledby="engage-h" aria-busy={action.busy}>
      <h3 id="engage-h">{t('audits.engage')}</h3>
      <p className="hint">{t('audits.engageHint')}</p>
      <div className="grid-2">
        <SelectField label={t('audits.type')} value={type} onChange={(e) => setType(e.target.value as EngagementType)}>
          <option value="certification">{t('engagement.type.certification')}</option>
          <option value="readiness">{t('engagement.type.readiness')}</option>
        </SelectField>
        <SelectField label={t('audits.edition')} value={edition} onChange={(e) => setEdition(e.target.value)}>
          {EDITIONS.map((ed) => (
            <option key={ed.id} value={ed.id}>
              {ed.label}
            </option>
          ))}
        </SelectField>
      </div>
      {type === 'certification' ? (
        <div className="field">
          <label>
            <input type="checkbox" checked={firstAudit} onChange={(e) => setFirstAudit(e.target.checked)} /> {t('audits.firstAudit')}
          </label>
          <p className="hint">{t('audits.firstAuditHint')}</p>
          {err('firstAudit') ? <p className="field-error">{err('firstAudit')}</p> : null}
        </div>
      ) : null}
      <div className="grid-2">
        <TextField label={t('audits.periodStart')} type="date" required value={start} onChange={(e) => setStart(e.target.value)} error={err('period.start')} />
        <TextField label={t('audits.periodEnd')} type="date" required value={end} onChange={(e) => setEnd(e.target.value)} error={err('period.end')} />
        <TextField label={t('audits.agreement')} hint={t('audits.agreementHint')} required value={agreement} onChange={(e) => setAgreement(e.target.value)} error={err('agreementReference')} />
        <TextField label={t('audits.leadEmail')} type="email" required autoComplete="off" value={lead} onChange={(e) => setLead(e.target.value)} error={err('leadAuditorEmail')} />
      </div>
      <div className="field">
        <label>
          <input type="checkbox" checked={fromAssessment} disabled={!latest} onChange={(e) => setFromAssessment(e.target.checked)} /> {t('audits.fromAssessment')}
        </label>
        <p className="hint">{latest ? t('audits.fromAssessmentHint', { date: formatDate(latest.createdAt, lang) }) : t('audits.noAssessmentOfEdition')}</p>
        {err('fromAssessmentId') ? <p className="field-error">{err('fromAssessmentId')}</p> : null}
      </div>
      <TextField label={t('audits.holidays')} hint={t('audits.holidaysHint')} value={holidays} onChange={(e) => setHolidays(e.target.value)} error={err('holidays')} />
      <ErrorMessage error={action.error} />
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={action.busy}>
          {t('audits.engageSubmit')}
        </button>
      </div>
    </form>
  );
}
