import { describe, expect, it } from 'vitest';
import { withEntries } from '../../client/holds/timeline';
import { notificationSchema } from '../../domain/notification';
import { repeatWindowEndedNotice } from '../../domain/repeat-window';
import { timelineEntrySchema, type TimelineEntry } from '../../domain/timeline';

/** The end of the repeat window (issue 21 item 3): the message and the stored entry, without Temporal. */
describe('the repeat-window-ended message', () => {
  const notice = repeatWindowEndedNotice(
    { caseId: '3f2b9c1e-case', profileId: 'dorset-hrda', agencies: ['police', 'housing'] },
    { latestReferralAt: '2027-02-01T10:00:00.000Z', endedAt: '2028-02-01T10:00:00.000Z', repeatWindow: 'P12M' },
  );

  it('goes to the agencies given, by directory id, once per case and window end', () => {
    expect(notificationSchema.parse(notice)).toEqual(notice);
    expect(notice).toMatchObject({ id: '3f2b9c1e-case:repeat-window-ended:2028-02-01T10:00:00.000Z', to: ['police', 'housing'], topic: 'repeat-window-ended', subject: '[HRDA 3f2b9c1e] Repeat window ended' });
  });

  it('says the case reference, the window and its dates, and nothing else', () => {
    const body = notice.body.join('\n');
    expect(body).toContain('Case 3f2b9c1e-case: the repeat window (P12M) since the victim\'s latest referral (2027-02-01T10:00:00.000Z) ended at 2028-02-01T10:00:00.000Z.');
    // Every line is fixed wording but for the reference, the window and the instants.
    const stripped = body.replace(/3f2b9c1e-case|P12M|2027-02-01T10:00:00\.000Z|2028-02-01T10:00:00\.000Z/g, '');
    expect(stripped).not.toMatch(/\d{4}-\d{2}-\d{2}|@/);
  });
});

describe('an entry kept in the store on the timeline', () => {
  const at = (t: string, type: TimelineEntry['type'] = 'case.closed'): TimelineEntry => ({ at: t, type, caseId: 'c', actor: { role: 'system' }, data: { rationale: 'x' } } as TimelineEntry);
  it('is placed by time, after the history entries at the same instant, and parses as a timeline entry', () => {
    const ended = timelineEntrySchema.parse({ at: '2028-02-01T10:00:00.000Z', type: 'repeat.window-ended', caseId: 'c', actor: { role: 'system' }, data: { latestReferralAt: '2027-02-01T10:00:00.000Z', repeatWindow: 'P12M', told: ['police'] } });
    const history = [at('2027-02-01T10:00:00.000Z'), at('2028-02-01T10:00:00.000Z'), at('2029-01-01T00:00:00.000Z')];
    expect(withEntries(history, [ended]).map((e) => [e.at, e.type])).toEqual([
      ['2027-02-01T10:00:00.000Z', 'case.closed'], ['2028-02-01T10:00:00.000Z', 'case.closed'], ['2028-02-01T10:00:00.000Z', 'repeat.window-ended'], ['2029-01-01T00:00:00.000Z', 'case.closed'],
    ]);
  });
});
