import { useCallback, useEffect, useState } from 'react';
import type { InventoryDeviceDetailView, InventoryRowView } from '../../../preload/api.js';
import { invoke, toFailure, type ApiFailure } from '../api/hallmark.js';
import { rowAt, rowCount } from '../audit/page-cache.js';
import { useErrorScope } from '../components/error-reporter.js';
import { rowActivation } from '../components/row-activation.js';
import { VirtualTable } from '../components/virtual-table.js';
import { BatchList } from '../inventory/batch-list.js';
import { BatchStatusChart } from '../inventory/batch-status-chart.js';
import { ImportForm } from '../inventory/import-form.js';
import { INVENTORY_COLUMNS } from '../inventory/inventory-columns.js';
import { InventoryDetail } from '../inventory/inventory-detail.js';
import { STATUSES, type InventoryFilter, type StatusFilter } from '../inventory/search-text.js';
import { useInventoryBatches } from '../inventory/use-inventory-batches.js';
import { useInventoryPages } from '../inventory/use-inventory-pages.js';
import { useInventoryStats } from '../inventory/use-inventory-stats.js';
import { FleetPanel } from '../inventory/fleet-panel.js';
import { useInventoryFleet } from '../inventory/use-inventory-fleet.js';
import { InventoryHealthSection } from '../inventory/inventory-health-section.js';

const ROW_HEIGHT = 28;
/** Typing a serial should not ask the core on every keystroke. */
const SEARCH_DEBOUNCE_MS = 250;

