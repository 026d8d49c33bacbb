import { HallmarkError, type ErrorKind } from '../errors/hallmark-error.js';

/**
 * Matter onboarding and factory-data codes. `MATTER_RULE` (with `details.rule`) is the
 * code every Matter requirement Hallmark checks itself is refused with; the others name
 * what is missing or broken around it.
 */
export type MatterErrorCode =
  | 'MATTER_RULE'
  /** the Certification Declaration is not a CMS SignedData carrying Matter certification elements */
  | 'MATTER_CD_INVALID'
  /** a Matter work order needs the CD the manufacturer received from the CSA */
  | 'MATTER_CD_REQUIRED'
  /** a Matter work order runs only where labels can be written (`--label-dir`) */
  | 'MATTER_LABEL_OUTPUT_REQUIRED'
  /** the label sheet could not be written; the factory data it was for is abandoned */
  | 'MATTER_LABEL_WRITE_FAILED'
  /** the device (or its driver) has no Matter mode */
  | 'MATTER_NOT_SUPPORTED'
  /** the factory data the device holds is not the record the station committed */
  | 'MATTER_READBACK_MISMATCH';

export class MatterError extends HallmarkError {
  declare readonly code: MatterErrorCode;
  constructor(code: MatterErrorCode, message: string, kind: ErrorKind = 'input', details?: Record<string, unknown>) {
    super(code, message, kind, details);
    this.name = 'MatterError';
  }
}
