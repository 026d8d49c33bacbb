import type { InventoryStatus } from '../../store/inventory-repository.js';
import { ACTIVE_STATUSES } from '../../store/inventory-repository.js';
import type { InventoryStore, SharedKeyCertificate } from '../../store/inventory-store.js';
import { publicKeyWords } from '../../x509/describe/algorithm-words.js';
import { OID } from '../../x509/oids.js';
import { NO_WELL_DEFINED_EXPIRATION } from '../../x509/validity.js';
import { readExpiryAndKey } from './read-expiry-and-key.js';
import { scanInventoryCertificates } from './scan-inventory-certificates.js';

export interface ExpiringCertificate {
  readonly certificateSha256: string;
  readonly hardwareSerial: string;
  readonly model: string;
  readonly batchId: string;
  readonly stationId: string;
  readonly notAfter: string;
}

export interface SharedKeyDevice {
  readonly certificateSha256: string;
  readonly hardwareSerial: string;
  readonly model: string;
  readonly status: InventoryStatus;
  readonly stationId: string;
  readonly batchId: string;
}

/** A certificate of a shared key as the views name its device (the fleet panel and the health report). */
export function sharedKeyDevice(c: SharedKeyCertificate): SharedKeyDevice {
  return {
    certificateSha256: c.certificateSha256,
    hardwareSerial: c.hardwareSerial,
    model: c.model,
    status: c.status,
    stationId: c.stationId,
    batchId: c.batchId,
  };
}

export interface FleetHealth {
  readonly generatedAt: string;
  readonly withinDays: number;
  /** certificates in service (confirmed or failed): what the health figures count */
  readonly active: number;
  readonly expiry: {
    /** active certificates already past notAfter */
    readonly expired: number;
    /** active certificates with notAfter in (now, now + withinDays] */
    readonly expiring: number;
    /** 802.1AR's 99991231235959Z: no well-defined expiry, left out of the chart */
    readonly noWellDefinedExpiry: number;
    /** one bar per calendar month (UTC) from now to the window's end, empty months included */
    readonly months: readonly { readonly month: string; readonly count: number }[];
    /** the soonest first, at most `maxListed` */
    readonly certificates: readonly ExpiringCertificate[];
    readonly certificatesTruncated: boolean;
  };
  /** active certificates by key algorithm and size ("ECDSA P-256", "RSA 2048-bit"), most common first */
  readonly algorithms: readonly { readonly algorithm: string; readonly count: number }[];
  /** certificates whose DER could not be read (never expected: import verified them) */
  readonly unreadable: number;
  /** the same public key on more than one device, across every batch, station and factory; each pair named */
  readonly sharedKeys: readonly {
    readonly publicKeySha256: string;
    readonly devices: readonly SharedKeyDevice[];
    readonly pairs: readonly (readonly [string, string])[];
  }[];
  readonly sharedKeysTruncated: boolean;
}

export interface FleetHealthOptions {
  readonly withinDays: number;
  readonly now?: Date;
  readonly maxListed?: number;
  readonly maxSharedKeys?: number;
}

const DAY_MS = 86_400_000;
const isActive = (s: InventoryStatus) => (ACTIVE_STATUSES as readonly string[]).includes(s);
const monthOf = (d: Date) => d.toISOString().slice(0, 7);

/**
 * The fleet's health, on either inventory engine: expiry of the certificates in service
 * by month, their key algorithms, and public keys shared between devices (a cloned
 * secure-element lot shows as the same SPKI SHA-256 on two hardware serials, whatever
 * batch, station or factory each came through). One pass over the rows; the duplicate
 * keys come from the store's own index query.
 */
