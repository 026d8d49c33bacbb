import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { signDetachedCms } from '../cms/sign-detached-cms.js';
import { HallmarkError } from '../errors/hallmark-error.js';
import { NewFileError, writeNewFile } from '../files/write-new-file.js';
import type { SigningKey } from '../keys/signing-key.js';
import { ACTIVE_STATUSES, type InventoryDeviceRow } from '../store/inventory-repository.js';
import type { InventoryRevocations } from '../store/inventory-revocations.js';
import type { Workspace } from '../store/workspace.js';
import { parseCertificateFast } from '../x509/certificate-facts-fast.js';
import { REVOCATION_REASONS, type RevocationReason } from '../x509/crl.js';
import { nameToString } from '../x509/describe-certificate.js';
import { currentInventoryKey } from './create-inventory-key.js';
import { RevocationError } from './revocation-errors.js';
import {
  REVOCATION_REQUEST_FORMAT,
  REVOCATION_REQUEST_JSON,
  REVOCATION_REQUEST_P7S,
  serializeRevocationRequest,
  type RevocationRequestDocument,
  type RevocationRequestEntry,
} from './revocation-request-format.js';

/** Which devices: hardware serials and/or certificate (or public-key) SHA-256 fingerprints, as typed or from a CSV. */
export interface DeviceSelection {
  readonly serials?: readonly string[];
  readonly fingerprints?: readonly string[];
}

export interface CreateRevocationRequest {
  readonly selection: DeviceSelection;
  readonly reason: string;
  /** the unlocked inventory key (the workspace's current one) */
  readonly key: SigningKey;
  /** the workspace holding the inventory key (its certificate names the workspace); the inventory may be elsewhere (PostgreSQL) */
  readonly workspace: Workspace;
  /** an existing folder; the two files are created in it, never replacing one */
  readonly outDir: string;
  readonly actor: string;
  readonly now?: Date;
}

export interface CreatedRevocationRequest {
  readonly sha256: string;
  readonly requestId: string;
  readonly entries: readonly RevocationRequestEntry[];
  readonly files: { readonly json: string; readonly p7s: string };
}

const MAX_NAMED = 20;
const named = (items: readonly string[]) => `${items.slice(0, MAX_NAMED).join(', ')}${items.length > MAX_NAMED ? ` and ${items.length - MAX_NAMED} more` : ''}`;

/**
 * The inventory's revocation request: resolves the selection to certificates in service
 * (every name must resolve; ones already superseded, revoked or requested are named and
 * refused), signs `revocation-request.json` with the inventory key, commits the request
 * and its entries ("revocation requested") with the `inventory.revocation-requested`
 * audit entry, and only then writes the two files for the CA.
 */
