import { useEffect } from 'react';
import { useLatestRef } from '../components/use-latest-ref.js';

/** At most one report a second; a trailing one carries the last activity of a burst. */
const REPORT_EVERY_MS = 1000;
const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'wheel'] as const;

/**
 * Tells the main process that the person at the window did something, so the idle lock
 * starts over. Only input counts: the station's own polling and events do not keep a
 * screen signed in that nobody is looking at.
 */
export function useIdleActivity(active: boolean, report: () => void): void {
  const reportRef = useLatestRef(report);
  useEffect(() => {
    if (!active) return;
    let last = 0;
    let trailing: ReturnType<typeof setTimeout> | null = null;
    const send = () => {
      last = Date.now();
      trailing = null;
      reportRef.current();
    };
    const onActivity = () => {
      const since = Date.now() - last;
      if (since >= REPORT_EVERY_MS) send();
      else trailing ??= setTimeout(send, REPORT_EVERY_MS - since);
    };
    for (const e of ACTIVITY_EVENTS) window.addEventListener(e, onActivity, { capture: true, passive: true });
    return () => {
      for (const e of ACTIVITY_EVENTS) window.removeEventListener(e, onActivity, { capture: true });
      if (trailing !== null) clearTimeout(trailing);
    };
  }, [active, reportRef]);
}
