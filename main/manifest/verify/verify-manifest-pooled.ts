import type { CheckResult, VerificationReport } from './check-result.js';
import { PooledSignatureCheck, type PooledSignatureOptions, type SignatureBatchRunner } from './pooled-signature-check.js';
import { verificationPass, type VerifyOptions } from './verify-manifest.js';

/** How far a verification is: entries fully checked (their signature judged too) of all. */
export interface VerifyProgress {
  readonly checked: number;
  readonly total: number;
}

export interface PooledVerifyOptions extends VerifyOptions, PooledSignatureOptions {
  /** verifies a batch of device signatures on another thread */
  readonly runBatch: SignatureBatchRunner;
  /** called at most every `progressEveryMs` (default 100) and once at the end */
  readonly onProgress?: (p: VerifyProgress) => void;
  readonly progressEveryMs?: number;
}

/**
 * verifyManifest with the device signatures — two thirds of the work at 100,000 devices —
 * verified by `runBatch` on the other cores while this thread decodes and checks the
 * rest. Same checks, same report (the reference is verifyManifest). The pass pauses every
 * few hundred entries for the workers' answers, which is also where progress is told.
 */
export async function verifyManifestPooled(json: Buffer, p7s: Buffer, folder: string, options: PooledVerifyOptions): Promise<VerificationReport> {
  let check: PooledSignatureCheck | null = null;
  const pass = verificationPass<Promise<CheckResult>>(json, p7s, folder, options, (ca) => {
    const c = new PooledSignatureCheck(ca, options.runBatch, options);
    check = c;
    return { add: (d, i, label) => c.add(d, i, label), result: () => c.result() };
  });
  const every = options.progressEveryMs ?? 100;
  let told = 0;
  let total = 0;
  const tell = (passed: number, force = false) => {
    if (!options.onProgress) return;
    const t = performance.now();
    if (!force && t - told < every) return;
    told = t;
    // an entry is checked once through the pass and, with a certificate, its signature answered
    const outstanding = check?.outstanding ?? 0;
    options.onProgress({ checked: Math.max(0, passed - outstanding), total });
  };
  let step = pass.next();
  while (!step.done) {
    total = step.value.total;
    tell(step.value.passed);
    await new Promise((resolve) => setImmediate(resolve));
    step = pass.next();
  }
  const { signatures, complete } = step.value;
  let result: CheckResult | null = null;
  if (signatures) {
    const pending = signatures.result();
    const timer = options.onProgress ? setInterval(() => tell(total), every) : null;
    try {
      result = await pending;
    } finally {
      if (timer) clearInterval(timer);
    }
  }
  tell(total, true);
  return complete(result);
}
