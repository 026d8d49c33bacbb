import type { ParsedCertificate } from '../../x509/certificate-facts.js';
import { describe } from './certificate-path.js';
import { verdict, type CheckResult } from './check-result.js';
import type { DecodedEntry } from './device-checks.js';
import { SignatureBatchBuilder, verifySignatureBatch, type SignatureBatch } from './signature-batch.js';

/** Verifies one batch elsewhere (a worker of the pool); answers the indices that failed. */
export type SignatureBatchRunner = (batch: SignatureBatch) => Promise<readonly number[]>;

export interface PooledSignatureOptions {
  /** certificates per batch */
  readonly batchSize?: number;
  /** batches out at once; when that many are out the next one is verified here, so this thread never idles */
  readonly maxInFlight?: number;
}

/**
 * devices.certificate-signature as DeviceSignatureCheck reports it, with the signatures
 * verified in batches by `run` (the other cores) and, whenever every worker already has
 * enough to do, by the calling thread itself. The result is the same as the
 * single-threaded check's: problems are reported in entry order.
 */
export class PooledSignatureCheck {
  private readonly batch: SignatureBatchBuilder;
  private readonly problems: [number, string][] = [];
  /** labels of the entries in batches not yet answered, to name a failure */
  private readonly labels = new Map<number, string>();
  private readonly pending = new Set<Promise<void>>();
  private readonly batchSize: number;
  private readonly maxInFlight: number;
  private n = 0;
  private verified = 0;
  private failure: Error | null = null;

  constructor(
    private readonly ca: ParsedCertificate,
    private readonly run: SignatureBatchRunner,
    options: PooledSignatureOptions = {},
  ) {
    this.batch = new SignatureBatchBuilder(ca.spki);
    this.batchSize = options.batchSize ?? 256;
    this.maxInFlight = options.maxInFlight ?? 2;
  }

  /** certificates added whose signature is not judged yet */
  get outstanding(): number {
    return this.n - this.verified;
  }

  add(d: DecodedEntry, index: number, label: string): void {
    if (d.problem) this.problems.push([index, d.problem]);
    if (!d.certificate) return;
    this.n++;
    this.labels.set(index, label);
    this.batch.add(index, d.certificate.outerSignatureAlgorithm, d.certificate.tbsDer, d.certificate.signature);
    if (this.batch.size >= this.batchSize) this.flush();
  }

  async result(): Promise<CheckResult> {
    if (this.batch.size > 0) this.flush();
    while (this.pending.size > 0) await Promise.all(this.pending);
    if (this.failure !== null) throw this.failure;
    const problems = this.problems.sort((a, b) => a[0] - b[0]).map(([, p]) => p);
    return verdict(
      'devices.certificate-signature',
      problems,
      `all ${this.n} device certificates are signed by ${describe(this.ca)}`,
      (k) => `${k} certificate(s) not signed by the issuing CA`,
    );
  }

  private flush(): void {
    const batch = this.batch.take();
    if (this.pending.size >= this.maxInFlight) {
      this.answer(batch.count, verifySignatureBatch(batch), batch);
      return;
    }
    const p: Promise<void> = this.run(batch).then(
      (failed) => this.answer(batch.count, failed, batch),
      (e: unknown) => {
        // The pool rejects with Errors (worker-error.ts keeps their class and code); the
        // first one is what result() throws, as it came.
        this.failure ??= e instanceof Error ? e : new Error(`a signature batch failed: ${String(e)}`);
      },
    );
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private answer(count: number, failed: readonly number[], batch: SignatureBatch): void {
    for (const i of failed)
      this.problems.push([i, `${this.labels.get(i) ?? `entry ${i}`}: the signature does not verify with the key of the issuing CA ${describe(this.ca)}`]);
    // forget this batch's labels: walk its indices from the buffer's item headers
    forEachIndex(batch, (i) => this.labels.delete(i));
    this.verified += count;
  }
}

function forEachIndex(batch: SignatureBatch, f: (index: number) => void): void {
  const b = Buffer.from(batch.bytes.buffer, batch.bytes.byteOffset, batch.bytes.byteLength);
  let at = 0;
  for (let i = 0; i < batch.count; i++) {
    f(b.readUInt32LE(at));
    const oidLength = b.readUInt8(at + 4);
    at += 5 + oidLength;
    at += 4 + b.readUInt32LE(at);
    at += 2 + b.readUInt16LE(at);
  }
}
