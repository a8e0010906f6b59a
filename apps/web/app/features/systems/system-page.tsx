/**
 * A system: its details, the scorecard matrix (aspects × controls coloured by level) of the
 * selected assessment, the system level, the level over time, reports, a new assessment and YAML
 * import.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { api, seg } from '../../api/client';
import type { Assessment, AssessmentSummary, LevelPoint, Scorecard, System } from '../../api/types';
import { LevelChart } from '../../components/level-chart';
import { ErrorMessage, formatDate, LevelBadge, Loading, Page, SelectField } from '../../components/ui';
import { useLoad } from '../../hooks';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { Link, navigate, queryParam } from '../../router';
import { useSignedIn } from '../../session';
import { EDITIONS, editionLabel } from './editions';
import { EditSystem } from './edit-system';
import { Reports } from './reports';
import { ReservesSection } from './reserves';
import { AuditsSection } from '../audits/system-audits';
import { SystemCertificates } from '../registry/system-certificates';
import { WalletsCard } from '../wallets/wallets-page';

interface SystemAnswer {
  system: System;
  assessments: AssessmentSummary[];
}
interface AssessmentAnswer {
  assessment: Assessment;
  scorecard: Scorecard;
}

export function SystemPage({ systemId, onOrg }: { systemId: string; onOrg(orgId: string): void }) {
  const { t, lang } = useI18n();
  const session = useSignedIn();
  const sys = useLoad(() => api<SystemAnswer>(`/api/systems/${seg(systemId)}`), [systemId]);
  const assessments = [...(sys.data?.assessments ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const wanted = queryParam('assessment');
  const current = assessments.find((a) => a.id === wanted) ?? assessments[0];
  const orgId = sys.data?.system.orgId;
  useEffect(() => {
    if (orgId) onOrg(orgId);
  }, [orgId, onOrg]);
  const role = session.memberships.find((m) => m.org.id === orgId)?.role;
  const canWrite = role === 'owner' || role === 'security_lead';
  const [editing, setEditing] = useState(false);

  if (sys.error) {
    return (
      <Page title={t('system.title')}>
        <ErrorMessage error={sys.error} />
      </Page>
    );
  }
  if (!sys.data) return <Loading />;
  const s = sys.data.system;
  return (
    <Page title={s.name} wide actions={current ? <AssessmentLinks id={current.id} /> : null}>
      <section className="card" aria-labelledby="system-details">
        <div className="section-head">
          <h2 id="system-details">{t('system.details')}</h2>
          {canWrite && !editing ? (
            <button type="button" className="btn btn-small" onClick={() => setEditing(true)}>
              {t('system.edit')}
            </button>
          ) : null}
        </div>
        {editing ? (
          <EditSystem
            system={s}
            onSaved={() => {
              setEditing(false);
              sys.reload();
            }}
            onCancel={() => setEditing(false)}
          />
        ) : null}
        <dl className="kv">
          {s.designation ? (
            <>
              <dt>{t('system.designation')}</dt>
              <dd>{s.designation}</dd>
            </>
          ) : null}
          {s.scope ? (
            <>
              <dt>{t('system.scope')}</dt>
              <dd>{s.scope}</dd>
            </>
          ) : null}
          {s.boundary ? (
            <>
              <dt>{t('system.boundary')}</dt>
              <dd>{s.boundary}</dd>
            </>
          ) : null}
          {s.wallets && s.wallets.length > 0 ? (
            <>
              <dt>{t('system.wallets')}</dt>
              <dd>{s.wallets.join(', ')}</dd>
            </>
          ) : null}
          {s.assets && s.assets.length > 0 ? (
            <>
              <dt>{t('system.assets')}</dt>
              <dd>{s.assets.join(', ')}</dd>
            </>
          ) : null}
        </dl>
        {assessments.length > 1 ? (
          <SelectField
            label={t('system.assessment')}
            value={current?.id}
            onChange={(e) => navigate(`/systems/${seg(systemId)}?assessment=${encodeURIComponent(e.target.value)}`, { replace: true })}
          >
            {assessments.map((a) => (
              <option key={a.id} value={a.id}>
                {editionLabel(a.edition)} · {formatDate(a.createdAt, lang)}
              </option>
            ))}
          </SelectField>
        ) : null}
      </section>
      {current ? <AssessmentView id={current.id} /> : <p className="card muted">{canWrite ? t('system.noAssessmentWriter') : t('system.noAssessment')}</p>}
      {canWrite ? <NewAssessment systemId={systemId} onCreated={sys.reload} /> : null}
      <ReservesSection systemId={systemId} canWrite={canWrite} />
      {orgId ? <AuditsSection systemId={systemId} orgId={orgId} canWrite={canWrite} assessments={assessments} /> : null}
      {orgId ? <SystemCertificates orgId={orgId} systemId={systemId} /> : null}
      <WalletsCard systemId={systemId} />
    </Page>
  );
}

function AssessmentLinks({ id }: { id: string }) {
  const { t } = useI18n();
  return (
    <>
      <Link className="btn btn-primary" to={`/assessments/${seg(id)}/checklist`}>
        {t('system.openChecklist')}
      </Link>
      <Link className="btn" to={`/assessments/${seg(id)}/gaps`}>
        {t('system.gaps')}
      </Link>
      <Link className="btn" to={`/assessments/${seg(id)}/compliance`}>{t('compliance.view.title')}</Link>
    </>
  );
}

function AssessmentView({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const a = useLoad(() => api<AssessmentAnswer>(`/api/assessments/${seg(id)}?lang=${lang}`), [id, lang]);
  const levels = useLoad(() => api<{ points: LevelPoint[] }>(`/api/assessments/${seg(id)}/levels`), [id]);
  if (a.error) return <ErrorMessage error={a.error} />;
  if (!a.data) return <Loading />;
  const { scorecard, assessment } = a.data;
  return (
    <>
      <section className="card" aria-labelledby="scorecard-h">
        <div className="section-head">
          <h2 id="scorecard-h">{t('system.scorecard')}</h2>
          <p className="system-level-line">
            {t('system.level')} <LevelBadge level={scorecard.level} large />
          </p>
        </div>
        <p className="muted">
          {t('system.assessmentOf', { edition: editionLabel(assessment.edition), date: formatDate(assessment.createdAt, lang) })}
          {assessment.targetLevel ? ` · ${t('system.target', { level: t(`level.${assessment.targetLevel}` as MessageKey) })}` : ''}
        </p>
        <Counts counts={scorecard.counts} />
        <div className="table-wrap">
          <table className="matrix">
            <caption className="visually-hidden">{t('system.matrixCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('system.aspect')}</th>
                <th scope="col">{t('common.level')}</th>
                <th scope="col">{t('system.controls')}</th>
              </tr>
            </thead>
            <tbody>
              {scorecard.aspects.map((asp) => (
                <tr key={asp.id}>
                  <th scope="row">
                    <span className="id">{asp.id}</span> {asp.title}
                  </th>
                  <td>
                    <LevelBadge level={asp.level} />
                  </td>
                  <td>
                    <ul className="cells">
                      {asp.controls.map((c) => (
                        <li key={c.id}>
                          <Link
                            to={`/assessments/${seg(id)}/checklist#control-${c.id}`}
                            className={`cell level-${c.level}`}
                            title={`${c.id} ${c.title}`}
                            aria-label={t('system.cellLabel', { id: c.id, title: c.title, level: c.level })}
                          >
                            {c.id}
                          </Link>
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <Legend />
      </section>
      <section className="card" aria-labelledby="history-h">
        <h2 id="history-h">{t('system.levelOverTime')}</h2>
        <ErrorMessage error={levels.error} />
        {levels.data ? <LevelChart points={levels.data.points} /> : null}
      </section>
      <Reports assessmentId={id} />
    </>
  );
}

function Counts({ counts }: { counts: Scorecard['counts'] }) {
  const { t } = useI18n();
  if (!counts) return null;
  const entries = Object.entries(counts).filter(([, n]) => typeof n === 'number' && n > 0);
  if (entries.length === 0) return null;
  return (
    <ul className="counts" aria-label={t('system.counts')}>
      {entries.map(([status, n]) => (
        <li key={status} className={`status-chip status-${status}`}>
          {t(`status.${status}` as MessageKey)}: <strong>{n}</strong>
        </li>
      ))}
    </ul>
  );
}

function Legend() {
  const { t } = useI18n();
  return (
    <ul className="legend" aria-label={t('system.legend')}>
      {[0, 1, 2, 3].map((l) => (
        <li key={l}>
          <span className={`swatch level-${l}`} aria-hidden="true" /> {t(`level.${l}` as MessageKey)}
        </li>
      ))}
    </ul>
  );
}

function NewAssessment({ systemId, onCreated }: { systemId: string; onCreated(): void }) {
  const { t } = useI18n();
  const [edition, setEdition] = useState<string>(EDITIONS[0].id);
  const [target, setTarget] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<unknown>();
  const [importError, setImportError] = useState<unknown>();
  const start = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const r = await api<{ assessment: { id: string } }>(`/api/systems/${seg(systemId)}/assessments`, { json: { edition, ...(target ? { targetLevel: Number(target) } : {}) } });
      onCreated();
      navigate(`/systems/${seg(systemId)}?assessment=${encodeURIComponent(r.assessment.id)}`, { replace: true });
    } catch (err) {
      setError(err);
    }
  };
  const importYaml = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setImportError(undefined);
    try {
      const r = await api<{ assessment: { id: string } }>(`/api/systems/${seg(systemId)}/assessments/import`, { method: 'POST', body: await file.text(), headers: { 'content-type': 'text/yaml' } });
      onCreated();
      navigate(`/systems/${seg(systemId)}?assessment=${encodeURIComponent(r.assessment.id)}`, { replace: true });
    } catch (err) {
      setImportError(err);
    }
  };
  return (
    <div className="grid-2">
      <form className="card form" onSubmit={start} aria-labelledby="new-assessment-h">
        <h2 id="new-assessment-h">{t('system.newAssessment')}</h2>
        <SelectField label={t('system.edition')} value={edition} onChange={(e) => setEdition(e.target.value)}>
          {EDITIONS.map((ed) => (
            <option key={ed.id} value={ed.id}>
              {ed.label}
            </option>
          ))}
        </SelectField>
        <SelectField label={t('system.targetLevel')} value={target} onChange={(e) => setTarget(e.target.value)}>
          <option value="">{t('system.noTarget')}</option>
          {[1, 2, 3].map((l) => (
            <option key={l} value={l}>
              {t(`level.${l}` as MessageKey)}
            </option>
          ))}
        </SelectField>
        <ErrorMessage error={error} />
        <button type="submit" className="btn btn-primary">
          {t('system.startAssessment')}
        </button>
      </form>
      <form className="card form" onSubmit={importYaml} aria-labelledby="import-h">
        <h2 id="import-h">{t('system.import')}</h2>
        <p className="hint">{t('system.importHint')}</p>
        <div className="field">
          <label htmlFor="import-file">{t('system.importFile')}</label>
          <input id="import-file" type="file" accept=".yaml,.yml,text/yaml" required onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </div>
        <ErrorMessage error={importError} />
        <button type="submit" className="btn" disabled={!file}>
          {t('system.importSubmit')}
        </button>
      </form>
    </div>
  );
}
