import { DeviceError } from '../device-errors.js';
import { preview } from './keygen-response.js';

/** %CMNG credential types the station writes (nRF91 AT command reference). */
export const CMNG_TYPE = { caChain: 0, clientCertificate: 1, clientPrivateKey: 2 } as const;
export type CmngType = (typeof CMNG_TYPE)[keyof typeof CMNG_TYPE];

export interface CmngEntry {
  readonly secTag: number;
  readonly type: number;
  /** uppercase hex SHA-256 of the stored content, as the modem prints it */
  readonly sha256: string;
}

/**
 * Reads one line of `AT%CMNG=1,<sec_tag>,<type>` (list):
 * `%CMNG: <sec_tag>,<type>,"<SHA-256 uppercase hex>"` — no spaces, as modems print it
 * (modem_key_mgmt's tests and Nordic's installer logs). Lowercase hex is refused: the
 * modem never prints it, so it would be a sign of something else answering.
 */
export function parseCmngListLine(line: string): CmngEntry {
  const m = /^%CMNG: (0|[1-9][0-9]{0,9}),([0-9]{1,2}),"([0-9A-F]{64})"$/.exec(line);
  if (!m) throw new DeviceError('DEVICE_UNEXPECTED_RESPONSE', `expected %CMNG: <sec_tag>,<type>,"<SHA-256>", got ${preview(line)}`);
  return { secTag: Number(m[1]), type: Number(m[2]), sha256: m[3]! };
}
