import { beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { MaracCategory } from '../../domain/marac';
import type { ReferralInput } from '../../domain/referral';
import type { MaracAgendaView } from '../../machines/meeting';
import type { MeetingPapers } from '../../client/meeting-papers';
import { bundleMeetingWorkflows, runMeetingScenario, type MeetingSimulationResult } from '../support/meeting-simulation';
import { only, referralStep } from '../support/simulation';

/**
 * The Kirklees MARAC on the time-skipping server ([002] 3.4, 3.7, 3.8): cases the Monday DRAMM
 * referred on are on the MARAC of Thursday 10 December 2026, whose papers go out at 17:00 on
 * Friday 4 December, in the order of 3.7; one referred at 17:00 that Friday goes to the next.
 */
let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleMeetingWorkflows();
});

const profile = 'kirklees-dramm-marac';
const chair = { role: 'chair', agency: 'police' };
const medium = { assessment: { tool: 'police-dash' as const, risk: 'medium' as const, score: 9 } };

/** Received on Monday 30 November before 11:00, heard at the 13:00 DRAMM: confirmed, referred on, outcome recorded. */
const drammCase = (ref: string, minute: number, category: MaracCategory, risk: 'high' | 'medium', overrides: Partial<ReferralInput> = {}) => [
  referralStep(`2026-11-30T09:${String(minute).padStart(2, '0')}:00Z`, ref, {
    victim: { name: `Victim ${ref}`, dateOfBirth: '1990-04-01', consent: { share: true, contact: true } },
    ...overrides,
  }),
  { at: `2026-11-30T13:${String(minute).padStart(2, '0')}:00Z`, do: 'confirmRisk', ref, risk, factors: risk === 'high' ? ['vulnerable-victim'] : [], rationale: 'Confirmed by all.', actor: chair },
  { at: `2026-11-30T13:${String(minute).padStart(2, '0')}:20Z`, do: 'referToMarac', ref, category, rationale: `Referred on as ${category}.` },
  { at: `2026-11-30T13:${String(minute).padStart(2, '0')}:40Z`, do: 'recordMeetingOutcome', ref, outcome: { risks: ['Risk'], actions: [], leads: {}, rationale: 'Agreed.' } },
];

