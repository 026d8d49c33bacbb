import { loadCa } from '../ca/certificate-authority.js';
import { issueFromCsr } from '../ca/issue-from-csr.js';
import { KEY_ALGORITHM_INFO } from '../keys/key-algorithm.js';
import type { SigningKey } from '../keys/signing-key.js';
import { CertificateRepository, type CertificateRow } from '../store/certificate-repository.js';
import { KeyRepository } from '../store/key-repository.js';
import { ManifestRepository, type ManifestSignerRow } from '../store/manifest-repository.js';
import type { Workspace } from '../store/workspace.js';
import { buildCsr } from '../x509/build-csr.js';
import { parseCsr } from '../x509/csr/parse-csr.js';
import type { NameAttribute } from '../x509/distinguished-name.js';
import { ManifestError } from './manifest-errors.js';

export const DEFAULT_SIGNER_DAYS = 730;

export interface CreateSignerRequest {
  /** the workspace CA that certifies the signer (the manufacturing CA) */
  readonly ca: string;
  readonly caKey: SigningKey;
  /** the signer's own key, registered in the workspace and unlocked (it signs its CSR) */
  readonly signerKey: SigningKey;
  readonly subject: readonly NameAttribute[];
  readonly validityDays?: number;
  readonly actor: string;
}

export interface CreatedSigner {
  readonly signer: ManifestSignerRow;
  readonly certificate: CertificateRow;
}

/**
 * Makes the station's manifest signer: a CSR signed by the signer key (proof that the key
 * is present and working, built by x509/build-csr.ts), a `manifest-signer` certificate
 * (digitalSignature, EKU kpHallmarkManifestSigning) issued for it by the manufacturing
 * CA and committed with its audit entry, then recorded as the current signer. Creating
 * another one rotates: manifests name their signer by the certificate inside the CMS.
 * Why the manufacturing CA and not a root ceremony: docs/manifest-format.md.
 */
export async function createManifestSigner(ws: Workspace, req: CreateSignerRequest): Promise<CreatedSigner> {
  const record = new KeyRepository(ws).get(req.signerKey.label);
  if (!record.spki.equals(req.signerKey.spki))
    throw new ManifestError('MANIFEST_SIGNER_KEY_MISMATCH', `the unlocked key does not match key "${record.label}" in the workspace`);
  // Policy, not a CMS limit: the manifest verifiers QA and the cloud onboarding tools run expect ECDSA or RSA.
  if (KEY_ALGORITHM_INFO[req.signerKey.algorithm].hash === null) {
    throw new ManifestError(
      'MANIFEST_SIGNER_KEY_UNSUPPORTED',
      `key "${req.signerKey.label}" is ${req.signerKey.algorithm}; a manifest signer key is ECDSA (P-256 recommended) or RSA`,
    );
  }
  const ca = loadCa(ws, req.ca);
  if (ca.key.label === record.label) throw new ManifestError('MANIFEST_SIGNER_KEY_UNSUPPORTED', "the manifest signer needs its own key, not the CA's");
  const csr = parseCsr(await buildCsr({ key: req.signerKey, subject: req.subject }));
  const issued = await issueFromCsr(ws, {
    ca: req.ca,
    caKey: req.caKey,
    csr,
    profile: 'manifest-signer',
    subject: req.subject,
    validity: req.validityDays ?? DEFAULT_SIGNER_DAYS,
    actor: req.actor,
  });
  const signer = ws.transact(() => {
    const row = new ManifestRepository(ws).insertSigner({
      certificateId: issued.row.id,
      keyLabel: record.label,
      caName: req.ca,
      createdAt: new Date().toISOString(),
      createdBy: req.actor,
    });
    ws.audit.append({
      actor: req.actor,
      action: 'manifest.signer-created',
      subject: String(row.id),
      details: {
        ca: req.ca,
        keyLabel: record.label,
        certificateSerial: issued.row.serial,
        certificateSha256: issued.row.sha256,
        notAfter: issued.row.notAfter,
      },
    });
    return row;
  });
  return { signer, certificate: issued.row };
}

export interface LoadedSigner {
  readonly row: ManifestSignerRow;
  readonly certificate: CertificateRow;
  /** issuing CA first, up to the root */
  readonly chain: readonly Buffer[];
}

/** The current manifest signer, refused when revoked or outside its validity. */
export function loadCurrentSigner(ws: Workspace, at = new Date()): LoadedSigner {
  const row = new ManifestRepository(ws).currentSigner();
  if (!row)
    throw new ManifestError(
      'MANIFEST_SIGNER_MISSING',
      'this station has no manifest signer; create one with `hallmark manifest signer create --ca <manufacturing CA> --key <label>`',
    );
  const certificate = new CertificateRepository(ws).byId(row.certificateId);
  if (certificate.status !== 'active')
    throw new ManifestError('MANIFEST_SIGNER_INVALID', `manifest signer #${row.id} (certificate ${certificate.serial}) was revoked; create a new one`);
  if (at < new Date(certificate.notBefore) || at > new Date(certificate.notAfter)) {
    throw new ManifestError(
      'MANIFEST_SIGNER_INVALID',
      `manifest signer #${row.id} is valid ${certificate.notBefore} – ${certificate.notAfter}, not now; create a new one`,
    );
  }
  return { row, certificate, chain: loadCa(ws, row.caName).chain.map((c) => c.der) };
}
