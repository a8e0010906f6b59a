/**
 * The compliance view of an assessment (issue 10): the level on a day once lapsed evidence is
 * counted, the level the answers alone give, the next lapse; for each requirement the evidence that
 * keeps it true and until when, or why it lapsed; the level over time with the reason for each
 * recorded change. A "simulated day" puts `?at=YYYY-MM-DD` in the URL and the server evaluates that
 * day (read-only: nothing is recorded), so a custodian can watch a level drop and recover ahead of time.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { api, seg } from '../../api/client';
import { LevelChart } from '../../components/level-chart';
import { ErrorMessage, formatDate, formatDay, LevelBadge, Loading, Notice, Page, TextField } from '../../components/ui';
import { useLoad } from '../../hooks';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { Link, navigate, queryParam } from '../../router';
import { useSignedIn } from '../../session';
import { notificationsChanged } from './notifications';
import { registersPath } from './registers-page';
import { isDay, todayUtc, type ComplianceView, type RequirementEvaluation } from './types';

export function CompliancePage({ assessmentId, onOrg }: { assessmentId: string; onOrg(orgId: string): void }) {
  const { t, lang } = useI18n();
  const session = useSignedIn();
  const atParam = queryParam('at');
  const at = isDay(atParam) ? atParam : null;
  const view = useLoad(() => api<ComplianceView>(`/api/assessments/${seg(assessmentId)}/compliance${at ? `?at=${at}` : ''}`), [assessmentId, at]);
  // On a simulated day, today's level too, to compare.
  const today = useLoad(() => (at ? api<ComplianceView>(`/api/assessments/${seg(assessmentId)}/compliance`) : Promise.resolve(null)), [assessmentId, at]);
  const orgId = view.data?.assessment.orgId;
  useEffect(() => {
    if (orgId) onOrg(orgId);
  }, [orgId, onOrg]);
  const role = session.memberships.find((m) => m.org.id === orgId)?.role;
  const canRun = role === 'owner' || role === 'security_lead';
  const [showAll, setShowAll] = useState(false);

  const v = view.data;
  const title = t('compliance.view.title');
  return (
    <Page
      title={title}
      wide
      actions={
        v ? (
          <>
            <Link className="btn" to={`/systems/${seg(v.assessment.systemId)}?assessment=${encodeURIComponent(assessmentId)}`}>
              {t('compliance.view.backToSystem')}
            </Link>
            <Link className="btn" to={registersPath(v.assessment.orgId)}>
              {t('compliance.registers.title')}
            </Link>
          </>
        ) : null
      }
    >
      <SimulatedDay assessmentId={assessmentId} at={at} invalid={atParam !== null && at === null} />
      <ErrorMessage error={view.error} />
      {!v ? (
        view.error ? null : <Loading />
      ) : (
        <>
          <Summary key={v.at} v={v} todayLevel={at ? today.data?.level : undefined} simulated={at !== null} canRun={canRun} onRun={view.reload} />
          <Lapsed requirements={v.requirements} />
          <section className="card" aria-labelledby="reqs-h">
            <div className="section-head">
              <h2 id="reqs-h">{t('compliance.view.requirements')}</h2>
              <label>
                <input type="checkbox" checked={showAll} onChange={(e) => setShowAll(e.target.checked)} /> {t('compliance.view.showAll')}
              </label>
            </div>
            <RequirementsTable requirements={showAll ? v.requirements : v.requirements.filter((r) => r.evidence !== 'none' || r.fellBack)} />
          </section>
          <History v={v} />
          {v.skippedLinks.length > 0 ? (
            <Notice kind="warning">
              <p>{t('compliance.view.skipped')}</p>
              <ul>
                {v.skippedLinks.map((s, i) => (
                  <li key={i}>
                    {s.requirement}: <code>{s.source}</code>
                  </li>
                ))}
              </ul>
            </Notice>
          ) : null}
          <p className="muted">{v.lastEvaluated ? t('compliance.view.lastEvaluated', { day: formatDay(v.lastEvaluated.day, lang), date: formatDate(v.lastEvaluated.at, lang) }) : t('compliance.view.neverEvaluated')}</p>
        </>
      )}
    </Page>
  );
}

/** The simulated-day control: a date in the URL (`?at=`), or today. */
function SimulatedDay({ assessmentId, at, invalid }: { assessmentId: string; at: string | null; invalid: boolean }) {
  const { t, lang } = useI18n();
  const [day, setDay] = useState(at ?? todayUtc());
  useEffect(() => setDay(at ?? todayUtc()), [at]);
  const base = `/assessments/${seg(assessmentId)}/compliance`;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (isDay(day)) navigate(`${base}?at=${day}`);
  };
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="simday-h">
      <h2 id="simday-h">{t('compliance.sim.title')}</h2>
      <p className="muted">{at ? t('compliance.sim.simulating', { day: formatDay(at, lang) }) : t('compliance.sim.today', { day: formatDay(todayUtc(), lang) })}</p>
      {invalid ? <Notice kind="warning">{t('compliance.sim.invalid')}</Notice> : null}
      <div className="row wrap">
        <TextField type="date" label={t('compliance.sim.day')} hint={t('compliance.sim.hint')} value={day} onChange={(e) => setDay(e.target.value)} required />
      </div>
      <div className="row wrap">
        <button type="submit" className="btn btn-primary" disabled={!isDay(day)}>
          {t('compliance.sim.evaluate')}
        </button>
        {at ? (
          <Link className="btn" to={base}>
            {t('compliance.sim.backToToday')}
          </Link>
        ) : null}
      </div>
    </form>
  );
}