export async function createRevocationRequest(inv: InventoryRevocations, req: CreateRevocationRequest): Promise<CreatedRevocationRequest> {
  if (!Object.hasOwn(REVOCATION_REASONS, req.reason)) {
    throw new RevocationError(
      'REVOCATION_REASON_INVALID',
      `unknown revocation reason "${req.reason}" (use one of RFC 5280's: ${Object.keys(REVOCATION_REASONS).join(', ')})`,
    );
  }
  const reason = req.reason as RevocationReason;
  const key = currentInventoryKey(req.workspace);
  if (!parseCertificateFast(key.certificate).spki.equals(req.key.spki))
    throw new RevocationError('INVENTORY_KEY_MISMATCH', `the unlocked key is not the inventory key "${key.keyLabel}"`);
  const devices = await resolveSelection(inv, req.selection);
  const waiting = await inv.pendingAmong(devices.map((d) => d.certificateSha256));
  const pending = devices.filter((d) => waiting.has(d.certificateSha256)).map((d) => `${d.hardwareSerial} (certificate ${d.certificateSerial})`);
  if (pending.length) throw new RevocationError('REVOCATION_ALREADY_REQUESTED', `revocation is already requested and waiting for a CRL for ${named(pending)}`);

  const now = (req.now ?? new Date()).toISOString();
  const entries: RevocationRequestEntry[] = devices.map((d) => {
    const cert = parseCertificateFast(d.der);
    return {
      issuer: nameToString(cert.issuer),
      issuerKeyId: cert.authorityKeyId?.toString('hex') ?? null,
      certificateSerial: d.certificateSerial,
      certificateSha256: d.certificateSha256,
      hardwareSerial: d.hardwareSerial,
      model: d.model,
      reason,
      requestedAt: now,
    };
  });
  const doc: RevocationRequestDocument = {
    format: REVOCATION_REQUEST_FORMAT,
    requestId: randomUUID(),
    created: now,
    inventory: { workspaceId: req.workspace.info().workspaceId, certificateSha256: key.certificateSha256 },
    entries,
  };
  const json = serializeRevocationRequest(doc);
  const sha256 = createHash('sha256').update(json).digest('hex');
  const p7s = await signDetachedCms({ content: json, signer: req.key, signerCertificate: key.certificate, chain: [], signingTime: new Date(now) });

  await inv.recordRequest(
    devices.map((d) => d.certificateSha256),
    (view) => {
      // another station may have requested one of them, or a CRL or manifest retired one, meanwhile
      const raced = devices.filter((d) => view.pending(d.certificateSha256));
      if (raced.length)
        throw new RevocationError('REVOCATION_ALREADY_REQUESTED', `revocation was requested meanwhile for ${named(raced.map((d) => d.hardwareSerial))}`);
      const retired = devices.filter((d) => !ACTIVE_STATUSES.includes(view.status(d.certificateSha256)!));
      if (retired.length)
        throw new RevocationError('REVOCATION_NOT_ACTIVE', `no longer in service (retired meanwhile): ${named(retired.map((d) => d.hardwareSerial))}`);
      return {
        writes: {
          request: {
            sha256,
            requestId: doc.requestId,
            document: json,
            signature: p7s,
            signerSha256: key.certificateSha256,
            entries: entries.length,
            createdAt: now,
            createdBy: req.actor,
          },
          entries: entries.map((e) => ({ certificateSha256: e.certificateSha256, reason: e.reason, requestedAt: e.requestedAt })),
          audit: {
            actor: req.actor,
            action: 'inventory.revocation-requested',
            subject: doc.requestId,
            details: {
              sha256,
              entries: entries.length,
              reason,
              signerSha256: key.certificateSha256,
              certificates: entries.slice(0, 100).map((e) => e.certificateSha256),
            },
          },
        },
        result: undefined,
      };
    },
  );

  const files = { json: join(req.outDir, REVOCATION_REQUEST_JSON), p7s: join(req.outDir, REVOCATION_REQUEST_P7S) };
  try {
    mkdirSync(req.outDir, { recursive: true });
    writeNewFile(files.json, json);
    writeNewFile(files.p7s, p7s);
  } catch (e) {
    const why = e instanceof NewFileError ? (e.reason === 'exists' ? `${e.path} already exists` : `cannot write ${e.path} (${e.errno})`) : (e as Error).message;
    throw new HallmarkError(
      'EXPORT_UNWRITABLE',
      `revocation request ${sha256} was recorded but its files cannot be written: ${why}; write them again with \`hallmark inventory revocation-requests --export ${doc.requestId} --out <folder>\``,
      'environment',
      { sha256 },
    );
  }
  return { sha256, requestId: doc.requestId, entries, files };
}

/** Every name must find a certificate in service; what does not is named, all at once. */
async function resolveSelection(inv: InventoryRevocations, sel: DeviceSelection): Promise<InventoryDeviceRow[]> {
  const found = new Map<string, InventoryDeviceRow>();
  const unknown: string[] = [];
  const retired: string[] = [];
  const take = (name: string, rows: InventoryDeviceRow[]) => {
    const active = rows.filter((r) => ACTIVE_STATUSES.includes(r.status));
    if (active.length) for (const r of active) found.set(r.certificateSha256, r);
    else if (rows.length) retired.push(`${name} (${rows.map((r) => r.status).join(', ')})`);
    else unknown.push(name);
  };
  for (const s of sel.serials ?? []) take(s, await inv.search({ serial: s, limit: 1000 }));
  for (const f of sel.fingerprints ?? []) {
    const fp = f.replace(/:/g, '').toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(fp))
      throw new RevocationError('REVOCATION_SELECTION_INVALID', `"${f.slice(0, 80)}" is not a SHA-256 fingerprint (64 hex digits)`);
    take(fp, await inv.search({ fingerprint: fp, limit: 1000 }));
  }
  if (unknown.length) throw new RevocationError('REVOCATION_SELECTION_INVALID', `no device in the inventory for ${named(unknown)}`);
  if (retired.length) throw new RevocationError('REVOCATION_NOT_ACTIVE', `no certificate in service for ${named(retired)}: nothing to revoke`);
  if (found.size === 0) throw new RevocationError('REVOCATION_SELECTION_INVALID', 'the selection names no device');
  return [...found.values()];
}

/** The lines of a CSV of hardware serials or fingerprints (first column; a header line without a value is skipped). */
export function selectionFromCsv(text: string): DeviceSelection {
  const serials: string[] = [];
  const fingerprints: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const cell = line
      .split(',')[0]!
      .trim()
      .replace(/^"(.*)"$/, '$1');
    if (cell === '' || cell.startsWith('#')) return;
    if (i === 0 && /^(serial|hardware_?serial|fingerprint|sha256)$/i.test(cell)) return;
    if (/^[0-9a-fA-F:]{64,95}$/.test(cell) && cell.replace(/:/g, '').length === 64) fingerprints.push(cell);
    else if (/^[\x21-\x7e]{1,128}$/.test(cell)) serials.push(cell);
    else throw new RevocationError('REVOCATION_SELECTION_INVALID', `line ${i + 1} of the CSV is neither a hardware serial nor a fingerprint`);
  });
  return { serials, fingerprints };
}
