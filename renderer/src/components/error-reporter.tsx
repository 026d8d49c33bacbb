import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import type { ApiFailure } from '../api/hallmark.js';
import { ErrorBanner } from './error-banner.js';

interface Reported extends ApiFailure {
  /** distinguishes repeats of the same failure so the banner re-announces them */
  readonly id: number;
  readonly context: string;
}

type Report = (context: string, failure: ApiFailure) => void;

const ReportContext = createContext<Report>(() => {});

/** Screens report failures here; one banner for the whole window keeps the testid unique. */
export function useReportError(): Report {
  return useContext(ReportContext);
}

export function ErrorReporterProvider({ children }: { children: ReactNode }) {
  const [current, setCurrent] = useState<Reported | null>(null);
  const report = useCallback<Report>((context, failure) => {
    setCurrent((prev) => ({ ...failure, context, id: (prev?.id ?? 0) + 1 }));
  }, []);
  const dismiss = useCallback(() => setCurrent(null), []);
  const banner = useMemo(
    () => (current === null ? null : <ErrorBanner key={current.id} context={current.context} failure={current} onDismiss={dismiss} />),
    [current, dismiss],
  );
  return (
    <ReportContext.Provider value={report}>
      <BannerSlotContext.Provider value={banner}>{children}</BannerSlotContext.Provider>
    </ReportContext.Provider>
  );
}

const BannerSlotContext = createContext<ReactNode>(null);

/** Where the layout wants the banner to appear. */
export function ErrorBannerSlot() {
  return <>{useContext(BannerSlotContext)}</>;
}
