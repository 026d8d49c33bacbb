import { createHash } from 'node:crypto';
import type { SigningKey } from '../keys/signing-key.js';
import type { Workspace } from '../store/workspace.js';
import type { CertificateRow } from '../store/certificate-repository.js';
import type { ParsedCsr } from '../x509/csr/parsed-csr.js';
import { encodeName, formatName, type NameAttribute } from '../x509/distinguished-name.js';
import { prepareIssuer, type IssuedProfile } from '../x509/issuer/prepared-issuer.js';
import type { IntermediateOptions } from '../x509/profiles/ca-profiles.js';
import type { IdevidOptions } from '../x509/profiles/idevid-profile.js';
import type { LintSkip } from '../x509/lint/lint-certificate.js';
import type { SignedCertificate } from '../x509/sign-certificate.js';
import { NO_WELL_DEFINED_EXPIRATION, wholeSeconds } from '../x509/validity.js';
import { X509Error } from '../x509/x509-errors.js';
import { loadCa } from './certificate-authority.js';
import { matterDacSubject, type MatterIds } from '../x509/matter/matter-subject.js';
import { recordIssued } from './record-issued.js';

const DAY = 86_400_000;

export type { IssuedProfile } from '../x509/issuer/prepared-issuer.js';

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
  /**
   * matter-dac: the VendorID and ProductID the DAC carries (4 uppercase hex digits each),
   * added after the given subject (default CN "Matter DAC"); the CSR's subject is never used.
   */
  readonly matter?: MatterIds;
  readonly actor: string;
}

export interface IssuedCertificate {
  readonly signed: SignedCertificate;
  readonly row: CertificateRow;
}

/**
 * Signs a certificate for a checked CSR under one of the workspace's CAs and commits it
 * before returning. One certificate per call; a batch prepares its issuer once
 * (x509/issuer/prepared-issuer.ts) and records each certificate the same way.
 */
export async function issueFromCsr(ws: Workspace, req: IssueFromCsrRequest): Promise<IssuedCertificate> {
  const ca = loadCa(ws, req.ca);
  const issuerSpki = ca.certificate.spki;
  if (req.profile === 'idevid' && !req.idevid) {
    throw new X509Error('PROFILE_INVALID', 'the idevid profile needs hardwareModuleName options (hwType, hwSerialNum)');
  }
  if (req.profile === 'matter-dac' && !req.matter) {
    throw new X509Error('MATTER_RULE', '[matter.vendor-id] the matter-dac profile needs a VendorID and ProductID', 'input', { rule: 'matter.vendor-id' });
  }
  if (req.profile !== 'matter-dac' && req.matter)
    throw new X509Error('PROFILE_INVALID', `a VendorID/ProductID is for the matter-dac profile, not ${req.profile}`);
  const subject = req.matter ? matterDacSubject(req.subject ?? [{ type: 'CN', value: 'Matter DAC' }], req.matter) : req.subject;
  const { hardwareModuleName, ...idevidProfile } = req.idevid ?? {};
  const issuer = prepareIssuer({
    issuer: ca.certificate,
    signer: req.caKey,
    profile: req.profile,
    ...(req.profile === 'idevid' ? { idevid: idevidProfile } : {}),
    ...(req.profile === 'intermediate' ? { intermediate: req.intermediate ?? {} } : {}),
    ...(req.skipLints ? { skipLints: req.skipLints } : {}),
    issuerParents: ca.chain.slice(1),
  });
  if (req.validity === 'no-expiration' && req.profile !== 'idevid' && req.profile !== 'matter-dac') {
    throw new X509Error('VALIDITY_INVALID', '"no well-defined expiration" is for IDevID and Matter DAC certificates only');
  }
  if (req.validity !== 'no-expiration' && (!Number.isInteger(req.validity) || req.validity < 1)) {
    throw new X509Error('VALIDITY_INVALID', 'validity must be a whole number of days, at least 1');
  }
  const notBefore = wholeSeconds(req.notBefore ?? new Date());
  const notAfter = req.validity === 'no-expiration' ? NO_WELL_DEFINED_EXPIRATION : new Date(notBefore.getTime() + req.validity * DAY);
  const signed = await issuer.issue({
    subjectKey: req.csr.publicKey,
    subjectName: subject ? encodeName(subject) : req.csr.subjectDer,
    notBefore,
    notAfter,
    ...(req.profile === 'idevid' && hardwareModuleName ? { hardwareModuleName } : {}),
  });
  const row = ws.transact(() =>
    recordIssued(ws, {
      signed,
      profile: req.profile,
      issuerCa: req.ca,
      issuerSpki,
      subject: subject ? formatName(subject) : req.csr.subject,
      actor: req.actor,
      request: {
        csrSha256: createHash('sha256').update(req.csr.der).digest('hex'),
        ...(req.csr.allowances.length > 0 ? { csrAllowances: req.csr.allowances } : {}),
      },
    }),
  );
  return { signed, row };
}
