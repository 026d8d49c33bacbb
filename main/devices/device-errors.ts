import { HallmarkError } from '../errors/hallmark-error.js';

/** Link-level faults (the port) and device-level faults (what the device said). */
export type DeviceErrorCode =
  | 'LINK_TIMEOUT'
  | 'LINK_CLOSED'
  | 'LINK_LINE_TOO_LONG'
  | 'LINK_GARBAGE'
  | 'LINK_OPEN_FAILED'
  | 'DEVICE_ERROR_RESPONSE'
  | 'DEVICE_UNEXPECTED_RESPONSE'
  | 'DEVICE_PROTOCOL_UNSUPPORTED'
  | 'DEVICE_BAD_PAYLOAD'
  | 'DEVICE_CSR_INVALID'
  | 'DEVICE_NONCE_MISMATCH'
  | 'DEVICE_ATTESTATION_INVALID'
  | 'DEVICE_READBACK_MISMATCH'
  | 'DEVICE_CHAIN_TOO_LARGE'
  /** the device announced a restart in the middle of an exchange */
  | 'DEVICE_RESET'
  | 'DEVICE_UNKNOWN';

export class DeviceError extends HallmarkError {
  declare readonly code: DeviceErrorCode;
  constructor(code: DeviceErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, 'check', details);
    this.name = 'DeviceError';
  }
}
