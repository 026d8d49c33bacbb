import { availableParallelism } from 'node:os';
import { Worker, type Transferable } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './worker-protocol.js';
import { reviveError, serializeError } from './worker-error.js';
import { TaskCancelledError } from './task-cancelled-error.js';
import type { WorkerScript } from './worker-script.js';

export interface RunOptions {
  /** buffers moved to the worker instead of copied */
  readonly transfer?: readonly Transferable[];
  /** aborting stops the task and everything it delegated: its workers are terminated (and replaced when next needed) */
  readonly signal?: AbortSignal;
  /** what the task reports as it goes (serve-tasks.ts's `progress()`) */
  readonly onProgress?: (value: unknown) => void;
  /** named in the cancellation error: "the verification of … was cancelled" */
  readonly what?: string;
}

interface Slot {
  readonly worker: Worker;
  readonly tasks: Set<Task>;
  /** the top-level task whose family owns this worker while it has tasks */
  owner: Task | null;
}

interface Task {
  readonly id: number;
  readonly kind: string;
  readonly input: unknown;
  readonly transfer: readonly Transferable[];
  /** the top-level task of its family (itself for a top-level task) */
  readonly root: Task;
  readonly onProgress: ((value: unknown) => void) | undefined;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  slot: Slot | null;
  settled: boolean;
  cleanup: (() => void) | null;
}

/**
 * A small pool of worker_threads running one worker entry (core-worker.ts) that serves
 * named tasks. A top-level task gets a worker of its own (or waits for one); a running
 * task may delegate sub-tasks (the per-certificate signature batches of a manifest), which
 * go to an idle worker when there is one and otherwise to a worker its own family already
 * holds — so a family never waits on another and never deadlocks, and cancelling it can
 * terminate exactly its workers. Workers start on first use and are unref'd while idle,
 * so an idle pool never keeps a process (the CLI) alive.
 */
