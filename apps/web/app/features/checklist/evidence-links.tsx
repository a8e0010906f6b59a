/** The evidence linked to one answer: download, unlink, link from the library, or upload and link. */
import { useId, useState, type FormEvent } from 'react';
import { api, seg } from '../../api/client';
import type { Evidence, EvidenceRef } from '../../api/types';
import { ErrorMessage } from '../../components/ui';
import { useI18n } from '../../i18n/i18n';
import { evidenceUrl, uploadEvidence } from '../evidence/upload';

interface Props {
  assessmentId: string;
  orgId: string;
  requirementId: string;
  linked: EvidenceRef[];
  library: Evidence[];
  canWrite: boolean;
  onLinked(evidence: EvidenceRef[]): void;
  onLibraryChange(): void;
}

export function EvidenceLinks({ assessmentId, orgId, requirementId, linked, library, canWrite, onLinked, onLibraryChange }: Props) {
  const { t } = useI18n();
  const uid = useId();
  const [choice, setChoice] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [title, setTitle] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const base = `/api/assessments/${seg(assessmentId)}/answers/${seg(requirementId)}/evidence`;
  const unlinked = library.filter((e) => !linked.some((l) => l.id === e.id));
  const nameOf = (e: EvidenceRef) => e.title || e.filename || e.id;

  const link = async (ev: Evidence | EvidenceRef) => {
    await api(base, { json: { evidenceId: ev.id } });
    onLinked([...linked, { id: ev.id, title: ev.title, filename: ev.filename, sha256: ev.sha256 }]);
  };
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const linkChosen = (e: FormEvent) => {
    e.preventDefault();
    const ev = library.find((x) => x.id === choice);
    if (ev)
      void run(async () => {
        await link(ev);
        setChoice('');
      });
  };
  const uploadAndLink = (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    void run(async () => {
      const ev = await uploadEvidence(orgId, file, { title: title.trim() || file.name });
      onLibraryChange();
      await link(ev);
      setFile(null);
      setTitle('');
      (e.target as HTMLFormElement).reset();
    });
  };
  const unlink = (ev: EvidenceRef) =>
    void run(async () => {
      await api(`${base}/${seg(ev.id)}`, { method: 'DELETE' });
      onLinked(linked.filter((l) => l.id !== ev.id));
    });

  return (
    <div className="evidence-links">
      <h5>{t('evidence.linked')}</h5>
      {linked.length === 0 ? <p className="muted">{t('evidence.noneLinked')}</p> : null}
      <ul className="list">
        {linked.map((ev) => (
          <li key={ev.id}>
            <a href={evidenceUrl(ev.id)} download>
              {nameOf(ev)}
            </a>
            {canWrite ? (
              <button type="button" className="btn btn-link" onClick={() => unlink(ev)} disabled={busy} aria-label={t('evidence.unlinkNamed', { name: nameOf(ev) })}>
                {t('evidence.unlink')}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {canWrite ? (
        <details className="evidence-add">
          <summary>{t('evidence.add')}</summary>
          {unlinked.length > 0 ? (
            <form className="row wrap" onSubmit={linkChosen}>
              <div className="field">
                <label htmlFor={`${uid}-pick`}>{t('evidence.fromLibrary')}</label>
                <select id={`${uid}-pick`} value={choice} onChange={(e) => setChoice(e.target.value)}>
                  <option value="">{t('evidence.choose')}</option>
                  {unlinked.map((ev) => (
                    <option key={ev.id} value={ev.id}>
                      {nameOf(ev)}
                    </option>
                  ))}
                </select>
              </div>
              <button type="submit" className="btn btn-small" disabled={!choice || busy}>
                {t('evidence.link')}
              </button>
            </form>
          ) : null}
          <form className="row wrap" onSubmit={uploadAndLink}>
            <div className="field">
              <label htmlFor={`${uid}-file`}>{t('evidence.file')}</label>
              <input id={`${uid}-file`} type="file" required onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
            </div>
            <div className="field">
              <label htmlFor={`${uid}-title`}>{t('evidence.title')}</label>
              <input id={`${uid}-title`} value={title} onChange={(e) => setTitle(e.target.value)} />
            </div>
            <button type="submit" className="btn btn-small" disabled={!file || busy}>
              {t('evidence.uploadAndLink')}
            </button>
          </form>
        </details>
      ) : null}
      <ErrorMessage error={error} />
    </div>
  );
}
