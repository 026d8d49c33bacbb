import { parentPort, type Transferable } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './worker-protocol.js';
import { reviveError, serializeError } from './worker-error.js';

/** What a task handler is given besides its input. */
export interface TaskContext {
  /** reported to the caller's onProgress; cheap, but say it at most every few milliseconds */
  progress(value: unknown): void;
  /** runs another task of this worker entry on a free worker of the pool (or here, once this task awaits) */
  delegate<R>(kind: string, input: unknown): Promise<R>;
}

/** A handler's answer; `transfer` moves big buffers to the caller instead of copying them. */
export interface TaskAnswer {
  readonly value: unknown;
  readonly transfer?: readonly Transferable[];
}

export type TaskHandler = (input: never, context: TaskContext) => TaskAnswer | Promise<TaskAnswer>;

/**
 * The worker side of WorkerPool: answers `run` messages with the handler named by their
 * kind. Several tasks may be in progress at once (a delegated one runs while another awaits).
 */
export function serveTasks(handlers: Readonly<Record<string, TaskHandler>>): void {
  const port = parentPort;
  if (!port) throw new Error('serveTasks() runs in a worker thread');
  const post = (m: FromWorker, transfer: readonly Transferable[] = []) => port.postMessage(m, transfer as Transferable[]);
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextRequest = 1;

  port.on('message', (m: ToWorker) => {
    if (m.type === 'delegated') {
      const w = waiting.get(m.requestId);
      waiting.delete(m.requestId);
      if (m.ok) w?.resolve(m.value);
      else w?.reject(reviveError(m.error));
      return;
    }
    const handler = handlers[m.kind];
    const context: TaskContext = {
      progress: (value) => post({ type: 'progress', id: m.id, value }),
      delegate: <R>(kind: string, input: unknown) =>
        new Promise<R>((resolve, reject) => {
          const requestId = nextRequest++;
          waiting.set(requestId, { resolve: resolve as (v: unknown) => void, reject });
          post({ type: 'delegate', id: m.id, requestId, kind, input });
        }),
    };
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`this worker has no task "${m.kind}"`);
        return handler(m.input as never, context);
      })
      .then(
        (answer) => post({ type: 'done', id: m.id, ok: true, value: answer.value }, answer.transfer ?? []),
        (e: unknown) => post({ type: 'done', id: m.id, ok: false, error: serializeError(e) }),
      );
  });
}
