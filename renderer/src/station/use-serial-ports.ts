import { useCallback, useEffect, useState } from 'react';
import type { SerialPortView } from '../../../preload/api.js';
import { invoke, toFailure, type ApiFailure } from '../api/hallmark.js';
import { useLatestRef } from '../components/use-latest-ref.js';

/** The serial ports the OS lists, plus ports the technician added by path (PTYs, unusual devices). */
export function useSerialPorts(onError: (f: ApiFailure) => void): { ports: readonly SerialPortView[]; reload: () => void; addPath: (path: string) => void } {
  const [listed, setListed] = useState<SerialPortView[]>([]);
  const [added, setAdded] = useState<string[]>([]);
  const onErrorRef = useLatestRef(onError);

  const reload = useCallback(() => {
    invoke('station.ports', {}).then(
      (r) => setListed(r.ports),
      (e: unknown) => onErrorRef.current(toFailure(e)),
    );
  }, [onErrorRef]);
  useEffect(reload, [reload]);

  const addPath = useCallback((path: string) => {
    const p = path.trim();
    if (p !== '') setAdded((prev) => (prev.includes(p) ? prev : [...prev, p]));
  }, []);

  const known = new Set(listed.map((p) => p.path));
  const ports = [...listed, ...added.filter((p) => !known.has(p)).map((path) => ({ path }))];
  return { ports, reload, addPath };
}
