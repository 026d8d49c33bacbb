import { WorkerPool } from './worker-pool.js';
import { coreWorkerScript } from './worker-script.js';

let pool: WorkerPool | null = null;

/**
 * The process's pool of core workers, started on first use: the QA verification, the CLI
 * and (next) inventory import and audit verification share the cores through it rather
 * than each starting workers of its own. Idle workers do not keep the process alive.
 */
export function corePool(): WorkerPool {
  pool ??= new WorkerPool(coreWorkerScript);
  return pool;
}
