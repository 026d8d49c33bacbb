import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commitVerifiedManifestInto } from '../../main/inventory/import-manifest.js';
import type { DeviceEntry, ManifestDocument } from '../../main/manifest/format/manifest-document.js';
import type { InventoryStore } from '../../main/store/inventory-store.js';
import { toPem } from './pem.js';
import { requiredTool } from './required-tool.js';
import { stationEntry, stationManifest, syntheticSigner } from './synthetic-inventory.js';

/**
 * The fleet of the inventory health and reconcile tests (issue #14): real certificates made
 * by python3-cryptography (fleet-certificates.py) with their own expiry and key algorithm,
 * one key on devices of two stations, retired ones, and a registry export folder holding
 * every kind of entry and every kind of bad file.
 */
export const PYTHON = '/usr/bin/python3';
export const hasFleetPython = (): boolean => requiredTool(existsSync(PYTHON), 'python3 with python3-cryptography', 'python3-cryptography');
/** bulk certificates in service: a few thousand rows, each parsed by the health pass */
export const BULK = 3000;

export type FleetCertificates = Record<string, Buffer>;

export const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
export const spkiSha = (der: Buffer) => sha(new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' }));

export function makeFleetCertificates(): FleetCertificates {
  const out = execFileSync(PYTHON, [fileURLToPath(new URL('./fleet-certificates.py', import.meta.url))], { encoding: 'utf8' });
  return Object.fromEntries(Object.entries(JSON.parse(out) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
}

function entry(serial: string, status: DeviceEntry['status'], der: Buffer, ids?: { sha256: string; publicKeySha256: string }): DeviceEntry {
  const e = stationEntry(serial, status, `health ${serial}`);
  return {
    ...e,
    certificate: { ...e.certificate!, der: der.toString('base64'), sha256: ids?.sha256 ?? sha(der), publicKeySha256: ids?.publicKeySha256 ?? spkiSha(der) },
  };
}

/**
 * ST-A: A-1 (d1), A-2 (d2), A-3 failed (d3, RSA), A-6 superseded d6 → confirmed d7 (expired),
 * A-8 revoked (d8); ST-B: B-4 (d4, Ed25519, no well-defined expiry), B-5 (d5, d1's key);
 * ST-C: `bulk` rows carrying d2's DER under synthetic identities.
 */
export async function populateFleet(store: InventoryStore, certs: FleetCertificates, bulk = BULK): Promise<void> {
  let clock = Date.parse('2026-11-01T10:00:00Z');
  const commit = (m: { doc: ManifestDocument; sha256: string }) =>
    commitVerifiedManifestInto(
      store,
      { doc: m.doc, sha256: m.sha256, signerSha256: syntheticSigner, signingTime: null },
      { folder: m.doc.workOrder.id, actor: 'clerk', now: new Date((clock += 1000)) },
    );
  await commit(
    stationManifest('ST-A', 1, 0, null, {
      entries: [
        entry('A-1', 'confirmed', certs.d1!),
        entry('A-2', 'confirmed', certs.d2!),
        entry('A-3', 'failed', certs.d3!),
        entry('A-6', 'superseded', certs.d6!),
        entry('A-6', 'confirmed', certs.d7!),
        entry('A-8', 'revoked', certs.d8!),
      ],
    }),
  );
  await commit(stationManifest('ST-B', 1, 0, null, { entries: [entry('B-4', 'confirmed', certs.d4!), entry('B-5', 'confirmed', certs.d5!)] }));
  // The importer trusts verification for the hash; the health pass parses every row's DER.
  const rows = Array.from({ length: bulk }, (_, i) =>
    entry(`C-${i}`, 'confirmed', certs.d2!, { sha256: sha(Buffer.from(`bulk cert ${i}`)), publicKeySha256: sha(Buffer.from(`bulk key ${i}`)) }),
  );
  if (bulk > 0) await commit(stationManifest('ST-C', 1, 0, null, { entries: rows }));
}

/**
 * A registry export: d1 (in service), d6 (superseded), d8 as DER (revoked), a bundle of a
 * certificate of the known CA in no manifest and one of another CA; and a note, a PEM
 * block that is not a certificate, a 70 KiB file, a symlink and a folder.
 */
export function registryExportFolder(parent: string, certs: FleetCertificates): string {
  const dir = join(parent, `export-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'd1.pem'), toPem(certs.d1!));
  writeFileSync(join(dir, 'd6.pem'), toPem(certs.d6!));
  writeFileSync(join(dir, 'd8.der'), certs.d8!);
  writeFileSync(join(dir, 'bundle.pem'), toPem(certs.unauthorized!) + toPem(certs.foreign!));
  writeFileSync(join(dir, 'notes.txt'), 'SECRET-NOTE-CONTENT not a certificate\n');
  writeFileSync(join(dir, 'fake.pem'), toPem(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01])));
  writeFileSync(join(dir, 'huge.pem'), Buffer.alloc(70 * 1024, 0x41));
  symlinkSync(join(dir, 'd1.pem'), join(dir, 'link.pem'));
  mkdirSync(join(dir, 'subdir'));
  return dir;
}
