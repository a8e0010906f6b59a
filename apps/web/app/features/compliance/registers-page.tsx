/**
 * The compliance registers of an organization (issue 10): one section per register the server
 * lists (security tests, sanitization, policies, people, providers, drills, and any kind added
 * later), each entry with what keeps it valid and until when, add / change / retire, every
 * version of an entry, CSV and YAML import and export; and, for owners, the webhook settings.
 *
 * Validity comes from the server: the evaluation of each system's current assessment names every
 * register entry it relies on with its window (`sources`), so the page shows the same dates the
 * level is computed from. An entry no assessment relies on says so.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { api, download, seg } from '../../api/client';
import type { SystemListItem } from '../../api/types';
import { ErrorMessage, formatDate, formatDay, Loading, Notice, Page } from '../../components/ui';
import { useLoad } from '../../hooks';
import { useI18n, type Translate } from '../../i18n/i18n';
import { Link, queryParam, useLocation } from '../../router';
import { useSignedIn } from '../../session';
import { EntryForm } from './entry-forms';
import { maybe, registerLabel } from './labels';
import type { ComplianceView, EntryRecord, EntryVersion, FieldChange, RegisterWarning, SourceEvaluation } from './types';
import { WebhookSettings } from './webhook-settings';

type Registers = Record<string, EntryRecord[]>;

/** What the current assessments say of each register entry (`securityTests/PT-2026`), by reference. */
async function validityByRef(orgId: string): Promise<Map<string, SourceEvaluation>> {
  const { systems } = await api<{ systems: SystemListItem[] }>(`/api/orgs/${seg(orgId)}/systems`);
  const ids = [...new Set(systems.map((s) => s.assessmentId).filter((x): x is string => Boolean(x)))];
  const views = await Promise.all(ids.map((id) => api<ComplianceView>(`/api/assessments/${seg(id)}/compliance`).catch(() => null)));
  const out = new Map<string, SourceEvaluation>();
  for (const v of views) for (const r of v?.requirements ?? []) for (const s of r.sources) if (!out.has(s.ref)) out.set(s.ref, s);
  return out;
}

/** A short description of an entry from its common fields (works for any register). */
function summaryOf(t: Translate, register: string, e: Record<string, unknown>): string {
  const kind = typeof e.kind === 'string' ? maybe(t, `compliance.${register === 'policies' ? 'policyKind' : 'testKind'}.${e.kind}`, e.kind) : undefined;
  const pick = (...keys: string[]) => keys.map((k) => e[k]).filter((v): v is string => typeof v === 'string' && v.length > 0);
  const tester = e.tester && typeof e.tester === 'object' ? (e.tester as { name?: unknown }).name : undefined;
  const parts = [...(kind ? [kind] : []), ...pick('scope', 'name', 'service', 'mediaId', 'method', 'scenario', 'version', 'owner'), ...(typeof tester === 'string' ? [tester] : [])];
  if (Array.isArray(e.roles)) parts.push((e.roles as unknown[]).join(', '));
  return parts.slice(0, 4).join(' · ');
}

