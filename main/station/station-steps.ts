/**
 * The steps of one device's provisioning, in order, as device events and audit actions
 * (`device.<step>`) name them. `refused` and `failed` end an attempt.
 */
export const STATION_STEPS = [
  'identified',
  'checked',
  'nonce',
  'csr-accepted',
  'issued',
  'certificate-resent',
  'chain-written',
  'done',
  'refused',
  'failed',
  'reworked',
] as const;
export type StationStep = (typeof STATION_STEPS)[number];

/** The progress a tile shows: how far along the happy path a step is (0–6). */
export const STEP_PROGRESS: Readonly<Record<StationStep, number>> = {
  identified: 1,
  checked: 2,
  nonce: 3,
  'csr-accepted': 4,
  issued: 5,
  'certificate-resent': 5,
  'chain-written': 6,
  done: 7,
  refused: 0,
  failed: 0,
  reworked: 0,
};
