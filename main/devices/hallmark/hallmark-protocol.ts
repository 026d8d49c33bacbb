import type { KeyAlgorithm } from '../../keys/key-algorithm.js';

/**
 * The Hallmark device protocol, version 1: the numbers and names both sides share. The
 * prose is docs/device-protocol.md; a change here is a change there.
 */
export const HALLMARK_PROTOCOL_VERSION = '1';

/** The longest line either side sends, without its CRLF (the doc says 1024 with it). */
export const HM_MAX_LINE = 1022;

/** Base64 characters per chunk line (`+CSR:` and `HM+CHAIN=DATA`): 384 bytes of payload. */
export const HM_CHUNK_CHARS = 512;
export const HM_CHUNK_BYTES = (HM_CHUNK_CHARS / 4) * 3;

/** The most `+CSR:` chunks a device may send (6 KiB of CSR: RSA-4096 with room to spare). */
export const HM_MAX_CSR_CHUNKS = 16;

/** The largest chain a device must accept; a device with less storage answers TOO_LARGE. */
export const HM_MAX_CHAIN_BYTES = 8192;

/** The largest subject Name (DER) a station sends in HM+CSR. */
export const HM_MAX_SUBJECT_BYTES = 512;

/** Station nonces are 16 to 32 bytes, sent and embedded as lowercase hex. */
export const HM_NONCE_MIN_BYTES = 16;
export const HM_NONCE_MAX_BYTES = 32;

/** Key algorithm names on the wire, and ours. */
export const HM_KEY_ALGORITHMS = {
  p256: 'ecdsa-p256',
  p384: 'ecdsa-p384',
  ed25519: 'ed25519',
  rsa2048: 'rsa-2048',
} as const satisfies Record<string, KeyAlgorithm>;
export type HallmarkKeyAlgorithm = keyof typeof HM_KEY_ALGORITHMS;

export function wireAlgorithmFor(algorithm: KeyAlgorithm): HallmarkKeyAlgorithm | undefined {
  return (Object.keys(HM_KEY_ALGORITHMS) as HallmarkKeyAlgorithm[]).find((k) => HM_KEY_ALGORITHMS[k] === algorithm);
}

export const HM_PROVISIONING_STATES = ['blank', 'keyed', 'provisioned', 'locked'] as const;
export type HallmarkProvisioningState = (typeof HM_PROVISIONING_STATES)[number];

/** The codes after `ERROR ` (see the table in docs/device-protocol.md). */
export const HM_ERROR_CODES = [
  'SYNTAX',
  'LINE_TOO_LONG',
  'UNKNOWN_COMMAND',
  'UNSUPPORTED_ALG',
  'KEYGEN_FAILED',
  'NO_KEY',
  'BAD_SUBJECT',
  'BAD_NONCE',
  'SEQUENCE',
  'TOO_LARGE',
  'DIGEST',
  /** the reference agent: the chain does not certify the device's key or does not verify to the root its firmware trusts */
  'CHAIN_INVALID',
  'STORAGE',
  'NO_CHAIN',
  'LOCKED',
  /** Matter mode: HM+MATTER? or HM+LOCK before a factory record was stored; BAD_RECORD: the record is malformed */
  'NO_FACTORY_DATA',
  'BAD_RECORD',
  'INTERNAL',
] as const;
export type HallmarkErrorCode = (typeof HM_ERROR_CODES)[number];

/** The unsolicited line a device sends after it (re)started. */
export const HM_BOOT_PREFIX = '+BOOT:';

/**
 * Strict base64 (RFC 4648 §4, padded): Node's decoder skips characters it does not know,
 * which would let a corrupted payload through as a different one.
 */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

/** `key=value,key=value` as in `+IDENT:` and `+BOOT:`; undefined when malformed or a key repeats. */
export function parseKeyValues(text: string): Map<string, string> | undefined {
  const map = new Map<string, string>();
  for (const part of text.split(',')) {
    const m = /^([a-z][a-z0-9_]*)=([^,=]*)$/.exec(part);
    if (!m || map.has(m[1]!)) return undefined;
    map.set(m[1]!, m[2]!);
  }
  return map;
}

export const isLowerHex = (s: string, bytes?: number): boolean => /^(?:[0-9a-f]{2})+$/.test(s) && (bytes === undefined || s.length === bytes * 2);
