import type { CalendarEvent } from './ca-calendar.js';

/** RFC 5545 §3.1: content lines are at most 75 octets, excluding the CRLF. */
const MAX_OCTETS = 75;

/**
 * The CA calendar as an RFC 5545 iCalendar file: one all-day VEVENT per event, on its
 * `date`, with a display alarm a week before (the day itself for events already past
 * their date). UIDs come from the events, so importing a newer export into the same
 * calendar updates the entries; SEQUENCE grows with `stamp` for the same reason.
 */
export function toICalendar(events: readonly CalendarEvent[], stamp: Date): string {
  const lines: string[] = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Hallmark//CA calendar 1//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH'];
  for (const e of events) {
    const start = dateValue(e.date);
    const end = dateValue(new Date(Date.UTC(e.date.getUTCFullYear(), e.date.getUTCMonth(), e.date.getUTCDate() + 1)));
    lines.push(
      'BEGIN:VEVENT',
      `UID:${escapeText(e.uid)}`,
      `DTSTAMP:${dateTimeValue(stamp)}`,
      `SEQUENCE:${Math.floor(stamp.getTime() / 1000)}`,
      `DTSTART;VALUE=DATE:${start}`,
      `DTEND;VALUE=DATE:${end}`,
      `SUMMARY:${escapeText(e.summary)}`,
      `DESCRIPTION:${escapeText(`${e.description}\nDeadline: ${e.due.toISOString()}\nState when exported: ${e.state}`)}`,
      `CATEGORIES:${escapeText(e.kind)}`,
      'TRANSP:TRANSPARENT',
      'BEGIN:VALARM',
      'ACTION:DISPLAY',
      `DESCRIPTION:${escapeText(e.summary)}`,
      'TRIGGER:-P7D',
      'END:VALARM',
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('');
}

/** RFC 5545 §3.3.11 TEXT: backslash, semicolon, comma and newline escaped; HTAB stays, other controls (forbidden there) become spaces. */
export function escapeText(text: string): string {
  return (
    text
      .replace(/\r\n?/g, '\n')
      .replace(/[\\;,\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))
      // eslint-disable-next-line no-control-regex -- the controls RFC 5545 forbids are what this replaces
      .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, ' ')
  );
}

/**
 * RFC 5545 §3.1 folding: a line longer than 75 octets is broken with CRLF followed by one
 * space, never inside a UTF-8 sequence (a reader joins the octets back, but a character
 * split across lines confuses many). Returns the line with its CRLF.
 */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    // continuation lines start with the space, which counts towards their 75
    if (octets + size > MAX_OCTETS) {
      out.push(current);
      current = ' ';
      octets = 1;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return `${out.join('\r\n')}\r\n`;
}

function dateValue(d: Date): string {
  return `${d.getUTCFullYear().toString().padStart(4, '0')}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
}

function dateTimeValue(d: Date): string {
  return `${dateValue(d)}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
}

function pad(n: number): string {
  return n.toString().padStart(2, '0');
}