export function RegistersPage({ orgId, onOrg }: { orgId: string; onOrg(orgId: string): void }) {
  const { t } = useI18n();
  useEffect(() => onOrg(orgId), [orgId, onOrg]);
  useLocation(); // re-render when ?register= changes
  const session = useSignedIn();
  const role = session.memberships.find((m) => m.org.id === orgId)?.role;
  const canWrite = role === 'owner' || role === 'security_lead';
  const isOwner = role === 'owner';
  const [showRetired, setShowRetired] = useState(false);
  const regs = useLoad(() => api<{ registers: Registers; warnings?: RegisterWarning[] }>(`/api/orgs/${seg(orgId)}/compliance/registers${showRetired ? '?includeRetired=true' : ''}`), [orgId, showRetired]);
  const validity = useLoad(() => validityByRef(orgId), [orgId, regs.data]);
  const kinds = Object.keys(regs.data?.registers ?? {});
  const wanted = queryParam('register');
  const kind = kinds.find((k) => k === wanted) ?? kinds[0];
  const base = `/orgs/${seg(orgId)}/compliance`;

  return (
    <Page title={t('compliance.registers.title')} wide actions={<Link to="/notifications">{t('compliance.notifications.title')}</Link>}>
      <p className="muted">{t('compliance.registers.intro')}</p>
      <ErrorMessage error={regs.error} />
      {regs.loading && !regs.data ? <Loading /> : null}
      {kinds.length > 0 ? (
        <nav className="card quick-links" aria-label={t('compliance.registers.nav')}>
          {kinds.map((k) => (
            <Link key={k} to={`${base}?register=${encodeURIComponent(k)}`} aria-current={k === kind ? 'page' : undefined}>
              {registerLabel(t, k)} ({regs.data!.registers[k]!.filter((e) => e.retiredAt === null).length})
            </Link>
          ))}
        </nav>
      ) : null}
      {regs.data?.warnings && regs.data.warnings.length > 0 ? (
        <section className="card" aria-labelledby="register-warnings-h">
          <h2 id="register-warnings-h">{t('compliance.warnings.title')}</h2>
          <p className="muted">{t('compliance.warnings.intro')}</p>
          <ul>
            {regs.data.warnings.map((w) => (
              <li key={`${w.ref} ${w.path}`}>
                <code>{w.ref}</code> <code>{w.path}</code>: {w.message}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {kind && regs.data ? (
        <RegisterSection
          key={kind}
          orgId={orgId}
          kind={kind}
          entries={regs.data.registers[kind] ?? []}
          validity={validity.data}
          canWrite={canWrite}
          showRetired={showRetired}
          onShowRetired={setShowRetired}
          onChanged={regs.reload}
        />
      ) : null}
      <AllRegisters orgId={orgId} canWrite={canWrite} onChanged={regs.reload} />
      {isOwner ? <WebhookSettings orgId={orgId} /> : null}
    </Page>
  );
}

interface SectionProps {
  orgId: string;
  kind: string;
  entries: EntryRecord[];
  validity: Map<string, SourceEvaluation> | undefined;
  canWrite: boolean;
  showRetired: boolean;
  onShowRetired(v: boolean): void;
  onChanged(): void;
}

function RegisterSection({ orgId, kind, entries, validity, canWrite, showRetired, onShowRetired, onChanged }: SectionProps) {
  const { t, lang } = useI18n();
  const [editing, setEditing] = useState<EntryRecord | 'new' | null>(null);
  const [history, setHistory] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const label = registerLabel(t, kind);
  const api0 = `/api/orgs/${seg(orgId)}/compliance/registers/${seg(kind)}`;

  const retire = async (r: EntryRecord) => {
    if (!window.confirm(t('compliance.entry.retireConfirm', { id: r.id }))) return;
    setError(undefined);
    try {
      await api(`${api0}/entries/${seg(r.id)}?version=${r.version}`, { method: 'DELETE' });
      setSaved(t('compliance.entry.retired', { id: r.id }));
      onChanged();
    } catch (e) {
      setError(e);
    }
  };

  const validityCell = (r: EntryRecord) => {
    if (r.retiredAt !== null) return <span className="status-chip status-not_assessed">{t('compliance.entry.retiredOn', { date: formatDate(r.retiredAt, lang) })}</span>;
    const v = r.validity ?? (() => {
      const s = validity?.get(`${kind}/${r.id}`);
      return s ? { valid: s.valid, until: s.validUntil, reason: s.reason } : undefined;
    })();
    if (!v) return <span className="muted">{validity ? t('compliance.entry.noRequirement') : '…'}</span>;
    return (
      <>
        <span className={`status-chip ${v.valid ? 'status-in_place' : 'status-not_in_place'}`}>
          {v.valid ? (v.until ? t('compliance.entry.validUntil', { date: formatDay(v.until, lang) }) : t('compliance.entry.validNoEnd')) : t('compliance.entry.notValid')}
        </span>{' '}
        <span className="muted">{v.reason}</span>
      </>
    );
  };

  return (
    <section className="card" aria-labelledby="register-h">
      <div className="section-head">
        <h2 id="register-h">{label}</h2>
        {canWrite && editing === null ? (
          <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
            {t('compliance.entry.add')}
          </button>
        ) : null}
      </div>
      {saved ? <Notice kind="success">{saved}</Notice> : null}
      <ErrorMessage error={error} />
      {editing !== null ? (
        <EntryForm
          key={editing === 'new' ? 'new' : `${editing.id}@${editing.version}`}
          orgId={orgId}
          register={kind}
          record={editing === 'new' ? undefined : editing}
          onSaved={(r) => {
            setEditing(null);
            setSaved(t('compliance.entry.saved', { id: r.id, version: r.version }));
            onChanged();
          }}
          onCancel={() => setEditing(null)}
        />
      ) : null}
      <RegisterWide kind={kind} validity={validity} />
      <div className="row wrap">
        <label>
          <input type="checkbox" checked={showRetired} onChange={(e) => onShowRetired(e.target.checked)} /> {t('compliance.registers.showRetired')}
        </label>
      </div>
      {entries.length === 0 ? (
        <p className="muted">{t('compliance.registers.empty')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{label}</caption>
            <thead>
              <tr>
                <th scope="col">{t('compliance.entry.id')}</th>
                <th scope="col">{t('compliance.entry.what')}</th>
                <th scope="col">{t('compliance.entry.validity')}</th>
                <th scope="col">{t('compliance.entry.version')}</th>
                <th scope="col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((r) => (
                <tr key={r.id} data-entry={r.id}>
                  <th scope="row">
                    <code>{r.id}</code>
                  </th>
                  <td>{summaryOf(t, kind, r.entry)}</td>
                  <td>{validityCell(r)}</td>
                  <td>
                    {r.version} <span className="muted">({formatDate(r.updatedAt, lang)})</span>
                  </td>
                  <td>
                    <div className="row wrap">
                      {canWrite && r.retiredAt === null ? (
                        <button type="button" className="btn btn-small" onClick={() => setEditing(r)} aria-label={t('compliance.entry.editLabel', { id: r.id })}>
                          {t('compliance.entry.edit')}
                        </button>
                      ) : null}
                      <button type="button" className="btn btn-small" aria-expanded={history === r.id} onClick={() => setHistory(history === r.id ? null : r.id)} aria-label={t('compliance.entry.historyLabel', { id: r.id })}>
                        {t('compliance.entry.history')}
                      </button>
                      {canWrite && r.retiredAt === null ? (
                        <button type="button" className="btn btn-small btn-danger" onClick={() => void retire(r)} aria-label={t('compliance.entry.retireLabel', { id: r.id })}>
                          {t('compliance.entry.retire')}
                        </button>
                      ) : null}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {history ? <EntryHistory orgId={orgId} kind={kind} id={history} /> : null}
      <ImportExport orgId={orgId} kind={kind} canWrite={canWrite} onChanged={onChanged} />
    </section>
  );
}

/**
 * Evidence the register gives as a whole (the people register: "every screened person has a passed
 * reference check", as `people:reference`), with its validity.
 */
function RegisterWide({ kind, validity }: { kind: string; validity: Map<string, SourceEvaluation> | undefined }) {
  const { t, lang } = useI18n();
  const facets = [...(validity?.values() ?? [])].filter((s) => s.ref.startsWith(`${kind}:`));
  if (facets.length === 0) return null;
  return (
    <div>
      <h3>{t('compliance.registers.facets')}</h3>
      <ul>
        {facets.map((s) => (
          <li key={s.ref}>
            <code>{s.ref}</code>{' '}
            <span className={`status-chip ${s.valid ? 'status-in_place' : 'status-not_in_place'}`}>
              {s.valid ? (s.validUntil ? t('compliance.entry.validUntil', { date: formatDay(s.validUntil, lang) }) : t('compliance.entry.validNoEnd')) : t('compliance.entry.notValid')}
            </span>{' '}
            <span className="muted">{s.reason}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function EntryHistory({ orgId, kind, id }: { orgId: string; kind: string; id: string }) {
  const { t, lang } = useI18n();
  const h = useLoad(() => api<{ entry: EntryRecord; history: EntryVersion[] }>(`/api/orgs/${seg(orgId)}/compliance/registers/${seg(kind)}/entries/${seg(id)}`), [orgId, kind, id]);
  return (
    <section className="card" aria-labelledby="entry-history-h">
      <h3 id="entry-history-h">{t('compliance.history.title', { id })}</h3>
      <ErrorMessage error={h.error} />
      {h.data ? (
        <ol className="history">
          {[...h.data.history].reverse().map((v) => (
            <li key={v.version}>
              <p>
                <strong>{t('compliance.history.version', { version: v.version })}</strong> · {formatDate(v.at, lang)} · {v.by}
                {v.retired ? ` · ${t('compliance.history.retired')}` : ''}
              </p>
              {v.version > 1 && v.changes ? <Changes changes={v.changes} from={v.version - 1} /> : null}
              <details>
                <summary>{t('compliance.history.show')}</summary>
                <pre className="code">{JSON.stringify(v.entry, null, 2)}</pre>
              </details>
            </li>
          ))}
        </ol>
      ) : (
        <Loading />
      )}
    </section>
  );
}

/** A value of a changed field, short. */
const shown = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** What changed since the previous version: each field by path, a multi-line text line by line. */
function Changes({ changes, from }: { changes: FieldChange[]; from: number }) {
  const { t } = useI18n();
  if (changes.length === 0) return <p className="muted">{t('compliance.history.noChanges')}</p>;
  return (
    <div>
      <p>{t('compliance.history.changes', { version: from })}</p>
      <ul className="changes">
        {changes.map((c) => (
          <li key={c.path}>
            <code>{c.path}</code>:{' '}
            {c.lines ? (
              <pre className="code diff">
                {c.lines.map((l, i) => (
                  <span key={i} className={l.op === '+' ? 'diff-add' : l.op === '-' ? 'diff-del' : undefined}>
                    {`${l.op === '=' ? ' ' : l.op} ${l.text}\n`}
                  </span>
                ))}
              </pre>
            ) : c.before === undefined ? (
              <>
                <em>{t('compliance.history.added')}</em> {shown(c.after)}
              </>
            ) : c.after === undefined ? (
              <>
                <em>{t('compliance.history.removed')}</em> <del>{shown(c.before)}</del>
              </>
            ) : (
              <>
                <del>{shown(c.before)}</del> → <ins>{shown(c.after)}</ins>
              </>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Download one register as CSV or YAML; upload a CSV or YAML file (merge or replace). */
function ImportExport({ orgId, kind, canWrite, onChanged }: { orgId: string; kind: string; canWrite: boolean; onChanged(): void }) {
  const { t } = useI18n();
  const base = `/api/orgs/${seg(orgId)}/compliance/registers/${seg(kind)}`;
  return (
    <div className="grid-2">
      <div className="card">
        <h3>{t('compliance.export.title')}</h3>
        <div className="row wrap">
          <DownloadButton path={`${base}/export?format=csv`} name={`${kind}.csv`} label={t('compliance.export.csv')} />
          <DownloadButton path={`${base}/export?format=yaml`} name={`${kind}.yaml`} label={t('compliance.export.yaml')} />
        </div>
      </div>
      {canWrite ? <ImportForm path={`${base}/import`} id={`import-${kind}`} title={t('compliance.import.title')} accept=".csv,.yaml,.yml,text/csv,text/yaml" onChanged={onChanged} /> : null}
    </div>
  );
}

function DownloadButton({ path, name, label }: { path: string; name: string; label: string }) {
  const [error, setError] = useState<unknown>();
  return (
    <>
      <button
        type="button"
        className="btn"
        onClick={() => {
          setError(undefined);
          download(path, name).catch(setError);
        }}
      >
        {label}
      </button>
      <ErrorMessage error={error} />
    </>
  );
}

interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
  retired: number;
}

function ImportForm({ path, id, title, accept, onChanged }: { path: string; id: string; title: string; accept: string; onChanged(): void }) {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [mode, setMode] = useState<'merge' | 'replace'>('merge');
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<ImportCounts | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(undefined);
    setDone(null);
    try {
      const csv = /\.csv$/i.test(file.name) || file.type === 'text/csv';
      const r = await api<ImportCounts>(`${path}?mode=${mode}`, { method: 'POST', body: await file.text(), headers: { 'content-type': csv ? 'text/csv' : 'text/yaml' } });
      setDone(r);
      onChanged();
    } catch (x) {
      setError(x);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card form" onSubmit={submit} aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{title}</h3>
      <p className="hint">{t('compliance.import.hint')}</p>
      <div className="field">
        <label htmlFor={`${id}-file`}>{t('compliance.import.file')}</label>
        <input id={`${id}-file`} type="file" accept={accept} required onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      </div>
      <fieldset className="fieldset">
        <legend>{t('compliance.import.mode')}</legend>
        <label>
          <input type="radio" name={`${id}-mode`} checked={mode === 'merge'} onChange={() => setMode('merge')} /> {t('compliance.import.merge')}
        </label>
        <label>
          <input type="radio" name={`${id}-mode`} checked={mode === 'replace'} onChange={() => setMode('replace')} /> {t('compliance.import.replace')}
        </label>
      </fieldset>
      {done ? <Notice kind="success">{t('compliance.import.done', { created: done.created, updated: done.updated, unchanged: done.unchanged, retired: done.retired })}</Notice> : null}
      <ErrorMessage error={error} />
      <button type="submit" className="btn" disabled={!file || busy}>
        {t('compliance.import.submit')}
      </button>
    </form>
  );
}

/** Every register in one YAML file (compliance-registers/v1). */
function AllRegisters({ orgId, canWrite, onChanged }: { orgId: string; canWrite: boolean; onChanged(): void }) {
  const { t } = useI18n();
  const base = `/api/orgs/${seg(orgId)}/compliance/registers`;
  return (
    <section className="card" aria-labelledby="all-registers-h">
      <h2 id="all-registers-h">{t('compliance.all.title')}</h2>
      <p className="muted">{t('compliance.all.intro')}</p>
      <div className="grid-2">
        <div>
          <DownloadButton path={`${base}/export`} name="compliance-registers.yaml" label={t('compliance.all.export')} />
        </div>
        {canWrite ? <ImportForm path={`${base}/import`} id="import-all" title={t('compliance.all.import')} accept=".yaml,.yml,text/yaml" onChanged={onChanged} /> : null}
      </div>
    </section>
  );
}

/** `/orgs/:orgId/compliance?register=` for a register (used by links elsewhere). */
export function registersPath(orgId: string, kind?: string): string {
  return `/orgs/${seg(orgId)}/compliance${kind ? `?register=${encodeURIComponent(kind)}` : ''}`;
}

