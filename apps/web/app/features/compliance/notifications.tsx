/**
 * In-app notifications of the signed-in user (level drops and recoveries, lapsed and restored
 * requirements, warnings before a lapse), newest first, with mark-read (one or all), and the menu
 * entry that shows how many are unread.
 */
import { useEffect, useState } from 'react';
import { api, seg } from '../../api/client';
import { ErrorMessage, formatDate, Loading, Page } from '../../components/ui';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { Link, useLocation } from '../../router';
import type { NotificationRecord } from './types';

interface List {
  notifications: NotificationRecord[];
  unread: number;
}

const CHANGED = 'keygrade:notifications-changed';

/** Tells the menu entry to count again (after a monitor run or marking notifications read). */
export function notificationsChanged(): void {
  window.dispatchEvent(new Event(CHANGED));
}

/** The menu entry, with the unread count (asked again on every navigation and change, quietly). */
export function NotificationsNavItem() {
  const { t } = useI18n();
  const location = useLocation();
  const [unread, setUnread] = useState(0);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const again = () => setTick((n) => n + 1);
    window.addEventListener(CHANGED, again);
    return () => window.removeEventListener(CHANGED, again);
  }, []);
  useEffect(() => {
    let live = true;
    api<List>('/api/notifications?unread=true', { quiet: true }).then(
      (r) => live && setUnread(r.unread),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [location, tick]);
  const path = location.split('?')[0];
  return (
    <li>
      <Link to="/notifications" aria-current={path === '/notifications' ? 'page' : undefined}>
        {t('compliance.notifications.nav')}
        {unread > 0 ? ` (${t('compliance.notifications.unreadCount', { n: unread })})` : null}
      </Link>
    </li>
  );
}

export function NotificationsPage() {
  const { t, lang } = useI18n();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const list = useLoad(() => api<List>(`/api/notifications${unreadOnly ? '?unread=true' : ''}`), [unreadOnly]);
  const [error, setError] = useState<unknown>();
  const mark = async (body: { ids: string[] } | { all: true }) => {
    setError(undefined);
    try {
      await api('/api/notifications/read', { json: body });
      list.reload();
      notificationsChanged();
    } catch (e) {
      setError(e);
    }
  };
  const items = list.data?.notifications ?? [];
  return (
    <Page
      title={t('compliance.notifications.title')}
      actions={
        (list.data?.unread ?? 0) > 0 ? (
          <button type="button" className="btn" onClick={() => void mark({ all: true })}>
            {t('compliance.notifications.markAll')}
          </button>
        ) : null
      }
    >
      <div className="row wrap">
        <label>
          <input type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} /> {t('compliance.notifications.unreadOnly')}
        </label>
      </div>
      <ErrorMessage error={error ?? list.error} />
      {list.loading && !list.data ? <Loading /> : null}
      {list.data && items.length === 0 ? <p className="muted">{t('compliance.notifications.none')}</p> : null}
      <ul className="system-cards notifications">
        {items.map((n) => (
          <li key={n.id} className="card" data-unread={n.readAt === null ? 'true' : undefined}>
            <h2>
              {n.readAt === null ? <span className="status-chip status-not_in_place">{t('compliance.notifications.new')}</span> : null} {n.title}
            </h2>
            <p className="muted">{formatDate(n.createdAt, lang)}</p>
            {n.body.split('\n').map((line, i) => (
              <p key={i}>{line}</p>
            ))}
            <div className="row wrap">
              {n.data.assessmentId ? <Link to={`/assessments/${seg(n.data.assessmentId)}/compliance${n.data.day ? `?at=${encodeURIComponent(n.data.day)}` : ''}`}>{t('compliance.notifications.open')}</Link> : null}
              {n.readAt === null ? (
                <button type="button" className="btn btn-small" onClick={() => void mark({ ids: [n.id] })}>
                  {t('compliance.notifications.markRead')}
                </button>
              ) : (
                <span className="muted">{t('compliance.notifications.readAt', { date: formatDate(n.readAt, lang) })}</span>
              )}
            </div>
          </li>
        ))}
      </ul>
    </Page>
  );
}
