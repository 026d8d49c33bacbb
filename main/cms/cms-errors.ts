import { HallmarkError, type ErrorKind } from '../errors/hallmark-error.js';

export type CmsErrorCode = 'CMS_SIGNATURE_FAILED' | 'CMS_KEY_UNSUPPORTED';

/**
 * Errors of making a detached CMS signature. Shared by every room that signs a file
 * (manifests, ceremony transcripts), so none of them owns the codes; callers that must
 * speak their own room's codes catch and convert.
 */
export class CmsError extends HallmarkError {
  declare readonly code: CmsErrorCode;
  constructor(code: CmsErrorCode, message: string, kind: ErrorKind = 'input', details?: Record<string, unknown>) {
    super(code, message, kind, details);
    this.name = 'CmsError';
  }
}
