/**
 * The certificate of a signed-off certification audit, on the engagement page (issue 6):
 * the lead auditor prepares it (their key and the peer reviewer's, POST /api/engagements/:id/certificate);
 * the lead and the reviewer each download the statement, sign it offline with `keygrade cert sign`
 * and paste the signature JSON here (POST …/certificate/signatures); with both the server issues it
 * into the registry. Then the links to the public page and the files, and the lead's lifecycle
 * actions (suspend, reinstate, revoke: POST /api/certificates/:id/<action>). No private key is
 * ever asked for, held or used in the browser.
 */
import { useState, type FormEvent } from 'react';
import { ApiError, api, download, seg } from '../../api/client';
import type { CertificateVerification, EngagementCertificate, EngagementView, MyKeys, PublicCertificate, RegistryAuditor } from '../../api/types';
import { ErrorMessage, formatDate, formatDay, LevelBadge, Loading, Notice, SelectField, TextArea, TextField } from '../../components/ui';
import { useLoad } from '../../hooks';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { Link } from '../../router';
import { editionLabel } from '../systems/editions';
import { fieldError, useAction } from '../audits/common';
import { Command, HEX64, KeyId, parseSignature, predicateOf, StateLine } from './common';

export function CertificateSection({ v }: { v: EngagementView }) {
  const { t } = useI18n();
  const e = v.engagement;
  const cert = useLoad(() => api<{ certificate: EngagementCertificate | null }>(`/api/engagements/${seg(e.id)}/certificate`), [e.id]);
  const insider = v.you.isAuditor || v.you.isReviewer;
  const c = cert.data?.certificate;
  const [justIssued, setJustIssued] = useState(false);
  return (
    <section className="card certificate-section" aria-labelledby="cert-h" id="certificate">
      <h2 id="cert-h">{t('cert.title')}</h2>
      {cert.loading && !cert.data ? <Loading /> : null}
      <ErrorMessage error={cert.error} />
      {cert.data && !c ? v.you.isLead ? <Prepare v={v} onPrepared={cert.reload} /> : <p className="muted">{insider ? t('cert.notPreparedSigner') : t('cert.notPreparedAuditee')}</p> : null}
      {c ? (
        <>
          <StatementSummary c={c} />
          {justIssued && c.published ? <Notice kind="success">{t('cert.issuedNow')}</Notice> : null}
          {c.published ? (
            <Issued v={v} c={c} />
          ) : insider ? (
            <Signing
              v={v}
              c={c}
              onChange={(issued) => {
                setJustIssued(issued);
                cert.reload();
              }}
            />
          ) : (
            <p className="muted">{t('cert.beingSigned')}</p>
          )}
        </>
      ) : null}
    </section>
  );
}

/** What the certificate says, read from the statement itself (what the signers sign). */
function StatementSummary({ c }: { c: EngagementCertificate }) {
  const { t, lang } = useI18n();
  const p = predicateOf(c.statement);
  if (!p) return <Notice kind="warning">{t('cert.unreadable')}</Notice>;
  const who = (x: { name: string; firm?: string }) => (x.firm ? `${x.name} (${x.firm})` : x.name);
  return (
    <dl className="kv certificate-summary" aria-label={t('cert.summary')}>
      <dt>{t('cert.id')}</dt>
      <dd>
        <span className="id">{c.id}</span>
      </dd>
      <dt>{t('cert.organization')}</dt>
      <dd>{p.organization.name}</dd>
      <dt>{t('engagement.system')}</dt>
      <dd>{p.system.name}</dd>
      <dt>{t('certificate.level')}</dt>
      <dd>
        <LevelBadge level={p.level} /> · {editionLabel(p.edition)}
      </dd>
      <dt>{t('audits.period')}</dt>
      <dd>
        {formatDay(p.period.start, lang)} – {formatDay(p.period.end, lang)}
      </dd>
      <dt>{t('certificate.auditor')}</dt>
      <dd>{who(p.auditor)}</dd>
      <dt>{t('engagement.reviewer')}</dt>
      <dd>{who(p.peerReviewer)}</dd>
      <dt>{t('cert.validity')}</dt>
      <dd>{t('cert.validFromTo', { from: formatDate(p.issuedAt, lang), to: formatDate(p.validUntil, lang) })}</dd>
      {p.supersedes ? (
        <>
          <dt>{t('cert.supersedes')}</dt>
          <dd>
            <a href={`/registry/certificates/${encodeURIComponent(p.supersedes)}`}>{p.supersedes}</a>
          </dd>
        </>
      ) : null}
    </dl>
  );
}

