import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nrfCloudCsvFiles } from '../../main/manifest/exports/nrfcloud-csv.js';
import { devicesSha256 } from '../../main/manifest/format/manifest-digests.js';
import type { DeviceEntry, ManifestDocument } from '../../main/manifest/format/manifest-document.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Every module the verifier can load, following relative imports from main/manifest/verify/. */
function importGraph(entryDir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const queue = readdirSync(entryDir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(entryDir, f));
  while (queue.length) {
    const file = queue.pop()!;
    if (graph.has(file)) continue;
    const text = readFileSync(file, 'utf8');
    const specifiers = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);
    graph.set(file, specifiers);
    for (const s of specifiers) {
      if (!s.startsWith('.')) continue;
      const target = resolve(dirname(file), s.replace(/\.js$/, '.ts'));
      if (statSync(target, { throwIfNoEntry: false })?.isFile()) queue.push(target);
      else throw new Error(`${file}: cannot resolve ${s}`);
    }
  }
  return graph;
}

describe('the standalone verifier', () => {
  it('imports nothing from main/store, main/devices, electron or better-sqlite3 (type-only imports included)', () => {
    const graph = importGraph(join(ROOT, 'main/manifest/verify'));
    expect(graph.size).toBeGreaterThan(10);
    const offending: string[] = [];
    for (const [file, specifiers] of graph) {
      const rel = file.slice(ROOT.length + 1);
      if (/^main\/(store|devices)\//.test(rel)) offending.push(rel);
      for (const s of specifiers) if (/^(electron|better-sqlite3|serialport)(\/|$)/.test(s)) offending.push(`${rel} → ${s}`);
    }
    expect(offending).toEqual([]);
  });
});

describe('nRF Cloud onboarding CSV', () => {
  const entry = (i: number): DeviceEntry => ({
    hardwareSerial: `NRF-${String(i).padStart(5, '0')}`,
    model: 'NRF1',
    status: 'confirmed',
    deviceState: 'done',
    certificate: {
      der: Buffer.from(`certificate ${i} `.repeat(8)).toString('base64'),
      sha256: '0'.repeat(64),
      publicKeySha256: '1'.repeat(64),
      serial: i.toString(16),
      issuedAt: '2026-01-01T00:00:00.000Z',
    },
    revocation: null,
    rework: null,
    firstSeenAt: '2026-01-01T00:00:00.000Z',
    lastChangeAt: '2026-01-01T00:00:00.000Z',
    attempts: 1,
    lastError: null,
  });

  /** An RFC 4180 reader, independent of the writer. */
  function parseCsv(text: string): string[][] {
    const rows: string[][] = [];
    let row: string[] = [];
    let field = '';
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (quoted) {
        if (ch === '"' && text[i + 1] === '"') {
          field += '"';
          i++;
        } else if (ch === '"') quoted = false;
        else field += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') {
        row.push(field);
        field = '';
      } else if (ch === '\n') {
        row.push(field);
        rows.push(row);
        row = [];
        field = '';
      } else field += ch;
    }
    return rows;
  }

  it('1001 devices make two files of 1000 and 1 rows that parse back, no header, five columns', () => {
    const devices = Array.from({ length: 1001 }, (_, i) => entry(i + 1));
    const doc = { devices, devicesSha256: devicesSha256(devices) } as unknown as ManifestDocument;
    const files = nrfCloudCsvFiles(doc, { tags: ['line-1', 'wo-7'], fwTypes: ['APP', 'MODEM'] });
    expect(files.map((f) => [f.name, f.rows])).toEqual([
      ['nrfcloud-onboarding-001.csv', 1000],
      ['nrfcloud-onboarding-002.csv', 1],
    ]);
    const rows = files.flatMap((f) => parseCsv(f.data));
    expect(rows).toHaveLength(1001);
    for (const [i, r] of rows.entries()) {
      expect(r).toHaveLength(5);
      const [deviceId, subType, tags, fwTypes, certPem] = r as [string, string, string, string, string];
      expect(deviceId).toBe(devices[i]!.hardwareSerial);
      expect([subType, tags, fwTypes]).toEqual(['', 'line-1|wo-7', 'APP|MODEM']);
      expect(certPem).toMatch(/^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n$/);
      expect(Buffer.from(certPem.replace(/-----[A-Z ]+-----|\n/g, ''), 'base64').toString('base64')).toBe(devices[i]!.certificate!.der);
    }
  });

  it('leaves out failed, superseded and revoked entries', () => {
    const devices = [entry(1), { ...entry(2), status: 'failed' as const }, { ...entry(3), status: 'superseded' as const }, { ...entry(4), certificate: null }];
    const files = nrfCloudCsvFiles({ devices } as unknown as ManifestDocument);
    expect(parseCsv(files[0]!.data).map((r) => r[0])).toEqual(['NRF-00001']);
  });
});
