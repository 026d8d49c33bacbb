import { createPublicKey, type KeyObject } from 'node:crypto';
import { signatureVerifies } from '../../x509/signature-check.js';

/**
 * Device certificate signatures in one flat buffer, so a batch crosses to another thread
 * as a single copy instead of hundreds of cloned objects. Each item:
 * u32 entry index · u8 OID length · OID (ASCII) · u32 TBS length · TBS · u16 signature length · signature.
 */
export interface SignatureBatch {
  /** the issuing CA's SubjectPublicKeyInfo, DER */
  readonly issuerSpki: Uint8Array;
  readonly count: number;
  readonly bytes: Uint8Array;
}

export class SignatureBatchBuilder {
  private parts: Buffer[] = [];
  private n = 0;

  constructor(private readonly issuerSpki: Uint8Array) {}

  get size(): number {
    return this.n;
  }

  add(index: number, algorithmOid: string, tbs: Buffer, signature: Buffer): void {
    const head = Buffer.allocUnsafe(5 + algorithmOid.length + 4);
    head.writeUInt32LE(index, 0);
    head.writeUInt8(algorithmOid.length, 4);
    head.write(algorithmOid, 5, 'latin1');
    head.writeUInt32LE(tbs.length, 5 + algorithmOid.length);
    const sigLength = Buffer.allocUnsafe(2);
    sigLength.writeUInt16LE(signature.length, 0);
    this.parts.push(head, tbs, sigLength, signature);
    this.n++;
  }

  /** The batch so far; the builder starts empty again. */
  take(): SignatureBatch {
    const batch = { issuerSpki: this.issuerSpki, count: this.n, bytes: Buffer.concat(this.parts) };
    this.parts = [];
    this.n = 0;
    return batch;
  }
}

const keys = new Map<string, KeyObject>();

/** The entry indices whose signature does not verify with the issuer's key (the reference path and the workers run this). */
export function verifySignatureBatch(batch: SignatureBatch): number[] {
  const spki = Buffer.from(batch.issuerSpki.buffer, batch.issuerSpki.byteOffset, batch.issuerSpki.byteLength);
  const id = spki.toString('base64');
  let key = keys.get(id);
  if (!key) {
    key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    if (keys.size > 16) keys.clear();
    keys.set(id, key);
  }
  const b = Buffer.from(batch.bytes.buffer, batch.bytes.byteOffset, batch.bytes.byteLength);
  const failed: number[] = [];
  let at = 0;
  for (let i = 0; i < batch.count; i++) {
    const index = b.readUInt32LE(at);
    const oidLength = b.readUInt8(at + 4);
    const oid = b.toString('latin1', at + 5, at + 5 + oidLength);
    at += 5 + oidLength;
    const tbsLength = b.readUInt32LE(at);
    const tbs = b.subarray(at + 4, at + 4 + tbsLength);
    at += 4 + tbsLength;
    const sigLength = b.readUInt16LE(at);
    const signature = b.subarray(at + 2, at + 2 + sigLength);
    at += 2 + sigLength;
    if (!signatureVerifies(oid, tbs, signature, key)) failed.push(index);
  }
  return failed;
}
