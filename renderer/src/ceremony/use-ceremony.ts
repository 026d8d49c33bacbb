import { useCallback, useEffect, useRef, useState } from 'react';
import type {
  CeremonyDetailView,
  CeremonyHashApprovalView,
  CeremonyPlanView,
  CeremonyPreflightView,
  CeremonyRole,
  CeremonyRunView,
  CeremonySummaryView,
} from '../../../preload/api.js';
import { invoke, subscribe, toFailure, type ApiFailure } from '../api/hallmark.js';
import { useLatestRef } from '../components/use-latest-ref.js';

export interface CeremonyControl {
  readonly plan: CeremonyPlanView | null;
  readonly approvals: readonly CeremonyHashApprovalView[];
  readonly preflight: CeremonyPreflightView | null;
  readonly run: CeremonyRunView | null;
  readonly busy: boolean;
  /** the workspace's ceremony register, newest first; null until first read */
  readonly past: readonly CeremonySummaryView[] | null;
  readonly detail: CeremonyDetailView | null;
  readonly load: (scriptPath: string, bindingPath: string) => Promise<void>;
  readonly approve: (name: string) => Promise<boolean>;
  readonly checkPreflight: () => Promise<void>;
  /** the main process asks for the output folder in its own dialog, then starts */
  readonly start: () => Promise<void>;
  readonly acknowledge: (step: string, role: CeremonyRole, name: string) => Promise<boolean>;
  readonly provideSecret: (requestId: string, secret: string) => Promise<boolean>;
  /** a custodian's share as typed back from the printed sheet */
  readonly provideShareText: (requestId: string, text: string) => Promise<boolean>;
  readonly abort: (reason: string) => Promise<void>;
  readonly reset: () => void;
  readonly refreshPast: () => Promise<void>;
  readonly showPast: (id: string | null) => Promise<void>;
  /** continues the interrupted ceremony `id` with the loaded plan (its register's script, a binding typed here) */
  readonly resume: (id: string) => Promise<void>;
  /** closes an interrupted ceremony; what happened to its transcript, or undefined when refused */
  readonly abortInterrupted: (id: string, reason: string) => Promise<string | undefined>;
  readonly noteException: (name: string, note: string) => Promise<boolean>;
}

