/**
 * Form pieces of the compliance pages: inputs and selects that show the server's message for the
 * field they edit (`problems` name fields by path, e.g. `findings.0.severity`), linked with
 * aria-describedby and aria-invalid so screen readers read the message with the field.
 */
import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from 'react';
import { ApiError, type Problem } from '../../api/client';

/** The field problems of an error (a 400 with `problems`); paths of an update (`entry.x`) lose their prefix. */
export function problemsOf(error: unknown): Problem[] {
  if (!(error instanceof ApiError)) return [];
  return error.problems.map((p) => ({ ...p, path: (p.path ?? '').replace(/^entry\./, '') }));
}

/** The messages for one field path, joined; undefined when none. */
export function messageFor(problems: readonly Problem[], path: string): string | undefined {
  const hits = problems.filter((p) => p.path === path);
  return hits.length > 0 ? hits.map((p) => p.message).join('; ') : undefined;
}

function Described({ id, hint, error }: { id: string; hint?: string; error?: string }) {
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

const describedBy = (id: string, hint?: string, error?: string) => [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

export function Input({ label, hint, error, ...input }: { label: string; hint?: string; error?: string } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-describedby={describedBy(id, hint, error)} aria-invalid={error ? true : undefined} {...input} />
      <Described id={id} hint={hint} error={error} />
    </div>
  );
}

export function Select({ label, hint, error, children, ...select }: { label: string; hint?: string; error?: string; children: ReactNode } & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} aria-describedby={describedBy(id, hint, error)} aria-invalid={error ? true : undefined} {...select}>
        {children}
      </select>
      <Described id={id} hint={hint} error={error} />
    </div>
  );
}
