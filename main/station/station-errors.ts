import { ERROR_CATALOGUE } from '../errors/error-catalogue.js';
import { HallmarkError, type ErrorKind } from '../errors/hallmark-error.js';

/**
 * The station's own codes. Refusals of a device (the technician sees the code and the
 * message on the port tile) are 'check'; bad policy, plan or batch input is 'input'.
 */
export type StationErrorCode =
  // product policy and plan
  | 'POLICY_INVALID'
  | 'PLAN_INVALID'
  // work orders
  | 'BATCH_NOT_FOUND'
  | 'BATCH_EXISTS'
  | 'BATCH_CLOSED'
  | 'BATCH_ID_INVALID'
  | 'QUANTITY_EXCEEDS_PLAN'
  // refusals of one device
  | 'MODEL_MISMATCH'
  | 'PROTOCOL_MISMATCH'
  | 'SERIAL_FORMAT'
  | 'NOT_IN_PLAN'
  | 'PLANNED_IN_OTHER_BATCH'
  | 'ALREADY_PROVISIONED'
  | 'SERIAL_IN_PROGRESS'
  | 'QUOTA_REACHED'
  | 'NONCE_MISMATCH'
  | 'CSR_INVALID'
  /** the CSR has a deviation (csr-allowances.ts) the product policy does not accept; details.allowance names it */
  | 'CSR_ALLOWANCE_REQUIRED'
  | 'KEY_ALGORITHM_NOT_ALLOWED'
  | 'DUPLICATE_KEY'
  | 'REWORK_REQUIRED'
  | 'DEVICE_LOCKED'
  | 'LINT_SUBJECT_SERIAL_MISSING'
  | 'LINT_CN_NOT_UNIQUE'
  // the station itself
  | 'STATION_STOPPED'
  | 'STORE_WRITE_FAILED'
  | 'ISSUANCE_FAILED'
  | 'CA_KEY_UNAVAILABLE'
  | 'STATION_INCOMPLETE'
  /** auto mode: the policy names no fixture USB ids and no port pattern was given */
  | 'FIXTURE_NOT_DEFINED'
  // rework
  | 'REWORK_NOT_POSSIBLE'
  | 'REWORK_REASON_INVALID'
  | 'REWORK_NOT_ALLOWED';

export class StationError extends HallmarkError {
  declare readonly code: StationErrorCode;
  constructor(code: StationErrorCode, message: string, kind: ErrorKind = 'check', details?: Record<string, unknown>) {
    super(code, message, kind, details);
    this.name = 'StationError';
  }
}

/**
 * What a technician should do, in plain words (the UI's second line): the catalogue's
 * remedy (main/errors/error-catalogue.ts), so the wording exists once.
 */
export const REMEDY: Partial<Record<string, string>> = Object.fromEntries(Object.entries(ERROR_CATALOGUE).map(([code, e]) => [code, e.remedy]));
