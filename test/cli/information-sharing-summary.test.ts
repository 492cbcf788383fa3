import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import { informationSharingLines } from '../../client/cli/information-sharing-summary';
import { dorsetHrda } from '../../domain/profiles/dorset-hrda';
import { traffordMarac } from '../../domain/profiles/trafford-marac';
import type { Profile } from '../../domain/profile';
import { caseView, createReferralMachine, type CaseSnapshot, type ChecksOutput } from '../../machines/referral';
import { parsedReferral, noConsentToShare } from '../support/referrals';

/** `hrda case show` on a Trafford case: the sharing, its deadlines and the victim told; nothing on a Dorset case. */
async function caseOf(profile: Profile) {
  const machine = createReferralMachine(profile).provide({
    actors: { runBackgroundChecks: fromPromise<ChecksOutput, { caseId: string; systems: string[] }>(async () => ({ at: '2026-11-28T09:05:00.000Z', results: [] })) },
  });
  const facts = { crimeRecorded: true, childResident: true, previousIncidentsIn12Months: 0, victimOrInformantPregnant: false, childActivelyInvolved: false, childCalledPolice: false, childAbuseMarker: false, deemedSerious: false, followsPreviousSharing: false, perpetratorOnLicenceOrOrder: false };
  const actor = createActor(machine, {
    input: {
      caseId: 'case-summary-fictional',
      profileId: profile.id,
      referral: parsedReferral({ receivedAt: '2026-11-28T09:00:00Z', incident: { occurredAt: '2026-11-27T21:30:00Z', summary: 'Assault.', flags: [], facts }, victim: { name: 'Alex Example', dateOfBirth: '1990-04-01', consent: noConsentToShare } }),
      repeat: null,
    },
  }).start();
  await waitFor(actor, (s) => !s.matches({ preparing: { checks: 'running' } }), { timeout: 1000 });
  return actor;
}

describe('hrda case show: the Trafford steps', () => {
  it('shows what was shared, each deadline and how it stands, and whether the victim was told', async () => {
    const actor = await caseOf(traffordMarac);
    actor.send({ type: 'noticesClock', at: '2026-12-02T16:30:00.000Z' });
    actor.send({ type: 'recordHealthSharing', at: '2026-12-08T10:00:00.000Z', sharedWith: ['health-visitor'], actor: { role: 'agency-practitioner', agency: 'health' } });
    const text = informationSharingLines(caseView(actor.getSnapshot() as CaseSnapshot)).join('\n');
    expect(text).toContain('Criteria met    crime-child-resident');
    expect(text).toMatch(/First Response {2}due by .*: OVERDUE/);
    expect(text).toMatch(/Health sharing {2}due by .*: shared with health-visitor, .* — late/);
    expect(text).toContain('Victim told     not yet — by idva; consent to share not given: referred regardless');
    expect(text).not.toContain('Alex');
  });

  it('shows nothing for a case of a profile without them', async () => {
    expect(informationSharingLines(caseView((await caseOf(dorsetHrda)).getSnapshot() as CaseSnapshot))).toEqual([]);
  });
});
