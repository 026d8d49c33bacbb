/**
 * The one worker entry of the core (worker-script.ts finds it; electron.vite.config.ts
 * builds it as out/main/core-worker.js). Each heavy operation the faces run off their
 * thread is a named task here. It is a composition root like main/index.ts: it may import
 * any room; the rooms never import it.
 */
import { verifySignatureBatch, type SignatureBatch } from '../manifest/verify/signature-batch.js';
import { serveTasks } from './serve-tasks.js';
import { manifestVerifyTask } from './tasks/manifest-verify-task.js';

serveTasks({
  'signatures.verify': (batch: SignatureBatch) => ({ value: verifySignatureBatch(batch) }),
  'manifest.verify': manifestVerifyTask,
});
