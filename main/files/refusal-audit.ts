import { OutputPathError } from './output-path.js';
import { MEDIA_TAMPERING_CODES, MediaFileError } from './read-media-file.js';

/**
 * Refusals the audit log must hold wherever one exists: an output refused for where it was
 * going (a path sent by the window, a place inside the workspace) is `output.refused`; a
 * file on a medium refused for what it is (a symlink, a FIFO, a file changed while opening,
 * an impossible size) is `media.refused`. The app (core-api.ts), the CLI (cli.ts) and the
 * inventory import all decide it here, so a refusal is audited the same way from every face.
 */
export interface Refusal {
  readonly action: 'output.refused' | 'media.refused';
  /** the refused path, when the error names one */
  readonly path: string | null;
  readonly code: string;
  readonly message: string;
}

/** The audit action for a refusal the log must hold, or null for an ordinary error. */
export function refusalOf(e: unknown): Refusal | null {
  if (e instanceof OutputPathError && (e.code === 'OUTPUT_PATH_FROM_RENDERER' || e.code === 'OUTPUT_INSIDE_WORKSPACE'))
    return { action: 'output.refused', path: e.path ?? null, code: e.code, message: e.message };
  if (e instanceof MediaFileError && MEDIA_TAMPERING_CODES.has(e.code)) return { action: 'media.refused', path: e.path, code: e.code, message: e.message };
  return null;
}
