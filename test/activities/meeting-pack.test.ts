import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { createMeetingWorkflowActivities } from '../../activities/meeting-activities';
import { papersDigest } from '../../activities/meeting-papers';
import { destroyedPlaceholder, h, md, renderDailyPack, renderMinutes } from '../../activities/meeting-render';
import { readMeetingPapers } from '../../client/meeting-papers';
import type { MailPort, OutgoingMail } from '../../activities/mail.port';
import { dorsetHrda as profile } from '../../domain/profiles/dorset-hrda';
import { caseView, createReferralMachine, type CaseSnapshot, type CaseView, type ChecksOutput } from '../../machines/referral';
import type { MeetingRef } from '../../workflows/meeting-activity-types';
import { parsedReferral } from '../support/referrals';

const ref: MeetingRef = {
  profileId: profile.id, kind: 'daily', date: '2026-11-26', meetingAt: '2026-11-26T12:00:00.000Z',
  workflowId: 'meeting-dorset-hrda-daily-2026-11-26', facilitator: 'police',
};

/** A case as the referral machine makes it, with text that would be markup if it were not escaped. */
async function preparedCase(caseId: string): Promise<CaseView> {
  const referral = parsedReferral({
    victim: { name: "Aoife O'Brien", dateOfBirth: '1990-04-01', consent: { share: true, contact: false } },
    incident: { occurredAt: '2026-11-23T22:10:00Z', summary: 'He said <script>alert("x")</script> & left | *then* came back.', flags: ['strangulation', 'separation'] },
  });
  const machine = createReferralMachine(profile).provide({
    actors: {
      runBackgroundChecks: fromPromise<ChecksOutput, { caseId: string; systems: string[] }>(async () => ({
        at: '2026-11-24T10:05:00.000Z',
        results: [
          { system: 'niche', status: 'completed', hits: 1, records: [{ reference: 'NICHE-01/2345', summary: 'Domestic incident <2025>, no further action' }] },
          { system: 'pnd', status: 'completed', hits: 0, records: [] },
          { system: 'pnc', status: 'unavailable', error: 'pnc could not be searched within PT4H' },
        ],
      })),
    },
  });
  const actor = createActor(machine, { input: { caseId, profileId: profile.id, referral, repeat: null } }).start();
  await waitFor(actor, (s) => (s as CaseSnapshot).matches({ preparing: { checks: 'done' } }));
  actor.send({
    type: 'submitSummary', at: '2026-11-25T09:00:00.000Z', agency: 'health', actor: { role: 'agency-practitioner', agency: 'health' },
    summary: { involvement: 'Health visitor since 2020 <b>bold?</b>', risks: 'Missed appointments & "no access" visits.', actionsTaken: 'Safeguarding flag.', recommendations: 'Joint home visit.' },
  });
  actor.send({ type: 'recordVictimContact', at: '2026-11-25T11:00:00.000Z', outcome: 'views-recorded', views: 'Wants the locks changed.\n\nFears for the child.', actor: { role: 'agency-practitioner', agency: 'domestic-abuse-advisor' } });
  return caseView(actor.getSnapshot() as CaseSnapshot);
}

