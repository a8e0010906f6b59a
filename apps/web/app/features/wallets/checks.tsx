/**
 * The wallet check (a descriptor or Caravan config against the stored key inventory: each rule
 * pass, fail or not determinable with the reason and the requirement ids, plus derived addresses)
 * and the PSBT check (allow, deny or needs-approval with the reasons and the spend paths the policy
 * cannot govern). Both run on the server; "Attach to assessment" runs the check again there in the
 * assessment's edition and records the result as evidence with the inputs hashed.
 */
import { useId, useState, type FormEvent } from 'react';
import { api, seg } from '../../api/client';
import type { AssessmentSummary } from '../../api/types';
import { ErrorMessage, formatDate, Notice, SelectField, TextArea, TextField } from '../../components/ui';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { Link } from '../../router';
import { useAction } from '../../hooks';
import { EDITIONS, editionLabel } from '../systems/editions';
import { ProblemsByFile } from './inventory';
import type { AttachAnswer, FindingStatus, PsbtCheckResult, SpendDecision, WalletCheckResult } from './types';

const RULES = [
  'min-signatures',
  'redundant-key',
  'deterministic',
  'distinct-seeds',
  'site-loss',
  'geographic-distribution',
  'organization-loss',
  'organizational-distribution',
  'device-separation',
  'backups-exist',
  'backup-environmental',
  'backup-access-control',
  'backup-seals',
  'backup-encrypted',
] as const;
const ruleLabel = (t: (k: MessageKey) => string, rule: string) => ((RULES as readonly string[]).includes(rule) ? t(`wallet.rule.${rule}` as MessageKey) : rule);
const STATUS_KEY: Record<FindingStatus, MessageKey> = { pass: 'wallet.status.pass', fail: 'wallet.status.fail', 'not-determinable': 'wallet.status.notDeterminable' };
const DECISION_KEY: Record<SpendDecision, MessageKey> = { allow: 'wallet.decision.allow', deny: 'wallet.decision.deny', 'needs-approval': 'wallet.decision.needsApproval' };
const OUTCOME_KEY: Record<string, MessageKey> = { pass: 'wallet.outcome.pass', deny: 'wallet.outcome.deny', 'needs-approval': 'wallet.outcome.needsApproval', info: 'wallet.outcome.info' };
const PATH_KEY: Record<string, MessageKey> = { governed: 'wallet.path.governed', 'weaker-than-quorum': 'wallet.path.weaker', ungoverned: 'wallet.path.ungoverned' };
const KIND_KEY: Record<string, MessageKey> = { change: 'wallet.output.change', self: 'wallet.output.self', external: 'wallet.output.external' };
/** Status classes of the design system: green for passing, red for failing. */
const chip = (good: boolean | null) => `status-chip${good === true ? ' status-in_place' : good === false ? ' status-not_in_place' : ''}`;

/** "Attach to assessment": pick one of the system's assessments; the server re-runs the check in its edition. */
function AttachForm({ assessments, attach, kind }: { assessments: AssessmentSummary[]; attach(assessmentId: string): Promise<AttachAnswer>; kind: 'wallet' | 'psbt' }) {
  const { t, lang } = useI18n();
  const id = useId();
  const [assessmentId, setAssessmentId] = useState(assessments[0]?.id ?? '');
  const [done, setDone] = useState<AttachAnswer | null>(null);
  const { busy, error, run } = useAction();
  if (assessments.length === 0) return <p className="muted">{t('wallet.attach.noAssessment')}</p>;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    await run(async () => setDone(await attach(assessmentId)));
  };
  return (
    <form className="form wallet-attach" onSubmit={submit} aria-labelledby={`${id}-h`} aria-busy={busy}>
      <h4 id={`${id}-h`}>{t('wallet.attach.title')}</h4>
      <p className="hint">{t(kind === 'wallet' ? 'wallet.attach.hintWallet' : 'wallet.attach.hintPsbt')}</p>
      <SelectField label={t('wallet.attach.assessment')} value={assessmentId} onChange={(e) => setAssessmentId(e.target.value)}>
        {assessments.map((a) => (
          <option key={a.id} value={a.id}>
            {editionLabel(a.edition)} · {formatDate(a.createdAt, lang)}
          </option>
        ))}
      </SelectField>
      <ErrorMessage error={error} />
      {done ? (
        <Notice kind="success">
          {t(done.created ? 'wallet.attach.done' : 'wallet.attach.already', { edition: editionLabel(done.assessment.edition), requirements: done.requirements.join(', ') })}{' '}
          <Link to={`/assessments/${seg(done.assessment.id)}/checklist`}>{t('wallet.attach.open')}</Link>
        </Notice>
      ) : null}
      <button type="submit" className="btn" disabled={busy || !assessmentId}>
        {t('wallet.attach.submit')}
      </button>
    </form>
  );
}

