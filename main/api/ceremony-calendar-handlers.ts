import type { Input, Output } from '../../preload/api.js';
import { caCalendar, calendarEventRecord } from '../ca/ca-calendar.js';
import { exportCaCalendar } from '../ca/export-ca-calendar.js';
import type { Workspace } from '../store/workspace.js';

type CalendarOp = 'ceremony.calendar' | 'ceremony.exportCalendar';
export type CeremonyCalendarHandlers = { [Op in CalendarOp]: (input: Input<Op>) => Output<Op> };

/**
 * The CAs' calendar on the Ceremonies screen. The export path is typed by the user (no
 * native dialog yet); the file is created exclusively, so a typo cannot replace a file.
 */
export function createCeremonyCalendarHandlers(ws: Workspace, clock: () => Date = () => new Date()): CeremonyCalendarHandlers {
  return {
    'ceremony.calendar': () => ({ events: caCalendar(ws, clock()).map(calendarEventRecord) }),
    'ceremony.exportCalendar': ({ path }) => {
      const result = exportCaCalendar(ws, path, clock());
      return { path: result.path, events: result.events.map(calendarEventRecord) };
    },
  };
}
