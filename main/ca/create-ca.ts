import { HallmarkError } from '../errors/hallmark-error.js';
import type { KeyRecord } from '../keys/key-record.js';
import type { SigningKey } from '../keys/signing-key.js';
import { CaRepository } from '../store/ca-repository.js';
import { KeyRepository } from '../store/key-repository.js';
import type { Workspace } from '../store/workspace.js';
import { encodeName, formatName, type NameAttribute } from '../x509/distinguished-name.js';
import { intermediateCaExtensions, rootCaExtensions, type IntermediateOptions } from '../x509/profiles/ca-profiles.js';
import { matterPaaExtensions, matterPaiExtensions } from '../x509/profiles/matter-profiles.js';
import { randomSerialNumber } from '../x509/serial-number.js';
import type { TbsReviewer } from '../x509/sign-and-check.js';
import { signCertificate, type SignedCertificate } from '../x509/sign-certificate.js';
import type { LintSkip } from '../x509/lint/lint-certificate.js';
import { wholeSeconds } from '../x509/validity.js';
import { loadCa } from './certificate-authority.js';
import { recordIssued } from './record-issued.js';

const DAY = 86_400_000;

export interface CreateCaRequest {
  readonly name: string;
  readonly subject: readonly NameAttribute[];
  readonly validityDays: number;
  readonly notBefore?: Date;
  readonly skipLints?: readonly LintSkip[];
  /** raise the 25/8-year guard, with the reason recorded */
  readonly maxValidityDays?: number;
  readonly actor: string;
  /** approval of the linted TBS before the signature (a ceremony's review step) */
  readonly review?: TbsReviewer;
}

export interface CreateRootRequest extends CreateCaRequest {
  /** the root's own key, registered in the workspace and unlocked: it signs itself */
  readonly key: SigningKey;
  readonly pathLen?: number;
  /** 'matter-paa': a Matter Product Attestation Authority (the subject may carry a VendorID, never a ProductID) */
  readonly profile?: 'root' | 'matter-paa';
}

export interface CreateIntermediateRequest extends CreateCaRequest {
  /** the intermediate's key as registered in the workspace (it need not be unlocked) */
  readonly key: KeyRecord;
  readonly parent: string;
  /** the parent CA's unlocked key */
  readonly parentKey: SigningKey;
  readonly options: IntermediateOptions;
  /** 'matter-pai': a Matter Product Attestation Intermediate under a PAA (VendorID required, ProductID optional; pathLen 0) */
  readonly profile?: 'intermediate' | 'matter-pai';
}

export async function createRootCa(ws: Workspace, req: CreateRootRequest): Promise<SignedCertificate> {
  const cas = new CaRepository(ws);
  cas.assertFree(req.name);
  assertRegisteredKey(ws, req.key);
  const subjectName = encodeName(req.subject);
  const notBefore = wholeSeconds(req.notBefore ?? new Date());
  const profile = req.profile ?? 'root';
  const signed = await signCertificate({
    template: {
      profile,
      serial: randomSerialNumber(),
      issuerName: subjectName,
      subjectName,
      notBefore,
      notAfter: new Date(notBefore.getTime() + req.validityDays * DAY),
      subjectSpki: req.key.spki,
      extensions: profile === 'matter-paa' ? matterPaaExtensions(req.key.spki, req.pathLen) : rootCaExtensions(req.key.spki, req.pathLen),
    },
    signer: req.key,
    issuer: null,
    ...(req.skipLints ? { skipLints: req.skipLints } : {}),
    ...(req.maxValidityDays !== undefined ? { maxValidityDays: req.maxValidityDays } : {}),
    ...(req.review ? { review: req.review } : {}),
  });
  commitCa(ws, req, signed, null, profile);
  return signed;
}

export async function createIntermediateCa(ws: Workspace, req: CreateIntermediateRequest): Promise<SignedCertificate> {
  const cas = new CaRepository(ws);
  cas.assertFree(req.name);
  assertRegisteredKey(ws, req.key);
  const parent = loadCa(ws, req.parent);
  if (parent.key.label === req.key.label) throw new HallmarkError('KEY_REUSED', "an intermediate CA must have its own key, not its parent's");
  const notBefore = wholeSeconds(req.notBefore ?? new Date());
  const profile = req.profile ?? 'intermediate';
  if (profile === 'matter-pai' && (req.options.nameConstraints || req.options.extendedKeyUsage?.length || (req.options.pathLen ?? 0) !== 0)) {
    throw new HallmarkError('MATTER_RULE', '[matter.basic-constraints] a PAI has pathLen 0 and no name or EKU constraints', 'input', {
      rule: 'matter.basic-constraints',
    });
  }
  const signed = await signCertificate({
    template: {
      profile,
      serial: randomSerialNumber(),
      issuerName: parent.certificate.subjectDer,
      subjectName: encodeName(req.subject),
      notBefore,
      notAfter: new Date(notBefore.getTime() + req.validityDays * DAY),
      subjectSpki: req.key.spki,
      extensions:
        profile === 'matter-pai'
          ? matterPaiExtensions(req.key.spki, parent.certificate.spki)
          : intermediateCaExtensions(req.key.spki, parent.certificate.spki, req.options),
    },
    signer: req.parentKey,
    issuer: parent.certificate,
    issuerParents: parent.chain.slice(1),
    ...(req.skipLints ? { skipLints: req.skipLints } : {}),
    ...(req.maxValidityDays !== undefined ? { maxValidityDays: req.maxValidityDays } : {}),
    ...(req.review ? { review: req.review } : {}),
  });
  commitCa(ws, req, signed, req.parent, profile);
  return signed;
}

function assertRegisteredKey(ws: Workspace, key: { label: string; spki: Buffer }): void {
  const record = new KeyRepository(ws).get(key.label);
  if (!record.spki.equals(key.spki)) throw new HallmarkError('KEY_MISMATCH', `the unlocked key does not match key "${key.label}" in the workspace`);
}

function commitCa(
  ws: Workspace,
  req: CreateCaRequest & { key: { label: string; spki: Buffer } },
  signed: SignedCertificate,
  parent: string | null,
  certificateProfile: 'root' | 'intermediate' | 'matter-paa' | 'matter-pai',
): void {
  ws.transact(() => {
    const issuerSpki = parent ? loadCa(ws, parent).certificate.spki : req.key.spki;
    const row = recordIssued(ws, {
      signed,
      profile: certificateProfile,
      issuerCa: parent ?? req.name,
      issuerSpki,
      subject: formatName(req.subject),
      actor: req.actor,
    });
    new CaRepository(ws).insert({ name: req.name, profile: parent ? 'intermediate' : 'root', parent, keyLabel: req.key.label, certificateId: row.id });
    ws.audit.append({
      actor: req.actor,
      action: 'ca.created',
      subject: req.name,
      details: {
        profile: parent ? 'intermediate' : 'root',
        ...(certificateProfile.startsWith('matter-') ? { certificateProfile } : {}),
        parent,
        keyLabel: req.key.label,
        certificateSha256: row.sha256,
        serial: row.serial,
      },
    });
  });
}