const OTHER = '__other__';

/** The lead auditor picks their own active key and the reviewer's (from the public auditor registry, or pasted). */
function Prepare({ v, onPrepared }: { v: EngagementView; onPrepared(): void }) {
  const { t } = useI18n();
  const e = v.engagement;
  const reviewer = e.peerReviewer;
  const mine = useLoad(() => api<MyKeys>('/api/auditors/me/keys'), []);
  const registry = useLoad(() => api<{ auditors: RegistryAuditor[] }>('/api/registry/auditors'), []);
  const myKeys = (mine.data?.keys ?? []).filter((k) => !k.revokedAt);
  // The registry lists auditors by name and firm (no account id): the engagement names the reviewer
  // the same way. Several matches (namesakes in one firm) all show; the server checks the key is theirs.
  const theirs = (registry.data?.auditors ?? []).filter((a) => reviewer && a.name === reviewer.name && a.firm.id === reviewer.firm.id).flatMap((a) => a.keys.filter((k) => !k.revokedAt));
  const [auditorKeyId, setAuditorKeyId] = useState('');
  const [choice, setChoice] = useState('');
  const [pasted, setPasted] = useState('');
  const prepare = useAction();
  if (!reviewer) return <Notice kind="warning">{t('cert.noReviewer')}</Notice>;
  if ((mine.loading && !mine.data) || (registry.loading && !registry.data)) return <Loading />;
  const mineChosen = auditorKeyId || myKeys[0]?.keyid || '';
  const reviewerChoice = choice || theirs[0]?.keyid || OTHER;
  const reviewerKeyId = reviewerChoice === OTHER ? pasted.trim().toLowerCase() : reviewerChoice;
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    if (await prepare.run(() => api(`/api/engagements/${seg(e.id)}/certificate`, { json: { auditorKeyId: mineChosen, reviewerKeyId } }))) onPrepared();
  };
  return (
    <form className="form" onSubmit={submit} aria-labelledby="cert-prepare-h" aria-busy={prepare.busy}>
      <h3 id="cert-prepare-h">{t('cert.prepare')}</h3>
      <p className="hint">{t('cert.prepareIntro')}</p>
      <ErrorMessage error={mine.error ?? registry.error} />
      {myKeys.length === 0 ? (
        <Notice kind="warning">
          {t('cert.noOwnKey')} <Link to="/signing-keys">{t('keys.title')}</Link>
        </Notice>
      ) : (
        <SelectField label={t('cert.yourKey')} value={mineChosen} onChange={(x) => setAuditorKeyId(x.target.value)}>
          {myKeys.map((k) => (
            <option key={k.keyid} value={k.keyid}>
              {k.label} · {k.keyid.slice(0, 16)}…
            </option>
          ))}
        </SelectField>
      )}
      {fieldError(prepare.error, 'auditorKeyId') ? <p className="field-error">{fieldError(prepare.error, 'auditorKeyId')}</p> : null}
      {theirs.length === 0 ? <Notice kind="info">{t('cert.reviewerNoKey', { name: reviewer.name, firm: reviewer.firm.name })}</Notice> : null}
      <SelectField label={t('cert.reviewerKey', { name: reviewer.name })} value={reviewerChoice} onChange={(x) => setChoice(x.target.value)}>
        {theirs.map((k) => (
          <option key={k.keyid} value={k.keyid}>
            {k.label} · {k.keyid.slice(0, 16)}…
          </option>
        ))}
        <option value={OTHER}>{t('cert.pasteKeyId')}</option>
      </SelectField>
      {reviewerChoice === OTHER ? (
        <TextField
          label={t('cert.reviewerKeyId')}
          hint={t('cert.reviewerKeyIdHint')}
          required
          spellCheck={false}
          autoComplete="off"
          pattern="[0-9a-fA-F]{64}"
          maxLength={64}
          className="mono"
          value={pasted}
          onChange={(x) => setPasted(x.target.value)}
        />
      ) : null}
      {fieldError(prepare.error, 'reviewerKeyId') ? <p className="field-error">{fieldError(prepare.error, 'reviewerKeyId')}</p> : null}
      <ErrorMessage error={prepare.error} />
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={prepare.busy || !mineChosen || !HEX64.test(reviewerKeyId)}>
          {t('cert.prepareSubmit')}
        </button>
      </div>
    </form>
  );
}

const PROBLEM: Record<string, MessageKey> = {
  empty: 'cert.sig.empty',
  looksLikeKey: 'cert.sig.looksLikeKey',
  notJson: 'cert.sig.notJson',
  shape: 'cert.sig.shape',
};

