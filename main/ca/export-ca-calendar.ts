import { NewFileError, writeNewFile } from '../files/write-new-file.js';
import { outputFile } from '../files/output-path.js';
import { HallmarkError, type ErrorKind } from '../errors/hallmark-error.js';
import type { Workspace } from '../store/workspace.js';
import { caCalendar, type CalendarEvent } from './ca-calendar.js';
import { toICalendar } from './icalendar.js';

export type CalendarErrorCode = 'CALENDAR_OUTPUT_EXISTS' | 'CALENDAR_OUTPUT_UNWRITABLE';

export class CalendarError extends HallmarkError {
  declare readonly code: CalendarErrorCode;
  constructor(code: CalendarErrorCode, message: string, kind: ErrorKind = 'input') {
    super(code, message, kind);
    this.name = 'CalendarError';
  }
}

/**
 * Writes the CA calendar as an .ics file, created with O_EXCL: a path that names an
 * existing file (another calendar, or anything else) is refused, never replaced. The path
 * is the save dialog's (app) or the `--ics` argument (CLI); `.ics` is forced, and a place
 * inside the workspace is refused (OUTPUT_INSIDE_WORKSPACE).
 */
export function exportCaCalendar(ws: Workspace, path: string, now: Date): { path: string; events: CalendarEvent[] } {
  const full = outputFile(path, { extension: 'ics', home: ws.home, what: 'a calendar export' });
  const events = caCalendar(ws, now);
  const bytes = Buffer.from(toICalendar(events, now), 'utf8');
  try {
    writeNewFile(full, bytes);
  } catch (e) {
    if (!(e instanceof NewFileError)) throw e;
    if (e.reason === 'exists')
      throw new CalendarError('CALENDAR_OUTPUT_EXISTS', `${full} already exists; a calendar export never overwrites a file — choose a new name`);
    throw new CalendarError('CALENDAR_OUTPUT_UNWRITABLE', `cannot create ${full}: ${e.errno}`, 'environment');
  }
  return { path: full, events };
}
