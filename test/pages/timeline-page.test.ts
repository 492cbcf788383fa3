import { describe, expect, it } from 'vitest';
import { londonTime, timelinePage } from '../../client/audit/report-html';
import type { TimelineEntry } from '../../domain/timeline';

/** The HTML timeline is for people: London time with its offset, events and roles in words, the reason shown. */
const entries: TimelineEntry[] = [
  {
    at: '2026-07-01T09:00:00.000Z', type: 'referral.received', caseId: 'c1',
    actor: { role: 'administrator', agency: 'police', name: 'J. Smith' },
    data: { risk: 'high', tool: 'police-dash', referrer: 'police' },
  },
  {
    at: '2026-11-26T12:30:00.000Z', type: 'matrix.recorded', caseId: 'c1', actor: { role: 'chair', agency: 'police' },
    data: { risks: ['Strangulation'], actions: [{ id: 'a1', owner: 'housing', dueAt: '2026-12-10T17:00:00.000Z' }] },
  },
  {
    at: '2026-11-26T16:00:00.000Z', type: 'meeting.rolled-over', caseId: 'c1', actor: { role: 'system' },
    data: { kind: 'daily', meetingAt: '2026-11-26T09:30:00.000Z', reason: 'out-of-time', nextMeetingAt: '2026-11-27T09:30:00.000Z' },
  },
  {
    at: '2026-12-01T10:00:00.000Z', type: 'case.closed', caseId: 'c1', actor: { role: 'administrator', agency: 'police' },
    data: { rationale: 'Every action is complete.' },
  },
];

describe('the HTML timeline', () => {
  const page = timelinePage('c1', entries, { generatedAt: new Date('2026-12-07T15:00:00Z') });
  const row = (i: number) => page.slice(page.indexOf(`<tr id="entry-${i}">`), page.indexOf('</tr>', page.indexOf(`<tr id="entry-${i}">`)));

  it('gives every time in Europe/London with its offset, in summer and in winter', () => {
    expect(londonTime('2026-07-01T09:00:00.000Z')).toBe('Wed 1 Jul 2026, 10:00 (BST, +01:00)');
    expect(londonTime('2026-11-26T12:30:00Z')).toBe('Thu 26 Nov 2026, 12:30 (GMT, +00:00)');
    expect(londonTime('2026-07-01T10:00:00+01:00')).toBe('Wed 1 Jul 2026, 10:00 (BST, +01:00)');
    expect(row(0)).toContain('<time datetime="2026-07-01T09:00:00.000Z">Wed 1 Jul 2026, 10:00 (BST, +01:00)</time>');
    // Instants inside an entry's details too: no UTC ISO string is shown as text.
    expect(row(1)).toContain('Thu 10 Dec 2026, 17:00 (GMT, +00:00)');
    expect(page).toContain('generated <time datetime="2026-12-07T15:00:00.000Z">Mon 7 Dec 2026, 15:00 (GMT, +00:00)</time>');
    const shownText = page.replace(/<[^>]*>/g, ' ');
    expect(shownText).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  });

  it('says each event in words, keeping the contract code beside it', () => {
    expect(row(0)).toContain('Referral received<br><small><code>referral.received</code></small>');
    expect(row(1)).toContain('Risks and actions recorded (Matrix)');
    expect(row(2)).toContain('Moved to a later meeting');
  });

  it('credits the person and their role, and the service for what it did by its own clock', () => {
    expect(row(0)).toContain('<td>J. Smith (administrator, police)</td>');
    expect(row(1)).toContain('<td>Chair, police</td>');
    expect(row(2)).toContain('<td>the service</td>');
  });

  it('shows why wherever the entry has a reason, once, and details as words rather than JSON', () => {
    expect(row(3)).toMatch(/<td>Every action is complete\.<\/td>\s*$/);
    expect(row(3)).not.toContain('<dt>rationale</dt>');
    expect(row(2)).toMatch(/<td>out of time<\/td>\s*$/);
    expect(row(2)).toContain('<dt>next meeting at</dt>');
    expect(row(1)).toContain('<ul><li><dl><dt>id</dt><dd>a1</dd><dt>owner</dt><dd>housing</dd><dt>due at</dt>');
    expect(page).not.toContain('{&quot;');
  });
});
