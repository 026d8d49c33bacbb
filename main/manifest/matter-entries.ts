import { createHash } from 'node:crypto';
import type { ProductPolicy } from '../station/product-policy-schema.js';
import { MatterFactoryRepository } from '../store/matter-factory-repository.js';
import type { BatchCertificateRow } from '../store/manifest-repository.js';
import type { Workspace } from '../store/workspace.js';
import type { DeviceEntryStatus, ManifestDocument, ManifestMatter } from './format/manifest-document.js';

export interface MatterManifestParts {
  readonly policy: NonNullable<ManifestDocument['workOrder']['policy']['matter']>;
  entry(c: BatchCertificateRow, status: DeviceEntryStatus): ManifestMatter;
}

/**
 * A Matter work order's manifest members, from the records alone: the work order's VID,
 * PID and CD digest; per DAC the PAI's digest and, on the device's current certificate,
 * the factory data it holds (the verifier's digest and parameters — the passcode is in
 * no record to take it from). Null for any other work order.
 */
export function matterManifestParts(ws: Workspace, batchId: string, policy: ProductPolicy, paiDer: Buffer): MatterManifestParts | null {
  if (!policy.matter) return null;
  const repo = new MatterFactoryRepository(ws);
  const cd = repo.declaration(batchId);
  const factory = repo.liveOfBatch(batchId);
  const paiSha256 = createHash('sha256').update(paiDer).digest('hex');
  const { vendorId, productId } = policy.matter;
  return {
    policy: { vendorId, productId, certificationDeclarationSha256: cd?.cdSha256 ?? '0'.repeat(64) },
    entry(c, status) {
      const f = factory.get(c.deviceId);
      const current = status === 'confirmed' || status === 'failed';
      return {
        vendorId,
        productId,
        paiSha256,
        factoryData:
          current && f?.state === 'written'
            ? {
                verifierSha256: f.verifierSha256,
                discriminator: f.discriminator,
                iterations: f.iterations,
                saltBytes: f.salt.length,
                certificationDeclarationSha256: f.cdSha256,
              }
            : null,
      };
    },
  };
}
