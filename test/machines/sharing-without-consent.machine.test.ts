import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import type { Actor as CaseActor } from '../../domain/actor';
import type { Profile } from '../../domain/profile';
import { dorsetHrda } from '../../domain/profiles/dorset-hrda';
import { traffordMarac } from '../../domain/profiles/trafford-marac';
import type { ReferralInput } from '../../domain/referral';
import type { TimelineEntry } from '../../domain/timeline';
import { caseView, commandFieldIssues, createReferralMachine, refusalReason, type CaseSnapshot, type ChecksOutput, type CommandEvent } from '../../machines/referral';
import { noConsentToShare, parsedReferral } from '../support/referrals';

/**
 * Sharing without consent on the referral machine (issue 21 item 5): the referral's lawful basis on
 * the timeline at intake; under [001], a victim who refuses when told needs a basis unless the
 * referral gave one, checked when the update is offered (the validator), not in the machine's guard.
 */
const RECEIVED = '2026-11-28T09:00:00.000Z';
const submitter: CaseActor = { role: 'agency-practitioner', agency: 'police', name: 'pc-1234' };
const idva: CaseActor = { role: 'agency-practitioner', agency: 'idva' };

async function start(profile: Profile, consent: ReferralInput['victim']['consent']) {
  const machine = createReferralMachine(profile).provide({
    actors: {
      runBackgroundChecks: fromPromise<ChecksOutput, { caseId: string; systems: string[] }>(async ({ input }) => ({
        at: '2026-11-28T09:05:00.000Z',
        results: input.systems.map((system) => ({ system: system as 'pnd', status: 'completed' as const, hits: 0 })),
      })),
    },
  });
  const referral = parsedReferral({ receivedAt: RECEIVED, incident: { occurredAt: '2026-11-27T21:30:00Z', summary: 'Assault at home.', flags: [] }, victim: { name: 'Alex Example', dateOfBirth: '1990-04-01', consent } });
  const actor = createActor(machine, { input: { caseId: 'case-consent-fictional', profileId: profile.id, referral, repeat: null, submitter } });
  actor.start();
  await waitFor(actor, (s) => !s.matches({ preparing: { checks: 'running' } }), { timeout: 1000 });
  const snap = () => actor.getSnapshot() as CaseSnapshot;
  const sharing = () => snap().context.timeline.filter((e): e is Extract<TimelineEntry, { type: 'sharing.without-consent' }> => e.type === 'sharing.without-consent');
  return { snap, send: (e: CommandEvent) => actor.send(e), sharing, offered: (e: CommandEvent) => refusalReason(profile, snap(), e) ?? commandFieldIssues(profile, snap(), e) };
}

const told = (over: Partial<CommandEvent<'recordVictimTold'>> = {}): CommandEvent<'recordVictimTold'> => ({ type: 'recordVictimTold', at: '2026-11-30T10:00:00.000Z', outcome: 'told', actor: idva, ...over });

describe('sharing without consent on the case', () => {
  it("records the referral's basis and who decided, after the referral, with the submitter as actor", async () => {
    const h = await start(dorsetHrda, { ...noConsentToShare, sharingWithoutConsent: { ...noConsentToShare.sharingWithoutConsent, rationale: 'Threats to kill: necessary and proportionate.' } });
    const types = h.snap().context.timeline.map((e) => e.type);
    expect(types.indexOf('sharing.without-consent')).toBe(types.indexOf('referral.received') + 1);
    expect(h.sharing()).toEqual([{
      at: RECEIVED, type: 'sharing.without-consent', caseId: 'case-consent-fictional', actor: submitter,
      data: { basis: 'safeguarding-individuals-at-risk', decidedBy: { role: 'Detective Sergeant, Public Protection Unit', agency: 'police' }, decidedAt: 'referral' },
      rationale: 'Threats to kill: necessary and proportionate.',
    }]);
    expect(caseView(h.snap()).sharingWithoutConsent).toEqual({ basis: 'safeguarding-individuals-at-risk', decidedBy: noConsentToShare.sharingWithoutConsent.decidedBy, decidedAt: 'referral', at: RECEIVED });
  });

  it('records nothing, and the view has no such field, when the victim consented', async () => {
    const h = await start(dorsetHrda, { share: true, contact: true });
    expect(h.sharing()).toEqual([]);
    expect(caseView(h.snap())).not.toHaveProperty('sharingWithoutConsent');
  });

  it('[001]: a victim who refuses when told needs a basis, named as the field at fault, and it goes on the timeline', async () => {
    const h = await start(traffordMarac, { share: true, contact: true });
    expect(h.offered(told({ consentToShare: false }))).toEqual([expect.objectContaining({ path: 'sharingWithoutConsent', message: expect.stringContaining('consentToShare = false') })]);
    expect(h.offered(told({ consentToShare: false, sharingWithoutConsent: { basis: 'vital-interests', decidedBy: { role: 'IDVA manager', agency: 'atlantis' } } })))
      .toEqual([expect.objectContaining({ path: 'sharingWithoutConsent.decidedBy.agency' })]);
    expect(h.offered(told({ consentToShare: true, sharingWithoutConsent: { basis: 'vital-interests', decidedBy: { role: 'IDVA manager', agency: 'idva' } } })))
      .toEqual([expect.objectContaining({ path: 'sharingWithoutConsent', message: expect.stringContaining('only when consent is absent') })]);
    const decision = { basis: 'vital-interests' as const, decidedBy: { role: 'IDVA service manager', agency: 'idva' }, rationale: 'Serious harm is imminent.' };
    expect(h.offered(told({ consentToShare: false, sharingWithoutConsent: decision }))).toEqual([]);
    h.send(told({ consentToShare: false, sharingWithoutConsent: decision }));
    expect(h.sharing()).toEqual([expect.objectContaining({ at: '2026-11-30T10:00:00.000Z', actor: idva, data: { basis: 'vital-interests', decidedBy: decision.decidedBy, decidedAt: 'victim-told' }, rationale: 'Serious harm is imminent.' })]);
    expect(caseView(h.snap()).sharingWithoutConsent?.basis).toBe('vital-interests');
  });

  it('[001]: no second basis when the referral already gave one; and an update recorded before the rule is still taken by the machine', async () => {
    const h = await start(traffordMarac, noConsentToShare);
    expect(h.offered(told({ consentToShare: false }))).toEqual([]);
    const old = await start(traffordMarac, { share: true, contact: true });
    // What a history from before this rule holds: accepted then, so it must replay the same way.
    old.send(told({ consentToShare: false }));
    expect(old.snap().context.maracReferral?.told).toHaveLength(1);
    expect(old.sharing()).toEqual([]);
  });
});
