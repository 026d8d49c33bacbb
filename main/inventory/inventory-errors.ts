import { HallmarkError, type ErrorKind } from '../errors/hallmark-error.js';

export type InventoryErrorCode =
  /** the manifest folder did not pass every verifier check */
  | 'INVENTORY_VERIFY_FAILED'
  /** an entry contradicts the inventory (same certificate, other facts; or a serial already active under another certificate) */
  | 'INVENTORY_CONFLICT'
  /** another manifest with this station and sequence number, or a previous hash that is not the imported predecessor */
  | 'INVENTORY_CHAIN_FORK'
  | 'INVENTORY_IMPORT_FAILED'
  | 'INVENTORY_RECEIPT_EXISTS'
  | 'INVENTORY_RECEIPT_UNWRITABLE'
  | 'INVENTORY_RECEIPT_INVALID'
  /** the receipt names a manifest this workspace did not export */
  | 'INVENTORY_RECEIPT_UNKNOWN_MANIFEST'
  | 'INVENTORY_SEARCH_INVALID';

/** Errors of the inventory: importing verified manifests, receipts, acknowledgments and search. */
export class InventoryError extends HallmarkError {
  declare readonly code: InventoryErrorCode;
  constructor(code: InventoryErrorCode, message: string, kind: ErrorKind = 'input', details?: Record<string, unknown>) {
    super(code, message, kind, details);
    this.name = 'InventoryError';
  }
}
