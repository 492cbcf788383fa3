import { beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { DailyAgendaView } from '../../machines/meeting';
import { caseRecordOfView } from '../../machines/referral';
import { bundleWorkflows } from '../support/bundle';
import { referralStep, runScenario } from '../support/simulation';

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleWorkflows();
});

const victim = (name: string) => ({ victim: { name, dateOfBirth: '1990-04-01', consent: { share: true, contact: true } } });
const outcome = { risks: ['Threats to kill'], actions: [{ id: 'a1', owner: 'housing', description: 'Change the locks.' }], leads: {}, rationale: 'High risk.' };

describe('a case closed before its meeting (issue 18 item 5)', () => {
  it('leaves the agenda of the meeting not yet held, before and after the pack went out, and has no next meeting', async () => {
    // Dorset: received Tuesday 24 November, heard Thursday 26 at 12:00; the agenda freezes Wednesday at 14:00.
    const r = await runScenario({
      profile: 'dorset-hrda',
      startAt: '2026-11-23T08:00:00Z',
      until: '2026-11-26T20:00:00Z',
      steps: [
        referralStep('2026-11-24T10:00:00Z', 'A', victim('Alex Example')),
        referralStep('2026-11-24T10:00:00Z', 'B', victim('Blair Example')),
        referralStep('2026-11-24T10:00:00Z', 'C', victim('Casey Example')),
        // Closed the moment it arrives, while it is still being put on the meeting's agenda.
        referralStep('2026-11-24T10:00:00Z', 'D', victim('Dana Example')),
        { at: '2026-11-24T10:00:00Z', do: 'closeCase', ref: 'D', rationale: 'Referred in error: a duplicate.' },
        { at: '2026-11-24T11:00:00Z', do: 'closeCase', ref: 'A', rationale: 'Referred in error: the victim is already open to another area.' },
        { at: '2026-11-25T16:00:00Z', do: 'closeCase', ref: 'B', rationale: 'The victim has moved out of the area.' },
        { at: '2026-11-26T12:30:00Z', do: 'recordOutcome', ref: 'C', outcome },
      ],
    }, bundle);
    expect(r.refusals).toEqual([]);
    const [a, b, c, d] = (['A', 'B', 'C', 'D'] as const).map((ref) => r.cases[ref]!);
    expect([a!.state.stage, b!.state.stage, c!.state.stage, d!.state.stage]).toEqual(['closed', 'closed', 'monitoring', 'closed']);
    for (const closed of [a!, b!]) expect(closed.state.meetingAt).toBe('2026-11-26T12:00:00.000Z');

    const agenda = r.meetings['daily 2026-11-26']!.agenda as DailyAgendaView;
    expect(agenda.status).toBe('ended');
    // Only the case still open was on the agenda the meeting sat with, and heard.
    expect(agenda.items.map((i) => [i.caseId, i.status])).toEqual([[c!.caseId, 'heard']]);
    expect(agenda.leftAgenda.map((l) => l.caseId).sort()).toEqual([a!.caseId, b!.caseId, d!.caseId].sort());
    // Neither is sent on to another meeting.
    expect(agenda.rolledOver).toEqual([]);
    // B left after the pack went out (Wednesday 14:00): it went again without B.
    expect(agenda.packsCirculated.map((p) => p.revision)).toEqual([1, 2]);
    expect(agenda.packsCirculated.map((p) => p.caseIds)).toEqual([[b!.caseId, c!.caseId].sort(), [c!.caseId]]);

    // `case list` reads the case record: a closed case has no next meeting; the open one's was held.
    const record = (view: NonNullable<typeof a>['state']) => caseRecordOfView(view, { version: 1, startedAt: view.receivedAt, status: 'completed' });
    expect(record(a!.state).nextMeeting).toBeNull();
    expect(record(b!.state).nextMeeting).toBeNull();
  });
});
