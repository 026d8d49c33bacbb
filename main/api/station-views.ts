import type { StationBatchView, StationCountsView } from '../../preload/api.js';
import type { BatchCounts, BatchRow } from '../store/station-batch-repository.js';

/** The database's counters as the dashboard shows them; `remaining` is what the quota still allows. */
export function countsView(c: BatchCounts): StationCountsView {
  return {
    planned: c.planned,
    quantity: c.quantity,
    issued: c.issued,
    devicesIssued: c.devicesIssued,
    confirmed: c.confirmed,
    failed: c.failed,
    refused: c.refused,
    reworked: c.reworked,
    remaining: Math.max(0, c.quantity - c.devicesIssued),
  };
}

/** A work order without its policy text (large, and the renderer has no use for it). */
export function batchView(b: BatchRow, counts: BatchCounts): StationBatchView {
  return {
    id: b.id,
    model: b.model,
    status: b.status,
    issuingCa: b.issuingCa,
    quantity: b.quantity,
    planned: b.planned,
    planSource: b.planSource,
    createdAt: b.createdAt,
    createdBy: b.createdBy,
    counts: countsView(counts),
  };
}
