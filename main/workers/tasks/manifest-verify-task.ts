import { QA_MAX_DEVICE_SUMMARIES, type QaDeviceSummaryView } from '../../../preload/api.js';
import { qaEntrySummary } from './qa-entry-summary.js';
import { readInputFile } from '../../files/read-input-file.js';
import type { VerificationReport } from '../../manifest/verify/check-result.js';
import { readPlanCsv } from '../../manifest/verify/plan-check.js';
import { readTrustAnchors, readTrustFile } from '../../manifest/verify/read-trust-anchors.js';
import type { SignatureBatch } from '../../manifest/verify/signature-batch.js';
import { EntryPacker, type PackedEntries } from '../../manifest/verify/verified-entries.js';
import { verifyManifestPooled, type VerifyProgress } from '../../manifest/verify/verify-manifest-pooled.js';
import { readManifestFolder } from '../../manifest/verify/verify-manifest.js';
import type { TaskAnswer, TaskContext } from '../serve-tasks.js';

export const MAX_PLAN_BYTES = 16 * 1024 * 1024;

/** What `hallmark manifest verify` and QA name: the folder and the files beside it, all read in the worker. */
export interface ManifestVerifyInput {
  readonly dir: string;
  readonly trustPem: string;
  readonly planCsv?: string | undefined;
  readonly previousDir?: string | undefined;
  /** keep every entry for the drill-down (QA); the CLI needs only the report */
  readonly keepEntries: boolean;
  /** workers in the pool, this one included: how many signature batches to keep out */
  readonly parallelism: number;
}

export interface ManifestVerifyOutput {
  readonly report: VerificationReport;
  /** the first QA_MAX_DEVICE_SUMMARIES entries, summarized; empty when manifest.json is not a manifest */
  readonly deviceList: QaDeviceSummaryView[];
  readonly entries: PackedEntries | null;
}

/**
 * The `manifest.verify` task: reads and verifies one manifest folder here, off the
 * thread that asked, with the device signatures delegated in batches to the pool's other
 * workers; progress is told as `VerifyProgress`.
 */
export async function manifestVerifyTask(input: ManifestVerifyInput, context: TaskContext): Promise<TaskAnswer> {
  const anchors = readTrustAnchors(readTrustFile(input.trustPem), input.trustPem);
  const plan = input.planCsv !== undefined ? readPlanCsv(readInputFile(input.planCsv, MAX_PLAN_BYTES).toString('utf8')) : undefined;
  // Read once: the bytes verified are the bytes listed and kept.
  const { json, p7s } = readManifestFolder(input.dir);
  const deviceList: QaDeviceSummaryView[] = [];
  const packer = input.keepEntries ? new EntryPacker() : null;
  const report = await verifyManifestPooled(json, p7s, input.dir, {
    anchors,
    ...(plan ? { plan } : {}),
    ...(input.previousDir !== undefined ? { previousDir: input.previousDir } : {}),
    onEntry: (entry, index) => {
      if (index < QA_MAX_DEVICE_SUMMARIES) deviceList.push(qaEntrySummary(entry, index));
      packer?.add(entry);
    },
    runBatch: (batch: SignatureBatch) => context.delegate<number[]>('signatures.verify', batch),
    maxInFlight: Math.max(1, 2 * (input.parallelism - 1)),
    onProgress: (p: VerifyProgress) => context.progress(p),
  });
  const entries = packer && report.devices !== null ? packer.finish() : null;
  const value: ManifestVerifyOutput = { report, deviceList: report.devices !== null ? deviceList : [], entries };
  return { value, transfer: entries ? [entries.bytes.buffer as ArrayBuffer, entries.offsets.buffer as ArrayBuffer] : [] };
}
