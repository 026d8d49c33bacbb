import type { RotatingLog } from '../logging/rotating-log.js';

/**
 * The log a set of handlers reports unexpected failures to: the workspace's, bound when
 * `createCoreHandlers` builds them, so dispatch() — shared by every face — needs no extra
 * argument. Handlers built by hand (a unit test's) have none, and failures go to stderr.
 */
const logs = new WeakMap<object, RotatingLog>();

export function bindHandlerLog(handlers: object, log: RotatingLog): void {
  logs.set(handlers, log);
}

export function handlerLog(handlers: object): RotatingLog | undefined {
  return logs.get(handlers);
}
