/**
 * The station's error codes in a technician's words: what happened to the device on this
 * port, and what to do with it now. Pure, so every code is unit-tested; a code not listed
 * falls back to the core's own remedy and message, never to nothing.
 */
import { ERROR_CATALOGUE } from '../../../main/errors/error-catalogue.js';

export interface FailureText {
  /** what happened, in plain words */
  readonly reason: string;
  /** what to do next */
  readonly action: string;
}

/**
 * Every code's words from the one catalogue (main/errors/error-catalogue.ts, the only file
 * of main/ the renderer imports: pure data, no imports of its own).
 */
export const FAILURE_TEXT: Readonly<Record<string, FailureText>> = Object.fromEntries(
  Object.entries(ERROR_CATALOGUE).map(([code, e]) => [code, { reason: e.words, action: e.remedy }]),
);

/**
 * The plain words for a tile. `remedy` and `message` are the core's own (used when the
 * code is one this table does not know yet).
 */
export function failureText(code: string | null, core: { message?: string | null; remedy?: string | null } = {}): FailureText {
  const known = code === null ? undefined : FAILURE_TEXT[code];
  if (known) return known;
  return {
    reason: firstSentence(core.message) ?? 'The device did not finish.',
    action: core.remedy ?? 'Start the port again; if it repeats, call the supervisor.',
  };
}

function firstSentence(text: string | null | undefined): string | null {
  if (text === null || text === undefined || text.trim() === '') return null;
  const s = text.trim();
  const short = s.length > 160 ? `${s.slice(0, 157)}…` : s;
  return short.charAt(0).toUpperCase() + short.slice(1);
}
