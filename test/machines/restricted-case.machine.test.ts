import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import type { Actor } from '../../domain/actor';
import { dorsetHrda } from '../../domain/profiles/dorset-hrda';
import type { ReferralInput } from '../../domain/referral';
import { caseCommandSchemas } from '../../domain/case-commands';
import { timelineEntrySchema } from '../../domain/timeline';
import { caseView, createReferralMachine, refusalReason, type CaseSnapshot, type ChecksOutput, type CommandEvent } from '../../machines/referral';
import { parsedReferral } from '../support/referrals';

const profile = dorsetHrda;
const MEETING_AT = '2026-11-26T12:00:00.000Z';
const chair: Actor = { role: 'chair', agency: 'police', name: 'chair-jones' };
const admin: Actor = { role: 'administrator', agency: 'police', name: 'admin-patel' };

async function startCase(opts: { flags?: string[]; submittedBy?: string; restrictAtIntake?: boolean; mappaLevel?: 1 | 2 | 3 } = {}) {
  const base = parsedReferral();
  const overrides: Partial<ReferralInput> = {
    incident: { ...base.incident, flags: (opts.flags ?? ['strangulation']) as ReferralInput['incident']['flags'] },
    ...(opts.mappaLevel === undefined ? {} : { perpetrator: { ...base.perpetrator, mappaLevel: opts.mappaLevel } }),
  };
  const machine = createReferralMachine(profile).provide({
    actors: { runBackgroundChecks: fromPromise<ChecksOutput, { caseId: string; systems: string[] }>(async () => ({ at: '2026-11-24T10:05:00.000Z', results: profile.checks.systems.map((system) => ({ system, status: 'completed' as const, hits: 0 })) })) },
  });
  const actor = createActor(machine, {
    input: {
      caseId: 'case-restricted-fictional', profileId: profile.id, referral: parsedReferral(overrides), repeat: null,
      ...(opts.submittedBy ? { submittedBy: opts.submittedBy } : {}),
      ...(opts.restrictAtIntake !== undefined ? { restrictAtIntake: opts.restrictAtIntake } : {}),
    },
  });
  actor.start();
  await waitFor(actor, (s) => !s.matches({ preparing: { checks: 'running' } }), { timeout: 1000 });
  const snap = () => actor.getSnapshot() as CaseSnapshot;
  /** Sends a command the way the workflow does: refused (with the reason) unless the case accepts it. */
  const command = (event: CommandEvent) => {
    const parsed = caseCommandSchemas[event.type].parse(event);
    const full = { ...parsed, type: event.type, at: event.at } as CommandEvent;
    const reason = refusalReason(profile, snap(), full);
    if (reason === undefined) actor.send(full);
    return reason;
  };
  const entries = (type: string) => snap().context.timeline.filter((e) => e.type === type);
  return { actor, snap, command, entries };
}

const restrict = (needToKnow: string[], at = '2026-11-25T09:00:00.000Z', actor = chair): CommandEvent<'restrictCase'> =>
  ({ type: 'restrictCase', at, actor, rationale: 'Information from the police suggests family members are searching for the victim.', needToKnow });
const amend = (change: { add?: string[]; remove?: string[] }, at = '2026-11-25T10:00:00.000Z'): CommandEvent<'amendNeedToKnow'> =>
  ({ type: 'amendNeedToKnow', at, actor: chair, rationale: 'The DAA now works the case.', add: change.add ?? [], remove: change.remove ?? [] });

