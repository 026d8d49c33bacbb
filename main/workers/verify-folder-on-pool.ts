import type { VerificationReport } from '../manifest/verify/check-result.js';
import { verifyManifestPooled } from '../manifest/verify/verify-manifest-pooled.js';
import { readManifestFolder, verifyManifest, type VerifyOptions } from '../manifest/verify/verify-manifest.js';
import type { WorkerPool } from './worker-pool.js';

/** Below this, starting workers costs more than the signatures they would verify (~1,500 entries). */
export const POOL_THRESHOLD_BYTES = 2 * 1024 * 1024;

/**
 * `hallmark manifest verify`: this thread reads and checks the folder while every worker
 * of `pool` verifies device signatures; a small manifest is verified here alone. The
 * report is the reference verifier's either way.
 */
export async function verifyFolderOnPool(pool: WorkerPool, dir: string, options: VerifyOptions): Promise<VerificationReport> {
  const { json, p7s } = readManifestFolder(dir);
  if (json.length < POOL_THRESHOLD_BYTES) return verifyManifest(json, p7s, dir, options);
  return verifyManifestPooled(json, p7s, dir, { ...options, runBatch: (batch) => pool.run<number[]>('signatures.verify', batch), maxInFlight: 2 * pool.size });
}
