import { HallmarkError } from '../errors/hallmark-error.js';

/** A task stopped because its caller cancelled it (qa.cancel, an AbortSignal): nothing was written. */
export class TaskCancelledError extends HallmarkError {
  constructor(what: string) {
    super('OPERATION_CANCELLED', `${what} was cancelled`, 'input');
    this.name = 'TaskCancelledError';
  }
}
