import type { InventoryManifestRow } from '../store/inventory-repository.js';

export interface StationChain {
  readonly stationId: string;
  /** imported manifests, by sequence */
  readonly manifests: readonly { readonly sequence: number; readonly batchId: string; readonly sha256: string; readonly importedAt: string }[];
  /** sequence numbers below the highest imported that are not in the inventory: a USB stick that never arrived */
  readonly gaps: readonly { readonly from: number; readonly to: number }[];
  readonly missing: number;
}

/**
 * Each station's manifest chain as the inventory holds it. Sequences start at 1 and
 * every manifest names its predecessor's hash (checked at import, forks refused), so a
 * missing number below the newest one is a batch that was exported but not imported.
 * Gaps are ranges, so a station that skipped a thousand numbers is one line, not a thousand.
 */
export function stationChains(manifests: readonly InventoryManifestRow[]): StationChain[] {
  const by = new Map<string, InventoryManifestRow[]>();
  for (const m of manifests) {
    const list = by.get(m.stationId);
    if (list) list.push(m);
    else by.set(m.stationId, [m]);
  }
  return [...by.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([stationId, list]) => {
      const sorted = [...list].sort((a, b) => a.sequence - b.sequence);
      const gaps: { from: number; to: number }[] = [];
      let expected = 1;
      for (const m of sorted) {
        if (m.sequence > expected) gaps.push({ from: expected, to: m.sequence - 1 });
        expected = m.sequence + 1;
      }
      return {
        stationId,
        manifests: sorted.map((m) => ({ sequence: m.sequence, batchId: m.batchId, sha256: m.sha256, importedAt: m.importedAt })),
        gaps,
        missing: gaps.reduce((n, g) => n + g.to - g.from + 1, 0),
      };
    });
}
