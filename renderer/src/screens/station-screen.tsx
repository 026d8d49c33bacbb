import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Input } from '../../../preload/api.js';
import type { ApiFailure } from '../api/hallmark.js';
import { useErrorScope } from '../components/error-reporter.js';
import { EventList } from '../station/event-list.js';
import { OrderProgress } from '../station/order-progress.js';
import { PortPicker } from '../station/port-picker.js';
import { PortTile } from '../station/port-tile.js';
import { RunControls, type UnlockKind } from '../station/run-controls.js';
import { startBlocker } from '../station/start-blocker.js';
import { tilesToShow } from '../station/station-view-state.js';
import { useSerialPorts } from '../station/use-serial-ports.js';
import { useStation } from '../station/use-station.js';
import { useWorkOrders } from '../station/use-work-orders.js';
import { WorkOrderPicker } from '../station/work-order-picker.js';
import { useOperatorSession } from '../operators/operator-session.js';

/** The technician's dashboard: a work order, the fixture's ports as tiles, progress and events. */
export function StationScreen() {
  const { report, resolve } = useErrorScope('station', 'Station');
  const session = useOperatorSession();
  const refreshSession = session.refresh;
  // One action per part of the screen, so a run that starts clears the run's banner and not a port list's.
  const onErrorOf = useMemo(() => {
    const of = (action: string) => (f: ApiFailure) => {
      // The main process found the session gone (idle): the gate shows again.
      if (f.code === 'OPERATOR_NOT_SIGNED_IN') refreshSession();
      report(action, f);
    };
    return { orders: of('work-order'), ports: of('ports'), run: of('run') };
  }, [report, refreshSession]);
  // Once the workspace has accounts, the signed-in one is recorded and the typed field goes (docs/operators.md).
  const accountMode = session.status?.accountsRequired === true;
  const account = accountMode ? (session.status?.signedIn?.name ?? null) : undefined;
  const gated = accountMode && account === null;
  const [batchId, setBatchId] = useState<string | null>(null);
  const [operator, setOperator] = useState('');
  const [unlockKind, setUnlockKind] = useState<UnlockKind>('passphrase');
  const [secret, setSecret] = useState('');
  const [selected, setSelected] = useState<string[]>([]);
  const [kiosk, setKiosk] = useState(false);
  const orders = useWorkOrders(onErrorOf.orders);
  const serialPorts = useSerialPorts(onErrorOf.ports);
  const station = useStation(batchId, onErrorOf.run);
  const run = station.view.run;
  const live = run !== null && run.phase !== 'finished';

  // Coming back to a live run: show its work order, its ports and its operator. Adjusted
  // while rendering (React's way for state that follows another value), each only when it
  // differs, so the next render changes nothing.
  if (live) {
    if (run.batchId !== batchId) setBatchId(run.batchId);
    if (selected.length === 0 && run.ports.length > 0) setSelected(run.ports.map((t) => t.port));
    if (operator === '' && run.operator !== '') setOperator(run.operator);
  }

  // The picker's counters change with every run.
  const phase = run?.phase;
  const reloadOrders = orders.reload;
  useEffect(() => {
    if (phase === 'finished') reloadOrders();
  }, [phase, reloadOrders]);

  const toggle = useCallback((path: string, on: boolean) => {
    setSelected((prev) => (on ? (prev.includes(path) ? prev : [...prev, path]) : prev.filter((p) => p !== path)));
  }, []);

  const actingName = account === undefined ? operator : (account ?? '');
  const blocker = startBlocker({ batchId, operator: actingName, ports: selected, secret, live });
  const start = async () => {
    if (blocker !== null || batchId === null) return;
    const unlock = unlockKind === 'passphrase' ? { kind: 'passphrase' as const, passphrase: secret } : { kind: 'pkcs11-pin' as const, pin: secret };
    // The secret leaves the form now; it is not kept for a second attempt.
    setSecret('');
    if (await station.start({ batchId, ports: selected, ...(accountMode ? {} : { operator: operator.trim() }), unlock })) resolve('run');
  };

  const createOrder = async (req: Input<'station.createBatch'>) => {
    const batch = await orders.create(accountMode ? withoutTypedOperator(req) : req);
    if (batch !== null) resolve('work-order');
    return batch;
  };

  const tiles = tilesToShow(run, selected);
  return (
    <section
      className={`screen station${kiosk ? ' station--kiosk' : ''}`}
      data-testid="station-screen"
      data-kiosk={kiosk ? 'true' : 'false'}
      aria-labelledby="station-title"
    >
      <header className="screen__header station__header">
        <div className="screen__title-row">
          <h1 id="station-title" className="screen__title">
            Station
          </h1>
          <span className="count" data-testid="station-run-status" data-phase={run?.phase ?? 'none'} aria-live="polite">
            {describeRun(run, batchId)}
          </span>
          <span className="toolbar__spacer" />
          <button type="button" className="button" data-testid="station-kiosk-toggle" aria-pressed={kiosk} onClick={() => setKiosk((k) => !k)}>
            {kiosk ? 'Normal layout' : 'Kiosk layout'}
          </button>
        </div>
      </header>
      {/* The sign-in itself is the window's (app-sign-in-gate.tsx); the body stays dimmed under it. */}
      <div className={`station__body${gated ? ' station__body--locked' : ''}`} inert={gated} data-testid="station-body">
        <div className="station__setup">
          {kiosk ? null : (
            <WorkOrderPicker batches={orders.batches} selected={batchId} onSelect={setBatchId} operator={actingName} onCreate={createOrder} disabled={live} />
          )}
          <RunControls
            operator={operator}
            account={account}
            onOperator={setOperator}
            unlockKind={unlockKind}
            onUnlockKind={setUnlockKind}
            secret={secret}
            onSecret={setSecret}
            live={live}
            stopping={run?.phase === 'stopping'}
            busy={station.busy}
            blocker={blocker}
            onStart={() => void start()}
            onStop={() => void station.stop(accountMode ? undefined : operator.trim() === '' ? (run?.operator ?? '') : operator)}
          />
        </div>
        {kiosk ? null : (
          <PortPicker
            ports={serialPorts.ports}
            selected={selected}
            onToggle={toggle}
            onAdd={serialPorts.addPath}
            onReload={serialPorts.reload}
            disabled={live}
          />
        )}
        <OrderProgress counts={station.view.counts} throughputPerMinute={run !== null && run.batchId === batchId ? run.throughputPerMinute : null} />
        <div className="station__live">
          <div className="port-grid" data-testid="station-tiles">
            {tiles.length === 0 ? <p className="hint">Choose the fixture’s ports to see a tile for each.</p> : null}
            {tiles.map((t) => (
              <PortTile key={t.port} tile={t} />
            ))}
          </div>
          <EventList entries={station.view.recent} />
        </div>
      </div>
    </section>
  );
}

/** With accounts the main process records the signed-in account; nothing typed is sent. */
function withoutTypedOperator(req: Input<'station.createBatch'>): Input<'station.createBatch'> {
  const { operator: _typed, ...rest } = req;
  return rest;
}

function describeRun(run: ReturnType<typeof useStation>['view']['run'], batchId: string | null): string {
  if (run === null) return batchId === null ? 'No work order chosen' : `Work order ${batchId} — not running`;
  switch (run.phase) {
    case 'running':
      return `Running ${run.batchId} — operator ${run.operator}`;
    case 'stopping':
      return `Stopping ${run.batchId}${run.stopReason ? ` (${run.stopReason})` : ''}`;
    case 'finished':
      return `Last run of ${run.batchId} finished${run.stopReason ? ` — ${run.stopReason}` : ''}`;
  }
}