/** Before issuance: the statement to download, the command to sign it, the signature to paste, who has signed. */
function Signing({ v, c, onChange }: { v: EngagementView; c: EngagementCertificate; onChange(issued: boolean): void }) {
  const { t } = useI18n();
  const e = v.engagement;
  const myRole = v.you.isLead ? 'auditor' : v.you.isReviewer ? 'peer-reviewer' : null;
  const mine = c.required.find((r) => r.role === myRole);
  const [text, setText] = useState('');
  const [local, setLocal] = useState<MessageKey | null>(null);
  const dl = useAction();
  const add = useAction();
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    const p = parseSignature(text);
    if (!p.ok) {
      setLocal(PROBLEM[p.problem]!);
      return;
    }
    setLocal(null);
    let answer: { certificate: { published: boolean } } | undefined;
    if (await add.run(async () => (answer = await api(`/api/engagements/${seg(e.id)}/certificate/signatures`, { json: { keyid: p.keyid, sig: p.sig } })))) {
      setText('');
      onChange(answer?.certificate.published === true);
    }
  };
  return (
    <>
      <h3>{t('cert.signatures')}</h3>
      <ul className="signers" aria-label={t('cert.signatures')}>
        {c.required.map((r) => (
          <li key={r.role} className={r.signed ? 'signed' : 'waiting'}>
            <strong>{r.role === 'auditor' ? t('certificate.auditor') : t('engagement.reviewer')}</strong> {r.name}:{' '}
            {r.signed ? <span className="tag cert-state cert-active">{t('cert.signed')}</span> : <span className="tag">{t('cert.waiting')}</span>}
            <span className="block hint">
              {t('cert.withKey')} <KeyId keyid={r.keyid} />
            </span>
          </li>
        ))}
      </ul>
      <ol className="steps">
        <li>
          <p>{t('cert.step.download')}</p>
          <button type="button" className="btn" disabled={dl.busy} onClick={() => void dl.run(() => download(`/api/engagements/${seg(e.id)}/certificate`, 'statement.json'))}>
            {t('cert.download')}
          </button>
          <ErrorMessage error={dl.error} />
        </li>
        <li>
          <p>{t('cert.step.sign')}</p>
          <Command label={t('cert.signCommand')}>keygrade cert sign statement.json --key &lt;your key file&gt;</Command>
          <p className="hint">{t('cert.signHint')}</p>
        </li>
        <li>
          <p>{t('cert.step.paste')}</p>
          {mine?.signed ? (
            <Notice kind="success">{t('cert.youSigned')}</Notice>
          ) : mine ? (
            <form className="form" onSubmit={submit} aria-label={t('cert.addSignature')} aria-busy={add.busy}>
              <TextArea
                label={t('cert.signature')}
                hint={t('cert.signatureHint')}
                required
                spellCheck={false}
                autoComplete="off"
                className="mono"
                value={text}
                onChange={(x) => {
                  setText(x.target.value);
                  setLocal(null);
                }}
              />
              {local ? (
                <div className="alert alert-error" role="alert">
                  <p>{t(local)}</p>
                </div>
              ) : null}
              <ErrorMessage error={add.error} />
              <div className="row">
                <button type="submit" className="btn btn-primary" disabled={add.busy}>
                  {t('cert.addSignature')}
                </button>
              </div>
            </form>
          ) : (
            <p className="muted">{t('cert.notASigner')}</p>
          )}
        </li>
      </ol>
    </>
  );
}