describe('rendering the papers', () => {
  it('escapes every interpolated value in HTML and Markdown', () => {
    expect(h`<p>${'<img src=x onerror=alert(1)> & "q"'}</p>`.value).toBe('<p>&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot;</p>');
    expect(h`<ul>${['a<', h`<li>${'b&'}</li>`]}</ul>`.value).toBe('<ul>a&lt;<li>b&amp;</li></ul>');
    expect(md('a | [link](x) <b> *c* &amp; & d_e')).toBe('a \\| \\[link\\](x) \\<b\\> \\*c\\* \\&amp; & d\\_e');
  });

  it('renders a readable pack per case: referral, checks, agency summaries, non-returns and the victim’s voice', async () => {
    const state = await preparedCase('11111111-aaaa-bbbb-cccc-000000000001');
    const pack = renderDailyPack(profile, ref, 1, [{ position: 1, caseId: state.caseId, item: 'new-referral', lateAddition: false, state }]);
    await writeFile('/tmp/hrda-meeting-pack.html', pack.html);
    await writeFile('/tmp/hrda-meeting-pack.md', pack.markdown);

    expect(pack.subject).toBe('HRDA daily meeting — Thursday 26 November 2026, 12:00 — meeting pack, 1 case(s)');
    expect(pack.html.startsWith('<!DOCTYPE html>\n<html lang="en-GB">')).toBe(true);
    expect(pack.html).not.toMatch(/<script|<b>bold/);
    expect(pack.html).toContain('He said &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; left | *then* came back.');
    expect(pack.html).toContain('Health visitor since 2020 &lt;b&gt;bold?&lt;/b&gt;');
    expect(pack.html).toContain('<h2>1. Case 11111111 — high risk, children linked, new referral</h2>');
    expect(pack.html).toContain('<td>PNC</td><td>not available: pnc could not be searched within PT4H</td>');
    expect(pack.html).toContain('<li>NICHE-01/2345: Domestic incident &lt;2025&gt;, no further action</li>');
    expect(pack.html).toContain('<blockquote><p>Wants the locks changed.</p><p>Fears for the child.</p></blockquote>');
    expect(pack.html).toContain('<strong>Not returned:</strong> Dorset Police, Children&#39;s Social Care, Specialist Domestic Abuse Advisor (DAA), Adult Social Care, Housing, Probation, Substance Misuse');
    // Contact details are never part of the papers (PROTOCOL.md §1.1).
    expect(pack.html).not.toMatch(/blake@example\.net|07700900123/);
    expect(pack.markdown).not.toMatch(/blake@example\.net|07700900123/);
    // Every opened element is closed: the page is well formed enough for any mail client.
    for (const tag of ['section', 'table', 'dl', 'ul', 'ol', 'blockquote', 'p', 'h2', 'h3']) {
      expect((pack.html.match(new RegExp(`<${tag}[ >]`, 'g')) ?? []).length).toBe((pack.html.match(new RegExp(`</${tag}>`, 'g')) ?? []).length);
    }
    expect(pack.markdown).toContain('- **Trigger incident:** 23 Nov 2026 22:10: He said \\<script\\>alert("x")\\</script\\> & left \\| \\*then\\* came back.');
    expect(pack.markdown).toContain('> Wants the locks changed.\n>\n> Fears for the child.');
    expect(pack.markdown).toContain('| PNC | not available: pnc could not be searched within PT4H | — |');
  });

  it('renders minutes with the HRDA Matrix of the cases heard and the cases rolled over', async () => {
    const state = await preparedCase('22222222-aaaa-bbbb-cccc-000000000002');
    const heard: CaseView = { ...state, risks: ['Strangulation <b>'], actions: [{ id: 'a1', owner: 'housing', description: 'Change the locks.', dueAt: '2026-12-17T12:00:00.000Z', reminderAt: '2026-12-10T12:00:00.000Z', status: 'open', reminded: false, overdue: false, updates: [] }] };
    const minutes = renderMinutes(profile, ref, {
      attendance: { agencies: ['police', 'housing'], at: '2026-11-26T12:05:00.000Z', by: { role: 'administrator' } },
      heard: [{ position: 1, caseId: heard.caseId, item: 'new-referral', lateAddition: false, state: heard }],
      notHeard: [{ position: 2, caseId: '33333333-x', item: 'new-referral', lateAddition: false, state: null, problem: 'no such case' }],
      rolledOver: [{ caseId: '44444444-y', item: 'new-referral', reason: 'after-cut-off', at: '2026-11-25T15:00:00.000Z' }],
      returned: [],
    });
    await writeFile('/tmp/hrda-meeting-minutes.html', minutes.html);
    expect(minutes.html).toContain('<dt>Attendance</dt><dd>Dorset Police, Housing (recorded 26 Nov 2026 12:05)</dd>');
    expect(minutes.html).toContain('<tr><td>22222222</td><td>Strangulation &lt;b&gt;</td><td>a1: Change the locks.</td><td>Housing</td><td>17 Dec 2026 12:00</td></tr>');
    expect(minutes.html).toContain('<li>Case 33333333: not heard (the meeting ran out of time); rolled over to the next meeting</li>');
    expect(minutes.html).toContain('<li>Case 44444444: scheduled after the agenda froze; rolled over to the next meeting</li>');
  });
});