export async function fleetHealth(store: InventoryStore, options: FleetHealthOptions): Promise<FleetHealth> {
  const now = options.now ?? new Date();
  const maxListed = options.maxListed ?? 500;
  const horizon = now.getTime() + options.withinDays * DAY_MS;
  const months = new Map<string, number>();
  for (
    let d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    d.getTime() <= horizon;
    d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1))
  )
    months.set(monthOf(d), 0);
  const algorithms = new Map<string, number>();
  const expiringList: ExpiringCertificate[] = [];
  let active = 0;
  let expired = 0;
  let expiring = 0;
  let noExpiry = 0;
  let unreadable = 0;

  await scanInventoryCertificates(store, (row) => {
    if (!isActive(row.status)) return;
    active++;
    let notAfter: Date;
    let algorithm: string;
    try {
      const c = readExpiryAndKey(row.der);
      notAfter = c.notAfter;
      algorithm = keyWords(c.spki, c.spkiAlgorithm);
    } catch {
      unreadable++;
      return;
    }
    algorithms.set(algorithm, (algorithms.get(algorithm) ?? 0) + 1);
    const t = notAfter.getTime();
    if (t >= NO_WELL_DEFINED_EXPIRATION.getTime()) noExpiry++;
    else if (t <= now.getTime()) expired++;
    else if (t <= horizon) {
      expiring++;
      months.set(monthOf(notAfter), (months.get(monthOf(notAfter)) ?? 0) + 1);
      expiringList.push({
        certificateSha256: row.certificateSha256,
        hardwareSerial: row.hardwareSerial,
        model: row.model,
        batchId: row.batchId,
        stationId: row.stationId,
        notAfter: notAfter.toISOString(),
      });
    }
  });

  expiringList.sort((a, b) => (a.notAfter < b.notAfter ? -1 : a.notAfter > b.notAfter ? 1 : 0));
  const shared = await store.sharedPublicKeys(options.maxSharedKeys ?? 1000);
  return {
    generatedAt: now.toISOString(),
    withinDays: options.withinDays,
    active,
    expiry: {
      expired,
      expiring,
      noWellDefinedExpiry: noExpiry,
      months: [...months.entries()].map(([month, count]) => ({ month, count })),
      certificates: expiringList.slice(0, maxListed),
      certificatesTruncated: expiringList.length > maxListed,
    },
    algorithms: [...algorithms.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([algorithm, count]) => ({ algorithm, count })),
    unreadable,
    sharedKeys: shared.keys.map((certs) => {
      const devices = certs.map(sharedKeyDevice);
      return { publicKeySha256: certs[0]!.publicKeySha256, devices, pairs: devicePairs(devices) };
    }),
    sharedKeysTruncated: shared.truncated,
  };
}

const wordsByShape = new Map<string, string>();

/**
 * "ECDSA P-256", "RSA 2048-bit": the words depend on the key's AlgorithmIdentifier (the
 * curve) or, for RSA, the modulus size — which the SPKI's length fixes — so they are
 * worked out once per shape (decoding the key each time costs ~0.1 ms a certificate).
 */
function keyWords(spki: Buffer, algorithmOid: string): string {
  const shape = algorithmOid === OID.rsaEncryption ? `rsa:${spki.length}` : `${algorithmOid}:${algorithmIdentifierHex(spki)}`;
  let words = wordsByShape.get(shape);
  if (words === undefined) {
    words = publicKeyWords(spki, algorithmOid).words;
    if (wordsByShape.size < 256) wordsByShape.set(shape, words);
  }
  return words;
}

/** The SPKI's AlgorithmIdentifier bytes (SEQUENCE { SEQUENCE algorithm, BIT STRING key }); the whole SPKI if it is not that shape. */
function algorithmIdentifierHex(spki: Buffer): string {
  const headerLength = (at: number): number => {
    const first = spki[at + 1] ?? 0;
    return first < 0x80 ? 2 : 2 + (first & 0x7f);
  };
  const lengthAt = (at: number): number => {
    const first = spki[at + 1] ?? 0;
    if (first < 0x80) return first;
    let len = 0;
    for (let i = 0; i < (first & 0x7f); i++) len = len * 256 + (spki[at + 2 + i] ?? 0);
    return len;
  };
  const inner = headerLength(0);
  const end = inner + headerLength(inner) + lengthAt(inner);
  return end <= spki.length ? spki.subarray(inner, end).toString('hex') : spki.toString('hex');
}

/** Every pair of distinct devices (model + serial) that hold the key, named "serial (model, batch, station)". */
function devicePairs(devices: readonly SharedKeyDevice[]): [string, string][] {
  const names = [
    ...new Map(devices.map((d) => [`${d.model}\u0000${d.hardwareSerial}`, `${d.hardwareSerial} (${d.model}, ${d.batchId}, station ${d.stationId})`])).values(),
  ];
  const pairs: [string, string][] = [];
  for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length && pairs.length < 100; j++) pairs.push([names[i]!, names[j]!]);
  return pairs;
}