export class WorkerPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Task[] = [];
  private readonly tasks = new Map<number, Task>();
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly script: () => WorkerScript,
    readonly size: number = defaultPoolSize(),
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`a pool needs at least one worker, not ${size}`);
  }

  /** Runs `kind` with `input` on a worker of the pool; the task's answer, or its error as it was thrown there. */
  run<R>(kind: string, input: unknown, options: RunOptions = {}): Promise<R> {
    if (this.closed) return Promise.reject(new Error('the worker pool is closed'));
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(new TaskCancelledError(options.what ?? kind));
    return new Promise<R>((resolve, reject) => {
      const task = this.newTask(kind, input, options.transfer ?? [], null, options.onProgress, resolve as (v: unknown) => void, reject);
      if (signal) {
        const onAbort = () => this.cancel(task, new TaskCancelledError(options.what ?? kind));
        signal.addEventListener('abort', onAbort, { once: true });
        task.cleanup = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(task);
      this.pump();
    });
  }

  /** Terminates every worker; running and queued tasks fail. */
  async close(): Promise<void> {
    this.closed = true;
    const error = new Error('the worker pool was closed');
    for (const t of [...this.queue]) this.settle(t, false, error);
    this.queue.length = 0;
    await Promise.all([...this.slots].map((s) => this.retire(s, error)));
  }

  private newTask(
    kind: string,
    input: unknown,
    transfer: readonly Transferable[],
    root: Task | null,
    onProgress: ((v: unknown) => void) | undefined,
    resolve: (v: unknown) => void,
    reject: (e: Error) => void,
  ): Task {
    const task = { id: this.nextId++, kind, input, transfer, onProgress, resolve, reject, slot: null, settled: false, cleanup: null } as unknown as Task & {
      root: Task;
    };
    (task as { root: Task }).root = root ?? task;
    this.tasks.set(task.id, task);
    return task;
  }

  /** Starts queued top-level tasks on idle workers, spawning up to `size`. */
  private pump(): void {
    while (this.queue.length > 0) {
      const slot = this.idleSlot();
      if (!slot) return;
      this.start(this.queue.shift()!, slot);
    }
  }

  private idleSlot(): Slot | null {
    for (const s of this.slots) if (s.tasks.size === 0) return s;
    if (this.slots.size < this.size) return this.spawn();
    return null;
  }

  private spawn(): Slot {
    const { url, execArgv } = this.script();
    const worker = new Worker(url, { execArgv: [...execArgv] });
    const slot: Slot = { worker, tasks: new Set(), owner: null };
    worker.unref();
    worker.on('message', (m: FromWorker) => this.onMessage(slot, m));
    worker.on('error', (e) => void this.retire(slot, e));
    worker.on('exit', (code) => void this.retire(slot, new Error(`a worker stopped (exit ${code})`)));
    this.slots.add(slot);
    return slot;
  }

  private start(task: Task, slot: Slot): void {
    task.slot = slot;
    slot.owner = task.root;
    if (slot.tasks.size === 0) slot.worker.ref();
    slot.tasks.add(task);
    const message: ToWorker = { type: 'run', id: task.id, kind: task.kind, input: task.input };
    slot.worker.postMessage(message, task.transfer as Transferable[]);
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    const task = this.tasks.get(m.id);
    if (!task || task.settled) return;
    if (m.type === 'progress') task.onProgress?.(m.value);
    else if (m.type === 'done') this.settle(task, m.ok, m.ok ? m.value : reviveError(m.error));
    else if (m.type === 'delegate') this.delegate(task, slot, m.requestId, m.kind, m.input);
  }

  private delegate(parent: Task, parentSlot: Slot, requestId: number, kind: string, input: unknown): void {
    const answer = (message: ToWorker) => {
      if (!parent.settled && this.slots.has(parentSlot)) parentSlot.worker.postMessage(message);
    };
    const child = this.newTask(
      kind,
      input,
      [],
      parent.root,
      undefined,
      (value) => answer({ type: 'delegated', requestId, ok: true, value }),
      (e) => answer({ type: 'delegated', requestId, ok: false, error: serializeError(e) }),
    );
    let target: Slot | null = null;
    for (const s of this.slots) if (s.tasks.size === 0) target = target ?? s;
    if (!target && this.slots.size < this.size) target = this.spawn();
    if (!target) {
      // The family's least-busy worker: it runs the sub-task when its current one awaits.
      for (const s of this.slots) if (s.owner === parent.root && (!target || s.tasks.size < target.tasks.size)) target = s;
    }
    this.start(child, target ?? parentSlot);
  }

  private settle(task: Task, ok: boolean, value: unknown): void {
    if (task.settled) return;
    task.settled = true;
    this.tasks.delete(task.id);
    const slot = task.slot;
    if (slot) {
      slot.tasks.delete(task);
      if (slot.tasks.size === 0) {
        slot.owner = null;
        slot.worker.unref();
      }
    }
    task.cleanup?.();
    if (ok) task.resolve(value);
    else task.reject(value as Error);
    this.pump();
  }

  /** Fails `task`'s whole family and terminates the workers it holds (a sync loop cannot be interrupted any other way). */
  private cancel(task: Task, error: Error): void {
    const root = task.root;
    const queued = this.queue.indexOf(root);
    if (queued >= 0) this.queue.splice(queued, 1);
    for (const s of [...this.slots]) if (s.owner === root) void this.retire(s, error);
    for (const t of [...this.tasks.values()]) if (t.root === root) this.settle(t, false, error);
  }

  private async retire(slot: Slot, error: Error): Promise<void> {
    if (!this.slots.delete(slot)) return;
    const families = new Set([...slot.tasks].map((t) => t.root));
    await slot.worker.terminate().catch(() => undefined);
    // A family that lost a worker cannot finish: the rest of it stops too.
    for (const root of families) this.cancel(root, error);
    this.pump();
  }
}

/** Both cores on the QA laptop's two; at least two so a task and its delegated work overlap. */
export function defaultPoolSize(): number {
  return Math.max(2, Math.min(availableParallelism(), 8));
}
