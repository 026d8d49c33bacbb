import type { AuditEntry, AuditEvent } from './audit/audit-entry.js';
import type { ChainStatus } from './audit/audit-verify.js';
import type { InventoryCertificateScanRow } from './inventory-certificate-scan.js';
import type { InventoryRevocations } from './inventory-revocations.js';
import type { InventoryDeviceRow, InventoryManifestRow, InventorySearch, InventoryStatus, NewInventoryDevice } from './inventory-repository.js';

/**
 * What the import's decision reads, synchronously, inside the import transaction. The
 * SQLite store answers from the database directly; the PostgreSQL store answers from
 * rows it fetched in bulk (inside the same transaction, under the station's lock) for
 * exactly the keys in `ManifestKeys` — asking for anything else is a programming error.
 */
export interface InventoryView {
  manifest(sha256: string): InventoryManifestRow | undefined;
  manifestAt(stationId: string, sequence: number): InventoryManifestRow | undefined;
  byCertificate(sha256: string): InventoryDeviceRow | undefined;
  /** the certificate currently in service for a device (model + hardware serial), if any */
  activeFor(model: string, hardwareSerial: string): InventoryDeviceRow | undefined;
}

/** The keys an import decision may look up: the manifest, its station neighbours, its certificates and devices. */
export interface ManifestKeys {
  readonly sha256: string;
  readonly stationId: string;
  readonly sequence: number;
  readonly certificates: readonly string[];
  readonly devices: readonly { readonly model: string; readonly hardwareSerial: string }[];
}

export interface Retirement {
  readonly certificateSha256: string;
  readonly status: 'superseded' | 'revoked';
  readonly revokedAt: string | null;
  readonly reason: string | null;
}

/** What the import decided, to be written in the same transaction (or nothing, for a manifest already imported). */
export type ImportDecision =
  | { readonly kind: 'known'; readonly manifest: InventoryManifestRow; readonly notes: string[] }
  | {
      readonly kind: 'import';
      readonly manifest: InventoryManifestRow;
      readonly retirements: readonly Retirement[];
      readonly inserts: readonly NewInventoryDevice[];
      readonly audit: AuditEvent;
      readonly notes: string[];
    };

export type InventoryBackend = 'sqlite' | 'postgres';

/** An offset page for the screen's virtual table: newest import first, with the filter's total. */
export interface InventoryPageQuery {
  readonly offset: number;
  readonly limit: number;
  readonly serial?: string | undefined;
  readonly fingerprint?: string | undefined;
  readonly batch?: string | undefined;
  readonly status?: InventoryStatus | undefined;
}

export interface InventoryPageRow {
  readonly id: number;
  readonly hardwareSerial: string;
  readonly model: string;
  readonly status: InventoryStatus;
  readonly certificateSerial: string;
  readonly certificateSha256: string;
  readonly batchId: string;
  readonly issuedAt: string;
}

/** Certificates first imported by one manifest, by their status now (the chart's bars). */
export interface ManifestStatusCounts {
  readonly manifestSha256: string;
  readonly batchId: string;
  readonly model: string;
  readonly stationId: string;
  readonly sequence: number;
  readonly signedAt: string | null;
  readonly importedAt: string;
  readonly confirmed: number;
  readonly failed: number;
  readonly superseded: number;
  readonly revoked: number;
}

/** A certificate whose public key another device's certificate also carries. */
export interface SharedKeyCertificate {
  readonly publicKeySha256: string;
  readonly certificateSha256: string;
  readonly hardwareSerial: string;
  readonly model: string;
  readonly status: InventoryStatus;
  readonly stationId: string;
  readonly batchId: string;
  readonly manifestSha256: string;
}

/** Public keys on more than one device (model + hardware serial), each with every certificate carrying it, in id order. */
export interface SharedPublicKeys {
  readonly keys: readonly (readonly SharedKeyCertificate[])[];
  /** more keys are shared than `maxKeys` returned */
  readonly truncated: boolean;
}

/**
 * The receiving inventory, on the workspace's SQLite database or on a shared PostgreSQL
 * server. One interface, async because PostgreSQL is; the rules (chain, plan, conflicts)
 * live in main/inventory and run unchanged against either through `InventoryView`.
 */
export interface InventoryStore {
  readonly backend: InventoryBackend;
  /** where the inventory lives, for messages (a URL without its password, or the workspace path) */
  readonly location: string;
  /** the id receipts name as `receivedBy.workspaceId` */
  receiverId(): Promise<string>;
  /**
   * One transaction: look up `keys`, run `decide` (which may throw a refusal: the
   * transaction rolls back whole), write what it decided with its audit entry, commit.
   * `decide` may run more than once (PostgreSQL retries a transaction that lost a race);
   * it must not have side effects.
   */
  importManifest(keys: ManifestKeys, decide: (view: InventoryView) => ImportDecision): Promise<ImportDecision>;
  manifest(sha256: string): Promise<InventoryManifestRow | undefined>;
  /** imported manifests by station, then sequence */
  manifests(): Promise<InventoryManifestRow[]>;
  byCertificate(sha256: string): Promise<InventoryDeviceRow | undefined>;
  /** filters combine with AND; rows in import (id) order, keyset-paged by `afterId` */
  search(q: InventorySearch): Promise<InventoryDeviceRow[]>;
  countDevices(): Promise<number>;
  /** the screen's offset pages at constant cost whatever the depth (a checkpoint index per filter, cached per database version) */
  page(q: InventoryPageQuery): Promise<{ total: number; rows: InventoryPageRow[] }>;
  /** per imported manifest, oldest import first, its certificates by status now */
  statusCounts(): Promise<ManifestStatusCounts[]>;
  /** the fleet view's duplicate keys: public keys on more than one device, at most `maxKeys` of them */
  sharedPublicKeys(maxKeys: number): Promise<SharedPublicKeys>;
  /** every certificate with id > `afterId`, in id order, at most `limit` (fleet health and reconcile walk the rows with it) */
  scanCertificates(afterId: number, limit: number): Promise<InventoryCertificateScanRow[]>;
  /** appends to this inventory's audit log (its own transaction) */
  appendAudit(event: AuditEvent): Promise<AuditEntry>;
  /** every audit entry, oldest first, with seq > sinceSeq */
  auditEntries(sinceSeq?: number): Promise<AuditEntry[]>;
  verifyAudit(): Promise<ChainStatus>;
  /** the field-revocation state (docs/revocation.md), in this inventory's database */
  revocations(): InventoryRevocations;
  close(): Promise<void>;
}
