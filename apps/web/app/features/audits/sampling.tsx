/**
 * Information produced by the entity (IPE: how each report used as evidence was produced and
 * validated) and sampling: paste or upload the population CSV, choose frequency, risk and method
 * (optional seed, size override with rationale, judgement ids), see the size from the table, the
 * seed and the selected items, and record each item's result (ok, or an exception with a note).
 * Auditors edit; the reviewer reads.
 */
import { useState, type FormEvent } from 'react';
import { api, seg } from '../../api/client';
import type { EngagementView, Evidence, ItemResult, SampleView } from '../../api/types';
import { ErrorMessage, formatDay, Notice, SelectField, TextArea, TextField } from '../../components/ui';
import { useLoad } from '../../hooks';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { fieldError, isConflict, useAction } from './common';

const FREQUENCIES = ['annual', 'quarterly', 'monthly', 'weekly', 'daily', 'multiple-times-a-day', 'occurrence'] as const;
const METHODS = ['random', 'systematic', 'judgement'] as const;

export function Sampling({ v, onChange }: { v: EngagementView; onChange(): void }) {
  const { t, lang } = useI18n();
  const e = v.engagement;
  const canIpe = v.you.isAuditor && ['planning', 'fieldwork', 'in_review'].includes(e.status);
  const canSample = v.you.isAuditor && ['fieldwork', 'in_review'].includes(e.status);
  const library = useLoad(() => (canIpe ? api<{ evidence: Evidence[] }>(`/api/engagements/${seg(e.id)}/evidence`) : Promise.resolve({ evidence: [] as Evidence[] })), [e.id, canIpe]);
  return (
    <>
      <section className="card" aria-labelledby="ipe-h">
        <h2 id="ipe-h">{t('ipe.title')}</h2>
        <p className="hint">{t('ipe.intro')}</p>
        {v.ipe.length === 0 ? <p className="muted">{t('ipe.none')}</p> : null}
        {v.ipe.length > 0 ? (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('ipe.report')}</th>
                  <th scope="col">{t('ipe.source')}</th>
                  <th scope="col">{t('ipe.parameters')}</th>
                  <th scope="col">{t('ipe.completeness')}</th>
                </tr>
              </thead>
              <tbody>
                {v.ipe.map((x) => (
                  <tr key={x.id}>
                    <td>
                      <strong>{x.title}</strong>
                      <div className="small muted">
                        {x.requirementId ? <span className="id">{x.requirementId}</span> : null} {formatDay(x.generatedOn, lang)} · {x.owner}
                      </div>
                      {x.evidence ? (
                        <div className="small">
                          {x.evidence.title} {x.evidence.sha256 ? <code>sha256 {x.evidence.sha256.slice(0, 16)}…</code> : null}
                        </div>
                      ) : null}
                    </td>
                    <td>
                      {x.sourceSystem}
                      <div className="small muted">{x.tool}</div>
                    </td>
                    <td>
                      <code className="wrap">{x.parameters}</code>
                    </td>
                    <td>{x.completenessAccuracy}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {canIpe ? <IpeForm v={v} library={library.data?.evidence ?? []} onChange={onChange} /> : null}
      </section>
      <section className="card" aria-labelledby="samples-h">
        <h2 id="samples-h">{t('sample.title')}</h2>
        <p className="hint">{t('sample.intro')}</p>
        {v.samples.length === 0 ? <p className="muted">{t('sample.none')}</p> : null}
        {v.samples.map((s) => (
          <Sample key={s.id} v={v} s={s} editable={canSample} onChange={onChange} />
        ))}
        {canSample ? <DrawSample v={v} onChange={onChange} /> : null}
      </section>
    </>
  );
}

const IPE_EMPTY = { requirementId: '', title: '', generatedOn: '', sourceSystem: '', tool: '', owner: '', parameters: '', completenessAccuracy: '', evidenceId: '' };

function IpeForm({ v, library, onChange }: { v: EngagementView; library: Evidence[]; onChange(): void }) {
  const { t } = useI18n();
  const action = useAction();
  const [f, setF] = useState(IPE_EMPTY);
  const [done, setDone] = useState(false);
  const set = (k: keyof typeof IPE_EMPTY) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const err = (p: string) => fieldError(action.error, p);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    const { requirementId, evidenceId, ...rest } = f;
    const body = { ...rest, ...(requirementId ? { requirementId } : {}), ...(evidenceId ? { evidenceId } : {}) };
    if (await action.run(() => api(`/api/engagements/${seg(v.engagement.id)}/ipe`, { json: body }))) {
      setF(IPE_EMPTY);
      setDone(true);
      onChange();
    }
  };
  return (
    <details className="history">
      <summary>{t('ipe.add')}</summary>
      <form className="form" onSubmit={submit} aria-label={t('ipe.add')} aria-busy={action.busy}>
        <div className="grid-2">
          <TextField label={t('ipe.reportTitle')} required value={f.title} onChange={set('title')} error={err('title')} />
          <SelectField label={t('ipe.requirement')} value={f.requirementId} onChange={set('requirementId')}>
            <option value="">{t('ipe.noRequirement')}</option>
            {v.requirements.map((r) => (
              <option key={r.id} value={r.id}>
                {r.id}
              </option>
            ))}
          </SelectField>
          <TextField label={t('ipe.generatedOn')} type="date" required value={f.generatedOn} onChange={set('generatedOn')} error={err('generatedOn')} />
          <TextField label={t('ipe.owner')} required value={f.owner} onChange={set('owner')} error={err('owner')} />
          <TextField label={t('ipe.sourceSystem')} hint={t('ipe.sourceSystemHint')} required value={f.sourceSystem} onChange={set('sourceSystem')} error={err('sourceSystem')} />
          <TextField label={t('ipe.tool')} required value={f.tool} onChange={set('tool')} error={err('tool')} />
        </div>
        <TextArea label={t('ipe.parameters')} hint={t('ipe.parametersHint')} required value={f.parameters} onChange={set('parameters')} />
        {err('parameters') ? <p className="field-error">{err('parameters')}</p> : null}
        <TextArea label={t('ipe.completeness')} hint={t('ipe.completenessHint')} required value={f.completenessAccuracy} onChange={set('completenessAccuracy')} />
        {err('completenessAccuracy') ? <p className="field-error">{err('completenessAccuracy')}</p> : null}
        <SelectField label={t('ipe.evidence')} value={f.evidenceId} onChange={set('evidenceId')}>
          <option value="">{t('ipe.noEvidence')}</option>
          {library.map((ev) => (
            <option key={ev.id} value={ev.id}>
              {ev.title}
            </option>
          ))}
        </SelectField>
        <ErrorMessage error={action.error} />
        {done ? <Notice kind="success">{t('ipe.added')}</Notice> : null}
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={action.busy}>
            {t('ipe.submit')}
          </button>
        </div>
      </form>
    </details>
  );
}

function DrawSample({ v, onChange }: { v: EngagementView; onChange(): void }) {
  const { t } = useI18n();
  const action = useAction();
  const [f, setF] = useState({ requirementId: v.requirements[0]?.id ?? '', title: '', populationCsv: '', populationFile: '', frequency: 'occurrence', risk: 'low', method: 'random', seed: '', overrideSize: '', overrideRationale: '', judgementIds: '', judgementRationale: '', ipeId: '' });
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const err = (p: string) => fieldError(action.error, p);
  const upload = async (file: File | undefined) => {
    if (!file) return;
    setF({ ...f, populationCsv: await file.text(), populationFile: file.name });
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = {
      requirementId: f.requirementId,
      title: f.title,
      populationCsv: f.populationCsv,
      ...(f.populationFile ? { populationFile: f.populationFile } : {}),
      frequency: f.frequency,
      risk: f.risk,
      method: f.method,
      ...(f.method !== 'judgement' && f.seed.trim() ? { seed: f.seed.trim() } : {}),
      ...(f.overrideSize ? { override: { size: Number(f.overrideSize), rationale: f.overrideRationale } } : {}),
      ...(f.method === 'judgement'
        ? {
            judgement: {
              ids: f.judgementIds
                .split(/[\s,]+/)
                .map((x) => x.trim())
                .filter(Boolean),
              rationale: f.judgementRationale,
            },
          }
        : {}),
      ...(f.ipeId ? { ipeId: f.ipeId } : {}),
    };
    if (await action.run(() => api(`/api/engagements/${seg(v.engagement.id)}/samples`, { json: body }))) {
      setF({ ...f, title: '', populationCsv: '', populationFile: '', seed: '', overrideSize: '', overrideRationale: '', judgementIds: '', judgementRationale: '' });
      onChange();
    }
  };
  return (
    <form className="form draw-sample" onSubmit={submit} aria-labelledby="draw-h" aria-busy={action.busy}>
      <h3 id="draw-h">{t('sample.draw')}</h3>
      <div className="grid-2">
        <SelectField label={t('ipe.requirement')} value={f.requirementId} onChange={set('requirementId')}>
          {v.requirements.map((r) => (
            <option key={r.id} value={r.id}>
              {r.id}
            </option>
          ))}
        </SelectField>
        <TextField label={t('sample.sampleTitle')} required value={f.title} onChange={set('title')} error={err('title')} />
      </div>
      <div className="field">
        <label htmlFor="population-csv">{t('sample.population')}</label>
        <textarea id="population-csv" rows={5} required aria-describedby="population-hint" value={f.populationCsv} onChange={set('populationCsv')} aria-invalid={err('populationCsv') ? true : undefined} />
        <p className="hint" id="population-hint">
          {t('sample.populationHint')}
        </p>
        {err('populationCsv') ? <p className="field-error">{err('populationCsv')}</p> : null}
      </div>
      <div className="field">
        <label htmlFor="population-file">{t('sample.populationFile')}</label>
        <input id="population-file" type="file" accept=".csv,text/csv" onChange={(e) => void upload(e.target.files?.[0])} />
      </div>
      <div className="grid-2">
        <SelectField label={t('sample.frequency')} value={f.frequency} onChange={set('frequency')}>
          {FREQUENCIES.map((x) => (
            <option key={x} value={x}>
              {t(`sample.frequency.${x}` as MessageKey)}
            </option>
          ))}
        </SelectField>
        <SelectField label={t('sample.risk')} value={f.risk} onChange={set('risk')}>
          <option value="low">{t('sample.risk.low')}</option>
          <option value="high">{t('sample.risk.high')}</option>
        </SelectField>
        <SelectField label={t('sample.method')} value={f.method} onChange={set('method')}>
          {METHODS.map((x) => (
            <option key={x} value={x}>
              {t(`sample.method.${x}` as MessageKey)}
            </option>
          ))}
        </SelectField>
        {f.method !== 'judgement' ? <TextField label={t('sample.seed')} hint={t('sample.seedHint')} value={f.seed} onChange={set('seed')} error={err('seed')} autoComplete="off" /> : null}
        <SelectField label={t('sample.ipe')} value={f.ipeId} onChange={set('ipeId')}>
          <option value="">{t('sample.noIpe')}</option>
          {v.ipe.map((x) => (
            <option key={x.id} value={x.id}>
              {x.title}
            </option>
          ))}
        </SelectField>
      </div>
      {f.method === 'judgement' ? (
        <div className="grid-2">
          <TextArea label={t('sample.judgementIds')} hint={t('common.commaList')} required value={f.judgementIds} onChange={set('judgementIds')} />
          <TextArea label={t('sample.judgementRationale')} required value={f.judgementRationale} onChange={set('judgementRationale')} />
        </div>
      ) : null}
      <details>
        <summary>{t('sample.override')}</summary>
        <div className="grid-2">
          <TextField label={t('sample.overrideSize')} type="number" min={1} value={f.overrideSize} onChange={set('overrideSize')} error={err('override.size')} />
          <TextField label={t('sample.overrideRationale')} value={f.overrideRationale} onChange={set('overrideRationale')} error={err('override.rationale')} />
        </div>
      </details>
      <ErrorMessage error={action.error} />
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={action.busy}>
          {t('sample.drawSubmit')}
        </button>
      </div>
    </form>
  );
}

function Sample({ v, s, editable, onChange }: { v: EngagementView; s: SampleView; editable: boolean; onChange(): void }) {
  const { t } = useI18n();
  const action = useAction();
  const [results, setResults] = useState<Record<string, { outcome: '' | 'ok' | 'exception'; note: string }>>(() => Object.fromEntries(s.record.items.map((i) => [i.id, { outcome: s.results.find((r) => r.itemId === i.id)?.outcome ?? '', note: s.results.find((r) => r.itemId === i.id)?.note ?? '' }])));
  const [saved, setSaved] = useState(false);
  const r = s.record;
  const id = `s-${s.id}`;
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const body: ItemResult[] = r.items.flatMap((i) => {
      const x = results[i.id];
      return x && x.outcome ? [{ itemId: i.id, outcome: x.outcome, ...(x.note.trim() ? { note: x.note } : {}) }] : [];
    });
    if (await action.run(() => api(`/api/engagements/${seg(v.engagement.id)}/samples/${seg(s.id)}/results`, { method: 'PUT', json: { version: s.version, results: body } }))) {
      setSaved(true);
      onChange();
    }
  };
  return (
    <article className="sample" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>
        {s.title} <span className="id">{s.requirementId}</span>
      </h3>
      <dl className="facts">
        <dt>{t('sample.size')}</dt>
        <dd>{t('sample.sizeValue', { size: r.size.size, population: r.population.size, row: r.size.row, risk: t(`sample.risk.${s.risk === 'high' ? 'high' : 'low'}`) })}</dd>
        {r.size.override ? (
          <>
            <dt>{t('sample.override')}</dt>
            <dd>
              {r.size.override.size} — {r.size.override.rationale}
            </dd>
          </>
        ) : null}
        <dt>{t('sample.method')}</dt>
        <dd>{t(`sample.method.${r.method}` as MessageKey)}</dd>
        {r.seed ? (
          <>
            <dt>{t('sample.seed')}</dt>
            <dd>
              <code className="wrap">{r.seed}</code>
            </dd>
          </>
        ) : null}
        {r.judgementRationale ? (
          <>
            <dt>{t('sample.judgementRationale')}</dt>
            <dd>{r.judgementRationale}</dd>
          </>
        ) : null}
        <dt>{t('sample.digest')}</dt>
        <dd>
          <code className="wrap">{r.population.digest}</code>
        </dd>
        <dt>{t('sample.results')}</dt>
        <dd>{t('sample.summary', { tested: s.summary.tested, size: s.summary.sampleSize, ok: s.summary.ok, exceptions: s.summary.exceptions.length })}</dd>
      </dl>
      <form onSubmit={save} aria-label={t('sample.resultsOf', { title: s.title })} aria-busy={action.busy}>
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t('sample.selected')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('sample.item')}</th>
                <th scope="col">{t('sample.date')}</th>
                <th scope="col">{t('sample.outcome')}</th>
                <th scope="col">{t('sample.note')}</th>
              </tr>
            </thead>
            <tbody>
              {r.items.map((item) => {
                const x = results[item.id] ?? { outcome: '', note: '' };
                const setX = (p: Partial<typeof x>) => setResults({ ...results, [item.id]: { ...x, ...p } });
                return (
                  <tr key={item.id}>
                    <th scope="row">
                      <code>{item.id}</code>
                    </th>
                    <td>{item.date}</td>
                    <td>
                      {editable ? (
                        <select aria-label={t('sample.outcomeOf', { item: item.id })} value={x.outcome} onChange={(e) => setX({ outcome: e.target.value as '' | 'ok' | 'exception' })}>
                          <option value="">{t('sample.untested')}</option>
                          <option value="ok">{t('sample.ok')}</option>
                          <option value="exception">{t('sample.exception')}</option>
                        </select>
                      ) : (
                        (x.outcome ? t(x.outcome === 'ok' ? 'sample.ok' : 'sample.exception') : t('sample.untested'))
                      )}
                    </td>
                    <td>
                      {editable ? (
                        <input aria-label={t('sample.noteOf', { item: item.id })} value={x.note} required={x.outcome === 'exception'} onChange={(e) => setX({ note: e.target.value })} />
                      ) : (
                        x.note
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {isConflict(action.error) ? (
          <div className="alert alert-warning" role="alert">
            <p>{t('testing.conflict')}</p>
            <button type="button" className="btn btn-small" onClick={onChange}>
              {t('testing.reload')}
            </button>
          </div>
        ) : (
          <ErrorMessage error={action.error} />
        )}
        {saved && !action.error ? <Notice kind="success">{t('sample.saved')}</Notice> : null}
        {editable ? (
          <div className="row">
            <button type="submit" className="btn" disabled={action.busy}>
              {t('sample.saveResults')}
            </button>
          </div>
        ) : null}
      </form>
    </article>
  );
}
