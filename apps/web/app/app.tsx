/** The app shell: skip link, header with navigation, language switcher and account, and the routes. */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, seg } from './api/client';
import type { MyKeys } from './api/types';
import { Loading, Page } from './components/ui';
import { AuditorsPage } from './features/audits/auditors-page';
import { EngagementPage } from './features/audits/engagement-page';
import { MyAudits } from './features/audits/my-audits';
import { MfaSetup } from './features/auth/mfa-setup';
import { SignIn } from './features/auth/sign-in';
import { SignUp } from './features/auth/sign-up';
import { ChecklistPage } from './features/checklist/checklist-page';
import { GapsPage } from './features/checklist/gaps-page';
import { NotificationsNavItem } from './features/compliance/notifications';
import { compliancePage } from './features/compliance/routes';
import { EvidenceLibrary } from './features/evidence/evidence-library';
import { LogsPage } from './features/logs/logs-page';
import { Members } from './features/orgs/members';
import { OrgPicker } from './features/orgs/org-picker';
import { REGISTRY_PATH } from './features/registry/common';
import { SigningKeysPage } from './features/registry/signing-keys-page';
import { Dashboard } from './features/systems/dashboard';
import { SystemPage } from './features/systems/system-page';
import { WalletsPage } from './features/wallets/wallets-page';
import { useLoad } from './hooks';
import { LANGS, useI18n, type Lang } from './i18n/i18n';
import { Link, match, navigate, useLocation } from './router';
import { PUBLIC_PATHS, useSession } from './session';

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function LanguageSwitcher() {
  const { t, lang, setLang } = useI18n();
  return (
    <div className="lang">
      <label htmlFor="lang-switch">{t('nav.language')}</label>
      <select id="lang-switch" value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
        {LANGS.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.label}
          </option>
        ))}
      </select>
    </div>
  );
}

function Shell({ orgId, children }: { orgId: string | null; children: ReactNode }) {
  const { t } = useI18n();
  const { state, signOut } = useSession();
  const session = state.status === 'signed-in' ? state.session : null;
  const org = session?.memberships.find((m) => m.org.id === orgId)?.org;
  const path = useLocation().split('?')[0];
  const current = (to: string) => (path === to ? 'page' : undefined);
  // Accredited auditors get "Signing keys" in the menu: asked once per signed-in user, quietly
  // (an account that must still set up MFA is sent there by the page it opens, not by this probe).
  const userId = session?.user.id;
  const keys = useLoad(() => (userId ? api<MyKeys>('/api/auditors/me/keys', { quiet: true }).catch(() => null) : Promise.resolve(null)), [userId]);
  const isAuditor = Boolean(keys.data?.auditor) || (keys.data?.keys.length ?? 0) > 0;
  return (
    <>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label={t('nav.home')}>
          <span aria-hidden="true" className="brand-mark">
            K
          </span>
          Keygrade
        </Link>
        {session ? (
          <nav aria-label={t('nav.main')} className="mainnav">
            <ul>
              <li>
                <Link to="/orgs" aria-current={current('/orgs')}>
                  {t('nav.orgs')}
                </Link>
              </li>
              <li>
                <Link to="/audits" aria-current={current('/audits')}>
                  {t('nav.myAudits')}
                </Link>
              </li>
              <NotificationsNavItem />
              {isAuditor || path === '/signing-keys' ? (
                <li>
                  <Link to="/signing-keys" aria-current={current('/signing-keys')}>
                    {t('nav.signingKeys')}
                  </Link>
                </li>
              ) : null}
              <li>
                {/* Server-rendered pages outside the app: a plain link, a full page load (never the in-app router). */}
                <a href={REGISTRY_PATH}>{t('nav.registry')}</a>
              </li>
              {session.user.isAdmin ? (
                <>
                  <li>
                    <Link to="/admin/logs" aria-current={current('/admin/logs')}>
                      {t('nav.logs')}
                    </Link>
                  </li>
                  <li>
                    <Link to="/admin/auditors" aria-current={current('/admin/auditors')}>
                      {t('nav.auditors')}
                    </Link>
                  </li>
                </>
              ) : null}
              {org ? (
                <>
                  <li>
                    <Link to={`/orgs/${seg(org.id)}`} aria-current={current(`/orgs/${seg(org.id)}`)}>
                      {t('nav.dashboard')}
                    </Link>
                  </li>
                  <li>
                    <Link to={`/orgs/${seg(org.id)}/evidence`} aria-current={current(`/orgs/${seg(org.id)}/evidence`)}>
                      {t('nav.evidence')}
                    </Link>
                  </li>
                  <li>
                    <Link to={`/orgs/${seg(org.id)}/members`} aria-current={current(`/orgs/${seg(org.id)}/members`)}>
                      {t('nav.members')}
                    </Link>
                  </li>
                </>
              ) : null}
            </ul>
          </nav>
        ) : null}
        <div className="topbar-tools">
          <LanguageSwitcher />
          {session ? (
            <>
              <Link to="/mfa" className="user" title={session.user.email}>
                {session.user.name || session.user.email}
              </Link>
              <button type="button" className="btn btn-small" onClick={() => void signOut()}>
                {t('nav.signOut')}
              </button>
            </>
          ) : null}
        </div>
      </header>
      {org ? (
        <p className="org-line">
          <span className="muted">{t('nav.org')}:</span> {org.name}
        </p>
      ) : null}
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="footer">
        <p>{t('footer.text')}</p>
        <p>
          <a href={REGISTRY_PATH}>{t('footer.registry')}</a>
        </p>
      </footer>
    </>
  );
}

