/**
 * The batch manifest as it is written to manifest.json (docs/manifest-format.md).
 * Plain data: the builder (main/manifest/build-manifest.ts) fills it from the workspace,
 * the standalone verifier (main/manifest/verify/) reads it back; neither side's code is
 * needed to understand the other.
 */

export const MANIFEST_FORMAT = 'hallmark-batch-manifest';
/** 2 adds each certificate's `request` (its CSR's SHA-256 and the CSR allowances it needed); verifiers read 1 and 2. */
export const MANIFEST_FORMAT_VERSION = 2;

/** What became of one certificate (or, with `certificate: null`, of a device that never got one). */
export type DeviceEntryStatus = 'confirmed' | 'failed' | 'superseded' | 'revoked';

export interface ManifestCertificate {
  /** the certificate, DER in standard base64 */
  readonly der: string;
  /** hex SHA-256 of the DER */
  readonly sha256: string;
  /** hex SHA-256 of the SubjectPublicKeyInfo DER */
  readonly publicKeySha256: string;
  /** hex serial number as the station recorded it */
  readonly serial: string;
  /** when the station committed it (UTC, ms) */
  readonly issuedAt: string;
  /**
   * The request it was issued for (format 2): the CSR's SHA-256 (null for certificates
   * committed before the station recorded it) and the named CSR allowances it needed
   * (main/x509/csr/csr-allowances.ts), empty when the CSR followed RFC 2986 and DER.
   */
  readonly request?: { readonly csrSha256: string | null; readonly allowances: readonly string[] };
}

export interface ManifestRework {
  readonly reason: string;
  readonly revocationReason: 'superseded' | 'keyCompromise';
  readonly operator: string;
  readonly approvedAt: string;
  readonly note: string | null;
}

export interface DeviceEntry {
  readonly hardwareSerial: string;
  readonly model: string;
  readonly status: DeviceEntryStatus;
  /** the device's own state when the work order closed (done, failed, issued, …): the same for all entries of one device */
  readonly deviceState: string;
  readonly certificate: ManifestCertificate | null;
  readonly revocation: { readonly reason: string; readonly revokedAt: string } | null;
  /** the rework that superseded this certificate */
  readonly rework: ManifestRework | null;
  readonly firstSeenAt: string;
  readonly lastChangeAt: string;
  readonly attempts: number;
  readonly lastError: { readonly code: string; readonly message: string | null } | null;
}

export interface ManifestCounters {
  readonly planned: number;
  readonly quantity: number;
  /** certificates committed (replacements included) */
  readonly issued: number;
  /** devices holding at least one certificate */
  readonly devicesIssued: number;
  readonly confirmed: number;
  readonly failed: number;
  readonly reworked: number;
  /** refusals of devices that never became part of the work order (not visible as entries) */
  readonly refused: number;
}

export interface ManifestDocument {
  readonly format: typeof MANIFEST_FORMAT;
  readonly formatVersion: number;
  readonly sequence: number;
  /** hex SHA-256 of the previous manifest.json of this station; null for sequence 1 */
  readonly previousManifestSha256: string | null;
  readonly station: { readonly workspaceId: string };
  readonly workOrder: {
    readonly id: string;
    readonly model: string;
    readonly policySha256: string;
    /** the product rules the verifier checks devices against, taken from the frozen policy */
    readonly policy: { readonly serialPattern: string; readonly hwType: string; readonly subjectSerialNumber: boolean };
    readonly planSource: string;
    /** hex SHA-256 of the canonical JSON array of the planned serials, sorted */
    readonly planSha256: string;
    readonly planned: number;
    readonly quantity: number;
    readonly issuingCa: string;
  };
  readonly operators: readonly string[];
  readonly times: {
    readonly createdAt: string;
    readonly createdBy: string;
    readonly closedAt: string;
    readonly closedBy: string;
    readonly firstIssuedAt: string | null;
    readonly lastIssuedAt: string | null;
    readonly exportedAt: string;
  };
  /** issuing CA first, up to the root; DER in standard base64 */
  readonly issuingCaChain: readonly string[];
  readonly counters: ManifestCounters;
  readonly devices: readonly DeviceEntry[];
  /** hex SHA-256 of the canonical JSON of `devices` (which is sorted, see compareDeviceEntries) */
  readonly devicesSha256: string;
  readonly auditHead: { readonly seq: number; readonly hash: string };
}
