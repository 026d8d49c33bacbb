import type { InventoryCertificateScanRow } from '../../store/inventory-certificate-scan.js';
import type { InventoryStore } from '../../store/inventory-store.js';

/** Rows per round trip: big enough that PostgreSQL's latency does not dominate, small enough to keep memory flat. */
const PAGE = 2000;

/**
 * Every certificate of the inventory, in id order, keyset-paged through the store's
 * scan — the same on SQLite and PostgreSQL. The health view and reconcile read each
 * certificate's DER (notAfter, key, issuer are not columns), so they walk the rows once.
 */
export async function scanInventoryCertificates(store: InventoryStore, visit: (row: InventoryCertificateScanRow) => void): Promise<number> {
  let afterId = 0;
  let seen = 0;
  for (;;) {
    const rows = await store.scanCertificates(afterId, PAGE);
    for (const r of rows) visit(r);
    seen += rows.length;
    if (rows.length < PAGE) return seen;
    afterId = rows[rows.length - 1]!.id;
  }
}
