import { createHash } from 'node:crypto';
import { canonicalJson } from '../../encoding/canonical-json.js';
import type { DeviceEntry } from './manifest-document.js';

export const sha256Hex = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

/**
 * The order of `devices`: by hardware serial, then issuance time, then certificate
 * SHA-256 (a device without a certificate sorts after its certificates). A fixed order
 * makes the list digest reproducible from the entries alone.
 */
export function compareDeviceEntries(a: DeviceEntry, b: DeviceEntry): number {
  return (
    cmp(a.hardwareSerial, b.hardwareSerial) ||
    cmp(a.certificate?.issuedAt ?? '\uffff', b.certificate?.issuedAt ?? '\uffff') ||
    cmp(a.certificate?.sha256 ?? '', b.certificate?.sha256 ?? '')
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** hex SHA-256 of the canonical JSON of the (sorted) device entries. */
export function devicesSha256(devices: readonly DeviceEntry[]): string {
  const digest = devicesSha256Stream();
  for (const d of devices) digest.add(d);
  return digest.hex();
}

/**
 * devicesSha256 fed one entry at a time: the same bytes as canonicalJson of the whole
 * array (`[`, the entries joined by `,`, `]`) without ever holding that 100+ MiB string.
 */
export function devicesSha256Stream(): { add(entry: DeviceEntry): void; hex(): string } {
  const hash = createHash('sha256').update('[');
  let first = true;
  return {
    add(entry) {
      if (!first) hash.update(',');
      first = false;
      hash.update(canonicalJson(entry));
    },
    hex: () => hash.update(']').digest('hex'),
  };
}

/** hex SHA-256 of the canonical JSON array of the planned serials, sorted (UTF-16 order). */
export function planSha256(serials: readonly string[]): string {
  return sha256Hex(canonicalJson([...serials].sort()));
}