export function WalletCheckSection({ systemId, assessments, canAttach }: { systemId: string; assessments: AssessmentSummary[]; canAttach: boolean }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [edition, setEdition] = useState<string>(assessments[0]?.edition ?? EDITIONS[0].id);
  const [addresses, setAddresses] = useState('3');
  const [network, setNetwork] = useState('');
  const [result, setResult] = useState<WalletCheckResult | null>(null);
  const { busy, error, run } = useAction();
  // A Caravan config is JSON; anything else is read as a descriptor (blank lines and # comments skipped).
  const input = () => {
    const n = Number(addresses);
    return { ...(text.trim().startsWith('{') ? { caravan: text } : { descriptor: text }), addresses: Number.isInteger(n) && n >= 0 && n <= 20 ? n : 3, ...(network ? { network } : {}) };
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setResult(null);
    await run(async () => setResult(await api<WalletCheckResult>(`/api/systems/${seg(systemId)}/wallet-check`, { json: { ...input(), edition } })));
  };
  return (
    <section className="card" aria-labelledby="wallet-check-h">
      <h2 id="wallet-check-h">{t('wallet.check.title')}</h2>
      <p className="hint">{t('wallet.check.intro')}</p>
      <form className="form" onSubmit={submit} aria-busy={busy}>
        <TextArea label={t('wallet.check.descriptor')} hint={t('wallet.check.descriptorHint')} value={text} rows={5} required spellCheck={false} className="mono" onChange={(e) => setText(e.target.value)} />
        <div className="wallet-options">
          <SelectField label={t('wallet.check.edition')} value={edition} onChange={(e) => setEdition(e.target.value)}>
            {EDITIONS.map((ed) => (
              <option key={ed.id} value={ed.id}>
                {ed.label}
              </option>
            ))}
          </SelectField>
          <TextField label={t('wallet.check.addresses')} type="number" min={0} max={20} value={addresses} onChange={(e) => setAddresses(e.target.value)} />
          <SelectField label={t('wallet.check.network')} value={network} onChange={(e) => setNetwork(e.target.value)}>
            <option value="">{t('wallet.check.networkAuto')}</option>
            <option value="mainnet">{t('wallet.check.mainnet')}</option>
            <option value="testnet">{t('wallet.check.testnet')}</option>
            <option value="regtest">{t('wallet.check.regtest')}</option>
          </SelectField>
        </div>
        <ErrorMessage error={error} />
        <button type="submit" className="btn btn-primary" disabled={busy || text.trim() === ''}>
          {t('wallet.check.submit')}
        </button>
      </form>
      {result ? <WalletResult result={result} /> : null}
      {result && canAttach ? <AttachForm kind="wallet" assessments={assessments} attach={(id) => api<AttachAnswer>(`/api/assessments/${seg(id)}/wallet-evidence`, { json: input() })} /> : null}
    </section>
  );
}

