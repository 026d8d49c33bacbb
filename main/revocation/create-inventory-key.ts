import type { SigningKey } from '../keys/signing-key.js';
import { AuditKeyRepository } from '../store/audit/audit-key-repository.js';
import { KeyRepository } from '../store/key-repository.js';
import { RevocationRepository, type InventoryKeyRow } from '../store/revocation-repository.js';
import type { Workspace } from '../store/workspace.js';
import { encodeName } from '../x509/distinguished-name.js';
import { revocationRequesterExtensions } from '../x509/profiles/ca-profiles.js';
import { randomSerialNumber } from '../x509/serial-number.js';
import { signCertificate } from '../x509/sign-certificate.js';
import { wholeSeconds } from '../x509/validity.js';
import { RevocationError } from './revocation-errors.js';

const DAY = 86_400_000;
export const DEFAULT_INVENTORY_CERT_DAYS = 10 * 365;

/**
 * Makes `key` the inventory key, which signs revocation requests: a self-signed
 * `revocation-requester` certificate (linted through signCertificate) whose subject
 * serialNumber is the workspace id, committed with its `inventory.key-created` entry. As
 * with the audit key, the key must be one of its own (no CA, manifest signer or audit key,
 * nothing split into shares), so a request signature can never pass for anything else. A
 * second call rotates: the CA side is then given the new certificate.
 */
export async function createInventoryKey(ws: Workspace, req: { key: SigningKey; actor: string; validityDays?: number }): Promise<InventoryKeyRow> {
  const record = new KeyRepository(ws).get(req.key.label);
  if (!record.spki.equals(req.key.spki))
    throw new RevocationError('INVENTORY_KEY_MISMATCH', `the unlocked key does not match key "${record.label}" in the workspace`);
  if (record.store === 'shares')
    throw new RevocationError(
      'INVENTORY_KEY_NOT_OWN',
      `key "${record.label}" is split into custodian shares; the inventory key must be at hand whenever a request is made`,
    );
  const usedBy = new KeyRepository(ws).signingRoleOf(record.label);
  if (usedBy) throw new RevocationError('INVENTORY_KEY_NOT_OWN', `key "${record.label}" is the key of ${usedBy}; the inventory key must be a key of its own`);
  if (new AuditKeyRepository(ws.db).all().some((k) => k.spkiSha256 === record.spkiSha256)) {
    throw new RevocationError(
      'INVENTORY_KEY_NOT_OWN',
      `key "${record.label}" is (or was) this workspace's audit key; the inventory key must be a key of its own`,
    );
  }
  const repo = new RevocationRepository(ws);
  if (repo.keys().some((k) => k.spkiSha256 === record.spkiSha256))
    throw new RevocationError('INVENTORY_KEY_NOT_OWN', `key "${record.label}" already is (or was) this workspace's inventory key`);

  const subjectName = encodeName([
    { type: 'CN', value: 'Hallmark inventory key' },
    { type: 'serialNumber', value: ws.info().workspaceId },
  ]);
  const notBefore = wholeSeconds(new Date());
  const { certificate: cert } = await signCertificate({
    template: {
      profile: 'revocation-requester',
      serial: randomSerialNumber(),
      issuerName: subjectName,
      subjectName,
      notBefore,
      notAfter: new Date(notBefore.getTime() + (req.validityDays ?? DEFAULT_INVENTORY_CERT_DAYS) * DAY),
      subjectSpki: record.spki,
      extensions: revocationRequesterExtensions(record.spki),
    },
    signer: req.key,
    issuer: null,
  });
  return ws.transact(() => {
    const row = repo.insertKey({
      keyLabel: record.label,
      certificate: cert.der,
      certificateSha256: cert.sha256,
      spkiSha256: record.spkiSha256,
      createdAt: new Date().toISOString(),
      createdBy: req.actor,
    });
    ws.audit.append({
      actor: req.actor,
      action: 'inventory.key-created',
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

export function currentInventoryKey(ws: Workspace): InventoryKeyRow {
  const row = new RevocationRepository(ws).currentKey();
  if (!row)
    throw new RevocationError('INVENTORY_KEY_MISSING', 'this workspace has no inventory key; create one with `hallmark inventory key create --key <label>`');
  return row;
}
