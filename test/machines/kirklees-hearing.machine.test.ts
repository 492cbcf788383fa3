import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import type { Actor } from '../../domain/actor';
import { dorsetHrda } from '../../domain/profiles/dorset-hrda';
import { kirkleesDrammMarac as profile } from '../../domain/profiles/kirklees-dramm-marac';
import type { ReferralInput } from '../../domain/referral';
import { timelineEntrySchema, type TimelineEntry, type TimelineType } from '../../domain/timeline';
import { createReferralMachine, refusalReason, type CaseEvent, type ChecksOutput, type CommandEvent } from '../../machines/referral';
import { parsedReferral } from '../support/referrals';

/**
 * What the Kirklees DRAMM confirms before a case's outcome stands ([002] 2.22–2.26, 2.37–2.41,
 * 2.45–2.50), on the referral machine alone: the children check, the chair's risk confirmation,
 * and one agency at most contacting a medium-risk victim.
 */
const RECEIVED = '2026-11-24T09:00:00.000Z';
const MEETING_AT = '2026-11-24T11:30:00.000Z';
const chair: Actor = { role: 'chair', agency: 'police' };
const admin: Actor = { role: 'administrator', agency: 'marac-team' };

async function start(overrides: Partial<ReferralInput> = {}, p = profile) {
  const machine = createReferralMachine(p).provide({
    actors: {
      runBackgroundChecks: fromPromise<ChecksOutput, { caseId: string; systems: string[] }>(async () => ({
        at: '2026-11-24T09:05:00.000Z',
        results: p.checks.systems.map((system) => ({ system, status: 'completed' as const, hits: 0, records: [] })),
      })),
    },
  });
  const actor = createActor(machine, { input: { caseId: 'case-k-0001', profileId: p.id, referral: parsedReferral({ receivedAt: RECEIVED, ...overrides }), repeat: null } });
  actor.start();
  await waitFor(actor, (s) => !s.matches({ preparing: { checks: 'running' } }), { timeout: 1000 });
  const snap = () => actor.getSnapshot();
  return {
    snap,
    /** Sends the event if the case accepts it; otherwise returns the case's reason, and sends nothing. */
    command: (e: CommandEvent) => {
      const reason = refusalReason(p, snap(), e);
      if (!reason) actor.send(e);
      return reason;
    },
    send: (e: CaseEvent) => actor.send(e),
    entries: <T extends TimelineType>(type: T) => snap().context.timeline.filter((x): x is Extract<TimelineEntry, { type: T }> => x.type === type),
  };
}

const confirm = (risk: 'standard' | 'medium' | 'high', extra: Partial<CommandEvent<'confirmRisk'>> = {}, at = '2026-11-24T11:40:00.000Z'): CommandEvent<'confirmRisk'> => ({
  type: 'confirmRisk', at, actor: chair, risk, disclosures: [], factors: [], rationale: 'Confirmed by every representative.', ...extra,
});
const childrenCheck = (found: { name: string; dateOfBirth: string }[] = [], at = '2026-11-24T11:35:00.000Z'): CommandEvent<'recordChildrenCheck'> => ({
  type: 'recordChildrenCheck', at, actor: admin, found, ...(found.length ? { foundBy: 'locala' } : {}),
});
type Action = { id: string; owner: string; description: string; contactsVictim?: boolean };
const outcome = (actions: Action[], at = '2026-11-24T12:00:00.000Z'): CommandEvent<'recordMeetingOutcome'> => ({
  type: 'recordMeetingOutcome', at, actor: admin, outcome: { risks: ['Pattern of control'], actions, leads: {}, rationale: 'Agreed at the DRAMM.' },
});
const atMeeting = async (overrides: Partial<ReferralInput> = {}) => {
  const h = await start(overrides);
  h.send({ type: 'clock', at: '2026-11-24T11:00:00.000Z' });
  h.send({ type: 'clock', at: MEETING_AT });
  expect(h.snap().matches('atMeeting')).toBe(true);
  return h;
};
const noChildren = { children: [] };
const referOn: CommandEvent<'referToMarac'> = { type: 'referToMarac', at: '2026-11-24T11:45:00.000Z', actor: admin, category: 'full-discussion', rationale: 'High risk (2.53).' };
const mediumWithChildren = { assessment: { tool: 'police-dash' as const, risk: 'medium' as const, score: 9 } };

