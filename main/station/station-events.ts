import type { BatchCounts } from '../store/station-batch-repository.js';
import type { DeviceOutcome } from './device-outcome.js';
import type { StepEvent } from './provision-device.js';

/** What a running station reports, in order: the UI's tiles and the CLI's lines are built from these. */
export type StationEvent =
  | { readonly type: 'started'; readonly batchId: string; readonly ports: readonly string[]; readonly counts: BatchCounts }
  | ({ readonly type: 'step'; readonly progress: number } & StepEvent)
  | { readonly type: 'retry'; readonly port: string; readonly attempt: number; readonly code: string }
  | { readonly type: 'device'; readonly outcome: DeviceOutcome }
  | { readonly type: 'progress'; readonly counts: BatchCounts; readonly portsDone: number; readonly portsTotal: number }
  | { readonly type: 'stopping'; readonly reason: string }
  /** auto mode: a fixture port appeared (a device was plugged in) or went away */
  | { readonly type: 'port'; readonly port: string; readonly change: 'added' | 'removed' }
  /** auto mode: listing the ports failed this time; watching goes on */
  | { readonly type: 'port-watch-failed'; readonly message: string }
  | { readonly type: 'finished'; readonly summary: StationSummary };

export interface StationSummary {
  readonly batchId: string;
  readonly outcomes: readonly DeviceOutcome[];
  readonly counts: BatchCounts;
  /** set when the run was stopped before every port finished */
  readonly stopped: string | null;
  readonly elapsedMs: number;
}
