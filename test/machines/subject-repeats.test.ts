import { describe, expect, it } from 'vitest';
import { dorsetHrda } from '../../domain/profiles/dorset-hrda';
import type { PreviousPlan } from '../../machines/referral';
import { decideRepeat, stillRelevant, type SubjectReferral } from '../../machines/subject/repeats';

// PROTOCOL.md §1.1 decision: a further referral within 12 months of the victim's case being
// referred to HRDA is a repeat, heard at HRDA whatever its level.
const window = dorsetHrda.routing.repeatWindow;
const NEW = '2026-11-24T10:00:00.000Z';

const hrda = (caseId: string, receivedAt: string, extra: Partial<SubjectReferral> = {}): SubjectReferral => ({ caseId, receivedAt, route: 'hrda', repeat: false, ...extra });

describe('decideRepeat', () => {
  it('uses the Dorset window of twelve months', () => {
    expect(window).toBe('P12M');
  });

  it('is not a repeat when nothing is known of the victim', () => {
    expect(decideRepeat([], NEW, window)).toEqual({ repeat: false });
  });

  it('is a repeat when the victim was referred to HRDA twelve months less a day before', () => {
    const decision = decideRepeat([hrda('case-earlier', '2025-11-25T10:00:00.000Z')], NEW, window);
    expect(decision).toEqual({ repeat: true, previous: { caseId: 'case-earlier', receivedAt: '2025-11-25T10:00:00.000Z' } });
  });

  it('is not a repeat when the earlier HRDA referral was twelve months and a day before', () => {
    expect(decideRepeat([hrda('case-earlier', '2025-11-23T10:00:00.000Z')], NEW, window)).toEqual({ repeat: false });
  });

  it('is not a repeat exactly twelve months on: the window is "within" twelve months', () => {
    expect(decideRepeat([hrda('case-earlier', '2025-11-24T10:00:00.000Z')], NEW, window).repeat).toBe(false);
    expect(decideRepeat([hrda('case-earlier', '2025-11-24T10:00:00.001Z')], NEW, window).repeat).toBe(true);
  });

  it('is not a repeat when the only earlier referrals went to the medium- or standard-risk offer', () => {
    const known: SubjectReferral[] = [
      { caseId: 'case-medium', receivedAt: '2026-10-01T10:00:00.000Z', route: 'medium-risk-offer', repeat: false },
      { caseId: 'case-standard', receivedAt: '2026-11-01T10:00:00.000Z', route: 'standard-risk-offer', repeat: false },
    ];
    expect(decideRepeat(known, NEW, window)).toEqual({ repeat: false });
  });

  it('counts from the latest of several earlier HRDA referrals, and carries its plan', () => {
    const plan: PreviousPlan = {
      caseId: 'case-recent', receivedAt: '2026-06-01T10:00:00.000Z', risks: ['stalking'],
      outstandingActions: [{ id: 'a1', owner: 'housing', description: 'Fit locks.', status: 'open' }],
    };
    const known = [
      hrda('case-old', '2024-09-01T10:00:00.000Z'),
      hrda('case-recent', '2026-06-01T10:00:00.000Z', { plan }),
      hrda('case-middle', '2025-02-01T10:00:00.000Z'),
      { caseId: 'case-offer', receivedAt: '2026-10-01T10:00:00.000Z', route: 'medium-risk-offer', repeat: false } satisfies SubjectReferral,
    ];
    expect(decideRepeat(known, NEW, window)).toEqual({ repeat: true, previous: { caseId: 'case-recent', receivedAt: '2026-06-01T10:00:00.000Z', plan } });
  });

  it('counts an earlier repeat, itself heard at HRDA, as a referral to HRDA', () => {
    const decision = decideRepeat([hrda('case-repeat', '2026-03-01T10:00:00.000Z', { repeat: true })], NEW, window);
    expect(decision.previous?.caseId).toBe('case-repeat');
  });

  it('is a repeat when a referral already known to the subject was received later (it arrived first): the same episode, decided consistently', () => {
    const known = [hrda('case-arrived-first', '2026-11-24T10:30:00.000Z')];
    expect(decideRepeat(known, NEW, window)).toEqual({ repeat: true, previous: { caseId: 'case-arrived-first', receivedAt: '2026-11-24T10:30:00.000Z' } });
  });

  it('gives two referrals decided in turn one answer each: the first is not a repeat, the second is', () => {
    const first = decideRepeat([], '2026-11-24T10:30:00.000Z', window);
    expect(first.repeat).toBe(false);
    const second = decideRepeat([hrda('case-a', '2026-11-24T10:30:00.000Z')], NEW, window);
    expect(second.repeat).toBe(true);
  });
});

describe('stillRelevant', () => {
  it('keeps only referrals that can still make a later one a repeat', () => {
    const known = [hrda('case-old', '2025-11-23T10:00:00.000Z'), hrda('case-recent', '2026-06-01T10:00:00.000Z')];
    expect(stillRelevant(known, NEW, window).map((r) => r.caseId)).toEqual(['case-recent']);
    expect(stillRelevant(known, '2027-06-01T10:00:00.000Z', window)).toEqual([]);
  });
});
