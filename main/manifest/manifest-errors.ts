import { HallmarkError, type ErrorKind } from '../errors/hallmark-error.js';

export type ManifestErrorCode =
  | 'MANIFEST_BATCH_OPEN'
  | 'MANIFEST_SIGNER_MISSING'
  | 'MANIFEST_SIGNER_KEY_MISMATCH'
  | 'MANIFEST_SIGNER_KEY_UNSUPPORTED'
  | 'MANIFEST_SIGNER_INVALID'
  | 'MANIFEST_CHAIN_RACE'
  | 'MANIFEST_NOT_EXPORTED'
  | 'MANIFEST_OUTPUT_EXISTS'
  | 'MANIFEST_OUTPUT_UNWRITABLE'
  | 'MANIFEST_FORMAT_UNKNOWN'
  | 'MANIFEST_UNREADABLE'
  | 'MANIFEST_TRUST_INVALID'
  | 'MANIFEST_PLAN_INVALID'
  | 'MANIFEST_SIGNATURE_FAILED'
  | 'MANIFEST_VERIFY_FAILED'
  | 'MICROCHIP_SIGNER_NOT_P256'
  | 'MICROCHIP_KEY_UNSUPPORTED';

/** Errors of the manifest room: building, signing, exporting and verifying batch manifests. */
export class ManifestError extends HallmarkError {
  declare readonly code: ManifestErrorCode;
  constructor(code: ManifestErrorCode, message: string, kind: ErrorKind = 'input', details?: Record<string, unknown>) {
    super(code, message, kind, details);
    this.name = 'ManifestError';
  }
}
