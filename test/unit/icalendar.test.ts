import { describe, expect, it } from 'vitest';
import type { CalendarEvent } from '../../main/ca/ca-calendar.js';
import { escapeText, foldLine, toICalendar } from '../../main/ca/icalendar.js';
import { prop, readICalendar, unescapeText } from '../support/ical-reader.js';

const event = (over: Partial<CalendarEvent> = {}): CalendarEvent => ({
  uid: 'crl-resign-acme-root-3@hallmark',
  kind: 'crl-resign',
  ca: 'acme-root',
  date: new Date('2027-03-08T12:00:00Z'),
  due: new Date('2027-04-01T12:00:00Z'),
  warnFrom: new Date('2027-03-08T12:00:00Z'),
  state: 'ok',
  summary: 'Re-sign CRL #3 of acme-root before 2027-04-01',
  description: 'CRL #3, of "C=DE,O=Acme; Inc,CN=Root"\\ renew; now',
  crlNumber: 3,
  ...over,
});

describe('iCalendar writer', () => {
  it('escapes backslash, semicolon, comma and newlines, keeps HTAB (TEXT allows it) and drops other controls', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf\rg\th\u0001')).toBe('a\\\\b\\;c\\,d\\ne\\nf\\ng\th ');
    expect(unescapeText(escapeText('x;y,z\\\nw'))).toBe('x;y,z\\\nw');
  });

  it('folds at 75 octets without splitting a UTF-8 character, and unfolds to the same line', () => {
    expect(foldLine('SUMMARY:short')).toBe('SUMMARY:short\r\n');
    for (const line of ['DESCRIPTION:' + 'x'.repeat(200), 'DESCRIPTION:' + 'ü€😀'.repeat(40), 'X:' + 'a'.repeat(73), 'X:' + 'a'.repeat(74)]) {
      const folded = foldLine(line);
      const physical = folded.slice(0, -2).split('\r\n');
      for (const p of physical) expect(Buffer.byteLength(p, 'utf8')).toBeLessThanOrEqual(75);
      physical.slice(1).forEach((p) => expect(p.startsWith(' ')).toBe(true));
      expect(physical.map((p, i) => (i === 0 ? p : p.slice(1))).join('')).toBe(line);
      expect(Buffer.from(folded).toString('utf8')).not.toContain('\uFFFD');
    }
    expect(foldLine('X:' + 'a'.repeat(73))).toBe(`X:${'a'.repeat(73)}\r\n`);
    expect(foldLine('X:' + 'a'.repeat(74))).toBe(`X:${'a'.repeat(73)}\r\n a\r\n`);
  });

  it('writes a calendar a strict reader accepts, one VEVENT per event with a stable UID and an alarm', () => {
    const stamp = new Date('2026-11-28T10:20:30.400Z');
    const long = event({
      uid: 'certificate-expires-acme-root-0a1b@hallmark',
      kind: 'certificate-expires',
      summary: 'CA certificate of acme-root expires, really; ' + 'ä'.repeat(60),
      date: new Date('2036-01-01T00:00:00Z'),
    });
    const text = toICalendar([event(), long], stamp);
    expect(text).not.toMatch(/[^\r]\n/);
    const cal = readICalendar(Buffer.from(text, 'utf8'));
    expect(cal.name).toBe('VCALENDAR');
    expect(prop(cal, 'VERSION')).toBe('2.0');
    expect(prop(cal, 'PRODID')).toMatch(/Hallmark/);
    expect(cal.components.map((c) => c.name)).toEqual(['VEVENT', 'VEVENT']);
    const [first, second] = cal.components as [(typeof cal.components)[0], (typeof cal.components)[0]];
    expect(prop(first, 'UID')).toBe('crl-resign-acme-root-3@hallmark');
    expect(prop(first, 'DTSTAMP')).toBe('20261128T102030Z');
    const start = first.properties.find((p) => p.name === 'DTSTART')!;
    expect(start).toEqual({ name: 'DTSTART', params: { VALUE: 'DATE' }, value: '20270308' });
    expect(prop(first, 'DTEND')).toBe('20270309');
    expect(unescapeText(prop(first, 'SUMMARY'))).toBe('Re-sign CRL #3 of acme-root before 2027-04-01');
    expect(unescapeText(prop(first, 'DESCRIPTION'))).toBe(
      'CRL #3, of "C=DE,O=Acme; Inc,CN=Root"\\ renew; now\nDeadline: 2027-04-01T12:00:00.000Z\nState when exported: ok',
    );
    expect(first.components.map((c) => c.name)).toEqual(['VALARM']);
    expect(prop(first.components[0]!, 'ACTION')).toBe('DISPLAY');
    expect(prop(first.components[0]!, 'TRIGGER')).toBe('-P7D');
    expect(unescapeText(prop(second, 'SUMMARY'))).toBe(long.summary);
    expect(prop(second, 'DTSTART')).toBe('20360101');
    // The same events exported again keep their UIDs: calendars update instead of duplicating.
    const again = readICalendar(Buffer.from(toICalendar([event(), long], new Date('2027-01-01T00:00:00Z')), 'utf8'));
    expect(again.components.map((c) => prop(c, 'UID'))).toEqual(cal.components.map((c) => prop(c, 'UID')));
  });
});
