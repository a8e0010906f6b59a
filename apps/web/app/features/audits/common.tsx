/**
 * Shared pieces of the audit pages: the action runner (from hooks.ts), field errors from the API's
 * `problems[].path`, the engagement status badge and labels.
 */
import { ApiError } from '../../api/client';
import type { EngagementRole, EngagementStatus, EngagementType } from '../../api/types';
import { ErrorMessage } from '../../components/ui';
import { useI18n, type MessageKey } from '../../i18n/i18n';

export { useAction, type Action } from '../../hooks';

/** The message the API gave for the field `path` (or one under it), for the field's error line. */
export function fieldError(error: unknown, path: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const p = error.problems.find((x) => x.path === path || x.path.startsWith(`${path}.`));
  return p?.message;
}

/** A 409 VERSION_CONFLICT: someone else changed the record since it was loaded. */
export function isConflict(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409 && error.code === 'VERSION_CONFLICT';
}

export function StatusBadge({ status }: { status: EngagementStatus }) {
  const { t } = useI18n();
  return <span className={`tag engagement-${status}`}>{t(`engagement.status.${status}` as MessageKey)}</span>;
}

export function useAuditLabels() {
  const { t } = useI18n();
  return {
    type: (x: EngagementType) => t(`engagement.type.${x}` as MessageKey),
    role: (x: EngagementRole) => t(`engagement.role.${x}` as MessageKey),
    status: (x: EngagementStatus) => t(`engagement.status.${x}` as MessageKey),
  };
}

/** The aspect of a control id: `1.1.1` (2020/2021) and `1.01.1` (v9) both give `1.01`. */
export function aspectOf(controlId: string): string {
  const [a = '', b = ''] = controlId.split('.');
  return `${a}.${b.padStart(2, '0')}`;
}

/** Today as YYYY-MM-DD in UTC, like the server's dates. */
export function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

/**
 * The error of an action on the engagement: a 409 VERSION_CONFLICT (someone declared, raised a query
 * or acted in between, which moves the engagement's version) offers to reload; others show as sent.
 */
export function ActionError({ error, onReload }: { error: unknown; onReload(): void }) {
  const { t } = useI18n();
  if (!isConflict(error)) return <ErrorMessage error={error} />;
  return (
    <div className="alert alert-warning" role="alert">
      <p>{t('testing.conflict')}</p>
      <button type="button" className="btn btn-small" onClick={onReload}>
        {t('testing.reload')}
      </button>
    </div>
  );
}
