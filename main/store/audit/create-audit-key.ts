import type { SigningKey } from '../../keys/signing-key.js';
import { encodeName } from '../../x509/distinguished-name.js';
import { auditSignerExtensions } from '../../x509/profiles/ca-profiles.js';
import { randomSerialNumber } from '../../x509/serial-number.js';
import { signCertificate } from '../../x509/sign-certificate.js';
import { wholeSeconds } from '../../x509/validity.js';
import { KeyRepository } from '../key-repository.js';
import type { Workspace } from '../workspace.js';
import { AuditCheckpointError } from './audit-errors.js';
import { AuditKeyRepository, type AuditKeyRow } from './audit-key-repository.js';

const DAY = 86_400_000;
export const DEFAULT_AUDIT_CERT_DAYS = 10 * 365;

export interface CreateAuditKeyRequest {
  /** the key, registered in the workspace and unlocked: it signs its own certificate */
  readonly key: SigningKey;
  readonly actor: string;
  readonly validityDays?: number;
}

/**
 * Makes `key` the workspace's audit key: a self-signed `audit-signer` certificate (through
 * signCertificate, linted) whose subject serialNumber is the workspace id, committed with
 * its `audit.key-created` entry. The key must be one of its own: a CA or manifest-signer
 * key would let a checkpoint signature and a certificate or manifest signature come from
 * the same key, and a key split into shares is never at hand when a checkpoint falls due.
 * A second call rotates; earlier checkpoints keep verifying with the earlier certificate.
 */
export async function createAuditKey(ws: Workspace, req: CreateAuditKeyRequest): Promise<AuditKeyRow> {
  const record = new KeyRepository(ws).get(req.key.label);
  if (!record.spki.equals(req.key.spki))
    throw new AuditCheckpointError('AUDIT_KEY_MISMATCH', `the unlocked key does not match key "${record.label}" in the workspace`, 'input');
  if (record.store === 'shares') {
    throw new AuditCheckpointError(
      'AUDIT_KEY_NOT_OWN',
      `key "${record.label}" is split into custodian shares; an audit key must be at hand whenever a checkpoint is due (a software key or a token key)`,
      'input',
    );
  }
  const usedBy = ws.db
    .prepare(
      "SELECT 'CA ' || name AS what FROM cas WHERE key_label = ? UNION ALL SELECT 'manifest signer #' || id FROM manifest_signers WHERE key_label = ? LIMIT 1",
    )
    .pluck()
    .get(record.label, record.label) as string | undefined;
  if (usedBy)
    throw new AuditCheckpointError('AUDIT_KEY_NOT_OWN', `key "${record.label}" is the key of ${usedBy}; the audit key must be a key of its own`, 'input');
  const repo = new AuditKeyRepository(ws.db);
  if (repo.all().some((k) => k.spkiSha256 === record.spkiSha256)) {
    throw new AuditCheckpointError('AUDIT_KEY_NOT_OWN', `key "${record.label}" already is (or was) this workspace's audit key`, 'input');
  }

  const subjectName = encodeName([
    { type: 'CN', value: 'Hallmark audit key' },
    { type: 'serialNumber', value: ws.info().workspaceId },
  ]);
  const notBefore = wholeSeconds(new Date());
  const signed = await signCertificate({
    template: {
      profile: 'audit-signer',
      serial: randomSerialNumber(),
      issuerName: subjectName,
      subjectName,
      notBefore,
      notAfter: new Date(notBefore.getTime() + (req.validityDays ?? DEFAULT_AUDIT_CERT_DAYS) * DAY),
      subjectSpki: record.spki,
      extensions: auditSignerExtensions(record.spki),
    },
    signer: req.key,
    issuer: null,
  });
  const cert = signed.certificate;
  return ws.transact(() => {
    const row = repo.insert({
      keyLabel: record.label,
      certificate: cert.der,
      certificateSha256: cert.sha256,
      spkiSha256: record.spkiSha256,
      createdAt: new Date().toISOString(),
      createdBy: req.actor,
    });
    ws.audit.append({
      actor: req.actor,
      action: 'audit.key-created',
      subject: record.label,
      details: {
        keyLabel: record.label,
        store: record.store,
        algorithm: record.algorithm,
        spkiSha256: record.spkiSha256,
        certificateSha256: cert.sha256,
        notAfter: cert.notAfter.toISOString(),
      },
    });
    return row;
  });
}
