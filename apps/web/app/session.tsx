/**
 * The signed-in session: GET /api/auth/session once at start and after sign-in/out. The CSRF token
 * from it goes to the API client's memory. 401 anywhere returns to sign-in (keeping where the
 * user was), 403 MFA_REQUIRED goes to MFA set-up.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, onAuthProblem, setCsrfToken } from './api/client';
import type { Session } from './api/types';
import { navigate } from './router';

type State = { status: 'loading' } | { status: 'signed-out' } | { status: 'signed-in'; session: Session };

interface SessionCtx {
  state: State;
  /** Reloads the session (after sign-in, MFA changes, creating an org, accepting an invitation). */
  refresh(): Promise<Session | null>;
  signOut(): Promise<void>;
}

const Ctx = createContext<SessionCtx | null>(null);

/** Paths a signed-out user may see. */
export const PUBLIC_PATHS = ['/sign-in', '/sign-up'];

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<State>({ status: 'loading' });

  const refresh = useCallback(async () => {
    try {
      const session = await api<Session>('/api/auth/session', { quiet: true });
      setCsrfToken(session.csrfToken);
      setState({ status: 'signed-in', session });
      return session;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        setCsrfToken(null);
        setState({ status: 'signed-out' });
        return null;
      }
      throw e;
    }
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api('/api/auth/logout', { method: 'POST', quiet: true });
    } finally {
      setCsrfToken(null);
      setState({ status: 'signed-out' });
      navigate('/sign-in');
    }
  }, []);

  useEffect(() => {
    refresh().catch(() => setState({ status: 'signed-out' }));
  }, [refresh]);

  useEffect(
    () =>
      onAuthProblem((e) => {
        const here = window.location.pathname + window.location.search;
        if (e.status === 401) {
          setCsrfToken(null);
          setState({ status: 'signed-out' });
          if (!PUBLIC_PATHS.includes(window.location.pathname)) navigate(`/sign-in?next=${encodeURIComponent(here)}`, { replace: true });
        } else if (window.location.pathname !== '/mfa') {
          navigate(`/mfa?next=${encodeURIComponent(here)}`, { replace: true });
        }
      }),
    [],
  );

  const value = useMemo(() => ({ state, refresh, signOut }), [state, refresh, signOut]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): SessionCtx {
  const v = useContext(Ctx);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

/** The session of a page that is only shown when signed in. */
export function useSignedIn(): Session {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useSignedIn on a signed-out page');
  return state.session;
}

/** A `next` query parameter that is a same-origin path (never an absolute URL: no open redirect). */
export function safeNext(next: string | null, fallback = '/orgs'): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : fallback;
}
