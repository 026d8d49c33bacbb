import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryPage, filterClause, type InventoryPageQuery } from '../../main/store/sqlite-inventory-page-query.js';
import { inventoryStats } from '../../main/store/sqlite-inventory-stats.js';
import type { DeviceEntry } from '../../main/manifest/format/manifest-document.js';
import { Workspace } from '../../main/store/workspace.js';
import { importSynthetic, syntheticManifest } from '../support/synthetic-inventory.js';
import { tempDir } from '../support/temp-dir.js';

const dirs = tempDir('hallmark-inventory-paging-');
let ws: Workspace;

beforeAll(() => {
  ws = Workspace.init(dirs.path, 'test').workspace;
  let prev: string | null = null;
  for (let s = 1; s <= 3; s++) {
    const m = syntheticManifest(s, 1500, prev);
    importSynthetic(ws, m, s);
    prev = m.sha256;
  }
});
afterAll(() => {
  ws.close();
  dirs.dispose();
});

/** The plain OFFSET query the checkpoints replace: the reference answer. */
function byOffset(q: InventoryPageQuery) {
  const { clause, args } = filterClause(q);
  const total = ws.db
    .prepare(`SELECT COUNT(*) FROM inventory_devices ${clause}`)
    .pluck()
    .get(...args) as number;
  const ids = ws.db
    .prepare(`SELECT id FROM inventory_devices ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`)
    .pluck()
    .all(...args, q.limit, q.offset) as number[];
  return { total, ids };
}

const FILTERS = [
  {},
  { status: 'confirmed' as const },
  { status: 'failed' as const },
  { batch: 'WO-0002' },
  { batch: 'WO-0002', status: 'superseded' as const },
  { serial: 'HM-SIM1-00010000005' },
];

describe('inventory pages by checkpoint', () => {
  it('returns exactly what LIMIT/OFFSET returns, at every kind of offset and filter', () => {
    for (const f of FILTERS) {
      const { total } = byOffset({ offset: 0, limit: 1, ...f });
      for (const offset of [0, 1, 999, 1000, 1001, 1999, 2500, total - 1, total, total + 5].filter((o) => o >= 0)) {
        for (const limit of [1, 37, 500]) {
          const q = { offset, limit, ...f };
          const page = inventoryPage(ws, q);
          expect({ f, offset, limit, total: page.total, ids: page.rows.map((r) => r.id) }).toEqual({ f, offset, limit, ...byOffset(q) });
        }
      }
    }
  });

  it('sees a new import and a retirement (the cache follows the database), and the stats stay exact', () => {
    const before = inventoryPage(ws, { offset: 0, limit: 1, status: 'superseded' }).total;
    const m4 = syntheticManifest(4, 1200, syntheticManifest(3, 1500, null).sha256);
    // A later manifest reworks a confirmed device of batch 1: its certificate becomes superseded.
    const old = syntheticManifest(1, 1500, null).doc.devices.find((d) => d.status === 'confirmed' && d.hardwareSerial.endsWith('0000500'))!;
    const retire: DeviceEntry = { ...old, status: 'superseded', revocation: { reason: 'superseded', revokedAt: old.certificate!.issuedAt } };
    const replacement: DeviceEntry = { ...old, certificate: { ...old.certificate!, sha256: 'f'.repeat(64), publicKeySha256: 'e'.repeat(64) } };
    const doc = { ...m4.doc, devices: [...m4.doc.devices, retire, replacement] };
    importSynthetic(ws, { doc, sha256: m4.sha256 }, 4);

    // 20 reworked devices of the new batch itself, plus the retired certificate of batch 1.
    expect(inventoryPage(ws, { offset: 0, limit: 1, status: 'superseded' }).total).toBe(before + 21);
    expect(inventoryPage(ws, { offset: 0, limit: 1, status: 'superseded' }).total).toBe(byOffset({ offset: 0, limit: 1, status: 'superseded' }).total);
    const all = inventoryPage(ws, { offset: 0, limit: 3 });
    expect(all).toMatchObject({ total: byOffset({ offset: 0, limit: 1 }).total });
    expect(all.rows.map((r) => r.id)).toEqual(byOffset({ offset: 0, limit: 3 }).ids);

    const grouped = ws.db.prepare('SELECT batch_id AS b, status AS s, COUNT(*) AS n FROM inventory_devices GROUP BY batch_id, status').all() as {
      b: string;
      s: string;
      n: number;
    }[];
    const stats = inventoryStats(ws);
    expect(stats.map((b) => b.batchId)).toEqual(['WO-0001', 'WO-0002', 'WO-0003', 'WO-0004']);
    for (const b of stats) {
      for (const s of ['confirmed', 'failed', 'superseded', 'revoked'] as const)
        expect([b.batchId, s, b[s]]).toEqual([b.batchId, s, grouped.find((g) => g.b === b.batchId && g.s === s)?.n ?? 0]);
    }
    expect(stats[0]!.superseded).toBe(grouped.find((g) => g.b === 'WO-0001' && g.s === 'superseded')!.n);
  });
});
