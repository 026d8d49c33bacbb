import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import type { Input, StationEventView, StationLogEntryView, StationStatusView } from '../../preload/api.js';
import { loadCa } from '../ca/certificate-authority.js';
import { HallmarkError, isHallmarkError } from '../errors/hallmark-error.js';
import { openSigningKey } from '../keys/open-signing-key.js';
import type { DeviceOpener } from '../station/open-device.js';
import { startStation, type StationRun } from '../station/start-station.js';
import { StationBatchRepository } from '../store/station-batch-repository.js';
import type { Workspace } from '../store/workspace.js';
import { caKeyUnlock } from './station-unlock.js';
import { openStationCheckpointer } from './station-audit-key.js';
import type { AuditCheckpointer } from '../store/audit/audit-checkpointer.js';
import { StationRunTracker } from './station-run-tracker.js';
import { countsView } from './station-views.js';

export interface StationSessionOptions {
  /** where HALLMARK_PKCS11_MODULE is read (default process.env) */
  readonly env?: NodeJS.ProcessEnv;
  /** replaces the serial-port opener (tests) */
  readonly openDevice?: DeviceOpener;
  readonly baudRate?: number;
  readonly stepTimeoutMs?: number;
}

const RECENT_MAX = 100;
const DISPOSE_WAIT_MS = 15_000;

/**
 * The dashboard's station: at most one run per workspace at a time, driven through the
 * contract (start, stop, status) and reported as `station.event`s. The main/station core
 * does the work; this keeps the run's tiles, counters and recent events for the UI, and
 * owns the opened CA key for exactly the run's lifetime.
 */
export class StationSession {
  readonly #listeners = new Set<(e: StationEventView) => void>();
  readonly #recent: StationLogEntryView[] = [];
  #seq = 0;
  #tracker: StationRunTracker | null = null;
  #run: StationRun | null = null;
  #done: Promise<void> = Promise.resolve();

  constructor(
    private readonly ws: Workspace,
    private readonly options: StationSessionOptions = {},
  ) {}

