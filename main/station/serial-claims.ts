import type { Workspace } from '../store/workspace.js';
import { StationError } from './station-errors.js';

/**
 * Which port is working on which device right now, per workspace, in this process. Two
 * devices that report the same hardware serial on two ports at once (a cloned or
 * mis-flashed serial) would otherwise both pass the plan check and race to the commit,
 * where the loser would be refused with a misleading REWORK_REQUIRED after making a key.
 * The first to identify holds the serial until its attempt ends; the other is refused
 * SERIAL_IN_PROGRESS naming the port that holds it. Another station process on the same
 * workspace is not seen here: the commit transaction's re-check covers that case.
 */
const claims = new WeakMap<Workspace, Map<string, string>>();

export interface SerialClaim {
  release(): void;
}

export function claimSerial(ws: Workspace, model: string, serial: string, port: string): SerialClaim {
  let held = claims.get(ws);
  if (held === undefined) {
    held = new Map();
    claims.set(ws, held);
  }
  const key = `${model}\u0000${serial}`;
  const holder = held.get(key);
  if (holder !== undefined && holder !== port) {
    throw new StationError('SERIAL_IN_PROGRESS', `${serial} is being provisioned on ${holder} right now: two devices report the same serial`, 'check', {
      otherPort: holder,
    });
  }
  held.set(key, port);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      if (held.get(key) === port) held.delete(key);
    },
  };
}
