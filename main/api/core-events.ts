import type { EventName, Events } from '../../preload/api.js';
import type { Workspace } from '../store/workspace.js';
import type { CeremonySession } from './ceremony-session.js';
import type { QaSession } from './qa-session.js';
import type { StationSession } from './station-session.js';

export type EventSink = <E extends EventName>(event: E, payload: Events[E]) => void;

/**
 * Every contract event, from wherever the core raises it, to one sink: the desktop shell
 * sends them over IPC, the test host over SSE. A new event is added here once.
 */
export function forwardCoreEvents(workspace: Workspace, station: StationSession, sink: EventSink, ceremony?: CeremonySession, qa?: QaSession): () => void {
  const stopAudit = workspace.audit.onAppend((entry) => sink('audit.appended', { seq: entry.seq, action: entry.action }));
  const stopStation = station.onEvent((e) => sink('station.event', e));
  const stopCeremony = ceremony?.onEvent((e) => sink('ceremony.event', e));
  const stopQa = qa?.onProgress((p) => sink('qa.progress', p));
  return () => {
    stopAudit();
    stopStation();
    stopCeremony?.();
    stopQa?.();
  };
}
