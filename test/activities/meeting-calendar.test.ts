import { describe, expect, it } from 'vitest';
import { meetingSeriesIcs } from '../../client/meetings';
import { dorsetHrda as profile } from '../../domain/profiles/dorset-hrda';

const unfold = (ics: string) => ics.replace(/\r\n /g, '');
const events = (ics: string) => unfold(ics).split('BEGIN:VEVENT').slice(1).map((e) => e.split('END:VEVENT')[0]!);

describe('the meeting series as an .ics file for agencies’ calendars', () => {
  const ics = meetingSeriesIcs(profile, '2026-12-21', '2027-05-31', { now: new Date('2026-12-01T00:00:00Z') });

  it('is an iCalendar file with a Europe/London VTIMEZONE, CRLF line ends and lines of at most 75 octets', () => {
    expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics).toContain('BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n');
    expect(ics).toContain('RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU');
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/\n/);
  });

  it('has one event per daily meeting, none on bank holidays, in London wall-clock time across the clock change', () => {
    const daily = events(ics).filter((e) => e.includes('SUMMARY:HRDA daily meeting'));
    const starts = daily.map((e) => /DTSTART;TZID=Europe\/London:(\d{8}T\d{6})/.exec(e)![1]);
    expect(starts.slice(0, 6)).toEqual(['20261221T120000', '20261222T120000', '20261224T120000', '20261229T120000', '20261231T120000', '20270104T120000']);
    expect(starts).not.toContain('20261225T120000');
    expect(starts).not.toContain('20261228T120000');
    expect(starts).not.toContain('20270503T120000');
    expect(starts).toContain('20270504T120000');
    expect(daily.find((e) => e.includes('20270504T120000'))).toContain('UID:meeting-dorset-hrda-daily-2027-05-04@hrda');
    expect(daily[0]).toContain('DTEND;TZID=Europe/London:20261221T140000');
    expect(daily[0]).toContain('Facilitated by Dorset Police.');
    expect(daily.find((e) => e.includes('20270108T120000'))).toContain("Facilitated by Children's Social Care.");
  });

  it('has the HRDAP as a monthly series on the fourth Wednesday at 09:00', () => {
    const monthly = events(ics).filter((e) => e.includes('HRDAP'));
    expect(monthly).toHaveLength(1);
    expect(monthly[0]).toContain('DTSTART;TZID=Europe/London:20261223T090000');
    expect(monthly[0]).toContain('RRULE:FREQ=MONTHLY;BYDAY=4WE;UNTIL=20270531T225959Z');
  });

  // ical-generator escapes now: checked in the file it writes rather than through a helper of ours.
  it('escapes text values', () => {
    const named = unfold(meetingSeriesIcs({ ...profile, name: 'a, b; c\\d' }, '2026-12-21', '2026-12-21', { now: new Date('2026-12-01T00:00:00Z') }));
    expect(named).toContain('X-WR-CALNAME:a\\, b\\; c\\\\d meetings\r\n');
    expect(named).toContain('SUMMARY:HRDA daily meeting (a\\, b\\; c\\\\d)\r\n');
  });
});
