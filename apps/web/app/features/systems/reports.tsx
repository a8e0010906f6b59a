/** Report downloads (the CLI's reports, in the UI language) and the YAML export. */
import { useState } from 'react';
import { download, seg } from '../../api/client';
import { ErrorMessage } from '../../components/ui';
import { useI18n } from '../../i18n/i18n';

const FORMATS = ['pdf', 'html', 'md', 'json', 'oscal'] as const;

export function Reports({ assessmentId }: { assessmentId: string }) {
  const { t, lang } = useI18n();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState<string | null>(null);
  const get = async (what: string, path: string, fallback: string) => {
    setBusy(what);
    setError(undefined);
    try {
      await download(path, fallback);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <section className="card" aria-labelledby="reports-h">
      <h2 id="reports-h">{t('reports.title')}</h2>
      <p className="hint">{t('reports.hint')}</p>
      <div className="row wrap">
        {FORMATS.map((f) => (
          <button
            key={f}
            type="button"
            className="btn"
            disabled={busy !== null}
            onClick={() => void get(f, `/api/assessments/${seg(assessmentId)}/report?format=${f}&lang=${lang}`, `keygrade-report.${f === 'oscal' ? 'oscal.json' : f}`)}
          >
            {t('reports.download', { format: f.toUpperCase() })}
          </button>
        ))}
        <button type="button" className="btn" disabled={busy !== null} onClick={() => void get('yaml', `/api/assessments/${seg(assessmentId)}/export`, 'assessment.yaml')}>
          {t('reports.exportYaml')}
        </button>
      </div>
      {busy ? (
        <p role="status" className="muted">
          {t('reports.preparing')}
        </p>
      ) : null}
      <ErrorMessage error={error} />
    </section>
  );
}
