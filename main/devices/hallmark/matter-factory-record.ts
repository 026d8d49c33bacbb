import { createHash } from 'node:crypto';

/**
 * The Matter factory record the station writes with `HM+MATTER=…` (docs/device-protocol.md
 * §8): one binary blob, big-endian, that the device stores whole and atomically.
 *
 *   "HMF1"  passcode u32  discriminator u16  iterations u32
 *   saltLen u8  salt (16–32)  verifier (97: w0 ‖ L)
 *   uidLen u8  rotating-ID unique ID (16–32)  cdLen u16  Certification Declaration (1–2048)
 *
 * The passcode travels to the device (it needs it for its onboarding payload) and is
 * nowhere recorded by the station.
 */
export interface MatterFactoryRecord {
  readonly passcode: number;
  readonly discriminator: number;
  readonly iterations: number;
  readonly salt: Buffer;
  readonly verifier: Buffer;
  readonly rotatingIdUniqueId: Buffer;
  readonly certificationDeclaration: Buffer;
}

export const MATTER_RECORD_MAGIC = 'HMF1';
export const MATTER_VERIFIER_BYTES = 97;
export const MATTER_MAX_CD_BYTES = 2048;
/** the largest record: header, 32-byte salt and unique ID, a 2 KiB CD */
export const MATTER_MAX_RECORD_BYTES = 4 + 4 + 2 + 4 + 1 + 32 + MATTER_VERIFIER_BYTES + 1 + 32 + 2 + MATTER_MAX_CD_BYTES;

/** What `HM+MATTER?` reports: the SHA-256 of the stored record and of the verifier in it. */
export interface MatterReadback {
  readonly recordSha256: string;
  readonly verifierSha256: string;
}

export function encodeMatterRecord(r: MatterFactoryRecord): Buffer {
  if (r.verifier.length !== MATTER_VERIFIER_BYTES) throw new RangeError('the verifier is 97 bytes');
  if (r.certificationDeclaration.length < 1 || r.certificationDeclaration.length > MATTER_MAX_CD_BYTES) throw new RangeError('the CD is 1–2048 bytes');
  const head = Buffer.alloc(14);
  head.write(MATTER_RECORD_MAGIC, 0, 'latin1');
  head.writeUInt32BE(r.passcode, 4);
  head.writeUInt16BE(r.discriminator, 8);
  head.writeUInt32BE(r.iterations, 10);
  const cdLen = Buffer.alloc(2);
  cdLen.writeUInt16BE(r.certificationDeclaration.length);
  return Buffer.concat([
    head,
    Buffer.of(r.salt.length),
    r.salt,
    r.verifier,
    Buffer.of(r.rotatingIdUniqueId.length),
    r.rotatingIdUniqueId,
    cdLen,
    r.certificationDeclaration,
  ]);
}

/** The record's fields, or undefined when `b` is not exactly one well-formed record (what a device checks). */
export function decodeMatterRecord(b: Buffer): MatterFactoryRecord | undefined {
  if (b.length < 14 || b.toString('latin1', 0, 4) !== MATTER_RECORD_MAGIC) return undefined;
  let at = 14;
  const saltLen = b[at++];
  if (saltLen === undefined || saltLen < 16 || saltLen > 32) return undefined;
  const salt = b.subarray(at, (at += saltLen));
  const verifier = b.subarray(at, (at += MATTER_VERIFIER_BYTES));
  const uidLen = b[at++];
  if (uidLen === undefined || uidLen < 16 || uidLen > 32) return undefined;
  const uid = b.subarray(at, (at += uidLen));
  if (at + 2 > b.length) return undefined;
  const cdLen = b.readUInt16BE(at);
  at += 2;
  if (cdLen < 1 || cdLen > MATTER_MAX_CD_BYTES || at + cdLen !== b.length) return undefined;
  const passcode = b.readUInt32BE(4);
  const discriminator = b.readUInt16BE(8);
  const iterations = b.readUInt32BE(10);
  if (passcode < 1 || passcode > 99_999_998 || discriminator > 0xfff || iterations < 1000 || iterations > 100_000 || verifier.length !== MATTER_VERIFIER_BYTES)
    return undefined;
  return {
    passcode,
    discriminator,
    iterations,
    salt: Buffer.from(salt),
    verifier: Buffer.from(verifier),
    rotatingIdUniqueId: Buffer.from(uid),
    certificationDeclaration: Buffer.from(b.subarray(at, at + cdLen)),
  };
}

export const sha256Hex = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
