import type { Input, Output } from '../../preload/api.js';
import { caCalendar, calendarEventRecord } from '../ca/ca-calendar.js';
import { exportCaCalendar } from '../ca/export-ca-calendar.js';
import { refuseRendererPath } from '../files/output-path.js';
import type { Workspace } from '../store/workspace.js';
import { NO_SAVE_PICKER, OUTPUT_EXTENSIONS, type SaveFilePicker } from './dialog-handlers.js';

type CalendarOp = 'ceremony.calendar' | 'ceremony.exportCalendar';
export type CeremonyCalendarHandlers = { [Op in CalendarOp]: (input: Input<Op>, caller?: unknown) => Output<Op> | Promise<Output<Op>> };

/**
 * The CAs' calendar on the Ceremonies screen. The export goes where the main process's save
 * dialog puts it (a path from the window is refused); `.ics` is forced, the workspace is
 * refused, and the file is created exclusively, so a slip cannot replace a file.
 */
export function createCeremonyCalendarHandlers(
  ws: Workspace,
  saves: SaveFilePicker = NO_SAVE_PICKER,
  clock: () => Date = () => new Date(),
): CeremonyCalendarHandlers {
  return {
    'ceremony.calendar': () => ({ events: caCalendar(ws, clock()).map(calendarEventRecord) }),
    'ceremony.exportCalendar': async ({ path }, caller) => {
      if (path !== undefined) refuseRendererPath('path', 'the calendar export');
      const chosen = await saves.pickSaveFile({ purpose: 'ca-calendar', defaultName: 'ca-calendar.ics', extension: OUTPUT_EXTENSIONS['ca-calendar'] }, caller);
      if (chosen === null) return null;
      const result = exportCaCalendar(ws, chosen, clock());
      return { path: result.path, events: result.events.map(calendarEventRecord) };
    },
  };
}
