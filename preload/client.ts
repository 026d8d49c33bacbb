import { OPERATION_NAMES, EVENT_NAMES, type Envelope, type EventName, type Events, type HallmarkClient, type OperationName } from './api.js';

/** The error the renderer sees: the core's code and message, nothing else. */
export class HallmarkApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HallmarkApiError';
  }
}

/** How a client reaches the core: Electron IPC in the app, HTTP in the e2e test host. */
export interface Transport {
  invoke(op: OperationName, input: unknown): Promise<Envelope<unknown>>;
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
}

/**
 * Builds window.hallmark's IPC half over a transport. Unknown operation or event names are refused
 * here too, so a compromised renderer cannot reach a channel the contract does not name.
 */
export function createClient(transport: Transport): HallmarkClient {
  const ops = new Set<string>(OPERATION_NAMES);
  const events = new Set<string>(EVENT_NAMES);
  return Object.freeze({
    async invoke(op: OperationName, input: unknown) {
      if (!ops.has(op)) throw new HallmarkApiError('UNKNOWN_OPERATION', `unknown operation "${String(op)}"`);
      const envelope = await transport.invoke(op, input);
      if (envelope.ok) return envelope.value;
      throw new HallmarkApiError(envelope.error.code, envelope.error.message);
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void) {
      if (!events.has(event)) throw new HallmarkApiError('UNKNOWN_EVENT', `unknown event "${String(event)}"`);
      return transport.subscribe(event, listener as (payload: unknown) => void);
    },
  }) as HallmarkClient;
}
