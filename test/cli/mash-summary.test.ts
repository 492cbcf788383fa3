import { describe, expect, it } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { renderCaseSummary } from '../../client/cli/case-summary';
import { caseCommandSchemas } from '../../domain/case-commands';
import { warwickshireMash } from '../../domain/profiles/warwickshire-mash';
import { caseView, createReferralMachine, type CaseSnapshot, type ChecksOutput, type CommandEvent } from '../../machines/referral';
import { parsedReferral } from '../support/referrals';

/** `hrda case show` of a warwickshire-mash case: the MASH section says where it stands and what is overdue. */
function mashCase() {
  const machine = createReferralMachine(warwickshireMash).provide({
    actors: { runBackgroundChecks: fromPromise<ChecksOutput, { caseId: string; systems: string[] }>(async () => ({ at: '2026-11-24T10:05:00.000Z', results: [] })) },
  });
  const actor = createActor(machine, {
    input: { caseId: 'case-show-mash', profileId: warwickshireMash.id, referral: parsedReferral({ assessment: { tool: 'police-dash', risk: 'medium', score: 9 } }), repeat: null },
  }).start();
  const send = (e: CommandEvent) => actor.send({ ...caseCommandSchemas[e.type].parse(e), type: e.type, at: e.at } as CommandEvent);
  return { actor, send, view: () => caseView(actor.getSnapshot() as CaseSnapshot) };
}

const tm = { role: 'chair' as const, agency: 'childrens-social-care' };

describe('hrda case show: the MASH section', () => {
  it('shows the screening, the rating with its overdue mark, the triage responses awaited and the meeting', () => {
    const c = mashCase();
    expect(renderCaseSummary(c.view(), warwickshireMash)).toContain('Screening       no timescale for its level');
    c.send({ type: 'recordScreening', at: '2026-11-24T11:00:00.000Z', actor: { role: 'agency-practitioner', agency: 'police' }, outcome: 'refer-to-mash', sharedWith: [], rationale: 'Children at home.' });
    c.send({ type: 'setRagRating', at: '2026-11-24T11:30:00.000Z', actor: tm, rating: 'red', rationale: 'Immediate risk.' });
    c.send({ type: 'recordTriageResponse', at: '2026-11-24T12:00:00.000Z', actor: { role: 'agency-practitioner', agency: 'health' }, agency: 'health', response: { chronology: 'GP.', summary: 'Nothing.' } });
    c.send({ type: 'conveneMashMeeting', at: '2026-11-24T12:30:00.000Z', actor: tm, kind: 'strategy-discussion', meetingAt: '2026-11-24T14:00:00.000Z', rationale: 'Significant harm.' });
    c.actor.send({ type: 'clock', at: '2026-11-24T15:00:00.000Z' });
    const text = renderCaseSummary(c.view(), warwickshireMash, new Date('2026-11-24T15:30:00Z'));
    expect(text).toContain('MASH  (lead agency police)');
    expect(text).toContain('Screening       refer-to-mash, Tue 24 Nov 2026 11:00');
    expect(text).toContain('RAG rating      red, complete by Tue 24 Nov 2026 15:00 — OVERDUE');
    expect(text).toContain('Triage          1 of 6 responses');
    expect(text).toContain('  Awaited       childrens-social-care, adult-social-care, police, early-help, education');
    expect(text).toContain('MASH meeting    strategy-discussion at Tue 24 Nov 2026 14:00; record by Wed 25 Nov 2026 11:00');
    expect(text).not.toContain('Immediate risk');
    c.send({ type: 'recordMashDecision', at: '2026-11-24T16:00:00.000Z', actor: tm, outcomes: ['early-help'], rationale: 'Early help.' });
    expect(renderCaseSummary(c.view(), warwickshireMash)).toContain('MARAC           not referred: the criteria of 003 §17.2 are not met');
  });
});