/** After issuance: state, live verification, links, badge and files; the lead's lifecycle actions. */
function Issued({ v, c }: { v: EngagementView; c: EngagementCertificate }) {
  const { t } = useI18n();
  const pub = useLoad(() => api<{ certificate: PublicCertificate; verification: CertificateVerification }>(`/api/registry/certificates/${seg(c.id)}`), [c.id]);
  const p = pub.data?.certificate;
  const base = `/api/registry/certificates/${encodeURIComponent(c.id)}`;
  const page = `/registry/certificates/${encodeURIComponent(c.id)}`;
  return (
    <>
      <h3>{t('cert.inRegistry')}</h3>
      {pub.loading && !pub.data ? <Loading /> : null}
      <ErrorMessage error={pub.error} />
      {p ? (
        <p className="cert-status" role="status">
          {t('cert.state')}: <StateLine status={p.status} />
        </p>
      ) : null}
      <div className="cert-badge-row">
        <a href={page}>
          <img src={`${page}/badge.svg`} alt={t('cert.badgeAlt', { id: c.id })} height={20} />
        </a>
        <a className="btn btn-primary" href={page}>
          {t('cert.publicPage')}
        </a>
      </div>
      <ul className="list cert-files" aria-label={t('cert.files')}>
        <li>
          <a href={`${base}/certificate.dsse.json`} download={`${c.id}.dsse.json`}>
            {c.id}.dsse.json
          </a>{' '}
          <span className="hint">{t('cert.file.envelope')}</span>
        </li>
        <li>
          <a href={`${base}/certificate.tlog-proof`} download={`${c.id}.tlog-proof`}>
            {c.id}.tlog-proof
          </a>{' '}
          <span className="hint">{t('cert.file.proof')}</span>
        </li>
        <li>
          <a href={`${base}/trust.json`} download={`${c.id}.trust.json`}>
            {c.id}.trust.json
          </a>{' '}
          <span className="hint">{t('cert.file.trust')}</span>
        </li>
        <li>
          <a href={`${page}/badge.svg`}>badge.svg</a> <span className="hint">{t('cert.file.badge')}</span>
        </li>
      </ul>
      <Command label={t('cert.verifyCommand')}>{`keygrade cert verify ${c.id}.dsse.json --proof ${c.id}.tlog-proof --trust ${c.id}.trust.json`}</Command>
      {pub.data ? (
        <>
          <h4>{t('cert.verification')}</h4>
          <ul className="checks">
            {pub.data.verification.checks.map((x) => (
              <li key={x.check} className={x.ok ? 'ok' : 'fail'}>
                <span aria-hidden="true">{x.ok ? '✓' : '✗'}</span> <span className="visually-hidden">{x.ok ? t('cert.checkOk') : t('cert.checkFailed')}</span> <strong>{x.check}</strong>: {x.detail}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {v.you.isLead && p ? <Lifecycle id={c.id} state={p.status.state} onChange={pub.reload} /> : null}
    </>
  );
}

/** Suspend (reason), reinstate, revoke (reason; final, so confirmed in a second step). */
function Lifecycle({ id, state, onChange }: { id: string; state: string; onChange(): void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [needReason, setNeedReason] = useState(false);
  const act = useAction();
  if (state === 'revoked') return null;
  const run = async (action: 'suspend' | 'reinstate' | 'revoke') => {
    if ((action === 'suspend' || action === 'revoke') && !reason.trim()) {
      setNeedReason(true);
      return;
    }
    if (await act.run(() => api(`/api/certificates/${seg(id)}/${action}`, { json: action === 'reinstate' ? (reason.trim() ? { reason: reason.trim() } : {}) : { reason: reason.trim() } }))) {
      setReason('');
      setConfirming(false);
      onChange();
    }
  };
  const problem = needReason ? t('cert.reasonNeeded') : act.error instanceof ApiError ? fieldError(act.error, 'reason') : undefined;
  return (
    <form className="form lifecycle" onSubmit={(e) => e.preventDefault()} aria-labelledby="cert-lifecycle-h" aria-busy={act.busy}>
      <h3 id="cert-lifecycle-h">{t('cert.lifecycle')}</h3>
      <p className="hint">{t('cert.lifecycleIntro')}</p>
      <TextField
        label={t('cert.reason')}
        hint={t('cert.reasonHint')}
        value={reason}
        onChange={(e) => {
          setReason(e.target.value);
          setNeedReason(false);
        }}
        error={problem}
      />
      <ErrorMessage error={act.error} />
      {confirming ? (
        <div className="alert alert-warning" role="alert">
          <p>{t('cert.revokeConfirm', { id })}</p>
          <div className="row">
            <button type="button" className="btn btn-danger" disabled={act.busy} onClick={() => void run('revoke')}>
              {t('cert.revokeConfirmButton')}
            </button>
            <button type="button" className="btn" onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      ) : (
        <div className="row wrap">
          {state === 'active' ? (
            <button type="button" className="btn" disabled={act.busy} onClick={() => void run('suspend')}>
              {t('cert.suspend')}
            </button>
          ) : null}
          {state === 'suspended' ? (
            <button type="button" className="btn" disabled={act.busy} onClick={() => void run('reinstate')}>
              {t('cert.reinstate')}
            </button>
          ) : null}
          <button
            type="button"
            className="btn btn-danger"
            disabled={act.busy}
            onClick={() => {
              if (!reason.trim()) setNeedReason(true);
              else setConfirming(true);
            }}
          >
            {t('cert.revoke')}
          </button>
        </div>
      )}
    </form>
  );
}
