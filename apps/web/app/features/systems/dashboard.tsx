/** The organization dashboard: its systems with their live level, and creating a system. */
import { useState, type FormEvent } from 'react';
import { api, seg } from '../../api/client';
import type { SystemListItem } from '../../api/types';
import { ErrorMessage, LevelBadge, Loading, Page, TextArea, TextField } from '../../components/ui';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { Link, navigate } from '../../router';
import { useSignedIn } from '../../session';

/** Splits a comma or newline separated list. */
export function listOf(s: string): string[] {
  return s
    .split(/[,\n]/)
    .map((x) => x.trim())
    .filter(Boolean);
}

export function Dashboard({ orgId }: { orgId: string }) {
  const { t } = useI18n();
  const session = useSignedIn();
  const membership = session.memberships.find((m) => m.org.id === orgId);
  const canWrite = membership?.role === 'owner' || membership?.role === 'security_lead';
  const systems = useLoad(() => api<{ systems: SystemListItem[] }>(`/api/orgs/${seg(orgId)}/systems`), [orgId]);
  const [form, setForm] = useState({ name: '', designation: '', scope: '', boundary: '', wallets: '', assets: '' });
  const [error, setError] = useState<unknown>();
  const [open, setOpen] = useState(false);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    const body: Record<string, unknown> = { name: form.name.trim() };
    if (form.designation.trim()) body.designation = form.designation.trim();
    if (form.scope.trim()) body.scope = form.scope.trim();
    if (form.boundary.trim()) body.boundary = form.boundary.trim();
    if (form.wallets.trim()) body.wallets = listOf(form.wallets);
    if (form.assets.trim()) body.assets = listOf(form.assets);
    try {
      const r = await api<{ system: { id: string } }>(`/api/orgs/${seg(orgId)}/systems`, { json: body });
      navigate(`/systems/${seg(r.system.id)}`);
    } catch (err) {
      setError(err);
    }
  };
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });

  const list = systems.data?.systems ?? [];
  return (
    <Page
      title={membership?.org.name ?? t('dashboard.title')}
      actions={
        canWrite ? (
          <button type="button" className="btn btn-primary" aria-expanded={open} aria-controls="new-system" onClick={() => setOpen(!open)}>
            {t('dashboard.newSystem')}
          </button>
        ) : null
      }
    >
      {open ? (
        <form id="new-system" className="card form" onSubmit={create} aria-labelledby="new-system-h">
          <h2 id="new-system-h">{t('dashboard.newSystem')}</h2>
          <div className="grid-2">
            <TextField label={t('system.name')} required value={form.name} onChange={set('name')} />
            <TextField label={t('system.designation')} hint={t('system.designationHint')} value={form.designation} onChange={set('designation')} />
          </div>
          <TextArea label={t('system.scope')} value={form.scope} onChange={set('scope')} />
          <TextArea label={t('system.boundary')} value={form.boundary} onChange={set('boundary')} />
          <div className="grid-2">
            <TextField label={t('system.wallets')} hint={t('common.commaList')} value={form.wallets} onChange={set('wallets')} />
            <TextField label={t('system.assets')} hint={t('common.commaList')} value={form.assets} onChange={set('assets')} />
          </div>
          <ErrorMessage error={error} />
          <div className="row">
            <button type="submit" className="btn btn-primary">
              {t('dashboard.createSystem')}
            </button>
            <button type="button" className="btn" onClick={() => setOpen(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      ) : null}
      <section className="card" aria-labelledby="systems-h">
        <h2 id="systems-h">{t('dashboard.systems')}</h2>
        {systems.loading && !systems.data ? <Loading /> : null}
        <ErrorMessage error={systems.error} />
        {systems.data && list.length === 0 ? <p className="muted">{canWrite ? t('dashboard.noSystemsWriter') : t('dashboard.noSystems')}</p> : null}
        {list.length > 0 ? (
          <ul className="system-cards">
            {list.map((s) => (
              <li key={s.id} className="system-card">
                <div>
                  <Link to={`/systems/${seg(s.id)}`} className="system-name">
                    {s.name}
                  </Link>
                  {s.designation ? <p className="muted">{s.designation}</p> : null}
                </div>
                <div className="system-level">
                  <span className="visually-hidden">{t('common.level')}: </span>
                  {s.assessmentId ? <LevelBadge level={s.level} /> : <span className="muted">{t('dashboard.notAssessed')}</span>}
                </div>
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      <nav className="card quick-links" aria-label={t('nav.org')}>
        <Link to={`/orgs/${seg(orgId)}/evidence`}>{t('nav.evidence')}</Link>
        <Link to={`/orgs/${seg(orgId)}/members`}>{t('nav.members')}</Link>
        <Link to={`/orgs/${seg(orgId)}/compliance`}>{t('compliance.registers.title')}</Link>
      </nav>
    </Page>
  );
}
