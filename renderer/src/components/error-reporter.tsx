import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ApiFailure } from '../api/hallmark.js';
import type { Route } from '../routing/routes.js';
import { ErrorBanner } from './error-banner.js';
import { pendingErrors, withReported, withoutResolved, type ErrorKey, type Reported } from './reported-errors.js';

interface Reporter {
  readonly report: (key: ErrorKey, context: string, failure: ApiFailure) => void;
  readonly resolve: (section: Route | null, actions: readonly string[]) => void;
  readonly dismiss: (id: number) => void;
  readonly current: readonly Reported[];
}

const ReporterContext = createContext<Reporter>({ report: () => {}, resolve: () => {}, dismiss: () => {}, current: [] });

export interface ErrorScope {
  /** shows a banner for this action of the scope's screen, replacing the action's earlier one */
  readonly report: (action: string, failure: ApiFailure) => void;
  /** the actions succeeded: their banners go */
  readonly resolve: (...actions: string[]) => void;
}

/**
 * A screen's errors (section null: the window's own, shown on every screen). Each failure
 * is reported under the action that raised it and cleared when that action next succeeds
 * on the same screen; both functions are stable, so hooks may keep them in their deps.
 */
export function useErrorScope(section: Route | null, context: string): ErrorScope {
  const { report, resolve } = useContext(ReporterContext);
  const reportAction = useCallback((action: string, failure: ApiFailure) => report({ section, action }, context, failure), [report, section, context]);
  const resolveActions = useCallback((...actions: string[]) => resolve(section, actions), [resolve, section]);
  return useMemo(() => ({ report: reportAction, resolve: resolveActions }), [reportAction, resolveActions]);
}

export function ErrorReporterProvider({ children }: { children: ReactNode }) {
  const [current, setCurrent] = useState<readonly Reported[]>([]);
  const nextId = useRef(1);
  const report = useCallback((key: ErrorKey, context: string, failure: ApiFailure) => {
    const id = nextId.current++;
    setCurrent((prev) => withReported(prev, { ...failure, ...key, context, id }));
  }, []);
  const resolve = useCallback((section: Route | null, actions: readonly string[]) => setCurrent((prev) => withoutResolved(prev, section, actions)), []);
  const dismiss = useCallback((id: number) => setCurrent((prev) => prev.filter((r) => r.id !== id)), []);
  const value = useMemo(() => ({ report, resolve, dismiss, current }), [report, resolve, dismiss, current]);
  return <ReporterContext.Provider value={value}>{children}</ReporterContext.Provider>;
}

/**
 * Where the layout wants the banner: the newest unresolved error of the screen shown (or
 * of the window), one at a time so the testid stays unique. Another screen's errors wait,
 * hidden, until their screen is shown again or their action succeeds there.
 */
export function ErrorBannerSlot({ route }: { route: Route }) {
  const { current, dismiss } = useContext(ReporterContext);
  const shown = pendingErrors(current, route).at(-1);
  if (shown === undefined) return null;
  return <ErrorBanner key={shown.id} context={shown.context} failure={shown} onDismiss={() => dismiss(shown.id)} />;
}
