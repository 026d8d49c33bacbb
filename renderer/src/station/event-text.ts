import type { StationLogEntryView, StationStepName } from '../../../preload/api.js';
import { failureText } from './failure-text.js';

const STEP_WORDS: Readonly<Record<StationStepName, string>> = {
  identified: 'identified',
  checked: 'found in the plan',
  nonce: 'challenge sent',
  'csr-accepted': 'key request accepted',
  issued: 'certificate issued',
  'certificate-resent': 'certificate re-sent',
  'chain-written': 'certificates written and read back',
  done: 'locked — done',
  refused: 'refused',
  failed: 'failed',
  reworked: 'rework approved',
};

/** One event list line in plain words (the port and serial are shown in their own columns). */
export function eventText(e: StationLogEntryView): string {
  switch (e.kind) {
    case 'run-started':
      return `Run started${e.text ? ` on ${e.text}` : ''}`;
    case 'step':
      return e.step === null ? 'step' : STEP_WORDS[e.step];
    case 'retry':
      return `Trying again (${e.text ?? 'next attempt'}): ${failureText(e.code).reason}`;
    case 'device':
      return e.result === 'done'
        ? `Done${e.text ? ` (${e.text})` : ''}`
        : `${e.result === 'refused' ? 'Refused' : 'Failed'}: ${failureText(e.code, { message: e.text }).reason}`;
    case 'stopping':
      return `Stopping${e.text ? ` — ${e.text}` : ''}`;
    case 'finished':
      return e.text ? `Run ended — ${e.text}` : 'Run finished';
  }
}

/** The short name of a port path: the fixture's ports are told apart by their last segment. */
export function portLabel(path: string): string {
  const parts = path.split(/[\\/]/).filter((p) => p !== '');
  return parts.at(-1) ?? path;
}
