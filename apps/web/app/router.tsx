/**
 * A small history router (a few routes do not need a library): `usePath()` re-renders on
 * navigation, `navigate()` pushes a path, `<Link>` is a real <a href> so it works with the
 * keyboard, middle-click and screen readers.
 */
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const subscribers = new Set<() => void>();
let moves = 0;
window.addEventListener('popstate', () => moves++);
function subscribe(cb: () => void): () => void {
  subscribers.add(cb);
  window.addEventListener('popstate', cb);
  return () => {
    subscribers.delete(cb);
    window.removeEventListener('popstate', cb);
  };
}

/** How many times the user moved between pages in the app (pushes and back/forward, not redirects). */
export function userNavigations(): number {
  return moves;
}
const snapshot = () => window.location.pathname + window.location.search;

/** The current path with its query string. */
export function useLocation(): string {
  return useSyncExternalStore(subscribe, snapshot);
}

/** Goes to `to` (same origin) and moves focus to the main landmark, as a page load would. */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (opts.replace) window.history.replaceState(null, '', to);
  else {
    window.history.pushState(null, '', to);
    moves++;
  }
  for (const s of subscribers) s();
  window.scrollTo(0, 0);
}

/** Matches `/orgs/:orgId` style patterns; returns the decoded params or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/');
  const a = (path.split('?')[0] ?? '').replace(/\/+$/, '').split('/');
  if (a.length === 1 && a[0] === '') a.push('');
  if (p.length !== a.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const want = p[i]!;
    const got = a[i]!;
    if (want.startsWith(':')) {
      if (!got) return null;
      out[want.slice(1)] = decodeURIComponent(got);
    } else if (want !== got) return null;
  }
  return out;
}

/** The query parameter `name` of the current location. */
export function queryParam(name: string): string | null {
  return new URLSearchParams(window.location.search).get(name);
}

export function Link({ to, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const click = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={click} {...rest} />;
}