describe('restricted cases in the case machine (003 §18.3)', () => {
  it('an honour-based violence referral is restricted at intake, says why on the timeline, and Police lead the case', async () => {
    const h = await startCase({ flags: ['honour-based-violence', 'strangulation'], submittedBy: 'pc-referrer-1' });
    const c = h.snap().context;
    expect(c.restriction).toMatchObject({ basis: 'referral-flags', flags: ['honour-based-violence'], needToKnow: ['pc-referrer-1'], leadAgency: 'police', since: c.referral.receivedAt });
    expect(c.leads.case).toMatchObject({ agency: 'police' });
    const types = c.timeline.map((e) => e.type);
    expect(types.slice(0, 4)).toEqual(['referral.received', 'case.restricted', 'lead.assigned', 'referral.routed']);
    const restricted = h.entries('case.restricted')[0]!;
    expect(restricted.data).toEqual({ basis: 'referral-flags', flags: ['honour-based-violence'], needToKnow: ['pc-referrer-1'], leadAgency: 'police' });
    expect(restricted.rationale).toMatch(/honour-based-violence.*need-to-know.*§18\.3/);
    expect(h.entries('lead.assigned')[0]!.data).toMatchObject({ for: 'case', agency: 'police' });
    for (const e of c.timeline) expect(timelineEntrySchema.safeParse(e).success, e.type).toBe(true);
    expect(caseView(h.snap())).toMatchObject({ restricted: true, needToKnow: ['pc-referrer-1'] });
  });

  it('a forced-marriage referral is restricted at intake even with nobody named yet', async () => {
    const h = await startCase({ flags: ['forced-marriage'] });
    expect(h.snap().context.restriction).toMatchObject({ flags: ['forced-marriage'], needToKnow: [] });
    expect(h.entries('case.restricted')[0]!.rationale).toMatch(/A chair names the people who need to know/);
  });

  it('a referral without those flags is not restricted and its timeline is as before', async () => {
    const h = await startCase({ flags: ['strangulation', 'stalking'] });
    expect(h.snap().context.restriction).toBeNull();
    expect(h.snap().context.leads).toEqual({});
    expect(h.entries('case.restricted')).toHaveLength(0);
    const view = caseView(h.snap());
    for (const field of ['restricted', 'needToKnow', 'restriction']) expect(view).not.toHaveProperty(field);
  });

  it('no restriction at intake when the host replays a history from before restriction existed', async () => {
    const h = await startCase({ flags: ['honour-based-violence'], restrictAtIntake: false });
    expect(h.snap().context.restriction).toBeNull();
    expect(h.entries('case.restricted')).toHaveLength(0);
  });

  it('a chair restricts a case with a rationale and a list; the chair is on it; Police becomes the lead agency', async () => {
    const h = await startCase();
    expect(h.command(restrict(['admin-patel', 'daa-smith']))).toBeUndefined();
    const c = h.snap().context;
    expect(c.restriction).toMatchObject({ basis: 'chair', needToKnow: ['admin-patel', 'daa-smith', 'chair-jones'], by: chair });
    expect(c.leads.case?.agency).toBe('police');
    const [entry] = h.entries('case.restricted');
    expect(entry).toMatchObject({ actor: chair, rationale: expect.stringMatching(/searching for the victim/), data: { basis: 'chair', needToKnow: ['admin-patel', 'daa-smith', 'chair-jones'] } });
    expect(h.entries('lead.assigned').map((e) => e.data)).toEqual([expect.objectContaining({ for: 'case', agency: 'police' })]);
  });

  it('restricting an already restricted case is refused with a reason, and changes nothing', async () => {
    const h = await startCase({ flags: ['honour-based-violence'] });
    const before = h.snap().context.timeline.length;
    expect(h.command(restrict(['daa-smith']))).toMatch(/already restricted .*flagged honour-based-violence.*amendNeedToKnow/);
    expect(h.snap().context.timeline).toHaveLength(before);
  });

  it('the chair amends the list; each change is on the timeline', async () => {
    const h = await startCase({ flags: ['forced-marriage'], submittedBy: 'pc-referrer-1' });
    expect(h.command(amend({ add: ['admin-patel', 'daa-smith'] }))).toBeUndefined();
    expect(h.command(amend({ remove: ['pc-referrer-1'] }, '2026-11-25T11:00:00.000Z'))).toBeUndefined();
    expect(h.snap().context.restriction?.needToKnow).toEqual(['admin-patel', 'daa-smith']);
    expect(h.entries('need-to-know.amended').map((e) => e.data)).toEqual([
      { added: ['admin-patel', 'daa-smith'], removed: [], needToKnow: ['pc-referrer-1', 'admin-patel', 'daa-smith'] },
      { added: [], removed: ['pc-referrer-1'], needToKnow: ['admin-patel', 'daa-smith'] },
    ]);
    expect(h.entries('need-to-know.amended')[0]).toMatchObject({ actor: chair, rationale: 'The DAA now works the case.' });
  });

  it('amendments that make no sense are refused with the reason', async () => {
    const open = await startCase();
    expect(open.command(amend({ add: ['daa-smith'] }))).toBe('the case is not restricted; restrict it first (restrictCase)');
    const h = await startCase({ flags: ['honour-based-violence'], submittedBy: 'pc-referrer-1' });
    expect(h.command(amend({ add: ['pc-referrer-1'] }))).toBe('already on the need-to-know list: pc-referrer-1');
    expect(h.command(amend({ remove: ['daa-smith'] }))).toMatch(/^not on the need-to-know list: daa-smith \(it holds pc-referrer-1\)/);
    expect(h.command(amend({ remove: ['pc-referrer-1'] }))).toMatch(/cannot be emptied/);
    expect(() => caseCommandSchemas.amendNeedToKnow.parse({ rationale: 'x', actor: chair })).toThrow(/name someone to add or to remove/);
    expect(() => caseCommandSchemas.restrictCase.parse({ rationale: 'x', needToKnow: [], actor: chair })).toThrow(/at least one person/);
    expect(h.entries('need-to-know.amended')).toHaveLength(0);
  });

  it('the meeting outcome keeps Police as the restricted case\'s lead agency beside the other leads', async () => {
    const h = await startCase({ flags: ['honour-based-violence'] });
    h.actor.send({ type: 'clock', at: '2026-11-26T09:00:00.000Z' });
    h.actor.send({ type: 'clock', at: MEETING_AT });
    expect(h.command({
      type: 'recordMeetingOutcome', at: '2026-11-26T12:30:00.000Z', actor: admin,
      outcome: { risks: ['family searching for the victim'], actions: [{ id: 'a1', owner: 'housing', description: 'Move to a refuge out of area.' }], leads: {}, rationale: 'Agreed.' },
    })).toBeUndefined();
    const leads = h.snap().context.leads;
    expect(leads.case?.agency).toBe('police');
    expect(leads.victim?.agency).toBe('domestic-abuse-advisor');
    expect(leads.perpetrator?.agency).toBe('probation');
    // The meeting's own lead entries do not repeat the case lead.
    expect(h.entries('lead.assigned').filter((e) => (e.data as { for: string }).for === 'case')).toHaveLength(1);
  });

  it('a closed case refuses restriction with the reason', async () => {
    const h = await startCase();
    expect(h.command({ type: 'closeCase', at: '2026-11-25T09:00:00.000Z', actor: admin, rationale: 'Moved out of area.' })).toBeUndefined();
    expect(h.command(restrict(['daa-smith']))).toMatch(/^the case is closed/);
  });
});

