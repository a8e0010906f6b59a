/** Gaps to a target level: every requirement at or below it that is not satisfied, by aspect. */
import { useEffect, useState } from 'react';
import { api, seg } from '../../api/client';
import type { Assessment, Gaps, Level } from '../../api/types';
import { ErrorMessage, LevelBadge, Loading, Page, SelectField } from '../../components/ui';
import { useLoad } from '../../hooks';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { Link } from '../../router';

export function GapsPage({ assessmentId, onOrg }: { assessmentId: string; onOrg(orgId: string): void }) {
  const { t, lang } = useI18n();
  const a = useLoad(() => api<{ assessment: Assessment }>(`/api/assessments/${seg(assessmentId)}`), [assessmentId]);
  const [target, setTarget] = useState<Level | null>(null);
  const effective: Level = target ?? a.data?.assessment.targetLevel ?? 1;
  const orgId = a.data?.assessment.orgId;
  useEffect(() => {
    if (orgId) onOrg(orgId);
  }, [orgId, onOrg]);
  const gaps = useLoad(async () => {
    const r = await api<Gaps | { gaps: Gaps }>(`/api/assessments/${seg(assessmentId)}/gaps?target=${effective}&lang=${lang}`);
    return 'gaps' in r ? r.gaps : r;
  }, [assessmentId, effective, lang]);
  const checklist = `/assessments/${seg(assessmentId)}/checklist`;
  return (
    <Page title={t('gaps.title')}>
      <div className="card">
        <SelectField label={t('gaps.target')} value={effective} onChange={(e) => setTarget(Number(e.target.value) as Level)}>
          {[1, 2, 3].map((l) => (
            <option key={l} value={l}>
              {t(`level.${l}` as MessageKey)}
            </option>
          ))}
        </SelectField>
        <p>
          <Link to={checklist}>{t('gaps.openChecklist')}</Link>
        </p>
      </div>
      <ErrorMessage error={a.error ?? gaps.error} />
      {gaps.loading && !gaps.data ? <Loading /> : null}
      {gaps.data ? (
        <>
          <p className="card" role="status">
            {gaps.data.total === 0 ? t('gaps.none', { level: effective }) : t('gaps.count', { n: gaps.data.total, level: effective })}
          </p>
          {gaps.data.aspects.map((asp) => (
            <section key={asp.id} className="card" aria-labelledby={`gap-${asp.id}`}>
              <h2 id={`gap-${asp.id}`}>
                <span className="id">{asp.id}</span> {asp.title} <LevelBadge level={asp.level} />
              </h2>
              <ul className="gap-list">
                {asp.requirements.map((r) => (
                  <li key={r.id}>
                    <Link to={`${checklist}#req-${r.id}`}>
                      <span className="id">{r.id}</span>
                    </Link>{' '}
                    <LevelBadge level={r.level} /> <span className={`status-chip status-${r.status}`}>{t(`status.${r.status}` as MessageKey)}</span>
                    {r.controlTitle ? <p className="muted">{r.controlTitle}</p> : null}
                    <p>{r.text}</p>
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </>
      ) : null}
    </Page>
  );
}