describe('the MARAC of 10 December 2026', () => {
  let r: MeetingSimulationResult;
  let agenda: MaracAgendaView;
  let papers: MeetingPapers;
  let history: string;
  beforeAll(async () => {
    r = await runMeetingScenario({
      profile, startAt: '2026-11-30T08:00:00Z', until: '2026-12-10T18:00:00Z',
      steps: [
        // Received in an order unlike the agenda's (steps run in time order).
        ...[
          ...drammCase('full-late', 10, 'full-discussion', 'high'),
          ...drammCase('info', 11, 'information-only', 'medium', medium),
          ...drammCase('full-early', 1, 'full-discussion', 'high'),
          ...drammCase('dvds', 12, 'information-only', 'medium', { ...medium, source: 'dvds' }),
          ...drammCase('update', 13, 'significant-update', 'high'),
        ].sort((x, y) => Date.parse(x.at) - Date.parse(y.at)),
        // Heard at Friday's DRAMM, referred on later in the day: at 17:00, as the papers go out.
        referralStep('2026-12-04T09:00:00Z', 'friday', { victim: { name: 'Victim friday', dateOfBirth: '1990-04-01', consent: { share: true, contact: true } } }),
        { at: '2026-12-04T11:40:00Z', do: 'confirmRisk', ref: 'friday', risk: 'medium', rationale: 'Medium.', actor: chair },
        { at: '2026-12-04T11:50:00Z', do: 'recordMeetingOutcome', ref: 'friday', outcome: { risks: ['Risk'], actions: [{ id: 'a1', owner: 'police', description: 'Visit.' }], leads: {}, rationale: 'Agreed.' } },
        { at: '2026-12-04T17:00:00Z', do: 'referToMarac', ref: 'friday', category: 'significant-update', rationale: 'New information after the DRAMM.' },
        { at: '2026-12-05T09:00:00Z', do: 'captureAgenda', kind: 'marac', date: '2026-12-10' },
        { at: '2026-12-05T09:00:00Z', do: 'capturePack', kind: 'marac', date: '2026-12-10' },
        { at: '2026-12-10T09:00:00Z', do: 'recordMaracOutcome', ref: 'update', meeting: 'marac', risks: [], actions: [], rationale: 'Too early.' },
        { at: '2026-12-10T09:45:00Z', do: 'recordMaracOutcome', ref: 'update', meeting: 'marac', risks: ['Escalation'],
          actions: [{ id: 'm1', owner: 'housing-solutions', description: 'Sanctuary scheme.' }], rationale: 'Agencies updated the risk.' },
        { at: '2026-12-10T17:59:00Z', do: 'captureHistory', kind: 'marac', date: '2026-12-10' },
      ],
    }, bundle);
    agenda = Object.values(r.results)[0] as MaracAgendaView;
    papers = Object.values(r.results)[1] as MeetingPapers;
    history = Object.values(r.results)[2] as string;
  }, 300_000);

  it('sends its papers at 17:00 on the Friday before, to the minute', () => {
    expect(agenda).toMatchObject({ kind: 'marac', status: 'agenda-frozen', meetingAt: '2026-12-10T09:30:00.000Z', papersBy: '2026-12-04T17:00:00.000Z', circulatedAt: '2026-12-04T17:00:00.000Z' });
    expect(agenda.packsCirculated.map((p) => [p.revision, p.at.slice(0, 16)])).toEqual([[1, '2026-12-04T17:00']]);
  });

  it('orders the cases by 3.7: DVDS, information only, significant update, full discussion (each in date order)', () => {
    const refOf = new Map(Object.entries(r.cases).map(([ref, c]) => [c.caseId, ref]));
    expect(agenda.items.map((i) => [refOf.get(i.caseId), i.category])).toEqual([
      ['dvds', 'information-only'], ['info', 'information-only'], ['update', 'significant-update'], ['full-early', 'full-discussion'], ['full-late', 'full-discussion'],
    ]);
  });

  it('sends a case referred on at the papers deadline to the next MARAC, on 24 December', () => {
    expect(only(r.cases.friday!.timeline, 'marac.referred').data).toEqual({ category: 'significant-update', meetingAt: '2026-12-24T09:30:00.000Z', papersBy: '2026-12-18T17:00:00.000Z' });
  });

  it('refuses an outcome before it sits at 09:30, and takes it after, on the case', () => {
    expect(r.refused).toEqual([expect.objectContaining({ at: '2026-12-10T09:00:00.000Z', step: 'recordMaracOutcome', error: expect.stringContaining('the MARAC sits at 2026-12-10T09:30:00.000Z') })]);
    expect(only(r.cases.update!.timeline, 'marac.completed')).toMatchObject({ at: expect.stringMatching(/^2026-12-10T09:45/), data: { category: 'significant-update', meetingAt: '2026-12-10T09:30:00.000Z' } });
    const view = r.meetings['marac 2026-12-10']!.agenda as MaracAgendaView;
    expect(view.items.find((i) => i.caseId === r.cases.update!.caseId)?.status).toBe('heard');
    expect(view.minutesCirculatedAt).toMatch(/^2026-12-10T17:30/);
  });

  it('holds no personal data: outcomes by reference, papers by digest and rendered on read (docs/data-protection.md)', () => {
    // The papers read again while nothing on them has changed are what was mailed, in full.
    expect(papers).toMatchObject({ part: 'pack', kind: 'marac', revision: 1, matchesMailed: true, mailId: expect.stringMatching(/:papers:r1$/) });
    expect(papers.markdown).toContain('Victim full-early');
    expect(papers.markdown).toContain('Actions outstanding from the previous MARAC');
    // The MARAC's history (every activity input and result, update argument and answer) holds
    // the case IDs and none of what the papers or the outcome said about the people.
    expect(history).toContain(r.cases.update!.caseId);
    expect(history).toContain('"digest"');
    const said = ['Victim full-early', 'Victim update', 'Victim dvds', 'Sanctuary scheme', 'Agencies updated the risk', 'Referred on as', 'Confirmed by all'];
    expect(said.filter((s) => history.includes(s))).toEqual([]);
    // The MARAC outcome's text is on the case.
    expect(r.cases.update!.state.actions.map((a) => a.description)).toContain('Sanctuary scheme.');
  });
});