describe('messages about a restricted case', () => {
  it('the HRDA Matrix goes to agency mailboxes as owners and dates only, and the closure without its rationale', async () => {
    const seen = new Map<string, { topic: string; body: string[] }>();
    const h = await startCase({ flags: ['honour-based-violence'] });
    h.actor.subscribe((s) => { for (const n of s.context.outbox) seen.set(n.id, n); });
    h.actor.send({ type: 'clock', at: '2026-11-26T09:00:00.000Z' });
    h.actor.send({ type: 'clock', at: MEETING_AT });
    h.command({
      type: 'recordMeetingOutcome', at: '2026-11-26T12:30:00.000Z', actor: admin,
      outcome: { risks: ['Uncle searching for her'], actions: [{ id: 'a1', owner: 'housing', description: 'Refuge place for Alex out of area.' }], leads: {}, rationale: 'Agreed.' },
    });
    h.command({ type: 'closeCase', at: '2026-11-27T09:00:00.000Z', actor: admin, rationale: 'Alex has moved to a refuge in another area.' });
    const matrix = [...seen.values()].find((n) => n.topic === 'matrix-circulated')!;
    const closed = [...seen.values()].find((n) => n.topic === 'case-closed')!;
    expect(matrix.body[0]).toMatch(/^This case is restricted/);
    expect(matrix.body).toContain('Action a1 — owner housing, update due 2026-12-17T12:00:00.000Z');
    expect(matrix.body.join('\n')).not.toMatch(/Uncle|Refuge place|Alex/);
    expect(closed.body.join('\n')).not.toMatch(/Alex|refuge/);
  });

  it('an unrestricted case\'s matrix message is as before', async () => {
    const seen = new Map<string, { topic: string; body: string[] }>();
    const h = await startCase();
    h.actor.subscribe((s) => { for (const n of s.context.outbox) seen.set(n.id, n); });
    h.actor.send({ type: 'clock', at: '2026-11-26T09:00:00.000Z' });
    h.actor.send({ type: 'clock', at: MEETING_AT });
    h.command({
      type: 'recordMeetingOutcome', at: '2026-11-26T12:30:00.000Z', actor: admin,
      outcome: { risks: ['Strangulation'], actions: [{ id: 'a1', owner: 'housing', description: 'Change the locks.' }], leads: {}, rationale: 'Agreed.' },
    });
    const matrix = [...seen.values()].find((n) => n.topic === 'matrix-circulated')!;
    expect(matrix.body[0]).toBe('Risks: Strangulation');
    expect(matrix.body).toContain('Action a1 — owner housing, update due 2026-12-17T12:00:00.000Z: Change the locks.');
  });

  it("circulates a restricted case's DVPO and its breach without the premises, the terms or the details", async () => {
    const police: Actor = { role: 'agency-practitioner', agency: 'police', name: 'pc-smith' };
    const premises = '12 Fictional Road';
    const term = 'Not to enter the street.';
    const breach = 'Seen outside the house at night.';
    for (const flags of [['honour-based-violence'], ['strangulation']]) {
      const h = await startCase({ flags });
      expect(h.command({ type: 'recordDvpo', at: '2026-11-25T09:30:00.000Z', actor: police, dvpoId: 'o1', madeAt: '2026-11-25T09:00:00.000Z', days: 28, protectedPremises: premises, terms: [term] })).toBeUndefined();
      expect(h.command({ type: 'reportDvpoBreach', at: '2026-11-27T09:30:00.000Z', actor: police, dvpoId: 'o1', occurredAt: '2026-11-26T22:00:00.000Z', details: breach })).toBeUndefined();
      const mailed = h.snap().context.outbox.filter((m) => m.topic === 'dvpo-circulated' || m.topic === 'dvpo-breach');
      expect(mailed.map((m) => m.topic).sort(), String(flags)).toEqual(['dvpo-breach', 'dvpo-circulated']);
      const text = JSON.stringify(mailed);
      if (flags.includes('honour-based-violence')) {
        for (const secret of [premises, term, breach]) expect(text, secret).not.toContain(secret);
        expect(text).toContain('need-to-know list only');
      } else {
        for (const detail of [premises, term, breach]) expect(text, detail).toContain(detail);
      }
    }
  });
});
