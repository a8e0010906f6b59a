/** The small design system: page frame, fields, buttons, messages, level badges. */
import { useEffect, useId, useRef, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { ApiError } from '../api/client';
import type { Level } from '../api/types';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { userNavigations } from '../router';

/**
 * A page: sets the document title and, after an in-app navigation (not on the first load, where
 * the skip link comes first), focuses the heading so screen readers announce the new page.
 */
export function Page({ title, actions, children, wide }: { title: string; actions?: ReactNode; children: ReactNode; wide?: boolean }) {
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Keygrade`;
  }, [title]);
  useEffect(() => {
    if (userNavigations() > 0) h1.current?.focus({ preventScroll: true });
  }, []);
  return (
    <div className={wide ? 'page page-wide' : 'page'}>
      <div className="page-head">
        <h1 ref={h1} tabIndex={-1}>
          {title}
        </h1>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </div>
      {children}
    </div>
  );
}

interface FieldProps {
  label: string;
  hint?: string;
  error?: string;
}

/** The hint and the field's error line, with the ids `aria-describedby` points at. */
function Described({ id, hint, error }: { id: string; hint?: string | undefined; error?: string | undefined }) {
  return (
    <>
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </>
  );
}

/** aria-describedby and aria-invalid of a field, so screen readers read the hint and the error with it. */
const described = (id: string, hint?: string, error?: string) => ({
  'aria-describedby': [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined,
  'aria-invalid': error ? true : undefined,
});

export function TextField({ label, hint, error, ...input }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} {...described(id, hint, error)} {...input} />
      <Described id={id} hint={hint} error={error} />
    </div>
  );
}

export function TextArea({ label, hint, error, ...input }: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} {...described(id, hint, error)} rows={3} {...input} />
      <Described id={id} hint={hint} error={error} />
    </div>
  );
}

export function SelectField({ label, hint, error, children, ...select }: FieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} {...described(id, hint, error)} {...select}>
        {children}
      </select>
      <Described id={id} hint={hint} error={error} />
    </div>
  );
}

/** Known error codes have a translated sentence; others show the server's message. */
const KNOWN: Record<string, MessageKey> = {
  LOGIN_FAILED: 'error.LOGIN_FAILED',
  LOGIN_LOCKED: 'error.LOGIN_LOCKED',
  MFA_CODE_REQUIRED: 'error.MFA_CODE_REQUIRED',
  MFA_CODE_INVALID: 'error.MFA_CODE_INVALID',
  FORBIDDEN: 'error.FORBIDDEN',
  CSRF_INVALID: 'error.CSRF_INVALID',
  VERSION_CONFLICT: 'error.VERSION_CONFLICT',
  RATE_LIMITED: 'error.RATE_LIMITED',
};

/** An error as an alert, with the field problems of a 400. */
export function ErrorMessage({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (error === undefined || error === null) return null;
  let text: string;
  let problems: { path: string; message: string }[] = [];
  if (error instanceof ApiError) {
    const known = KNOWN[error.code];
    text = known ? t(known) : error.status === 404 ? t('error.notFound') : error.status === 413 ? t('error.tooLarge') : error.message || t('error.generic');
    problems = error.problems;
  } else if (error instanceof TypeError) text = t('error.network');
  else text = error instanceof Error ? error.message : t('error.generic');
  return (
    <div className="alert alert-error" role="alert">
      <p>{text}</p>
      {problems.length > 0 ? (
        <ul>
          {problems.map((p, i) => (
            <li key={i}>
              {p.path ? <code>{p.path}</code> : null} {p.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function Notice({ children, kind = 'info' }: { children: ReactNode; kind?: 'info' | 'success' | 'warning' }) {
  return (
    <div className={`alert alert-${kind}`} role="status">
      {children}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="loading" role="status">
      {t('common.loading')}
    </p>
  );
}

/** A level 0–3 as a coloured badge with its name (colour is never the only signal). */
export function LevelBadge({ level, large }: { level: Level | null | undefined; large?: boolean }) {
  const { t } = useI18n();
  if (level === null || level === undefined) return <span className="level level-none">{t('level.none')}</span>;
  return <span className={`level level-${level}${large ? ' level-large' : ''}`}>{t(`level.${level}` as MessageKey)}</span>;
}

export function formatDate(iso: string | null | undefined, lang: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(lang, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A calendar date (YYYY-MM-DD) in the UI language, without a time. */
export function formatDay(day: string | null | undefined, lang: string): string {
  if (!day) return '—';
  const d = new Date(`${day.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? day : d.toLocaleDateString(lang, { dateStyle: 'medium', timeZone: 'UTC' });
}

export function formatBytes(n: number | undefined): string {
  if (n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
