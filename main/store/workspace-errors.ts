import { HallmarkError } from '../errors/hallmark-error.js';

export type WorkspaceErrorCode =
  | 'WORKSPACE_MISSING'
  | 'WORKSPACE_NOT_DIRECTORY'
  | 'WORKSPACE_NOT_WRITABLE'
  | 'WORKSPACE_NOT_INITIALIZED'
  | 'DATABASE_NOT_SQLITE'
  | 'DATABASE_CORRUPT'
  | 'DATABASE_BUSY'
  | 'SCHEMA_TOO_NEW'
  | 'MIGRATION_FAILED';

export class WorkspaceError extends HallmarkError {
  declare readonly code: WorkspaceErrorCode;
  constructor(code: WorkspaceErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, 'environment', details);
    this.name = 'WorkspaceError';
  }
}
