import { assertDeclarationCovers, parseCertificationDeclaration, type CertificationDeclaration } from '../matter/certification-declaration.js';
import { MatterError } from '../matter/matter-errors.js';
import { MatterFactoryRepository } from '../store/matter-factory-repository.js';
import type { Workspace } from '../store/workspace.js';
import type { ProductPolicy } from './product-policy-schema.js';

/**
 * The CD a work order is created with: a Matter policy needs one that parses as a CMS
 * SignedData and certifies the policy's VendorID and ProductID; any other policy takes
 * none. Checked before anything of the work order is written.
 */
export function checkedDeclaration(policy: ProductPolicy, der: Buffer | undefined): CertificationDeclaration | undefined {
  if (!policy.matter) {
    if (der !== undefined)
      throw new MatterError('MATTER_CD_INVALID', `product ${policy.model} is not a Matter product; it takes no Certification Declaration`, 'input');
    return undefined;
  }
  if (der === undefined) {
    throw new MatterError(
      'MATTER_CD_REQUIRED',
      `product ${policy.model} is a Matter product: give the Certification Declaration the CSA issued for it (hallmark batch create --matter-cd FILE)`,
      'input',
    );
  }
  const cd = parseCertificationDeclaration(der);
  assertDeclarationCovers(cd, policy.matter);
  return cd;
}

/** Inside the work order's creating transaction. */
export function recordDeclaration(ws: Workspace, batchId: string, cd: CertificationDeclaration): void {
  new MatterFactoryRepository(ws).insertDeclaration({
    batchId,
    cd: cd.der,
    cdSha256: cd.sha256,
    vendorId: cd.vendorId,
    productIds: cd.productIds,
    certificateId: cd.certificateId,
    createdAt: new Date().toISOString(),
  });
}
