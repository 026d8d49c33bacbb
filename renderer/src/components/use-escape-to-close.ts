import { useEffect } from 'react';
import { useLatestRef } from './use-latest-ref.js';

/**
 * Escape closes a detail pane from anywhere in the window, unless something inside an open
 * native control (a select's list) or an earlier listener already took the key.
 */
export function useEscapeToClose(onClose: () => void): void {
  const closeRef = useLatestRef(onClose);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.preventDefault();
      closeRef.current();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [closeRef]);
}
