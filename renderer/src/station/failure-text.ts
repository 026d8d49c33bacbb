/**
 * The station's error codes in a technician's words: what happened to the device on this
 * port, and what to do with it now. Pure, so every code is unit-tested; a code not listed
 * falls back to the core's own remedy and message, never to nothing.
 */
export interface FailureText {
  /** what happened, in plain words */
  readonly reason: string;
  /** what to do next */
  readonly action: string;
}

const SEND_TO_REPAIR = 'Put the device in the repair tray with its port tag.';
const RESEAT = 'Re-seat the device in its fixture and start the port again.';

export const FAILURE_TEXT: Readonly<Record<string, FailureText>> = {
  // refusals: decisions about this device
  NOT_IN_PLAN: { reason: 'This serial number is not in the work order.', action: 'Set the device aside and check its label against the plan.' },
  PLANNED_IN_OTHER_BATCH: { reason: 'This device belongs to another work order.', action: 'Set it aside and run it with its own work order.' },
  ALREADY_PROVISIONED: { reason: 'This device already has its certificate.', action: 'Take it off the fixture. If it came back for repair, ask the supervisor for a rework.' },
  SERIAL_IN_PROGRESS: { reason: 'Another port is working on a device with the same serial number.', action: 'Set this device aside and check both labels.' },
  QUOTA_REACHED: { reason: 'The work order has used up its quantity.', action: 'Take the device off. The supervisor closes this work order or opens a new one.' },
  BATCH_CLOSED: { reason: 'The work order is closed.', action: 'Pick an open work order before starting.' },
  MODEL_MISMATCH: { reason: 'Wrong product on this fixture.', action: 'Check that the devices match the work order’s product.' },
  PROTOCOL_MISMATCH: { reason: 'The device speaks a different protocol than this product.', action: 'Check that the devices match the work order’s product.' },
  SERIAL_FORMAT: { reason: 'The device reports a serial number in the wrong format.', action: 'Its firmware is wrong: send it to be re-flashed.' },
  DUPLICATE_KEY: { reason: 'Its key is the same as another device’s (cloned or bad secure element).', action: 'Quarantine the device and tell QA at once. Do not retry.' },
  REWORK_REQUIRED: { reason: 'The device made a new key but already holds a certificate.', action: 'Set it aside; a supervisor must approve a rework first.' },
  KEY_ALGORITHM_NOT_ALLOWED: { reason: 'The device made a key type this product does not allow.', action: 'Its firmware is wrong: send it to be re-flashed.' },
  DEVICE_LOCKED: { reason: 'The device is locked with an identity this station did not confirm.', action: 'Set it aside and send it to QA.' },
  LINT_SUBJECT_SERIAL_MISSING: { reason: 'The certificate would lack the serial number the cloud needs.', action: 'Stop and call the supervisor: the product policy needs fixing.' },
  LINT_CN_NOT_UNIQUE: { reason: 'Another certificate already has this device’s name.', action: 'Set the device aside and tell QA.' },
  NONCE_MISMATCH: { reason: 'The device answered with an old request.', action: 'Power-cycle the device and start the port again.' },
  CSR_INVALID: { reason: 'The device sent a broken certificate request.', action: SEND_TO_REPAIR },
  CSR_ALLOWANCE_REQUIRED: {
    reason: 'This product’s firmware writes its certificate requests in a way the product policy does not accept.',
    action: 'Stop this product and call the product engineer: the message names the allowance the policy would need.',
  },
  // device and link faults
  DEVICE_CSR_INVALID: { reason: 'The device’s certificate request has a bad signature.', action: SEND_TO_REPAIR },
  DEVICE_NONCE_MISMATCH: { reason: 'The device answered with an old request.', action: 'Power-cycle the device and start the port again.' },
  DEVICE_READBACK_MISMATCH: { reason: 'The device stored a different certificate than it was sent.', action: SEND_TO_REPAIR },
  DEVICE_ATTESTATION_INVALID: { reason: 'The device could not prove its key was made inside it.', action: 'Quarantine the device and tell QA.' },
  DEVICE_CHAIN_TOO_LARGE: { reason: 'The device has no room for the certificates.', action: SEND_TO_REPAIR },
  DEVICE_ERROR_RESPONSE: { reason: 'The device refused a step.', action: 'Power-cycle the device and start the port again; if it repeats, send it to repair.' },
  DEVICE_UNEXPECTED_RESPONSE: { reason: 'The device gave an answer that makes no sense.', action: 'Power-cycle the device and start the port again; if it repeats, send it to repair.' },
  DEVICE_BAD_PAYLOAD: { reason: 'The device sent damaged data.', action: 'Power-cycle the device and start the port again; if it repeats, send it to repair.' },
  DEVICE_PROTOCOL_UNSUPPORTED: { reason: 'The device’s firmware is too old or too new for this station.', action: 'Send it to be re-flashed.' },
  DEVICE_RESET: { reason: 'The device restarted in the middle.', action: RESEAT },
  DEVICE_UNKNOWN: { reason: 'Something unknown answered on this port.', action: 'Check what is plugged into this port.' },
  LINK_TIMEOUT: { reason: 'The device stopped answering.', action: RESEAT },
  LINK_CLOSED: { reason: 'The device was disconnected.', action: RESEAT },
  LINK_GARBAGE: { reason: 'The cable or port gave garbled data.', action: 'Check the cable and the fixture contacts, then start the port again.' },
  LINK_LINE_TOO_LONG: { reason: 'The cable or port gave garbled data.', action: 'Check the cable and the fixture contacts, then start the port again.' },
  LINK_OPEN_FAILED: { reason: 'The station could not open this port.', action: 'Check that the fixture is plugged in, then pick the port again.' },
  // Matter work orders
  MATTER_NOT_SUPPORTED: { reason: 'This device’s firmware has no Matter mode, and this is a Matter work order.', action: 'Flash the Matter firmware, then run the device again.' },
  MATTER_READBACK_MISMATCH: { reason: 'The device stored other Matter factory data than it was sent.', action: SEND_TO_REPAIR },
  MATTER_LABEL_WRITE_FAILED: { reason: 'The station could not write this device’s Matter label sheet.', action: 'Check the label output folder, then run the device again (it gets fresh factory data).' },
  // the station itself
  STATION_STOPPED: { reason: 'The station was stopped before this device got its certificate.', action: 'Leave the device in place and start again.' },
  STORE_WRITE_FAILED: { reason: 'The station could not save its records.', action: 'Stop the line and call the supervisor: the disk may be full.' },
  ISSUANCE_FAILED: { reason: 'The certificate could not be made.', action: 'Stop and call the supervisor.' },
  CA_KEY_UNAVAILABLE: { reason: 'The CA token stopped signing (removed or failed).', action: 'Stop the line, re-seat the CA token and start the station again.' },
  PKCS11_ERROR: { reason: 'The CA token stopped working.', action: 'Stop the line and call the supervisor: check the token.' },
  KEY_CLOSED: { reason: 'The CA key was closed.', action: 'Start the station again.' },
  INTERNAL: { reason: 'The station hit an unexpected problem.', action: 'Call the supervisor; the application log has the details.' },
};

/**
 * The plain words for a tile. `remedy` and `message` are the core's own (used when the
 * code is one this table does not know yet).
 */
export function failureText(code: string | null, core: { message?: string | null; remedy?: string | null } = {}): FailureText {
  const known = code === null ? undefined : FAILURE_TEXT[code];
  if (known) return known;
  return {
    reason: firstSentence(core.message) ?? 'The device did not finish.',
    action: core.remedy ?? 'Start the port again; if it repeats, call the supervisor.',
  };
}

function firstSentence(text: string | null | undefined): string | null {
  if (text === null || text === undefined || text.trim() === '') return null;
  const s = text.trim();
  const short = s.length > 160 ? `${s.slice(0, 157)}…` : s;
  return short.charAt(0).toUpperCase() + short.slice(1);
}