function WalletResult({ result: r }: { result: WalletCheckResult }) {
  const { t } = useI18n();
  return (
    <div className="wallet-result">
      <h3 id="wallet-result-h">{t('wallet.check.result')}</h3>
      <p role="status">
        {t('wallet.check.summary', { edition: editionLabel(r.edition), quorum: r.quorum, keys: r.keys.length, pass: r.summary.pass, fail: r.summary.fail, nd: r.summary['not-determinable'] })}{' '}
        {r.inventory ? t('wallet.check.againstVersion', { version: r.inventory.version }) : t('wallet.check.noInventory')}
      </p>
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">{t('wallet.check.findings')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('wallet.check.rule')}</th>
              <th scope="col">{t('wallet.check.status')}</th>
              <th scope="col">{t('wallet.check.reason')}</th>
              <th scope="col">{t('wallet.check.requirements')}</th>
            </tr>
          </thead>
          <tbody>
            {r.findings.map((f) => (
              <tr key={f.rule}>
                <th scope="row">
                  {ruleLabel(t, f.rule)}
                  <div className="muted small">
                    <code>{f.rule}</code>
                  </div>
                </th>
                <td>
                  <span className={chip(f.status === 'pass' ? true : f.status === 'fail' ? false : null)}>{t(STATUS_KEY[f.status])}</span>
                </td>
                <td>{f.reason}</td>
                <td>{f.requirements.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {r.addresses.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption>{t('wallet.check.addressesTitle', { network: r.network })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('wallet.check.branch')}</th>
                <th scope="col">{t('wallet.check.index')}</th>
                <th scope="col">{t('wallet.check.address')}</th>
                <th scope="col">{t('wallet.check.crossCheck')}</th>
              </tr>
            </thead>
            <tbody>
              {r.addresses.map((a) => (
                <tr key={`${a.path}/${a.index}`}>
                  <td>{a.path === 0 ? t('wallet.check.receive') : a.path === 1 ? t('wallet.check.change') : a.path}</td>
                  <td>{a.index}</td>
                  <td>
                    <code>{a.address ?? a.scriptPubKey}</code>
                  </td>
                  <td>{a.crossCheck === 'agree' ? t('wallet.check.agree') : t('wallet.check.notChecked', { why: a.crossCheck.notChecked })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

export function PsbtCheckSection({ systemId, assessments, canAttach }: { systemId: string; assessments: AssessmentSummary[]; canAttach: boolean }) {
  const { t } = useI18n();
  const [psbt, setPsbt] = useState('');
  const [policy, setPolicy] = useState('');
  const [descriptor, setDescriptor] = useState('');
  const [history, setHistory] = useState('');
  const [at, setAt] = useState('');
  const [result, setResult] = useState<PsbtCheckResult | null>(null);
  const { busy, error, run } = useAction();
  const input = () => ({ psbt, policy, descriptor, ...(history.trim() ? { history } : {}), ...(at.trim() ? { at: at.trim() } : {}) });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setResult(null);
    await run(async () => setResult(await api<PsbtCheckResult>(`/api/systems/${seg(systemId)}/psbt-check`, { json: input() })));
  };
  return (
    <section className="card" aria-labelledby="psbt-check-h">
      <h2 id="psbt-check-h">{t('wallet.psbt.title')}</h2>
      <p className="hint">{t('wallet.psbt.intro')}</p>
      <form className="form" onSubmit={submit} aria-busy={busy}>
        <TextArea label={t('wallet.psbt.psbt')} hint={t('wallet.psbt.psbtHint')} value={psbt} rows={4} required spellCheck={false} className="mono" onChange={(e) => setPsbt(e.target.value)} />
        <TextArea label={t('wallet.psbt.policy')} hint={t('wallet.psbt.policyHint')} value={policy} rows={8} required spellCheck={false} className="mono" onChange={(e) => setPolicy(e.target.value)} />
        <TextArea label={t('wallet.psbt.descriptor')} value={descriptor} rows={3} required spellCheck={false} className="mono" onChange={(e) => setDescriptor(e.target.value)} />
        <TextArea label={t('wallet.psbt.history')} hint={t('wallet.psbt.historyHint')} value={history} rows={3} spellCheck={false} className="mono" onChange={(e) => setHistory(e.target.value)} />
        <TextField label={t('wallet.psbt.at')} hint={t('wallet.psbt.atHint')} value={at} onChange={(e) => setAt(e.target.value)} />
        <ProblemsByFile error={error} />
        <button type="submit" className="btn btn-primary" disabled={busy || !psbt.trim() || !policy.trim() || !descriptor.trim()}>
          {t('wallet.psbt.submit')}
        </button>
      </form>
      {result ? <PsbtResult result={result} /> : null}
      {result && canAttach ? <AttachForm kind="psbt" assessments={assessments} attach={(id) => api<AttachAnswer>(`/api/assessments/${seg(id)}/psbt-evidence`, { json: input() })} /> : null}
    </section>
  );
}

function PsbtResult({ result: r }: { result: PsbtCheckResult }) {
  const { t, lang } = useI18n();
  return (
    <div className="wallet-result">
      <h3>{t('wallet.psbt.result')}</h3>
      <p role="status">
        {t('wallet.psbt.decision')}: <strong className={chip(r.decision === 'allow' ? true : r.decision === 'deny' ? false : null)}>{t(DECISION_KEY[r.decision])}</strong>{' '}
        <span className="muted">{t('wallet.psbt.txAt', { txid: `${r.psbt.txid.slice(0, 16)}…`, version: r.psbt.version, at: formatDate(r.at, lang) })}</span>
      </p>
      <p>{t('wallet.psbt.totals', { sent: r.totals.sent, change: r.totals.change, fee: r.totals.fee ?? '—', feerate: r.totals.feerate ?? '—' })}</p>
      <div className="table-wrap">
        <table>
          <caption>{t('wallet.psbt.reasons')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('wallet.psbt.outcome')}</th>
              <th scope="col">{t('wallet.psbt.rule')}</th>
              <th scope="col">{t('wallet.psbt.output')}</th>
              <th scope="col">{t('wallet.psbt.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {r.reasons.map((x, i) => (
              <tr key={i}>
                <td>
                  <span className={chip(x.outcome === 'pass' ? true : x.outcome === 'deny' ? false : null)}>{t(OUTCOME_KEY[x.outcome] ?? 'wallet.outcome.info')}</span>
                </td>
                <td>
                  <code>{x.rule}</code>
                </td>
                <td>{x.output !== undefined ? x.output : x.input !== undefined ? t('wallet.psbt.inputN', { n: x.input }) : '—'}</td>
                <td>{x.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="table-wrap">
        <table>
          <caption>{t('wallet.psbt.outputs')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('wallet.psbt.output')}</th>
              <th scope="col">{t('wallet.psbt.amount')}</th>
              <th scope="col">{t('wallet.psbt.kind')}</th>
              <th scope="col">{t('wallet.check.address')}</th>
            </tr>
          </thead>
          <tbody>
            {r.outputs.map((o) => (
              <tr key={o.index}>
                <td>{o.index}</td>
                <td>{o.amount} BTC</td>
                <td>{t(KIND_KEY[o.kind] ?? 'wallet.output.external')}</td>
                <td>
                  <code>{o.address ?? o.script}</code>
                  {o.destination ? <div className="muted small">{o.destination}</div> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h4>{t('wallet.psbt.paths')}</h4>
      {r.governance.ungoverned > 0 ? <Notice kind="warning">{t('wallet.psbt.ungovernedCount', { n: r.governance.ungoverned })}</Notice> : null}
      <div className="table-wrap">
        <table aria-label={t('wallet.psbt.paths')}>
          <thead>
            <tr>
              <th scope="col">{t('wallet.psbt.path')}</th>
              <th scope="col">{t('wallet.psbt.governance')}</th>
              <th scope="col">{t('wallet.psbt.threshold')}</th>
              <th scope="col">{t('wallet.psbt.explanation')}</th>
            </tr>
          </thead>
          <tbody>
            {r.governance.paths.map((p) => (
              <tr key={p.path}>
                <th scope="row">{p.path}</th>
                <td>
                  <span className={chip(p.status === 'governed' ? true : p.status === 'ungoverned' ? false : null)}>{t(PATH_KEY[p.status] ?? 'wallet.path.weaker')}</span>
                </td>
                <td>{t('wallet.psbt.thresholdOf', { m: p.threshold, n: p.keys.length })}</td>
                <td>{p.explanation}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {r.governance.notes.length > 0 ? (
        <ul className="muted small">
          {r.governance.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
