import { listSerialPorts, portIdentityKey, type SerialPortInfo } from './list-serial-ports.js';

export interface SerialPortWatcherOptions {
  /** how often to look (the serialport package has no native hotplug events) */
  readonly intervalMs?: number;
  /** report the ports present at start as `added` (default true) */
  readonly emitInitial?: boolean;
  /** replaces SerialPort.list(), for tests */
  readonly list?: () => Promise<SerialPortInfo[]>;
  readonly onAdded: (port: SerialPortInfo) => void;
  readonly onRemoved: (port: SerialPortInfo) => void;
  /** a failed listing; watching goes on */
  readonly onError?: (err: unknown) => void;
}

export interface SerialPortWatcher {
  /** resolves after the first listing was compared */
  readonly ready: Promise<void>;
  stop(): void;
}

/**
 * Hotplug by polling: lists the ports every `intervalMs` and reports the difference. A
 * port whose path stays but whose USB identity changes (one adapter swapped for another
 * between two polls) is reported as removed and added.
 */
export function watchSerialPorts(options: SerialPortWatcherOptions): SerialPortWatcher {
  const list = options.list ?? listSerialPorts;
  const intervalMs = options.intervalMs ?? 1000;
  let known: Map<string, SerialPortInfo> | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const poll = async (): Promise<void> => {
    let ports: SerialPortInfo[];
    try {
      ports = await list();
    } catch (e) {
      options.onError?.(e);
      return;
    }
    if (stopped) return;
    const now = new Map(ports.map((p) => [portIdentityKey(p), p]));
    const previous = known;
    known = now;
    if (previous === undefined) {
      if (options.emitInitial !== false) for (const p of now.values()) options.onAdded(p);
      return;
    }
    for (const [key, p] of previous) if (!now.has(key)) options.onRemoved(p);
    for (const [key, p] of now) if (!previous.has(key)) options.onAdded(p);
  };

  const loop = async (): Promise<void> => {
    try {
      await poll();
    } catch (e) {
      // A throwing listener must not end the watch (nor become an unhandled rejection).
      options.onError?.(e);
    }
    // Scheduled after the listing finishes, so a slow listing never overlaps the next one.
    if (!stopped) timer = setTimeout(() => void loop(), intervalMs);
  };

  const ready = loop();
  return {
    ready,
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
