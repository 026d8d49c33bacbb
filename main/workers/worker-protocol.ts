/**
 * The messages between a WorkerPool (worker-pool.ts) and the tasks a worker serves
 * (serve-tasks.ts). Plain structured-clone data; errors travel as SerializedError.
 */
import type { SerializedError } from './worker-error.js';

/** pool → worker */
export type ToWorker =
  | { readonly type: 'run'; readonly id: number; readonly kind: string; readonly input: unknown }
  /** the answer to a task's `delegate()` */
  | { readonly type: 'delegated'; readonly requestId: number; readonly ok: true; readonly value: unknown }
  | { readonly type: 'delegated'; readonly requestId: number; readonly ok: false; readonly error: SerializedError };

/** worker → pool */
export type FromWorker =
  | { readonly type: 'done'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly type: 'done'; readonly id: number; readonly ok: false; readonly error: SerializedError }
  | { readonly type: 'progress'; readonly id: number; readonly value: unknown }
  /** task `id` asks the pool to run another task on whichever worker is free */
  | { readonly type: 'delegate'; readonly id: number; readonly requestId: number; readonly kind: string; readonly input: unknown };
