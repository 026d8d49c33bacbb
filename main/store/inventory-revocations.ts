import type { AuditEvent } from './audit/audit-entry.js';
import type { InventoryDeviceRow, InventorySearch, InventoryStatus } from './inventory-repository.js';
import type { InventoryBackend } from './inventory-store.js';
import type { InventoryCrlRow, PendingRevocation, RevocationRequestEntryRow, RevocationRequestRow, RevocationRequestSummary } from './revocation-repository.js';

/** What a request's decision reads inside its transaction, for exactly the certificates it named. */
export interface RevocationRequestView {
  /** the certificate's status now (undefined: not in this inventory) */
  status(certificateSha256: string): InventoryStatus | undefined;
  /** whether it already has an entry waiting for a CRL */
  pending(certificateSha256: string): boolean;
}

export interface RevocationRequestWrites {
  readonly request: RevocationRequestRow;
  readonly entries: readonly Omit<RevocationRequestEntryRow, 'requestSha256' | 'crlSha256'>[];
  readonly audit: AuditEvent;
}

/** The keys a CRL import's decision may look up. */
export interface CrlImportKeys {
  readonly sha256: string;
  readonly issuerSpkiSha256: string;
  /** certificate serials (hex, lower case) as the inventory may hold them */
  readonly serials: readonly string[];
}

/** What a CRL import's decision reads inside its transaction, under the store's revocation lock. */
export interface CrlImportView {
  /** this CRL, if it was imported before */
  readonly known: InventoryCrlRow | undefined;
  /** the issuer's imported CRL with the highest number */
  readonly latest: InventoryCrlRow | undefined;
  /** request entries waiting for a CRL now (all issuers) */
  readonly pendingCount: number;
  /** inventory certificates with this serial, whatever their issuer (the decision compares issuers) */
  devicesWithSerial(serial: string): readonly InventoryDeviceRow[];
  pending(certificateSha256: string): boolean;
}

export interface CrlImportWrites {
  readonly crl: InventoryCrlRow;
  /** active certificates moved to revoked (each recorded in inventory_crl_revocations) */
  readonly revoke: readonly {
    readonly certificateSha256: string;
    readonly revokedAt: string;
    readonly reason: string;
    readonly statusManifestSha256: string;
  }[];
  /** certificates whose pending request entry this CRL covers */
  readonly cover: readonly string[];
  readonly audit: AuditEvent;
}

/**
 * The inventory's field-revocation state (docs/revocation.md), on either engine: the
 * rules live in main/revocation and run unchanged against both through the views. Each
 * write is one transaction: the view is read, `decide` runs (it may throw a refusal:
 * nothing is written) and what it decided is written with its audit entry. `decide` may
 * run more than once (PostgreSQL retries a transaction that lost a race); it must not
 * have side effects. Request and CRL writes serialize against each other, so two
 * stations or two imports at once neither double-revoke nor lose a request.
 */
export interface InventoryRevocations {
  readonly backend: InventoryBackend;
  search(q: InventorySearch): Promise<InventoryDeviceRow[]>;
  recordRequest<T>(certificates: readonly string[], decide: (view: RevocationRequestView) => { writes: RevocationRequestWrites; result: T }): Promise<T>;
  importCrl<T>(keys: CrlImportKeys, decide: (view: CrlImportView) => { writes: CrlImportWrites | null; result: T }): Promise<T>;
  /** of these certificates, the ones with an entry waiting for a CRL */
  pendingAmong(certificates: readonly string[]): Promise<Set<string>>;
  /** every certificate with a pending entry */
  pendingCertificates(): Promise<Set<string>>;
  /** the devices shown as "revocation requested", oldest request first */
  pendingDevices(): Promise<PendingRevocation[]>;
  requests(): Promise<RevocationRequestSummary[]>;
  /** by SHA-256 or request id */
  request(ref: string): Promise<RevocationRequestRow | undefined>;
  entriesOf(requestSha256: string): Promise<RevocationRequestEntryRow[]>;
  crl(sha256: string): Promise<InventoryCrlRow | undefined>;
  /** how many CRLs were imported */
  crlCount(): Promise<number>;
}
