import { createPublicKey, type KeyObject } from 'node:crypto';
import type { SigningKey } from '../../keys/signing-key.js';
import type { CertificateFacts } from '../certificate-facts.js';
import { parseTbsFast } from '../certificate-facts-fast.js';
import type { ProfileName } from '../certificate-template.js';
import type { PublicKeyInfo } from '../csr/parsed-csr.js';
import { contextTag, octetString, sequence, smallInteger, unsignedInteger } from '../der/der-writer.js';
import { keyIdentifier } from '../extensions/key-identifier.js';
import type { HardwareModuleName } from '../extensions/subject-alt-name.js';
import type { LintSkip } from '../lint/lint-certificate.js';
import type { LintContext } from '../lint/lint-types.js';
import { OID } from '../oids.js';
import { crlSignerExtensions, intermediateCaExtensions, manifestSignerExtensions, type IntermediateOptions } from '../profiles/ca-profiles.js';
import { idevidExtensions, type IdevidOptions } from '../profiles/idevid-profile.js';
import { matterDacExtensions, matterPaiExtensions } from '../profiles/matter-profiles.js';
import { randomSerialNumber } from '../serial-number.js';
import { signAndCheck, type SignedCertificate, type TbsReviewer } from '../sign-and-check.js';
import { signatureAlgorithmFor } from '../signature-algorithm.js';
import { encodeValidity } from '../validity.js';
import { X509Error } from '../x509-errors.js';
import { cachedOid, encodeExtensionCached, hardwareModuleNameSan, planExtensions, type ExtensionPlan, type ProfileExtensions } from './extension-plan.js';

export type IssuedProfile = Exclude<ProfileName, 'root' | 'matter-paa' | 'audit-signer' | 'revocation-requester'>;

/** IdevidOptions without the per-device part. */
export type IdevidProfileOptions = Omit<IdevidOptions, 'hardwareModuleName'>;

export interface IssuerSetup {
  /** the issuing CA's certificate */
  readonly issuer: CertificateFacts;
  /** the CA's unlocked key */
  readonly signer: SigningKey;
  readonly profile: IssuedProfile;
  readonly idevid?: IdevidProfileOptions;
  readonly intermediate?: IntermediateOptions;
  readonly skipLints?: readonly LintSkip[];
  readonly maxValidityDays?: number;
  /** the issuer's own issuers up to the root (loadCa's chain after the first): Matter's chain lints read them */
  readonly issuerParents?: readonly CertificateFacts[];
}

export interface IssueRequest {
  /** the subject key as parseCsr (checkPublicKey) accepted it */
  readonly subjectKey: PublicKeyInfo;
  /** DER Name */
  readonly subjectName: Buffer;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** the device's hardwareModuleName (IDevID only) */
  readonly hardwareModuleName?: HardwareModuleName | undefined;
  /** default: a fresh random serial */
  readonly serial?: Buffer;
  /** approval of the linted TBS before the signature (a ceremony's review step) */
  readonly review?: TbsReviewer;
}

export interface PreparedIssuer {
  readonly profile: IssuedProfile;
  /** Encodes, lints, signs, verifies and re-checks one certificate; nothing is recorded. */
  issue(req: IssueRequest): Promise<SignedCertificate>;
}

const VERSION_V3 = contextTag(0, smallInteger(2), true);

/**
 * An issuer for many certificates under one CA and profile (the station's batches, and
 * issueFromCsr one at a time). Everything that does not depend on the device is encoded
 * once: signature AlgorithmIdentifier, issuer Name, the constant extensions (basic
 * constraints, key usage, AKI, MASA URL, product extensions), the lint context and the
 * CA's public KeyObject for self-verification. Per certificate only serial, validity,
 * subject, SPKI, SKI and SAN are encoded; then it runs the same careful sequence as
 * signCertificate: facts read back by the strict reader, every lint, sign, verify,
 * read back, lint again.
 */
