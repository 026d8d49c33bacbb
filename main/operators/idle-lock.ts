import { SettingsRepository } from '../store/settings-repository.js';
import type { Workspace } from '../store/workspace.js';
import { actingOperator } from './acting-operator.js';
import { OperatorError } from './operator-errors.js';
import { DEFAULT_IDLE_LOCK_MS } from './operator-sessions.js';
import type { VerifiedOperator } from './verified-operator.js';

/** Shorter than this and a technician could not read a tile; a shift is the longest an unattended screen may stay open. */
export const MIN_IDLE_LOCK_SECONDS = 5;
export const MAX_IDLE_LOCK_SECONDS = 8 * 3600;

function inRange(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= MIN_IDLE_LOCK_SECONDS && v <= MAX_IDLE_LOCK_SECONDS;
}

/** The workspace's idle lock; a stored value out of range (written by hand) counts as unset, so the default applies. */
export function idleLockMs(ws: Workspace): number {
  const v = new SettingsRepository(ws).idleLockSeconds();
  return inRange(v) ? v * 1000 : DEFAULT_IDLE_LOCK_MS;
}

/** A CA administrator sets how long an operator screen stays signed in without activity; audited as `settings.idle-lock-set`. */
export function setIdleLock(ws: Workspace, seconds: number, by: VerifiedOperator): boolean {
  const actor = actingOperator(ws, { verified: by, typed: by.name, role: 'ca-admin', action: 'set the idle lock' });
  if (!inRange(seconds))
    throw new OperatorError(
      'OPERATOR_IDLE_LOCK_INVALID',
      `the idle lock is a whole number of seconds from ${MIN_IDLE_LOCK_SECONDS} to ${MAX_IDLE_LOCK_SECONDS}`,
      'input',
    );
  return new SettingsRepository(ws).setIdleLockSeconds(seconds, actor);
}
