import { createHash, randomBytes } from 'node:crypto';
import { manualPairingCode, qrCodeText } from './onboarding-payload.js';
import { assertValidDiscriminator, assertValidPasscode, generateDiscriminator, generatePasscode } from './setup-passcode.js';
import { PBKDF_MAX_ITERATIONS, PBKDF_MAX_SALT, PBKDF_MIN_ITERATIONS, PBKDF_MIN_SALT, spake2pVerifier } from './spake2p-verifier.js';
import { MatterError } from './matter-errors.js';

/** The rotating device ID unique ID: at least 16 bytes (Matter Core spec §5.4.2.4.5); Hallmark draws 32. */
export const ROTATING_ID_BYTES = 32;

/** What the station records of one device's factory data: everything but the passcode. */
export interface RecordedFactoryData {
  readonly discriminator: number;
  readonly iterations: number;
  readonly salt: Buffer;
  /** w0 ‖ L, 97 bytes */
  readonly verifier: Buffer;
  readonly verifierSha256: string;
  readonly rotatingIdUniqueId: Buffer;
}

/**
 * One device's factory data as it exists in memory between generation and the device
 * write. The passcode is here and nowhere else: the station's records take
 * `recorded()`, the device and the label sheet take the whole.
 */
export interface FactoryData extends RecordedFactoryData {
  readonly passcode: number;
  /** `MT:` + Base38 */
  readonly qrText: string;
  readonly manualCode: string;
}

export interface FactoryDataRequest {
  readonly vendorId: string;
  readonly productId: string;
  /** PBKDF2 iterations, 1,000–100,000 (default 10,000) */
  readonly iterations?: number;
  /** salt bytes, 16–32 (default 32) */
  readonly saltBytes?: number;
  /** a passcode the operator supplies instead of a generated one; refused by name if Matter forbids it */
  readonly passcode?: number;
  readonly discriminator?: number;
}

/**
 * Generates one device's factory data: a setup passcode and a 12-bit discriminator from
 * the CSPRNG (unless supplied, then checked), a fresh random salt and the SPAKE2+
 * verifier, the onboarding payload (QR text, manual code) and a rotating-ID unique ID.
 */
export function generateFactoryData(req: FactoryDataRequest): FactoryData {
  const iterations = req.iterations ?? 10_000;
  const saltBytes = req.saltBytes ?? PBKDF_MAX_SALT;
  if (!Number.isInteger(saltBytes) || saltBytes < PBKDF_MIN_SALT || saltBytes > PBKDF_MAX_SALT) {
    throw new MatterError('MATTER_RULE', `[matter.spake2p-salt] the salt must be ${PBKDF_MIN_SALT}–${PBKDF_MAX_SALT} bytes, got ${saltBytes}`, 'input', {
      rule: 'matter.spake2p-salt',
    });
  }
  if (!Number.isInteger(iterations) || iterations < PBKDF_MIN_ITERATIONS || iterations > PBKDF_MAX_ITERATIONS) {
    throw new MatterError(
      'MATTER_RULE',
      `[matter.spake2p-iterations] PBKDF2 iterations must be ${PBKDF_MIN_ITERATIONS}–${PBKDF_MAX_ITERATIONS}, got ${iterations}`,
      'input',
      { rule: 'matter.spake2p-iterations' },
    );
  }
  if (req.passcode !== undefined) assertValidPasscode(req.passcode);
  if (req.discriminator !== undefined) assertValidDiscriminator(req.discriminator);
  const passcode = req.passcode ?? generatePasscode();
  const discriminator = req.discriminator ?? generateDiscriminator();
  const { salt, verifier } = spake2pVerifier(passcode, randomBytes(saltBytes), iterations);
  return {
    passcode,
    discriminator,
    iterations,
    salt,
    verifier,
    verifierSha256: createHash('sha256').update(verifier).digest('hex'),
    rotatingIdUniqueId: randomBytes(ROTATING_ID_BYTES),
    qrText: qrCodeText({ vendorId: req.vendorId, productId: req.productId, discriminator, passcode }),
    manualCode: manualPairingCode({ discriminator, passcode }),
  };
}

/** The part of the factory data that may be recorded: no passcode, no onboarding codes (they encode it). */
export function recordedPart(f: FactoryData): RecordedFactoryData {
  return {
    discriminator: f.discriminator,
    iterations: f.iterations,
    salt: f.salt,
    verifier: f.verifier,
    verifierSha256: f.verifierSha256,
    rotatingIdUniqueId: f.rotatingIdUniqueId,
  };
}