function NotFound() {
  const { t } = useI18n();
  return (
    <Page title={t('notFound.title')}>
      <p>
        <Link to="/">{t('notFound.home')}</Link>
      </p>
    </Page>
  );
}

export function App() {
  const { state } = useSession();
  const location = useLocation();
  const path = location.split('?')[0] ?? '/';
  const [pageOrg, setPageOrg] = useState<string | null>(null);
  const onOrg = useCallback((id: string) => setPageOrg(id), []);
  const routeOrg = (match('/orgs/:orgId', path) ?? match('/orgs/:orgId/members', path) ?? match('/orgs/:orgId/evidence', path))?.orgId ?? null;
  useEffect(() => {
    if (routeOrg) setPageOrg(routeOrg);
  }, [routeOrg]);

  let body: ReactNode;
  if (state.status === 'loading') body = <Loading />;
  else if (state.status === 'signed-out') {
    if (path === '/sign-up') body = <SignUp />;
    else if (path === '/sign-in') body = <SignIn />;
    else body = <Redirect to={`/sign-in?next=${encodeURIComponent(location)}`} />;
  } else {
    const s = state.session;
    let m: Record<string, string> | null;
    let compliance: ReactNode | null;
    if (PUBLIC_PATHS.includes(path)) body = <Redirect to="/" />;
    else if (s.mfaRequired && !s.user.mfaEnabled && path !== '/mfa') body = <Redirect to={`/mfa?next=${encodeURIComponent(location)}`} />;
    else if (path === '/' || path === '') body = <Redirect to={s.memberships.length === 1 ? `/orgs/${seg(s.memberships[0]!.org.id)}` : '/orgs'} />;
    else if (path === '/mfa') body = <MfaSetup />;
    else if (path === '/orgs') body = <OrgPicker />;
    else if (path === '/admin/logs' && s.user.isAdmin) body = <LogsPage />;
    else if (path === '/admin/auditors' && s.user.isAdmin) body = <AuditorsPage />;
    else if (path === '/audits') body = <MyAudits />;
    else if (path === '/signing-keys') body = <SigningKeysPage />;
    else if ((m = match('/engagements/:id', path))) body = <EngagementPage key={m.id} engagementId={m.id!} onOrg={onOrg} />;
    else if ((m = match('/orgs/:orgId', path))) body = <Dashboard key={m.orgId} orgId={m.orgId!} />;
    else if ((m = match('/orgs/:orgId/members', path))) body = <Members key={m.orgId} orgId={m.orgId!} />;
    else if ((m = match('/orgs/:orgId/evidence', path))) body = <EvidenceLibrary key={m.orgId} orgId={m.orgId!} />;
    else if ((m = match('/systems/:systemId', path))) body = <SystemPage key={location} systemId={m.systemId!} onOrg={onOrg} />;
    else if ((m = match('/systems/:systemId/wallets', path))) body = <WalletsPage key={m.systemId} systemId={m.systemId!} onOrg={onOrg} />;
    else if ((m = match('/assessments/:id/checklist', path))) body = <ChecklistPage key={m.id} assessmentId={m.id!} onOrg={onOrg} />;
    else if ((m = match('/assessments/:id/gaps', path))) body = <GapsPage key={m.id} assessmentId={m.id!} onOrg={onOrg} />;
    else if ((compliance = compliancePage(path, onOrg))) body = compliance;
    else body = <NotFound />;
  }
  return <Shell orgId={state.status === 'signed-in' ? (routeOrg ?? pageOrg) : null}>{body}</Shell>;
}