describe('the meeting activities', () => {
  const fakes = (views: Record<string, CaseView>) => {
    const sent: OutgoingMail[] = [];
    const mail: MailPort = { send: async (m) => (sent.push(m), 'sent') };
    const client = {
      workflow: {
        getHandle: (workflowId: string) => ({
          query: async () => {
            const view = views[workflowId.replace(/^case-/, '')];
            if (!view) throw new WorkflowNotFoundError('not found', workflowId, undefined);
            return view;
          },
        }),
      },
    } as unknown as Client;
    return { sent, activities: createMeetingWorkflowActivities({ client, taskQueue: 'q', mail }) };
  };

  it('reads each case through the case client, mails the pack to the attending agencies’ directory mailboxes only', async () => {
    const state = await preparedCase('55555555-aaaa-bbbb-cccc-000000000005');
    const { sent, activities } = fakes({ [state.caseId]: state });
    const result = await activities.circulateMeetingPapers({ ...ref, revision: 2, items: [
      { position: 1, caseId: state.caseId, item: 'new-referral', lateAddition: false },
      { position: 2, caseId: 'gone', item: 'rolled-over', lateAddition: true },
    ] });
    expect(result).toMatchObject({ mailId: 'meeting-dorset-hrda-daily-2026-11-26:papers:r2', caseIds: [state.caseId, 'gone'] });
    expect(result.recipients).toEqual(profile.infoRequest.agencies);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.to).toEqual(profile.infoRequest.agencies.map((a) => profile.agencies.find((x) => x.id === a)!.mailbox));
    // The subject travels in clear through mail systems: no names in it.
    expect(sent[0]!.subject).toBe('HRDA daily meeting — Thursday 26 November 2026, 12:00 — meeting pack (revision 2), 2 case(s)');
    expect(sent[0]!.html).toContain('The case could not be read when the papers were made (no such case).');
    // What the workflow keeps: what went, to whom, from which agenda facts, and the digest — no text.
    expect(Object.keys(result).sort()).toEqual(['caseIds', 'digest', 'items', 'mailId', 'recipients']);
    expect(result.items).toEqual([
      { position: 1, caseId: state.caseId, item: 'new-referral', lateAddition: false },
      { position: 2, caseId: 'gone', item: 'rolled-over', lateAddition: true },
    ]);
    expect(result.digest).toEqual(papersDigest({ markdown: sent[0]!.text, html: sent[0]!.html }));
    expect(result.digest!.html).toMatch(/^[0-9a-f]{64}$/);
  });

  it('renders the papers again on read: the same text while the cases are unchanged, a placeholder once a case is destroyed, and says which', async () => {
    const state = await preparedCase('77777777-aaaa-bbbb-cccc-000000000007');
    const { sent, activities } = fakes({ [state.caseId]: state });
    const result = await activities.circulateMeetingPapers({ ...ref, revision: 1, items: [{ position: 1, caseId: state.caseId, item: 'new-referral', lateAddition: false }] });
    const mailed = { part: 'pack' as const, record: { revision: 1, circulatedAt: '2026-11-25T14:00:00.000Z', ...result } };
    const now = () => new Date('2026-11-25T15:00:00.000Z');

    const same = await readMeetingPapers({ profile, ref, mailed, now, read: async () => ({ state }) });
    expect(same).toMatchObject({ matchesMailed: true, markdown: sent[0]!.text, html: sent[0]!.html, revision: 1, mailId: result.mailId, mailedDigest: result.digest, renderedAt: '2026-11-25T15:00:00.000Z' });
    expect(same.statement).toContain('This text is what was mailed: its digest matches.');

    const changed = await readMeetingPapers({ profile, ref, mailed, now, read: async () => ({ state: { ...state, risk: 'medium' } }) });
    expect(changed.matchesMailed).toBe(false);
    expect(changed.statement).toContain('This text is NOT what was mailed');

    const destroyed = await readMeetingPapers({ profile, ref, mailed, now, read: async () => ({ state: null, destroyed: { at: '2032-11-25T10:00:00.000Z', reason: 'the retention period ended' } }) });
    expect(destroyed).toMatchObject({ matchesMailed: false, cases: [{ caseId: state.caseId, shown: 'destroyed' }] });
    expect(destroyed.html).toContain(`<h2>1. Case 77777777 — ${destroyedPlaceholder}, new referral</h2>`);
    expect(destroyed.markdown).toContain('The personal data of this case was destroyed on 25 Nov 2032 10:00 (the retention period ended)');
    expect(destroyed.markdown).not.toMatch(/Aoife|Brien|NICHE|locks/);
    expect(destroyed.statement).toContain(`(destroyed: ${state.caseId})`);

    // A record kept before digests were: the text can be rendered, whether it is what was mailed cannot be told.
    const { digest: _digest, ...undigested } = mailed.record;
    const old = await readMeetingPapers({ profile, ref, mailed: { part: 'pack', record: undigested }, now, read: async () => ({ state }) });
    expect(old).toMatchObject({ matchesMailed: null, mailedDigest: null, markdown: sent[0]!.text });
    expect(old.statement).toContain('cannot be told');
  });

  it('counts a case heard when its outcome was recorded at this meeting, even directly on the case', async () => {
    const state = await preparedCase('66666666-aaaa-bbbb-cccc-000000000006');
    const { activities } = fakes({ [state.caseId]: { ...state, heardAt: ref.meetingAt, stage: 'monitoring' }, other: { ...state, caseId: 'other' } });
    const result = await activities.circulateMeetingMinutes({ ...ref, attendance: null, recorded: [], rolledOver: [], items: [
      { position: 1, caseId: state.caseId, item: 'new-referral', lateAddition: false },
      { position: 2, caseId: 'other', item: 'new-referral', lateAddition: false },
    ] });
    expect(result).toMatchObject({ heard: [state.caseId], notHeard: ['other'], mailId: 'meeting-dorset-hrda-daily-2026-11-26:minutes', attendance: null, rolledOver: [], returned: [] });
    expect(result).not.toHaveProperty('markdown');
    expect(result).not.toHaveProperty('html');
  });
});