/** The device inventory: import verified manifests, see the batches, find any certificate. */
export function InventoryScreen() {
  const { report, resolve } = useErrorScope('inventory', 'Inventory');
  // The lists and panels share one action; an import and a certificate opened have their own.
  const onError = useCallback((f: ApiFailure) => report('screen', f), [report]);
  const { batches, reload: reloadBatches } = useInventoryBatches(onError);
  const { stats, reload: reloadStats } = useInventoryStats(onError);
  const { fleet, source, reload: reloadFleet } = useInventoryFleet(onError);
  const [text, setText] = useState('');
  const [filter, setFilter] = useState<InventoryFilter>({ text: '', status: '', batch: '' });
  const { cache, showRange, refresh, key } = useInventoryPages(filter, onError);
  const [detail, setDetail] = useState<InventoryDeviceDetailView | null>(null);

  useEffect(() => {
    const t = setTimeout(() => setFilter((f) => (f.text === text ? f : { ...f, text })), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [text]);

  const onImport = useCallback(
    async (req: { dirs: string[]; trustPem: string; operator?: string }) => {
      try {
        const r = await invoke('inventory.import', req);
        resolve('import');
        reloadBatches();
        reloadStats();
        reloadFleet();
        refresh();
        return r.results;
      } catch (e) {
        report('import', toFailure(e));
        return null;
      }
    },
    [reloadBatches, reloadStats, reloadFleet, refresh, report, resolve],
  );

  const openCertificate = useCallback(
    (fingerprint: string) => {
      invoke('inventory.device', { fingerprint }).then(
        (d) => {
          setDetail(d);
          resolve('device');
        },
        (e: unknown) => report('device', toFailure(e)),
      );
    },
    [report, resolve],
  );

  const count = rowCount(cache);
  const getRow = useCallback((i: number) => rowAt(cache, i), [cache]);
  const activation = rowActivation('data-fingerprint', openCertificate);
  const filtered = filter.text.trim() !== '' || filter.status !== '' || filter.batch !== '';
  // A search that finds nothing leaves no row the pane could belong to (adjusted while rendering).
  if (detail !== null && cache.total === 0) setDetail(null);

  return (
    <section className="screen inventory" data-testid="inventory-screen" aria-labelledby="inventory-title">
      <header className="screen__header">
        <div className="screen__title-row">
          <h1 id="inventory-title" className="screen__title">
            Inventory
          </h1>
          <span className="count" data-testid="inventory-total" data-total={cache.total ?? ''} aria-live="polite">
            {cache.total === null ? 'Loading…' : `${count.toLocaleString('en-US')} ${filtered ? 'matching ' : ''}certificate${count === 1 ? '' : 's'}`}
          </span>
          {source ? (
            <span
              className="inventory-source"
              data-testid="inventory-source"
              data-backend={source.backend}
              title={
                source.from === 'workspace'
                  ? "this workspace's own database"
                  : `set by ${source.from === 'environment' ? 'HALLMARK_INVENTORY_DB of the app' : 'the workspace setting inventory.db (hallmark inventory use-db)'}`
              }
            >
              {source.backend === 'postgres' ? `PostgreSQL: ${source.location}` : 'this workspace (SQLite)'}
            </span>
          ) : null}
        </div>
        <ImportForm onImport={onImport} onError={onError} />
        <div className="inventory__batches">
          <BatchList batches={batches} selected={filter.batch} onSelect={(batch) => setFilter((f) => ({ ...f, batch }))} />
        </div>
        <BatchStatusChart stats={stats} selected={filter.batch} onSelect={(batch) => setFilter((f) => ({ ...f, batch }))} />
        <FleetPanel fleet={fleet} />
        <InventoryHealthSection onError={onError} generation={fleet} />
        <div className="toolbar">
          <div className="filters" role="group" aria-label="Find certificates">
            <label className="field" htmlFor="inventory-search">
              <span className="field__label">Serial or fingerprint</span>
              <input
                id="inventory-search"
                className="input"
                type="search"
                data-testid="inventory-search"
                value={text}
                onChange={(e) => setText(e.target.value)}
                placeholder="HM-… or SHA-256"
                spellCheck={false}
              />
            </label>
            <label className="field" htmlFor="inventory-filter-status">
              <span className="field__label">Status</span>
              <select
                id="inventory-filter-status"
                className="select"
                data-testid="inventory-filter-status"
                value={filter.status}
                onChange={(e) => setFilter((f) => ({ ...f, status: e.target.value as StatusFilter }))}
              >
                <option value="">All</option>
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </label>
            <label className="field" htmlFor="inventory-filter-batch">
              <span className="field__label">Work order</span>
              <select
                id="inventory-filter-batch"
                className="select"
                data-testid="inventory-filter-batch"
                value={filter.batch}
                onChange={(e) => setFilter((f) => ({ ...f, batch: e.target.value }))}
              >
                <option value="">All</option>
                {[...new Set([...(batches ?? []).map((b) => b.batchId), ...(filter.batch ? [filter.batch] : [])])].map((b) => (
                  <option key={b} value={b}>
                    {b}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <span className="toolbar__spacer" />
          <span className="toolbar__hint">Newest import first; click a row for its certificate</span>
        </div>
      </header>
      <div className="inventory__body">
        <div className="inventory__table" {...activation}>
          <VirtualTable<InventoryRowView>
            label="Certificates in the inventory, newest import first"
            columns={INVENTORY_COLUMNS}
            rowCount={count}
            rowHeight={ROW_HEIGHT}
            overscan={10}
            getRow={getRow}
            rowKey={(r) => String(r.id)}
            rowAttributes={(r) => ({ 'data-serial': r.hardwareSerial, 'data-status': r.status, 'data-fingerprint': r.certificateSha256 })}
            rowTestId="inventory-row"
            loadingRowTestId="inventory-row-loading"
            scrollerTestId="inventory-scroller"
            resetKey={key}
            onRangeChange={showRange}
            empty={cache.total === 0 ? (filtered ? 'No certificate matches.' : 'The inventory is empty: import a verified manifest above.') : undefined}
          />
        </div>
        {detail ? <InventoryDetail detail={detail} onClose={() => setDetail(null)} /> : null}
      </div>
    </section>
  );
}
