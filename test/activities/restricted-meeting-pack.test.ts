import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import type { Client } from '@temporalio/client';
import { createMeetingWorkflowActivities } from '../../activities/meeting-activities';
import { papersDigest } from '../../activities/meeting-papers';
import { readMeetingPapers } from '../../client/meeting-papers';
import { renderHrdapPapers, restrictedPlaceholder } from '../../activities/meeting-render';
import type { MailPort, OutgoingMail } from '../../activities/mail.port';
import { dorsetHrda as profile } from '../../domain/profiles/dorset-hrda';
import type { ReferralInput } from '../../domain/referral';
import { caseView, createReferralMachine, type CaseSnapshot, type CaseView, type ChecksOutput } from '../../machines/referral';
import type { MeetingRef } from '../../workflows/meeting-activity-types';
import { parsedReferral } from '../support/referrals';

const ref: MeetingRef = {
  profileId: profile.id, kind: 'daily', date: '2026-11-26', meetingAt: '2026-11-26T12:00:00.000Z',
  workflowId: 'meeting-dorset-hrda-daily-2026-11-26', facilitator: 'police',
};

/** A case prepared for the meeting and heard, as the referral machine makes it. */
async function heardCase(caseId: string, victim: string, flags: ReferralInput['incident']['flags']): Promise<CaseView> {
  const referral = parsedReferral({
    victim: { name: victim, dateOfBirth: '1990-04-01', consent: { share: true, contact: true } },
    incident: { occurredAt: '2026-11-23T22:10:00Z', summary: `Incident summary for ${victim}.`, flags },
  });
  const machine = createReferralMachine(profile).provide({
    actors: { runBackgroundChecks: fromPromise<ChecksOutput, { caseId: string; systems: string[] }>(async () => ({ at: '2026-11-24T10:05:00.000Z', results: [{ system: 'niche', status: 'completed', hits: 1, records: [{ reference: `NICHE-${caseId.slice(0, 4)}`, summary: `Record about ${victim}` }] }] })) },
  });
  const actor = createActor(machine, { input: { caseId, profileId: profile.id, referral, repeat: null, submittedBy: 'pc-referrer-1' } }).start();
  await waitFor(actor, (s) => (s as CaseSnapshot).matches({ preparing: { checks: 'done' } }));
  actor.send({
    type: 'submitSummary', at: '2026-11-25T09:00:00.000Z', agency: 'health', actor: { role: 'agency-practitioner', agency: 'health' },
    summary: { involvement: `Health knows ${victim}.`, risks: 'Family pressure.', actionsTaken: 'Flag.', recommendations: 'Refuge.' },
  });
  actor.send({ type: 'recordVictimContact', at: '2026-11-25T11:00:00.000Z', outcome: 'views-recorded', views: `${victim} wants to stay safe.`, actor: { role: 'agency-practitioner', agency: 'domestic-abuse-advisor' } });
  actor.send({ type: 'clock', at: '2026-11-26T09:00:00.000Z' });
  actor.send({ type: 'clock', at: ref.meetingAt });
  actor.send({
    type: 'recordMeetingOutcome', at: '2026-11-26T12:30:00.000Z', actor: { role: 'administrator', agency: 'police' },
    outcome: { risks: [`Risk to ${victim}`], actions: [{ id: 'a1', owner: 'education', description: `Move ${victim} to a refuge.` }], leads: {}, rationale: 'Agreed.' },
  });
  return caseView(actor.getSnapshot() as CaseSnapshot);
}

/** The papers as a reader gets them later: rendered again from the same cases (client/meeting-papers.ts). */
const readAgain = (views: Record<string, CaseView>, mailed: Parameters<typeof readMeetingPapers>[0]['mailed']) =>
  readMeetingPapers({ profile, ref, mailed, read: async (caseId) => (views[caseId] ? { state: views[caseId] } : { state: null, problem: 'no such case' }) });

function fakes(views: Record<string, CaseView>) {
  const sent: OutgoingMail[] = [];
  const mail: MailPort = { send: async (m) => (sent.push(m), 'sent') };
  const client = { workflow: { getHandle: (workflowId: string) => ({ query: async () => views[workflowId.replace(/^case-/, '')]! }) } } as unknown as Client;
  return { sent, activities: createMeetingWorkflowActivities({ client, taskQueue: 'q', mail }) };
}

