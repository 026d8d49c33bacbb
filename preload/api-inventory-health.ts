/**
 * The Inventory section's health and reconcile part of the contract (preload/api.ts
 * spreads the schemas in; issue #14): the fleet in service by expiry month and key
 * algorithm with the public keys on more than one device, and a cloud registry export
 * reconciled against the inventory, with its HTML report written through the main
 * process's save dialog. zod and types only (the sandboxed preload and the browser import this).
 */
import { z } from 'zod';

const filePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((s) => !s.includes('\0'), 'must not contain NUL');
/** a registry export (folder of certificates or a CSV of fingerprints), with the CAs to count as known besides the inventory's issuers */
const reconcileInput = { path: filePath, trustPem: filePath.optional() };

export const inventoryHealthInputSchemas = {
  'inventory.health': z.strictObject({ withinDays: z.number().int().min(1).max(3650) }),
  /** read-only: nothing of the export is stored; each bad file or line is reported by name and code */
  'inventory.reconcile': z.strictObject(reconcileInput),
  /** reconciles again and writes the HTML report where the save dialog puts it; `out` is refused (OUTPUT_PATH_FROM_RENDERER); null when cancelled */
  'inventory.saveReconcileReport': z.strictObject({ ...reconcileInput, out: filePath.optional() }),
} as const;

export type InventoryHealthOperation = keyof typeof inventoryHealthInputSchemas;

export type InventoryStatusView = 'confirmed' | 'failed' | 'superseded' | 'revoked';

export interface InventoryHealthView {
  generatedAt: string;
  withinDays: number;
  active: number;
  expiry: {
    expired: number;
    expiring: number;
    /** 802.1AR's 99991231235959Z, left out of the chart */
    noWellDefinedExpiry: number;
    months: { month: string; count: number }[];
    certificates: { certificateSha256: string; hardwareSerial: string; model: string; batchId: string; stationId: string; notAfter: string }[];
    certificatesTruncated: boolean;
  };
  algorithms: { algorithm: string; count: number }[];
  unreadable: number;
  sharedKeys: {
    publicKeySha256: string;
    devices: { certificateSha256: string; hardwareSerial: string; model: string; status: InventoryStatusView; stationId: string; batchId: string }[];
    pairs: [string, string][];
  }[];
  sharedKeysTruncated: boolean;
}

export interface ReconcileUnlistedView {
  source: string;
  certificateSha256: string;
  subject: string | null;
  issuer: string | null;
  serial: string | null;
  notAfter: string | null;
}

export interface ReconcileReportView {
  generatedAt: string;
  export: { kind: 'pem-folder' | 'fingerprint-csv'; path: string };
  registered: number;
  matched: number;
  unauthorized: ReconcileUnlistedView[];
  retired: {
    source: string;
    certificateSha256: string;
    hardwareSerial: string;
    model: string;
    status: InventoryStatusView;
    batchId: string;
    stationId: string;
    revokedAt: string | null;
    revocationReason: string | null;
  }[];
  unknown: ReconcileUnlistedView[];
  problems: { source: string; code: string; message: string }[];
  knownIssuers: number;
  /** each list above holds at most RECONCILE_MAX_LISTED; the counts are whole */
  counts: { unauthorized: number; retired: number; unknown: number; problems: number };
}

export const RECONCILE_MAX_LISTED = 1000;

export interface InventoryHealthOutputs {
  'inventory.health': InventoryHealthView;
  'inventory.reconcile': ReconcileReportView;
  'inventory.saveReconcileReport': { path: string; bytes: number; findings: boolean } | null;
}