export function prepareIssuer(setup: IssuerSetup): PreparedIssuer {
  const plan = planExtensions(profileExtensions(setup));
  const signer = setup.signer;
  if (!setup.issuer.spki.equals(signer.spki)) {
    throw new X509Error('SIGNATURE_MISMATCH', `key "${signer.label}" is not the issuing CA's key`);
  }
  const signatureAlgorithmDer = signatureAlgorithmFor(signer.algorithm).der;
  const verifyKey: KeyObject = createPublicKey({ key: signer.spki, format: 'der', type: 'spki' });
  const afterSerial = Buffer.concat([signatureAlgorithmDer, setup.issuer.subjectDer]);
  const lintContext: LintContext = {
    profile: setup.profile,
    issuer: setup.issuer,
    signerAlgorithm: signer.algorithm,
    ...(setup.maxValidityDays !== undefined ? { maxValidityDays: setup.maxValidityDays } : {}),
    ...(setup.issuerParents ? { issuerParents: setup.issuerParents } : {}),
  };
  const validity = lastValidityMemo();

  return {
    profile: setup.profile,
    async issue(req: IssueRequest): Promise<SignedCertificate> {
      if (setup.profile === 'idevid' && req.hardwareModuleName === undefined) {
        throw new X509Error('PROFILE_INVALID', 'the idevid profile needs hardwareModuleName options (hwType, hwSerialNum)');
      }
      if (setup.profile !== 'idevid' && req.hardwareModuleName !== undefined) {
        throw new X509Error('PROFILE_INVALID', `a hardwareModuleName is for the idevid profile, not ${setup.profile}`);
      }
      const spki = req.subjectKey.spki;
      const tbs = sequence(
        VERSION_V3,
        unsignedInteger(req.serial ?? randomSerialNumber()),
        afterSerial,
        validity(req.notBefore, req.notAfter),
        req.subjectName,
        spki,
        contextTag(3, sequence(...encodeExtensions(plan, spki, req.hardwareModuleName)), true),
      );
      return signAndCheck({
        tbs,
        facts: parseTbsFast(tbs),
        signatureAlgorithmDer,
        signer,
        verifyKey,
        lintContext: { ...lintContext, subjectKey: req.subjectKey },
        skipLints: setup.skipLints,
        review: req.review,
      });
    },
  };
}

function profileExtensions(setup: IssuerSetup): ProfileExtensions {
  const issuerSpki = setup.issuer.spki;
  switch (setup.profile) {
    case 'idevid': {
      const options = setup.idevid ?? {};
      return (spki, hardwareModuleName) => idevidExtensions(spki, issuerSpki, { ...options, hardwareModuleName });
    }
    case 'intermediate':
      return (spki) => intermediateCaExtensions(spki, issuerSpki, setup.intermediate ?? {});
    case 'manifest-signer':
      return (spki) => manifestSignerExtensions(spki, issuerSpki);
    case 'crl-signer':
      return (spki) => crlSignerExtensions(spki, issuerSpki);
    case 'matter-pai':
      return (spki) => matterPaiExtensions(spki, issuerSpki);
    case 'matter-dac':
      return (spki) => matterDacExtensions(spki, issuerSpki);
  }
}

function encodeExtensions(plan: ExtensionPlan, spki: Buffer, hardwareModuleName: HardwareModuleName | undefined): Buffer[] {
  return plan.parts.map((part) => {
    if (typeof part !== 'string') return part;
    if (part === 'subjectKeyIdentifier') return sequence(cachedOid(OID.subjectKeyIdentifier), octetString(octetString(keyIdentifier(spki))));
    return encodeExtensionCached(hardwareModuleNameSan(hardwareModuleName!, plan.sanCritical));
  });
}

/** A batch issues many certificates within the same second: encode each validity once. */
function lastValidityMemo(): (notBefore: Date, notAfter: Date) => Buffer {
  let last: { notBefore: number; notAfter: number; der: Buffer } | undefined;
  return (notBefore, notAfter) => {
    if (last?.notBefore !== notBefore.getTime() || last.notAfter !== notAfter.getTime()) {
      last = { notBefore: notBefore.getTime(), notAfter: notAfter.getTime(), der: encodeValidity(notBefore, notAfter) };
    }
    return last.der;
  };
}