describe("the chair's risk confirmation ([002] 2.26, 2.37–2.41)", () => {
  it('is taken at the DRAMM from the chair alone, once, and refused before the meeting', async () => {
    const h = await start();
    expect(h.command(confirm('high'))).toBe(`the chair confirms the level at the daily meeting; the case is to be heard at ${MEETING_AT}`);
    h.send({ type: 'clock', at: '2026-11-24T11:00:00.000Z' });
    h.send({ type: 'clock', at: MEETING_AT });
    expect(h.command(confirm('high', { actor: admin }))).toBe('the chair confirms the risk level ([002] 2.26); you act as administrator');
    expect(h.command(confirm('high'))).toBeUndefined();
    expect(h.command(confirm('medium'))).toBe('the risk level was already confirmed as high at 2026-11-24T11:40:00.000Z');
  });

  it("counts the referral's own strangulation as a current trigger and writes the confirmation on the timeline", async () => {
    const h = await atMeeting();
    expect(h.command(confirm('high'))).toBeUndefined();
    const [entry] = h.entries('risk.confirmed');
    expect(entry).toMatchObject({
      at: '2026-11-24T11:40:00.000Z', actor: chair, rationale: 'Confirmed by every representative.',
      data: { risk: 'high', from: 'high', currentTriggers: ['strangulation (2026-11-23)'], historicTriggers: [], factors: [] },
    });
    expect(timelineEntrySchema.safeParse(entry).success).toBe(true);
  });

  it('refuses high risk on a rape disclosed from more than 12 months ago alone, unless it triggers a police investigation (2.41)', async () => {
    const h = await atMeeting({ incident: { occurredAt: '2026-11-23T22:10:00Z', summary: 'Argument; threats.', flags: [] } });
    const old = { trigger: 'rape' as const, occurredAt: '2025-11-23T09:00:00.000Z', policeInvestigation: false };
    expect(h.command(confirm('high', { disclosures: [old] }))).toBe(
      'rape (2025-11-23) happened more than 12 months ago and is not current high risk unless the disclosure triggers a police investigation ([002] 2.41); '
      + 'name a current trigger or factor (2.39–2.40), or record that the disclosure triggers an investigation',
    );
    // Twelve months to the day before the confirmation is still within the period.
    expect(h.command(confirm('high', { disclosures: [{ ...old, occurredAt: '2025-11-24T12:00:00.000Z' }] }))).toBeUndefined();
    expect(h.entries('risk.confirmed')[0]!.data.currentTriggers).toEqual(['rape (2025-11-24)']);
  });

  it('takes an old disclosure that triggers an investigation as current, and a named factor as grounds', async () => {
    const investigated = await atMeeting({ incident: { occurredAt: '2026-11-23T22:10:00Z', summary: 'Argument.', flags: [] } });
    expect(investigated.command(confirm('high', { disclosures: [{ trigger: 'rape', occurredAt: '2023-05-01T21:00:00.000Z', policeInvestigation: true }] }))).toBeUndefined();
    expect(investigated.entries('risk.confirmed')[0]!.data).toMatchObject({ currentTriggers: ['rape (2023-05-01, police investigation)'], historicTriggers: [] });

    const factor = await atMeeting({ incident: { occurredAt: '2026-11-23T22:10:00Z', summary: 'Argument.', flags: [] } });
    expect(factor.command(confirm('high', { factors: ['made-up'] }))).toMatch(/^unknown factors for kirklees-dramm-marac: made-up \(factors: honour-based-violence, /);
    expect(factor.command(confirm('high'))).toMatch(/^high risk means "there is an extreme level of control/);
    expect(factor.command(confirm('high', { factors: ['vulnerable-victim'] }))).toBeUndefined();
  });

  it('may confirm a lower level than the referral, which the case then carries (2.38: each case on its merits)', async () => {
    const h = await atMeeting();
    expect(h.command(confirm('medium', { disclosures: [{ trigger: 'weapons', occurredAt: '2024-01-01T00:00:00.000Z', policeInvestigation: false }] }))).toBeUndefined();
    expect(h.snap().context.risk).toBe('medium');
    expect(h.entries('risk.confirmed')[0]!.data).toEqual({
      risk: 'medium', from: 'high', currentTriggers: ['strangulation (2026-11-23)'], historicTriggers: ['weapons (2024-01-01)'], factors: [],
    });
  });

  it('refuses a trigger the profile does not know, and a disclosure in the future', async () => {
    const h = await atMeeting();
    expect(h.command(confirm('high', { disclosures: [{ trigger: 'pets', occurredAt: '2026-11-01T00:00:00.000Z', policeInvestigation: false }] })))
      .toBe('pets is not a trigger of kirklees-dramm-marac (triggers: strangulation, coercive-control, weapons, rape, [002] 2.39)');
    expect(h.command(confirm('high', { disclosures: [{ trigger: 'rape', occurredAt: '2026-12-01T00:00:00.000Z', policeInvestigation: false }] })))
      .toBe('a disclosed rape at 2026-12-01T00:00:00.000Z is in the future');
  });

  it('is refused under a profile without it (dorset-hrda)', async () => {
    const h = await start({}, dorsetHrda);
    expect(h.command(confirm('high'))).toBe("dorset-hrda has no chair's risk confirmation at its daily meeting");
    expect(h.command(childrenCheck())).toBe('dorset-hrda does not check cases for children linked at its daily meeting');
  });
});

describe('the outcome waits for the checks, and one agency contacts a medium-risk victim ([002] 2.22, 2.50)', () => {
  it('refuses the outcome until the chair has confirmed the level', async () => {
    const h = await atMeeting();
    expect(h.command(outcome([]))).toBe('the chair first confirms the risk level with the representatives ([002] 2.26, 2.37): confirmRisk');
    h.command(confirm('high'));
    // Then a high-risk case is referred on to the MARAC (2.53; test/machines/kirklees-marac.machine.test.ts).
    expect(h.command(outcome([]))).toMatch(/^a high-risk case is referred on to the MARAC/);
    h.command(referOn);
    expect(h.command(outcome([]))).toBeUndefined();
    expect(h.snap().matches('monitoring')).toBe(true);
  });

  it('refuses two agencies contacting a medium-risk victim, naming the guideline; takes one', async () => {
    const h = await atMeeting({ ...mediumWithChildren, ...noChildren });
    h.command(childrenCheck());
    h.command(confirm('medium', { factors: [] }));
    const two = [
      { id: 'a1', owner: 'pdvg', description: 'Offer IDVA support.', contactsVictim: true },
      { id: 'a2', owner: 'adult-social-care', description: 'DA worker to offer support.', contactsVictim: true },
      { id: 'a3', owner: 'police', description: 'Record the crime.' },
    ];
    expect(h.command(outcome(two))).toBe(
      'in a medium-risk case no more than 1 agency contacts the victim to offer support ([002] 2.50); the outcome sets 2 (a1: pdvg, a2: adult-social-care). '
      + "The protocol's guideline for a medium-risk case with no children linked is adult-social-care (2.48)",
    );
    expect(h.command(outcome(two.slice(1)))).toBeUndefined();
    expect(h.snap().context.actions.map((a) => [a.id, a.contactsVictim ?? false])).toEqual([['a2', true], ['a3', false]]);
  });

  it('lets the high-risk outcome set more than one agency to contact the victim', async () => {
    const h = await atMeeting();
    h.command(confirm('high'));
    h.command(referOn);
    expect(h.command(outcome([
      { id: 'a1', owner: 'pdvg', description: 'IDVA contact.', contactsVictim: true },
      { id: 'a2', owner: 'police', description: 'Safeguarding visit.', contactsVictim: true },
    ]))).toBeUndefined();
  });

  it('refuses the outcome of a case with no children linked until the agencies have checked (2.22)', async () => {
    const h = await atMeeting(noChildren);
    h.command(confirm('high'));
    h.command(referOn);
    expect(h.command(outcome([]))).toBe('the agencies first confirm that a case on the "no children linked" list has none ([002] 2.22): recordChildrenCheck');
    expect(h.command(childrenCheck())).toBeUndefined();
    expect(h.entries('children.checked')[0]).toMatchObject({ data: { found: 0 }, rationale: 'The agencies confirm that no children are linked to the victim or the perpetrator ([002] 2.22).' });
    expect(h.command(outcome([]))).toBeUndefined();
  });

  it('links the children an agency found, once; the case is then on the children-linked list', async () => {
    const h = await start(noChildren);
    expect(h.command(childrenCheck([{ name: 'Jo Found', dateOfBirth: '2018-03-03' }], '2026-11-24T09:30:00.000Z'))).toBeUndefined();
    expect(h.snap().context.referral.children).toEqual([{ name: 'Jo Found', dateOfBirth: '2018-03-03' }]);
    const [entry] = h.entries('children.checked');
    expect(entry).toMatchObject({ at: '2026-11-24T09:30:00.000Z', data: { found: 1 }, rationale: '1 child linked on the records of locala: the case moves to the children-linked list ([002] 2.22).' });
    // The timeline carries a count, never a child's name.
    expect(JSON.stringify(h.snap().context.timeline)).not.toContain('Jo Found');
    expect(h.command(childrenCheck())).toBe("the agencies' check was already recorded at 2026-11-24T09:30:00.000Z (1 found)");
  });

  it('refuses the check on a case that has children linked already', async () => {
    const h = await start();
    expect(h.command(childrenCheck())).toBe('children are already linked to the case; the check is for cases on the "no children linked" list ([002] 2.22)');
  });
});