  onEvent(listener: (e: StationEventView) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get running(): boolean {
    return this.#tracker !== null && this.#tracker.phase !== 'finished';
  }

  /** `operator`: who the run is recorded under, already decided (station-operator.ts for the app). */
  async start(req: Input<'station.start'> & { operator: string }): Promise<StationStatusView> {
    if (this.running) throw new HallmarkError('STATION_BUSY', `the station is already running work order ${this.#tracker!.batchId}; stop it first`, 'input');
    const operator = req.operator.trim();
    const ports = [...new Set(req.ports)];
    for (const port of ports) assertSerialDevice(port);
    const batch = new StationBatchRepository(this.ws).get(req.batchId);
    if (batch.status !== 'open') throw new HallmarkError('BATCH_CLOSED', `work order "${batch.id}" is closed; nothing more is issued under it`, 'input');
    const ca = loadCa(this.ws, batch.issuingCa);
    // The unlock (with the typed secret) lives only in this frame: once the key is open,
    // nothing keeps a reference to it.
    let unlock: ReturnType<typeof caKeyUnlock>;
    try {
      unlock = caKeyUnlock(ca.key, req.unlock, this.ws, this.options.env ?? process.env);
    } catch (e) {
      // A module refused before it was loaded is a security decision: it goes into the log.
      if (isHallmarkError(e) && (e.code === 'PKCS11_MODULE_NOT_ALLOWED' || e.code === 'PKCS11_MODULE_UNSAFE')) {
        const module = e.details?.['path'];
        this.ws.audit.append({
          actor: operator,
          action: 'station.refused',
          subject: batch.id,
          details: { code: e.code, module: typeof module === 'string' ? module : '' },
        });
      }
      throw e;
    }
    let caKey: Awaited<ReturnType<typeof openSigningKey>>;
    try {
      caKey = await openSigningKey(ca.key, unlock);
    } catch (e) {
      // A locked PIN or a TPM in dictionary-attack lockout means wrong PINs were tried: the log keeps it.
      if (isHallmarkError(e) && (e.code === 'PKCS11_TPM_LOCKOUT' || e.code === 'PKCS11_PIN_LOCKED')) {
        this.ws.audit.append({ actor: operator, action: 'station.refused', subject: batch.id, details: { code: e.code, key: ca.key.label } });
      }
      throw e;
    }
    let checkpoints: AuditCheckpointer | null = null;
    try {
      if (req.auditUnlock) checkpoints = await openStationCheckpointer(this.ws, req.auditUnlock, operator, this.options.env ?? process.env);
    } catch (e) {
      caKey.close();
      throw e;
    }
    if (this.running) {
      caKey.close();
      void checkpoints?.close();
      throw new HallmarkError('STATION_BUSY', 'another run started while the key was being opened', 'input');
    }
    let run: StationRun;
    try {
      run = startStation({
        workspace: this.ws,
        batchId: batch.id,
        ports,
        caKey,
        actor: operator,
        ...(this.options.openDevice ? { openDevice: this.options.openDevice } : {}),
        ...(this.options.baudRate !== undefined ? { baudRate: this.options.baudRate } : {}),
        ...(this.options.stepTimeoutMs !== undefined ? { stepTimeoutMs: this.options.stepTimeoutMs } : {}),
      });
    } catch (e) {
      caKey.close();
      void checkpoints?.close();
      throw e;
    }
    const tracker = new StationRunTracker(randomUUID(), batch.id, operator, ports, new Date(), () => ++this.#seq);
    this.#tracker = tracker;
    this.#run = run;
    this.ws.audit.append({ actor: operator, action: 'station.started', subject: batch.id, details: { runId: tracker.runId, ports } });
    run.on('event', (e) => this.publish(tracker.apply(e)));
    this.#done = run.done
      .then(
        () => undefined,
        (e: unknown) => {
          // The core resolves `done` for every ending; a rejection is a bug, shown as the run's end.
          this.ws.log.error('station', 'the station run failed', e);
          this.publish(tracker.abort('the station stopped unexpectedly; see the application log'));
        },
      )
      .finally(async () => {
        caKey.close();
        await checkpoints?.finish('station-stop', (e) =>
          this.ws.log.warn('station', 'the station-stop audit checkpoint was refused (it is in the audit log)', e),
        );
      });
    return this.status();
  }

  /** Starts nothing new; devices past their commit finish. Recorded under the operator. */
  stop(operator: string): StationStatusView {
    const run = this.#run;
    if (run !== null && this.running && !run.stopping) {
      const name = operator.trim();
      this.ws.audit.append({ actor: name, action: 'station.stopped', subject: this.#tracker!.batchId, details: { runId: this.#tracker!.runId } });
      run.stop(`stopped by ${name}`);
    }
    return this.status();
  }

  status(batchId?: string): StationStatusView {
    const tracker = this.#tracker;
    const id = batchId ?? tracker?.batchId;
    const batches = new StationBatchRepository(this.ws);
    const counts = id === undefined ? null : countsView(batches.get(id).finalCounts ?? batches.counts(id));
    return { run: tracker === null ? null : tracker.view(), counts, recent: [...this.#recent] };
  }

  /** For shutdown: stop the run and wait (bounded) for devices past their commit. */
  async dispose(): Promise<void> {
    if (this.running) this.#run?.stop('the application is closing');
    await Promise.race([this.#done, new Promise((r) => setTimeout(r, DISPOSE_WAIT_MS).unref())]);
    this.#listeners.clear();
  }

  private publish(e: StationEventView | null): void {
    if (e === null) return;
    if (e.entry !== null) {
      this.#recent.push(e.entry);
      if (this.#recent.length > RECENT_MAX) this.#recent.splice(0, this.#recent.length - RECENT_MAX);
    }
    for (const l of this.#listeners) {
      try {
        l(e);
      } catch (err) {
        this.ws.log.error('station', 'a station event listener failed', err);
      }
    }
  }
}

/**
 * Only a character device (a tty, a PTY) is opened as a port: a path from the renderer
 * must not make the station write protocol lines into an ordinary file.
 */
function assertSerialDevice(port: string): void {
  let isDevice: boolean;
  try {
    isDevice = statSync(port).isCharacterDevice();
  } catch {
    throw new HallmarkError('PORT_NOT_FOUND', `no serial port at ${port}`, 'input');
  }
  if (!isDevice) throw new HallmarkError('PORT_INVALID', `${port} is not a serial port (not a character device)`, 'input');
}
