import { HallmarkError } from '../../errors/hallmark-error.js';

export class AuditEventError extends HallmarkError {
  constructor(message: string) {
    super('AUDIT_EVENT_INVALID', message, 'input');
    this.name = 'AuditEventError';
  }
}
