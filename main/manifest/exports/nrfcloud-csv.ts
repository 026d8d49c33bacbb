import type { ManifestDocument } from '../format/manifest-document.js';
import { shippedDevices } from './shipped-devices.js';

/** nRF Cloud's bulk onboarding takes at most this many rows per file. */
export const NRF_CLOUD_MAX_ROWS = 1000;

export interface NrfCloudOptions {
  /** column 2, e.g. empty or a device sub-type */
  readonly subType?: string;
  /** column 3, joined with `|` */
  readonly tags?: readonly string[];
  /** column 4, joined with `|` (default APP|MODEM) */
  readonly fwTypes?: readonly string[];
}

/**
 * nRF Cloud onboarding CSV: no header; deviceId,subType,tags,fwTypes,certPem; the PEM
 * quoted (it spans lines); at most 1000 rows per file, split into numbered files
 * `nrfcloud-onboarding-001.csv`, `-002.csv`, …. Shipped devices only.
 */
export function nrfCloudCsvFiles(doc: ManifestDocument, options: NrfCloudOptions = {}): { name: string; data: string; rows: number }[] {
  const devices = shippedDevices(doc);
  const fixed = [options.subType ?? '', (options.tags ?? []).join('|'), (options.fwTypes ?? ['APP', 'MODEM']).join('|')].map(csvField);
  const files: { name: string; data: string; rows: number }[] = [];
  for (let start = 0; start < devices.length; start += NRF_CLOUD_MAX_ROWS) {
    const chunk = devices.slice(start, start + NRF_CLOUD_MAX_ROWS);
    const data = chunk.map((d) => [csvField(d.hardwareSerial), ...fixed, csvField(pem(d.certificate.der))].join(',')).join('\n');
    files.push({ name: `nrfcloud-onboarding-${String(files.length + 1).padStart(3, '0')}.csv`, data: `${data}\n`, rows: chunk.length });
  }
  return files;
}

function pem(base64Der: string): string {
  return `-----BEGIN CERTIFICATE-----\n${base64Der.replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
}

/** RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
