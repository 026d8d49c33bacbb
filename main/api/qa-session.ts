import type { QaProgressView } from '../../preload/api.js';
import type { DeviceEntry } from '../manifest/format/manifest-document.js';
import { ManifestError } from '../manifest/manifest-errors.js';
import type { VerifyProgress } from '../manifest/verify/verify-manifest-pooled.js';
import { entryAt, entryCount, type PackedEntries } from '../manifest/verify/verified-entries.js';
import { corePool } from '../workers/core-pool.js';
import type { ManifestVerifyOutput } from '../workers/tasks/manifest-verify-task.js';
import type { WorkerPool } from '../workers/worker-pool.js';

export interface QaVerifyRequest {
  readonly dir: string;
  readonly trustPem: string;
  readonly planCsv?: string | undefined;
  readonly previousDir?: string | undefined;
}

/** verifications whose entries the drill-down keeps (the newest ones) */
const KEPT_VERIFICATIONS = 2;

/**
 * The QA section's verifications: each runs as a `manifest.verify` task on the core
 * worker pool, so the thread that serves the window (and the station's events) stays
 * free; progress goes to listeners (the `qa.progress` event), `cancel()` stops every
 * verification in flight, and the entries of the newest verifications are kept for the
 * drill-down, keyed by folder and manifest SHA-256 — the bytes that were verified.
 */
export class QaSession {
  private readonly running = new Set<AbortController>();
  private readonly listeners = new Set<(p: QaProgressView) => void>();
  private readonly kept: { dir: string; manifestSha256: string; entries: PackedEntries }[] = [];

  constructor(private readonly pool: () => WorkerPool = corePool) {}

  onProgress(listener: (p: QaProgressView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async verify(req: QaVerifyRequest): Promise<ManifestVerifyOutput> {
    const controller = new AbortController();
    this.running.add(controller);
    const pool = this.pool();
    try {
      const out = await pool.run<ManifestVerifyOutput>(
        'manifest.verify',
        { dir: req.dir, trustPem: req.trustPem, planCsv: req.planCsv, previousDir: req.previousDir, keepEntries: true, parallelism: pool.size },
        {
          signal: controller.signal,
          what: `the verification of ${req.dir}`,
          onProgress: (p) => {
            const { checked, total } = p as VerifyProgress;
            for (const l of this.listeners) l({ dir: req.dir, checked, total });
          },
        },
      );
      if (out.entries && out.report.manifestSha256) this.keep(req.dir, out.report.manifestSha256, out.entries);
      return out;
    } finally {
      this.running.delete(controller);
    }
  }

  /** Stops every verification in flight (each fails with OPERATION_CANCELLED); how many there were. */
  cancel(): number {
    const n = this.running.size;
    for (const c of [...this.running]) c.abort();
    return n;
  }

  /**
   * Entry `index` as verified in `dir` with that manifest SHA-256, or null when no kept
   * verification matches (the caller reads the folder again).
   */
  verifiedEntry(dir: string, manifestSha256: string | undefined, index: number): DeviceEntry | null {
    if (manifestSha256 === undefined) return null;
    const kept = this.kept.find((k) => k.dir === dir && k.manifestSha256 === manifestSha256);
    if (!kept) return null;
    const entry = entryAt(kept.entries, index);
    if (!entry) throw new ManifestError('MANIFEST_UNREADABLE', `the manifest has ${entryCount(kept.entries)} entries; there is no entry ${index}`);
    return entry;
  }

  dispose(): void {
    this.cancel();
    this.kept.length = 0;
    this.listeners.clear();
  }

  private keep(dir: string, manifestSha256: string, entries: PackedEntries): void {
    const i = this.kept.findIndex((k) => k.dir === dir && k.manifestSha256 === manifestSha256);
    if (i >= 0) this.kept.splice(i, 1);
    this.kept.unshift({ dir, manifestSha256, entries });
    this.kept.length = Math.min(this.kept.length, KEPT_VERIFICATIONS);
  }
}
