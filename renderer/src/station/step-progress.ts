import type { PortTileView } from '../../../preload/api.js';

/** The stages a tile shows, in order. */
export const STAGES = ['identify', 'plan', 'nonce', 'csr', 'issue', 'write', 'confirm', 'lock', 'done'] as const;
export type Stage = (typeof STAGES)[number];
export type StageState = 'done' | 'current' | 'failed' | 'pending';

/**
 * How many stages a station progress value (0–7, main/station/station-steps.ts) has
 * completed. `chain-written` (6) means written and read back by the driver, so write and
 * confirm are both done; `done` (7) comes after the lock.
 */
const COMPLETED_BY_PROGRESS = [0, 1, 2, 3, 4, 5, 7, 9] as const;

export function completedStages(progress: number): number {
  const i = Math.max(0, Math.min(COMPLETED_BY_PROGRESS.length - 1, Math.floor(progress)));
  return COMPLETED_BY_PROGRESS[i]!;
}

/** Each stage's state for a tile: a running tile's next stage is current, a failed tile's is where it failed. */
export function stageStates(tile: Pick<PortTileView, 'state' | 'progress'>): StageState[] {
  const completed = tile.state === 'done' ? STAGES.length : completedStages(tile.progress);
  return STAGES.map((_, i) => {
    if (i < completed) return 'done';
    if (i === completed && tile.state === 'running') return 'current';
    if (i === completed && tile.state === 'failed') return 'failed';
    return 'pending';
  });
}
