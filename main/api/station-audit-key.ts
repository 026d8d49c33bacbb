import type { Input } from '../../preload/api.js';
import { openSigningKey } from '../keys/open-signing-key.js';
import { AuditCheckpointer } from '../store/audit/audit-checkpointer.js';
import { AuditCheckpointError } from '../store/audit/audit-errors.js';
import { AuditKeyRepository } from '../store/audit/audit-key-repository.js';
import { KeyRepository } from '../store/key-repository.js';
import type { Workspace } from '../store/workspace.js';
import { caKeyUnlock } from './station-unlock.js';

/**
 * The audit key for a dashboard run, unlocked with what the technician typed beside the
 * CA's secret (same rules: the secret lives only in this frame, the token module comes
 * from the main process's environment): checkpoints every N entries and at the stop.
 */
export async function openStationCheckpointer(
  ws: Workspace,
  given: NonNullable<Input<'station.start'>['auditUnlock']>,
  operator: string,
  env: NodeJS.ProcessEnv,
): Promise<AuditCheckpointer> {
  const current = new AuditKeyRepository(ws.db).current();
  if (!current)
    throw new AuditCheckpointError('AUDIT_KEY_MISSING', 'this workspace has no audit key to unlock; create one with `hallmark audit key create`', 'input');
  const record = new KeyRepository(ws).get(current.keyLabel);
  const key = await openSigningKey(record, caKeyUnlock(record, given, ws, env));
  return new AuditCheckpointer(ws, key, operator, undefined, () => key.close()).watch();
}
