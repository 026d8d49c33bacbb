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

/** What a technician should do about a refusal, in plain words (the UI's second line). */
export const REMEDY: Partial<Record<string, string>> = {
  NOT_IN_PLAN: 'Set the device aside: its serial is not in this work order. Check the label and the plan.',
  PLANNED_IN_OTHER_BATCH: 'The serial belongs to another work order; run it there.',
  ALREADY_PROVISIONED: 'This device already has its certificate. If it came back for repair, ask for a rework.',
  SERIAL_IN_PROGRESS: 'Set this device aside: another port is provisioning a device with the same serial. Check both labels and the serial programming.',
  QUOTA_REACHED: 'The work order has issued all its certificates. Close it or start a new one.',
  DUPLICATE_KEY: 'Quarantine the device: its key was already seen on another device (bad RNG or cloned secure element).',
  REWORK_REQUIRED: 'The device made a new key but already has a certificate. An operator must approve a rework.',
  MODEL_MISMATCH: 'Wrong product on this fixture: check the work order.',
  SERIAL_FORMAT: 'The device reports a serial that is not in the product format: check its firmware.',
  KEY_ALGORITHM_NOT_ALLOWED: 'The device made a key type the product policy does not allow.',
  CSR_ALLOWANCE_REQUIRED: 'Stop this product: its firmware writes requests the product policy does not accept. The product engineer decides whether to add the named allowance to csrAllowances.',
  LINK_CLOSED: 'The device disconnected. Re-seat it and run the port again.',
  LINK_TIMEOUT: 'The device stopped answering. Re-seat it and run the port again.',
  DEVICE_READBACK_MISMATCH: 'The device stored something else than was written: send it to repair.',
  DEVICE_NONCE_MISMATCH: 'The device answered with an old request: power-cycle it and retry.',
  DEVICE_CSR_INVALID: 'The device produced an invalid request: send it to repair.',
  DEVICE_LOCKED: 'The device is locked with an identity this station did not confirm: send it to QA.',
  STORE_WRITE_FAILED: 'The station could not record: stop the line and check the disk.',
  MATTER_NOT_SUPPORTED: 'Wrong firmware for this work order: the device has no Matter mode. Flash the Matter firmware and run it again.',
  MATTER_READBACK_MISMATCH: 'The device stored other factory data than was written: send it to repair.',
  MATTER_LABEL_WRITE_FAILED: 'The label sheet could not be written: check the label output folder, then run the device again (it gets fresh factory data).',
  CA_KEY_UNAVAILABLE: 'The CA token cannot sign (removed or failed): stop the line, re-seat the token and start the station again.',
};
