import { createHash, randomBytes } from 'node:crypto';
import type { DeviceEntry, ManifestDocument } from '../../main/manifest/format/manifest-document.js';
import { commitVerifiedManifest } from '../../main/inventory/import-manifest.js';
import type { Workspace } from '../../main/store/workspace.js';

export const STATION_ID = 'bench-station-0001';
const MODEL = 'SIM1';
const DAY_MS = 86_400_000;
const START = Date.parse('2026-01-05T08:00:00Z');
/** A P-256 device certificate is ~500 bytes of DER; every row carries a blob of that size. */
const DER = randomBytes(520).toString('base64');

const hex = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * A work order's manifest as it looks after verification, without the signature and the
 * certificate bytes being real: signing 1,000,000 certificates per bench run is what the
 * manifest bench measures, not this one. Every certificate has its own SHA-256 and
 * public-key SHA-256 (the inventory is keyed by them); the DER is the same 520 bytes for
 * all (the importer stores it, it does not re-hash it — verification did). Per 1,000
 * devices: 10 reworked (a superseded certificate plus its confirmed replacement), 20
 * failed, 1 revoked, the rest confirmed — roughly a factory's mix.
 */
export function syntheticManifest(sequence: number, devices: number, previous: string | null): { doc: ManifestDocument; sha256: string; entries: number } {
  const batch = `WO-${String(sequence).padStart(4, '0')}`;
  const at = new Date(START + (sequence - 1) * DAY_MS).toISOString();
  const out: DeviceEntry[] = [];
  const entry = (serial: string, status: DeviceEntry['status'], n: number): DeviceEntry => ({
    hardwareSerial: serial,
    model: MODEL,
    status,
    deviceState: status === 'failed' ? 'failed' : 'done',
    certificate: {
      sha256: hex(`cert ${batch} ${serial} ${n}`),
      publicKeySha256: hex(`spki ${batch} ${serial} ${n}`),
      serial: hex(`serial ${batch} ${serial} ${n}`).slice(0, 32),
      der: DER,
      issuedAt: at,
    },
    revocation: status === 'revoked' || status === 'superseded' ? { reason: status === 'revoked' ? 'keyCompromise' : 'superseded', revokedAt: at } : null,
    rework: null,
    firstSeenAt: at,
    lastChangeAt: at,
    attempts: 1,
    lastError: null,
  });
  for (let i = 0; i < devices; i++) {
    const serial = `HM-SIM1-${String(sequence).padStart(4, '0')}${String(i).padStart(7, '0')}`;
    const m = i % 1000;
    if (m < 10) {
      out.push(entry(serial, 'superseded', 0), entry(serial, 'confirmed', 1));
    } else out.push(entry(serial, m < 30 ? 'failed' : m === 30 ? 'revoked' : 'confirmed', 0));
  }
  const doc = {
    sequence,
    previousManifestSha256: previous,
    station: { workspaceId: STATION_ID },
    workOrder: { id: batch, model: MODEL },
    devices: out,
  } as unknown as ManifestDocument;
  return { doc, sha256: hex(`manifest ${sequence}`), entries: out.length };
}

/** The import step (chain check, plan, one transaction with its audit entry) on pre-verified data. */
export function importSynthetic(ws: Workspace, m: { doc: ManifestDocument; sha256: string }, day: number): void {
  const r = commitVerifiedManifest(
    ws,
    { doc: m.doc, sha256: m.sha256, signerSha256: hex('signer'), signingTime: null },
    { folder: `bench/${m.doc.workOrder.id}`, actor: 'bench-clerk', now: new Date(START + day * DAY_MS + 3_600_000) },
  );
  if (!r.created) throw new Error(`${m.doc.workOrder.id} was already imported`);
}

/**
 * A pre-verified manifest of `station` (each station's certificates, serials and
 * manifest hashes its own, unless `serialPrefix` makes two stations share devices):
 * `devices` confirmed entries, or the `entries` given. For the store contract and
 * concurrency tests.
 */
export function stationManifest(
  station: string,
  sequence: number,
  devices: number,
  previous: string | null,
  opts: { serialPrefix?: string; entries?: DeviceEntry[]; salt?: string } = {},
): { doc: ManifestDocument; sha256: string } {
  const batch = `WO-${station}-${sequence}`;
  const at = new Date(START + (sequence - 1) * DAY_MS).toISOString();
  const list: DeviceEntry[] =
    opts.entries ??
    Array.from({ length: devices }, (_, i) =>
      stationEntry(
        `${opts.serialPrefix ?? (sequence === 1 ? station : `${station}.${sequence}`)}-${String(i).padStart(6, '0')}`,
        'confirmed',
        `${batch} ${opts.salt ?? ''}`,
        at,
      ),
    );
  const doc = {
    sequence,
    previousManifestSha256: previous,
    station: { workspaceId: station },
    workOrder: { id: batch, model: MODEL },
    devices: list,
  } as unknown as ManifestDocument;
  return { doc, sha256: hex(`manifest ${station} ${sequence} ${opts.salt ?? ''} ${list.map((d) => d.certificate?.sha256 ?? d.hardwareSerial).join(',')}`) };
}

/** One manifest entry with its own certificate (named by `tag`). */
export function stationEntry(serial: string, status: DeviceEntry['status'], tag: string, at = new Date(START).toISOString()): DeviceEntry {
  return {
    hardwareSerial: serial,
    model: MODEL,
    status,
    deviceState: status === 'failed' ? 'failed' : 'done',
    certificate: {
      sha256: hex(`cert ${tag} ${serial}`),
      publicKeySha256: hex(`spki ${tag} ${serial}`),
      serial: hex(`serial ${tag} ${serial}`).slice(0, 32),
      der: DER,
      issuedAt: at,
    },
    revocation: status === 'revoked' || status === 'superseded' ? { reason: status === 'revoked' ? 'keyCompromise' : 'superseded', revokedAt: at } : null,
    rework: null,
    firstSeenAt: at,
    lastChangeAt: at,
    attempts: 1,
    lastError: null,
  };
}

export const syntheticSigner = hex('signer');