describe('meeting papers and a restricted case (003 §18.3)', () => {
  it('the pack circulated to all agencies has one placeholder line for a restricted case, and the details of the others', async () => {
    const restricted = await heardCase('aaaaaaaa-0000-0000-0000-000000000001', 'Restricted Victim', ['honour-based-violence']);
    const ordinary = await heardCase('bbbbbbbb-0000-0000-0000-000000000002', 'Ordinary Victim', ['strangulation']);
    expect(restricted.restricted).toBe(true);
    const { sent, activities } = fakes({ [restricted.caseId]: restricted, [ordinary.caseId]: ordinary });
    const result = await activities.circulateMeetingPapers({ ...ref, revision: 1, items: [
      { position: 1, caseId: restricted.caseId, item: 'new-referral', lateAddition: false },
      { position: 2, caseId: ordinary.caseId, item: 'new-referral', lateAddition: false },
    ] });
    expect(sent).toHaveLength(1);
    const mail = sent[0]!;
    // The meeting keeps what went where and its digest, not the text; read again, the papers are what was mailed.
    expect(JSON.stringify(result)).not.toMatch(/Victim|NICHE/);
    expect(result.digest).toEqual(papersDigest({ markdown: mail.text, html: mail.html }));
    const again = await readAgain({ [restricted.caseId]: restricted, [ordinary.caseId]: ordinary }, { part: 'pack', record: { revision: 1, circulatedAt: '2026-11-25T14:00:00.000Z', ...result } });
    expect(again).toMatchObject({ matchesMailed: true, markdown: mail.text, html: mail.html });
    expect(again.cases).toEqual([{ caseId: restricted.caseId, shown: 'restricted' }, { caseId: ordinary.caseId, shown: 'in-full' }]);
    for (const text of [mail.html, mail.text, again.markdown]) {
      expect(text).toContain(restrictedPlaceholder);
      expect(text).not.toMatch(/Restricted Victim|NICHE-aaaa|honour-based-violence/);
      expect(text).toMatch(/Ordinary Victim/);
      expect(text).toContain('NICHE-bbbb');
    }
    expect(mail.html).toContain(`<h2>1. Case aaaaaaaa — ${restrictedPlaceholder}, new referral</h2>`);
    // Neither the risk level nor the household of the restricted case is in its heading.
    expect(mail.html).toContain('<h2>2. Case bbbbbbbb — high risk, children linked, new referral</h2>');
    expect(mail.subject).not.toMatch(/restricted/i);
  });

  it('the minutes and HRDA Matrix keep the restricted case to one row, and its action owners are not added as recipients', async () => {
    const restricted = await heardCase('aaaaaaaa-0000-0000-0000-000000000003', 'Restricted Victim', ['forced-marriage']);
    const ordinary = await heardCase('bbbbbbbb-0000-0000-0000-000000000004', 'Ordinary Victim', []);
    const onlyRestricted = fakes({ [restricted.caseId]: restricted });
    const alone = await onlyRestricted.activities.circulateMeetingMinutes({ ...ref, attendance: null, recorded: [], rolledOver: [], items: [
      { position: 1, caseId: restricted.caseId, item: 'new-referral', lateAddition: false },
    ] });
    expect(alone.heard).toEqual([restricted.caseId]);
    // Education owns the restricted case's action and does not attend the daily meeting: it is not sent the minutes.
    expect(alone.recipients).not.toContain('education');
    const aloneMailed = onlyRestricted.sent[0]!;
    const aloneAgain = await readAgain({ [restricted.caseId]: restricted }, { part: 'minutes', record: { at: '2026-11-26T17:00:00.000Z', ...alone } });
    expect(aloneAgain).toMatchObject({ matchesMailed: true, markdown: aloneMailed.text, html: aloneMailed.html });
    expect(aloneMailed.text).not.toMatch(/Restricted Victim|refuge/);
    expect(aloneMailed.html).toContain(`<tr><td>aaaaaaaa</td><td>${restrictedPlaceholder}</td><td>—</td><td>—</td><td>—</td></tr>`);

    const both = fakes({ [restricted.caseId]: restricted, [ordinary.caseId]: ordinary });
    const minutes = await both.activities.circulateMeetingMinutes({ ...ref, attendance: null, recorded: [], rolledOver: [], items: [
      { position: 1, caseId: restricted.caseId, item: 'new-referral', lateAddition: false },
      { position: 2, caseId: ordinary.caseId, item: 'new-referral', lateAddition: false },
    ] });
    expect(minutes.recipients).toContain('education');
    const minutesAgain = await readAgain({ [restricted.caseId]: restricted, [ordinary.caseId]: ordinary }, { part: 'minutes', record: { at: '2026-11-26T17:00:00.000Z', ...minutes } });
    expect(minutesAgain.matchesMailed).toBe(true);
    for (const html of [both.sent[0]!.html, minutesAgain.html]) {
      expect(html).toContain('a1: Move Ordinary Victim to a refuge.');
      expect(html).not.toMatch(/Restricted Victim/);
    }
  });

  it('the HRDAP case summaries show the placeholder too', async () => {
    const restricted = await heardCase('aaaaaaaa-0000-0000-0000-000000000005', 'Restricted Victim', ['honour-based-violence']);
    const papers = renderHrdapPapers(profile, { ...ref, kind: 'monthly' }, 1, [{ position: 1, caseId: restricted.caseId, item: 'management-review', lateAddition: false, state: restricted }]);
    expect(papers.markdown).toContain(restrictedPlaceholder);
    expect(papers.markdown).not.toMatch(/Restricted Victim/);
  });
});
