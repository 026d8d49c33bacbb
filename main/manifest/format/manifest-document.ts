/**
 * The batch manifest as it is written to manifest.json (docs/manifest-format.md).
 * Plain data: the builder (main/manifest/build-manifest.ts) fills it from the workspace,
 * the standalone verifier (main/manifest/verify/) reads it back; neither side's code is
 * needed to understand the other.
 */

export const MANIFEST_FORMAT = 'hallmark-batch-manifest';
/**
 * 2 adds each certificate's `request` (its CSR's SHA-256 and the CSR allowances it needed);
 * 3 adds `auditCheckpoint` and the Matter members (`workOrder.policy.matter`, each entry's
 * `matter`). Verifiers read 1 to 3. Bumped so that a verifier of an older version refuses a
 * newer manifest by its version, not by a member it has never heard of.
 */
export const MANIFEST_FORMAT_VERSION = 3;

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

/**
 * What a Matter device's entry adds (a Matter work order only): its VendorID and ProductID,
 * the PAI its DAC was issued by (issuingCaChain[0], named by its SHA-256), and the
 * factory data it holds — the SPAKE2+ verifier's SHA-256, never the passcode.
 */
export interface ManifestMatter {
  readonly vendorId: string;
  readonly productId: string;
  /** hex SHA-256 of the PAI's DER */
  readonly paiSha256: string;
  /** the device's factory data (on the entry of its current certificate), null when none was written */
  readonly factoryData: {
    readonly verifierSha256: string;
    readonly discriminator: number;
    readonly iterations: number;
    readonly saltBytes: number;
    readonly certificationDeclarationSha256: string;
  } | null;
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
  /** Matter work orders: on every entry with a certificate (a DAC) */
  readonly matter?: ManifestMatter;
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
    readonly policy: {
      readonly serialPattern: string;
      readonly hwType: string;
      readonly subjectSerialNumber: boolean;
      /** a Matter product: its VendorID and ProductID and the SHA-256 of its Certification Declaration */
      readonly matter?: { readonly vendorId: string; readonly productId: string; readonly certificationDeclarationSha256: string };
    };
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
  /** the workspace's latest signed audit checkpoint when the manifest was recorded (docs/audit.md); absent when it had none */
  readonly auditCheckpoint?: ManifestAuditCheckpoint;
}

/** A signed audit checkpoint as its audit entry holds it, and that entry's seq. */
export interface ManifestAuditCheckpoint {
  readonly entrySeq: number;
  readonly format: string;
  readonly workspaceId: string;
  /** the last entry it vouches for, and that entry's hash */
  readonly seq: number;
  readonly headHash: string;
  readonly time: string;
  readonly reason: string;
  readonly keySha256: string;
  /** base64, by the audit key whose certificate is the AUDIT-CERT */
  readonly signature: string;
}
