import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { OperatorStatusView } from '../../../preload/api.js';
import { invoke, toFailure, type ApiFailure } from '../api/hallmark.js';
import { useLatestRef } from '../components/use-latest-ref.js';
import { useIdleActivity } from './use-idle-activity.js';

export interface OperatorSession {
  /** null until the first answer */
  readonly status: OperatorStatusView | null;
  /** the screen locked after the idle time: who was signed in (the gate asks them again) */
  readonly locked: { readonly name: string } | null;
  /** null when signed in, else the refusal (its code and the core's words) */
  readonly signIn: (name: string, credential: string) => Promise<ApiFailure | null>;
  readonly signOut: () => Promise<void>;
  /** asks the main process again (a station action was refused as not signed in) */
  readonly refresh: () => void;
}

const NO_SESSION: OperatorSession = { status: null, locked: null, signIn: () => Promise.resolve(null), signOut: () => Promise.resolve(), refresh: () => {} };
const SessionContext = createContext<OperatorSession>(NO_SESSION);

export function useOperatorSession(): OperatorSession {
  return useContext(SessionContext);
}

interface State {
  readonly status: OperatorStatusView | null;
  readonly locked: { readonly name: string } | null;
}

/** A little after the deadline, so the main process, which decides, has passed it too. */
const DEADLINE_SLACK_MS = 250;

/**
 * Who is signed in at this window, as the main process says (docs/operators.md). The
 * renderer holds no credential and no token: only the name, roles and idle deadline the
 * main process answers. At the deadline it asks again; if the session is gone, the screen
 * is locked (a running station is not touched — the session was all that ended).
 */
export function OperatorSessionProvider({ children, onError }: { children: ReactNode; onError: (f: ApiFailure) => void }) {
  const [state, setState] = useState<State>({ status: null, locked: null });
  const onErrorRef = useLatestRef(onError);

  const apply = useCallback((next: OperatorStatusView, signedOut = false) => {
    setState((prev) => {
      if (next.signedIn !== null || signedOut) return { status: next, locked: null };
      const was = prev.status?.signedIn;
      return { status: next, locked: was ? { name: was.name } : prev.locked };
    });
  }, []);

  const ask = useCallback(
    (activity: boolean) => {
      invoke('operator.status', activity ? { activity: true } : {}).then(
        (s) => apply(s),
        (e: unknown) => onErrorRef.current(toFailure(e)),
      );
    },
    [apply, onErrorRef],
  );
  const refresh = useCallback(() => ask(false), [ask]);
  useEffect(refresh, [refresh]);

  const deadline = state.status?.signedIn?.idleDeadline ?? null;
  useEffect(() => {
    if (deadline === null) return;
    const timer = setTimeout(refresh, Math.max(0, Date.parse(deadline) - Date.now()) + DEADLINE_SLACK_MS);
    return () => clearTimeout(timer);
  }, [deadline, refresh]);

  useIdleActivity(deadline !== null, () => ask(true));

  const signIn = useCallback(
    async (name: string, credential: string) => {
      try {
        apply(await invoke('operator.signIn', { name, credential }));
        return null;
      } catch (e) {
        return toFailure(e);
      }
    },
    [apply],
  );
  const signOut = useCallback(async () => {
    try {
      apply(await invoke('operator.signOut', {}), true);
    } catch (e) {
      onErrorRef.current(toFailure(e));
    }
  }, [apply, onErrorRef]);

  const value = useMemo<OperatorSession>(() => ({ status: state.status, locked: state.locked, signIn, signOut, refresh }), [state, signIn, signOut, refresh]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
