/**
 * The checklist of an assessment by aspect → control → requirement. The live system level is
 * updated from every answer's response (announced politely to screen readers). Filters narrow the
 * list by status, level and text.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, seg } from '../../api/client';
import { STATUSES, type Assessment, type ChecklistAspect, type Evidence, type Scorecard, type Status } from '../../api/types';
import { ErrorMessage, LevelBadge, Loading, Page } from '../../components/ui';
import { useLoad } from '../../hooks';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { Link } from '../../router';
import { useSignedIn } from '../../session';
import { editionLabel } from '../systems/editions';
import { RequirementCard } from './requirement-card';

interface Loaded {
  assessment: Assessment;
  scorecard: Scorecard;
  aspects: ChecklistAspect[];
}

export function ChecklistPage({ assessmentId, onOrg }: { assessmentId: string; onOrg(orgId: string): void }) {
  const { t, lang } = useI18n();
  const session = useSignedIn();
  const data = useLoad(async (): Promise<Loaded> => {
    const [a, c] = await Promise.all([
      api<{ assessment: Assessment; scorecard: Scorecard }>(`/api/assessments/${seg(assessmentId)}?lang=${lang}`),
      api<{ aspects: ChecklistAspect[] }>(`/api/assessments/${seg(assessmentId)}/checklist?lang=${lang}`),
    ]);
    return { assessment: a.assessment, scorecard: a.scorecard, aspects: c.aspects };
  }, [assessmentId, lang]);
  const orgId = data.data?.assessment.orgId;
  useEffect(() => {
    if (orgId) onOrg(orgId);
  }, [orgId, onOrg]);
  const library = useLoad(() => (orgId ? api<{ evidence: Evidence[] }>(`/api/orgs/${seg(orgId)}/evidence`) : Promise.resolve({ evidence: [] as Evidence[] })), [orgId]);
  const [scorecard, setScorecard] = useState<Scorecard | null>(null);
  const [status, setStatus] = useState<Status | ''>('');
  const [maxLevel, setMaxLevel] = useState(3);
  const [query, setQuery] = useState('');
  const role = session.memberships.find((m) => m.org.id === orgId)?.role;
  const canWrite = role === 'owner' || role === 'security_lead' || role === 'keyholder';
  const onScorecard = useCallback((s: Scorecard) => setScorecard(s), []);
  const reloadLibrary = library.reload;

  // Scroll to #control-… / #req-… once the list is there (links from the scorecard and gaps).
  const ready = data.data !== undefined;
  useEffect(() => {
    if (!ready || !window.location.hash) return;
    const el = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    if (el) {
      el.scrollIntoView();
      const focusable = el.querySelector<HTMLElement>('h3, h4');
      if (focusable) {
        focusable.tabIndex = -1;
        focusable.focus({ preventScroll: true });
      }
    }
  }, [ready]);

  const filtered = useMemo(() => {
    if (!data.data) return [];
    const q = query.trim().toLowerCase();
    return data.data.aspects
      .map((a) => ({
        ...a,
        controls: a.controls
          .map((c) => ({
            ...c,
            requirements: c.requirements.filter(
              (r) =>
                r.level <= maxLevel &&
                (status === '' || r.answer.status === status) &&
                (q === '' || r.id.toLowerCase().includes(q) || r.text.toLowerCase().includes(q) || c.title.toLowerCase().includes(q)),
            ),
          }))
          .filter((c) => c.requirements.length > 0),
      }))
      .filter((a) => a.controls.length > 0);
  }, [data.data, query, maxLevel, status]);

  if (data.error) {
    return (
      <Page title={t('checklist.title')}>
        <ErrorMessage error={data.error} />
      </Page>
    );
  }
  if (!data.data) return <Loading />;
  const { assessment } = data.data;
  const live = scorecard ?? data.data.scorecard;
  const lib = library.data?.evidence ?? [];

  return (
    <Page title={t('checklist.title')} wide>
      <div className="live-bar" aria-live="polite">
        <span>
          {t('system.level')} <LevelBadge level={live.level} large />
        </span>
        <span className="muted">{editionLabel(assessment.edition)}</span>
        <Link to={`/systems/${seg(assessment.systemId)}?assessment=${encodeURIComponent(assessment.id)}`}>{t('checklist.backToSystem')}</Link>
        <Link to={`/assessments/${seg(assessment.id)}/gaps`}>{t('system.gaps')}</Link>
      </div>
      <form className="card filters" role="search" aria-label={t('checklist.filters')} onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="f-q">{t('checklist.search')}</label>
          <input id="f-q" type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="f-status">{t('answer.status')}</label>
          <select id="f-status" value={status} onChange={(e) => setStatus(e.target.value as Status | '')}>
            <option value="">{t('checklist.allStatuses')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-level">{t('checklist.upToLevel')}</label>
          <select id="f-level" value={maxLevel} onChange={(e) => setMaxLevel(Number(e.target.value))}>
            {[1, 2, 3].map((l) => (
              <option key={l} value={l}>
                {t(`level.${l}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
      </form>
      <div className="checklist-layout">
        <nav className="toc card" aria-label={t('checklist.aspects')}>
          <h2 className="toc-title">{t('checklist.aspects')}</h2>
          <ul>
            {live.aspects.map((a) => (
              <li key={a.id}>
                <a href={`#aspect-${a.id}`}>
                  <span className="id">{a.id}</span> {a.title}
                </a>{' '}
                <LevelBadge level={a.level} />
              </li>
            ))}
          </ul>
        </nav>
        <div className="checklist">
          {filtered.length === 0 ? <p className="card muted">{t('checklist.noMatch')}</p> : null}
          {filtered.map((a) => (
            <section key={a.id} id={`aspect-${a.id}`} className="aspect" aria-labelledby={`aspect-h-${a.id}`}>
              <h2 id={`aspect-h-${a.id}`}>
                <span className="id">{a.id}</span> {a.title}
              </h2>
              {a.controls.map((c) => (
                <section key={c.id} id={`control-${c.id}`} className="control" aria-labelledby={`control-h-${c.id}`}>
                  <h3 id={`control-h-${c.id}`}>
                    <span className="id">{c.id}</span> {c.title}{' '}
                    <LevelBadge level={live.aspects.find((x) => x.id === a.id)?.controls.find((x) => x.id === c.id)?.level} />
                  </h3>
                  {c.requirements.map((r) => (
                    <RequirementCard
                      key={r.id}
                      assessmentId={assessment.id}
                      orgId={assessment.orgId}
                      requirement={r}
                      canWrite={canWrite}
                      library={lib}
                      onLibraryChange={reloadLibrary}
                      onScorecard={onScorecard}
                    />
                  ))}
                </section>
              ))}
            </section>
          ))}
        </div>
      </div>
    </Page>
  );
}
