import { useCallback, useRef, useState } from 'react';
import type { QaDeviceDetailView, QaProgressView, QaReportView } from '../../../preload/api.js';
import { invoke, subscribe, toFailure } from '../api/hallmark.js';
import type { ErrorScope } from '../components/error-reporter.js';

export interface QaPaths {
  readonly dir: string;
  readonly trustPem: string;
  readonly planCsv: string;
  readonly previousDir: string;
}

/** The optional paths only when filled: the contract refuses empty strings. */
export function verifyInput(p: QaPaths) {
  return {
    dir: p.dir.trim(),
    trustPem: p.trustPem.trim(),
    ...(p.planCsv.trim() ? { planCsv: p.planCsv.trim() } : {}),
    ...(p.previousDir.trim() ? { previousDir: p.previousDir.trim() } : {}),
  };
}

/**
 * One verification at a time. Each run gets a number so an older, slower answer (a big
 * folder verified, then a small one) never replaces the newer one; a device detail is
 * asked for with the verified manifest's SHA-256 so a folder changed since is refused.
 * Failures are reported per action; a verification that answers clears them all, since
 * the entry and the report they were about are replaced.
 */
export function useQa(errors: ErrorScope) {
  const { report: fail, resolve } = errors;
  const [report, setReport] = useState<QaReportView | null>(null);
  const [verifiedPaths, setVerifiedPaths] = useState<QaPaths | null>(null);
  const [running, setRunning] = useState(false);
  const [detail, setDetail] = useState<QaDeviceDetailView | null>(null);
  const [saved, setSaved] = useState<{ path: string; bytes: number } | null>(null);
  const [progress, setProgress] = useState<QaProgressView | null>(null);
  const [cancelled, setCancelled] = useState(false);
  const run = useRef(0);

  const verify = useCallback(
    async (paths: QaPaths) => {
      const mine = ++run.current;
      const input = verifyInput(paths);
      setRunning(true);
      setDetail(null);
      setSaved(null);
      setCancelled(false);
      setProgress({ dir: input.dir, checked: 0, total: 0 });
      // The verification runs off the window's process; it tells how far it is as it goes.
      const stop = subscribe('qa.progress', (p) => {
        if (mine === run.current && p.dir === input.dir) setProgress(p);
      });
      try {
        const r = await invoke('qa.verify', input);
        if (mine !== run.current) return;
        setReport(r);
        setVerifiedPaths(paths);
        resolve('verify', 'device', 'save-report', 'cancel');
      } catch (e) {
        if (mine === run.current) {
          setReport(null);
          const f = toFailure(e);
          // a cancel the engineer asked for is not an error to report
          if (f.code === 'OPERATION_CANCELLED') setCancelled(true);
          else fail('verify', f);
        }
      } finally {
        stop();
        if (mine === run.current) {
          setRunning(false);
          setProgress(null);
        }
      }
    },
    [fail, resolve],
  );

  const openDevice = useCallback(
    async (index: number) => {
      if (!report || !verifiedPaths) return;
      try {
        const d = await invoke('qa.device', {
          dir: verifiedPaths.dir.trim(),
          index,
          ...(report.manifestSha256 ? { manifestSha256: report.manifestSha256 } : {}),
        });
        setDetail(d);
        resolve('device');
      } catch (e) {
        fail('device', toFailure(e));
      }
    },
    [report, verifiedPaths, fail, resolve],
  );

  /** Stops the verification in flight; its qa.verify then fails with OPERATION_CANCELLED. */
  const cancel = useCallback(async () => {
    try {
      await invoke('qa.cancel', {});
      resolve('cancel');
    } catch (e) {
      fail('cancel', toFailure(e));
    }
  }, [fail, resolve]);

  /** The main process opens its save dialog and writes there; null: cancelled, nothing written. */
  const saveReport = useCallback(async () => {
    if (!verifiedPaths) return;
    try {
      const r = await invoke('qa.saveReport', verifyInput(verifiedPaths));
      if (r) setSaved({ path: r.path, bytes: r.bytes });
      resolve('save-report');
    } catch (e) {
      fail('save-report', toFailure(e));
    }
  }, [verifiedPaths, fail, resolve]);

  return { report, running, progress, cancelled, detail, saved, verify, cancel, openDevice, saveReport, closeDevice: () => setDetail(null) };
}
