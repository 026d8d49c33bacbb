import type { SigningKey } from '../keys/signing-key.js';
import type { Workspace } from '../store/workspace.js';
import type { CertificateRow } from '../store/certificate-repository.js';
import type { ParsedCsr } from '../x509/csr/parsed-csr.js';
import { encodeName, formatName, type NameAttribute } from '../x509/distinguished-name.js';
import type { ProfileName } from '../x509/certificate-template.js';
import { crlSignerExtensions, intermediateCaExtensions, manifestSignerExtensions, type IntermediateOptions } from '../x509/profiles/ca-profiles.js';
import { idevidExtensions, type IdevidOptions } from '../x509/profiles/idevid-profile.js';
import type { LintSkip } from '../x509/lint/lint-certificate.js';
import { randomSerialNumber } from '../x509/serial-number.js';
import { signCertificate, type SignedCertificate } from '../x509/sign-certificate.js';
import { NO_WELL_DEFINED_EXPIRATION, wholeSeconds } from '../x509/validity.js';
import { X509Error } from '../x509/x509-errors.js';
import { loadCa } from './certificate-authority.js';
import { recordIssued } from './record-issued.js';

const DAY = 86_400_000;

export type IssuedProfile = Exclude<ProfileName, 'root'>;

export interface IssueFromCsrRequest {
  readonly ca: string;
  readonly caKey: SigningKey;
  readonly csr: ParsedCsr;
  readonly profile: IssuedProfile;
  /**
   * The subject the certificate carries. The CSR's own subject is a request only: it is
   * used when no subject is given (manual, lab issuance), never by the station.
   */
  readonly subject?: readonly NameAttribute[];
  /** days of validity, or 'no-expiration' for 802.1AR's 99991231235959Z (IDevID only) */
  readonly validity: number | 'no-expiration';
  readonly notBefore?: Date;
  readonly idevid?: IdevidOptions;
  readonly intermediate?: IntermediateOptions;
  readonly skipLints?: readonly LintSkip[];
  readonly actor: string;
}

export interface IssuedCertificate {
  readonly signed: SignedCertificate;
  readonly row: CertificateRow;
}

/** Signs a certificate for a checked CSR under one of the workspace's CAs and commits it before returning. */
export async function issueFromCsr(ws: Workspace, req: IssueFromCsrRequest): Promise<IssuedCertificate> {
  const ca = loadCa(ws, req.ca);
  const issuerSpki = ca.certificate.spki;
  const spki = req.csr.publicKey.spki;
  const extensions = (() => {
    switch (req.profile) {
      case 'idevid':
        if (!req.idevid) throw new X509Error('PROFILE_INVALID', 'the idevid profile needs hardwareModuleName options (hwType, hwSerialNum)');
        return idevidExtensions(spki, issuerSpki, req.idevid);
      case 'intermediate':
        return intermediateCaExtensions(spki, issuerSpki, req.intermediate ?? {});
      case 'manifest-signer':
        return manifestSignerExtensions(spki, issuerSpki);
      case 'crl-signer':
        return crlSignerExtensions(spki, issuerSpki);
    }
  })();
  if (req.validity === 'no-expiration' && req.profile !== 'idevid') {
    throw new X509Error('VALIDITY_INVALID', '"no well-defined expiration" is for IDevID certificates only');
  }
  if (req.validity !== 'no-expiration' && (!Number.isInteger(req.validity) || req.validity < 1)) {
    throw new X509Error('VALIDITY_INVALID', 'validity must be a whole number of days, at least 1');
  }
  const notBefore = wholeSeconds(req.notBefore ?? new Date());
  const notAfter = req.validity === 'no-expiration' ? NO_WELL_DEFINED_EXPIRATION : new Date(notBefore.getTime() + req.validity * DAY);
  const subjectName = req.subject ? encodeName(req.subject) : req.csr.subjectDer;
  const signed = await signCertificate({
    template: {
      profile: req.profile,
      serial: randomSerialNumber(),
      issuerName: ca.certificate.subjectDer,
      subjectName,
      notBefore,
      notAfter,
      subjectSpki: spki,
      extensions,
    },
    signer: req.caKey,
    issuer: ca.certificate,
    ...(req.skipLints ? { skipLints: req.skipLints } : {}),
  });
  const row = ws.transact(() =>
    recordIssued(ws, {
      signed,
      profile: req.profile,
      issuerCa: req.ca,
      issuerSpki,
      subject: req.subject ? formatName(req.subject) : req.csr.subject,
      actor: req.actor,
    }),
  );
  return { signed, row };
}
