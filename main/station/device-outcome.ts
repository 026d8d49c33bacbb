import { isHallmarkError } from '../errors/hallmark-error.js';
import { REMEDY } from './station-errors.js';

/** How one device's attempt on one port ended: what the tile and the result line show. */
export interface DeviceOutcome {
  readonly port: string;
  /** the hardware serial, once the device identified itself */
  readonly serial: string | null;
  readonly result: 'done' | 'refused' | 'failed';
  readonly code: string | null;
  readonly message: string | null;
  /** what the technician should do, in plain words */
  readonly remedy: string | null;
  /** hex serial of the certificate the device holds (issued now or re-sent) */
  readonly certificateSerial: string | null;
  /** the device got a certificate committed in an earlier attempt (idempotent retry) */
  readonly resent: boolean;
  /** a link fault a retry on the same port may cure */
  readonly transient: boolean;
  /** the station cannot go on (the workspace cannot be written, or the CA key cannot sign) */
  readonly fatal: boolean;
}

/** Policy decisions about the device itself: retrying will not change them. */
export const REFUSAL_CODES: ReadonlySet<string> = new Set([
  'MODEL_MISMATCH',
  'PROTOCOL_MISMATCH',
  'SERIAL_FORMAT',
  'NOT_IN_PLAN',
  'PLANNED_IN_OTHER_BATCH',
  'ALREADY_PROVISIONED',
  'SERIAL_IN_PROGRESS',
  'QUOTA_REACHED',
  'BATCH_CLOSED',
  'DUPLICATE_KEY',
  'REWORK_REQUIRED',
  'KEY_ALGORITHM_NOT_ALLOWED',
  'CSR_ALLOWANCE_REQUIRED',
  'DEVICE_LOCKED',
  'LINT_SUBJECT_SERIAL_MISSING',
  'LINT_CN_NOT_UNIQUE',
  'MATTER_NOT_SUPPORTED',
]);

/** Link faults that the simulator (and real lines) show once: worth another attempt from identify. */
export const TRANSIENT_CODES: ReadonlySet<string> = new Set(['LINK_TIMEOUT', 'LINK_GARBAGE', 'LINK_LINE_TOO_LONG', 'DEVICE_RESET']);

/** The station cannot go on: nothing more can be recorded, or nothing more can be signed. */
export const FATAL_CODES: ReadonlySet<string> = new Set(['STORE_WRITE_FAILED', 'CA_KEY_UNAVAILABLE']);

export function failureOutcome(port: string, serial: string | null, e: unknown): DeviceOutcome {
  const code = isHallmarkError(e) ? e.code : 'INTERNAL';
  const message = (e as Error)?.message ?? String(e);
  return {
    port,
    serial,
    result: REFUSAL_CODES.has(code) ? 'refused' : 'failed',
    code,
    message,
    remedy: REMEDY[code] ?? null,
    certificateSerial: null,
    resent: false,
    transient: TRANSIENT_CODES.has(code),
    fatal: FATAL_CODES.has(code),
  };
}