function Summary({ v, todayLevel, simulated, canRun, onRun }: { v: ComplianceView; todayLevel?: ComplianceView['level']; simulated: boolean; canRun: boolean; onRun(): void }) {
  const { t, lang } = useI18n();
  const [error, setError] = useState<unknown>();
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setError(undefined);
    setNote(null);
    try {
      const r = await api<{ assessments: { assessmentId: string; events: unknown[] }[] }>(`/api/orgs/${seg(v.assessment.orgId)}/compliance/evaluate`, { json: {} });
      const mine = r.assessments.find((a) => a.assessmentId === v.assessment.id);
      setNote(t('compliance.view.ran', { n: mine?.events.length ?? 0 }));
      onRun();
      notificationsChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="summary-h">
      <h2 id="summary-h">{simulated ? t('compliance.view.levelOn', { day: formatDay(v.at, lang) }) : t('compliance.view.levelToday')}</h2>
      <p className="system-level-line" data-testid="compliance-level">
        <LevelBadge level={v.level} large />
      </p>
      <dl className="kv">
        {todayLevel !== undefined ? (
          <>
            <dt>{t('compliance.view.levelToday')}</dt>
            <dd>
              <LevelBadge level={todayLevel} />
            </dd>
          </>
        ) : null}
        <dt>{t('compliance.view.answeredLevel')}</dt>
        <dd>
          <LevelBadge level={v.answeredLevel} />
        </dd>
        <dt>{t('compliance.view.nextLapse')}</dt>
        <dd>{v.nextLapse ? formatDay(v.nextLapse, lang) : t('compliance.view.noLapse')}</dd>
        <dt>{t('compliance.view.edition')}</dt>
        <dd>{v.assessment.edition}</dd>
      </dl>
      {v.level < v.answeredLevel ? <Notice kind="warning">{t('compliance.view.belowAnswers')}</Notice> : null}
      {canRun && !simulated ? (
        <div className="row wrap">
          <button type="button" className="btn" disabled={busy} onClick={() => void run()}>
            {t('compliance.view.runNow')}
          </button>
        </div>
      ) : null}
      {note ? <Notice kind="success">{note}</Notice> : null}
      <ErrorMessage error={error} />
      <div className="table-wrap">
        <table>
          <caption>{t('compliance.view.aspects')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('compliance.view.aspect')}</th>
              <th scope="col">{t('common.level')}</th>
              <th scope="col">{t('compliance.view.answeredLevel')}</th>
            </tr>
          </thead>
          <tbody>
            {v.aspects.map((a) => (
              <tr key={a.id}>
                <th scope="row">{a.id}</th>
                <td>
                  <LevelBadge level={a.level} />
                </td>
                <td>
                  <LevelBadge level={a.answeredLevel} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Requirements whose evidence-backed answer fell back on the day, each with why. */
function Lapsed({ requirements }: { requirements: RequirementEvaluation[] }) {
  const { t } = useI18n();
  const fell = requirements.filter((r) => r.fellBack);
  if (fell.length === 0) return null;
  return (
    <section className="card" aria-labelledby="lapsed-h">
      <h2 id="lapsed-h">{t('compliance.view.lapsed', { n: fell.length })}</h2>
      <ul className="alert-list" data-testid="lapsed">
        {fell.map((r) => (
          <li key={r.id}>
            <strong>{r.id}</strong>: {r.reason}
          </li>
        ))}
      </ul>
    </section>
  );
}

function RequirementsTable({ requirements }: { requirements: RequirementEvaluation[] }) {
  const { t, lang } = useI18n();
  if (requirements.length === 0) return <p className="muted">{t('compliance.view.noEvidence')}</p>;
  const evidence = (r: RequirementEvaluation) => {
    if (r.evidence === 'none') return <span className="muted">{t('compliance.evidence.none')}</span>;
    if (r.evidence === 'lapsed') return <span className="status-chip status-not_in_place">{t('compliance.evidence.lapsed')}</span>;
    return <span className="status-chip status-in_place">{r.validUntil ? t('compliance.entry.validUntil', { date: formatDay(r.validUntil, lang) }) : t('compliance.entry.validNoEnd')}</span>;
  };
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{t('compliance.view.requirements')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('compliance.view.requirement')}</th>
            <th scope="col">{t('compliance.view.answered')}</th>
            <th scope="col">{t('compliance.view.effective')}</th>
            <th scope="col">{t('compliance.view.evidence')}</th>
            <th scope="col">{t('compliance.view.sources')}</th>
          </tr>
        </thead>
        <tbody>
          {requirements.map((r) => (
            <tr key={r.id} data-requirement={r.id}>
              <th scope="row">
                {r.id} <LevelBadge level={r.level} />
              </th>
              <td>{t(`status.${r.answered}` as MessageKey)}</td>
              <td>
                <span className={`status-chip status-${r.effective}`}>{t(`status.${r.effective}` as MessageKey)}</span>
              </td>
              <td>
                {evidence(r)}
                {r.fellBack && r.reason ? <p className="field-error">{r.reason}</p> : null}
              </td>
              <td>
                {r.sources.length === 0 ? (
                  '—'
                ) : (
                  <ul>
                    {r.sources.map((s) => (
                      <li key={`${s.topic}:${s.ref}`}>
                        <code>{s.ref}</code> {s.label}:{' '}
                        <span className={s.valid ? '' : 'field-error'}>
                          {s.valid ? (s.validUntil ? t('compliance.entry.validUntil', { date: formatDay(s.validUntil, lang) }) : t('compliance.entry.validNoEnd')) : t('compliance.entry.notValid')}
                        </span>{' '}
                        <span className="muted">({s.reason})</span>
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The level over time as recorded by the monitor and the answer routes, with the reason for each change. */
function History({ v }: { v: ComplianceView }) {
  const { t, lang } = useI18n();
  const changes = v.history.filter((p, i) => i === 0 || p.level !== v.history[i - 1]!.level || p.reasons.length > 0);
  return (
    <section className="card" aria-labelledby="level-history-h">
      <h2 id="level-history-h">{t('compliance.view.overTime')}</h2>
      <LevelChart points={v.history} />
      {changes.length > 0 ? (
        <ol className="history">
          {[...changes].reverse().map((p, i) => (
            <li key={`${p.at}-${i}`}>
              <p>
                {formatDate(p.at, lang)} · <LevelBadge level={p.level} />
              </p>
              {p.reasons.length > 0 ? (
                <ul>
                  {p.reasons.map((r, j) => (
                    <li key={j}>{r}</li>
                  ))}
                </ul>
              ) : (
                <p className="muted">{t('compliance.view.answersChanged')}</p>
              )}
            </li>
          ))}
        </ol>
      ) : null}
      {v.events.length > 0 ? (
        <details>
          <summary>{t('compliance.view.events', { n: v.events.length })}</summary>
          <ul>
            {v.events.map((e) => (
              <li key={e.id}>
                {formatDay(e.day, lang)}: {e.message}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}
