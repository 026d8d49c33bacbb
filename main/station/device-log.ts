import { isHallmarkError } from '../errors/hallmark-error.js';
import type { JsonValue } from '../encoding/canonical-json.js';
import type { DeviceRow, DeviceState } from '../store/station-device-repository.js';
import type { BatchContext } from './batch-context.js';
import { StationError } from './station-errors.js';
import type { StationStep } from './station-steps.js';

export interface Transition {
  readonly port: string;
  readonly step: StationStep;
  readonly serial: string | null;
  /** the device row as it was before this transition (absent before the plan check) */
  readonly device: DeviceRow | undefined;
  readonly toState?: DeviceState;
  readonly code?: string;
  readonly message?: string;
  /** small: digests and serials, never certificates */
  readonly details?: { readonly [key: string]: JsonValue };
  /** the named CSR allowances the device's CSR needed, on the steps that accepted it: the event's column and its audit entry */
  readonly csrAllowances?: readonly string[];
}

/**
 * Writes one transition: a device event row and its audit entry (`device.<step>`). Must
 * run inside Workspace.transact(), with whatever state change the transition is.
 */
export function logTransition(ctx: BatchContext, t: Transition, at: string): void {
  const csrAllowances = t.csrAllowances !== undefined && t.csrAllowances.length > 0 ? [...t.csrAllowances] : null;
  ctx.devices.addEvent({
    batchId: ctx.batch.id,
    deviceId: t.device?.id ?? null,
    hardwareSerial: t.serial,
    port: t.port,
    step: t.step,
    fromState: t.device?.state ?? null,
    toState: t.toState ?? t.device?.state ?? null,
    code: t.code ?? null,
    message: t.message === undefined ? null : t.message.slice(0, 500),
    time: at,
    csrAllowances,
  });
  ctx.ws.audit.append({
    actor: ctx.actor,
    action: `device.${t.step}`,
    subject: `${ctx.batch.id}/${t.serial ?? '?'}`,
    details: {
      port: t.port,
      ...(t.toState !== undefined ? { state: t.toState } : {}),
      ...(t.code !== undefined ? { code: t.code } : {}),
      ...(t.message !== undefined ? { message: t.message.slice(0, 200) } : {}),
      ...t.details,
      ...(csrAllowances !== null ? { csrAllowances } : {}),
    },
  });
}

/**
 * Workspace.transact with the station's error contract: a HallmarkError thrown on purpose
 * passes through; anything SQLite throws (disk full, I/O error, locked) becomes
 * STORE_WRITE_FAILED, which stops the station, since no later commit can be trusted to work.
 */
export function stationTransact<T>(ctx: BatchContext, fn: () => T): T {
  try {
    return ctx.ws.transact(fn);
  } catch (e) {
    if (isHallmarkError(e)) throw e;
    throw new StationError('STORE_WRITE_FAILED', `the station could not record to the workspace: ${(e as Error)?.message ?? String(e)}`, 'environment');
  }
}