/** The Ceremonies screen's state: the loaded plan, who approved its hash, pre-flight, and the live run. */
export function useCeremony(onError: (f: ApiFailure) => void): CeremonyControl {
  const [plan, setPlan] = useState<CeremonyPlanView | null>(null);
  const [approvals, setApprovals] = useState<CeremonyHashApprovalView[]>([]);
  const [preflight, setPreflight] = useState<CeremonyPreflightView | null>(null);
  const [run, setRun] = useState<CeremonyRunView | null>(null);
  const [busy, setBusy] = useState(false);
  const [past, setPast] = useState<CeremonySummaryView[] | null>(null);
  const [detail, setDetail] = useState<CeremonyDetailView | null>(null);
  const onErrorRef = useLatestRef(onError);
  const runId = useRef<string | null>(null);
  const showRun = useCallback((r: CeremonyRunView) => setRun((prev) => (prev && prev.runId === r.runId && prev.revision > r.revision ? prev : r)), []);

  // Events carry the whole run; only the run this screen started (or found running) is shown.
  useEffect(
    () =>
      subscribe('ceremony.event', (e) => {
        if (runId.current === e.runId) showRun(e);
      }),
    [showRun],
  );
  useEffect(() => {
    invoke('ceremony.status', {}).then(
      ({ run: r }) => {
        if (r && r.phase === 'running') {
          runId.current = r.runId;
          showRun(r);
        }
      },
      (e: unknown) => onErrorRef.current(toFailure(e)),
    );
  }, [showRun, onErrorRef]);

  const call = useCallback(
    async <T>(f: () => Promise<T>): Promise<T | undefined> => {
      setBusy(true);
      try {
        return await f();
      } catch (e) {
        onErrorRef.current(toFailure(e));
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [onErrorRef],
  );

  const load = useCallback(
    async (scriptPath: string, bindingPath: string) => {
      const p = await call(() => invoke('ceremony.load', { scriptPath, bindingPath }));
      if (!p) return;
      // A new load is a new plan: earlier approvals and checks were for other bytes.
      setPlan(p);
      setApprovals([]);
      setPreflight(null);
      setRun(null);
      runId.current = null;
    },
    [call],
  );

  const approve = useCallback(
    async (name: string) => {
      if (!plan) return false;
      // One approval covers both hashes: the script's and the binding's, as shown.
      const a = await call(() =>
        invoke('ceremony.approveHash', {
          scriptPath: plan.scriptPath,
          sha256: plan.sha256,
          bindingPath: plan.bindingPath,
          bindingSha256: plan.bindingSha256,
          name,
        }),
      );
      if (!a) return false;
      setApprovals((prev) => [...prev.filter((x) => x.name !== a.name), a]);
      return true;
    },
    [call, plan],
  );

  const checkPreflight = useCallback(async () => {
    if (!plan) return;
    const r = await call(() => invoke('ceremony.preflight', { scriptPath: plan.scriptPath, bindingPath: plan.bindingPath, bindingSha256: plan.bindingSha256 }));
    if (r) setPreflight(r);
  }, [call, plan]);

  const start = useCallback(async () => {
    if (!plan) return;
    // No outDir: the main process opens its folder dialog for the output medium (a path from the window is refused).
    const r = await call(() =>
      invoke('ceremony.start', {
        scriptPath: plan.scriptPath,
        bindingPath: plan.bindingPath,
        approvedHash: plan.sha256,
        approvedBindingHash: plan.bindingSha256,
      }),
    );
    if (!r) return;
    runId.current = r.runId;
    showRun(r);
  }, [call, plan, showRun]);

  const acknowledge = useCallback(
    async (step: string, role: CeremonyRole, name: string, credential?: string) => {
      const id = runId.current;
      if (id === null) return false;
      const r = await call(() => invoke('ceremony.acknowledge', { runId: id, step, role, name, ...(credential !== undefined ? { credential } : {}) }));
      if (r) showRun(r);
      return r !== undefined;
    },
    [call, showRun],
  );

  const provideSecret = useCallback(
    async (requestId: string, secret: string) => {
      const id = runId.current;
      if (id === null) return false;
      const r = await call(() => invoke('ceremony.provideSecret', { runId: id, requestId, secret }));
      if (r) showRun(r);
      return r !== undefined;
    },
    [call, showRun],
  );

  const provideShareText = useCallback(
    async (requestId: string, text: string) => {
      const id = runId.current;
      if (id === null) return false;
      const r = await call(() => invoke('ceremony.provideShareText', { runId: id, requestId, text }));
      if (r) showRun(r);
      return r !== undefined;
    },
    [call, showRun],
  );

  const abort = useCallback(
    async (reason: string) => {
      const id = runId.current;
      if (id === null) return;
      const r = await call(() => invoke('ceremony.abort', { runId: id, reason }));
      if (r) showRun(r);
    },
    [call, showRun],
  );

  const reset = useCallback(() => {
    setPlan(null);
    setApprovals([]);
    setPreflight(null);
    setRun(null);
    runId.current = null;
  }, []);

  const refreshPast = useCallback(
    () =>
      invoke('ceremony.list', {}).then(
        (r) => setPast(r.ceremonies),
        (e: unknown) => onErrorRef.current(toFailure(e)),
      ),
    [onErrorRef],
  );

  const showPast = useCallback(
    async (id: string | null) => {
      if (id === null) {
        setDetail(null);
        return;
      }
      const d = await call(() => invoke('ceremony.show', { id }));
      if (d) setDetail(d);
    },
    [call],
  );

  const resume = useCallback(
    async (id: string) => {
      if (!plan) return;
      const r = await call(() =>
        invoke('ceremony.resume', { id, bindingPath: plan.bindingPath, approvedHash: plan.sha256, approvedBindingHash: plan.bindingSha256 }),
      );
      if (!r) return;
      runId.current = r.runId;
      showRun(r);
    },
    [call, plan, showRun],
  );

  const abortInterrupted = useCallback(
    async (id: string, reason: string) => {
      const r = await call(() => invoke('ceremony.abortInterrupted', { id, reason }));
      if (!r) return undefined;
      setDetail(r.detail);
      void refreshPast();
      return r.transcript;
    },
    [call, refreshPast],
  );

  const noteException = useCallback(
    async (name: string, note: string) => {
      const id = runId.current;
      if (id === null) return false;
      const r = await call(() => invoke('ceremony.noteException', { runId: id, name, note }));
      if (r) showRun(r);
      return r !== undefined;
    },
    [call, showRun],
  );

  useEffect(() => {
    void refreshPast();
  }, [refreshPast]);
  // A run that ends (or starts) changes the register: read it again then, not on every acknowledgment.
  const phase = run ? `${run.runId}/${run.phase}` : null;
  useEffect(() => {
    if (phase !== null) void refreshPast();
  }, [phase, refreshPast]);

  return {
    plan,
    approvals,
    preflight,
    run,
    busy,
    past,
    detail,
    load,
    approve,
    checkPreflight,
    start,
    acknowledge,
    provideSecret,
    provideShareText,
    abort,
    reset,
    refreshPast,
    showPast,
    resume,
    abortInterrupted,
    noteException,
  };
}
