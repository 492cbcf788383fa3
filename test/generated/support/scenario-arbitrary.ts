import fc, { type Arbitrary } from 'fast-check';
import type { Profile } from '../../../domain/profile';
import { profiles } from '../../../domain/profiles';
import type { ReferralInput } from '../../../domain/referral';
import { exampleReferral } from '../../support/referrals';

/**
 * Scenarios (CONTRACT.md §3) generated across the contract for the generated-scenario harness
 * (issue 14): every profile; one to three referrals, some for the same victim; with and without
 * children, flags, contacts, SRU forwarding and MAPPA levels; summaries and the victim's voice on
 * time, late or missing; outcomes at any minute of the days after the referral, with and without
 * the leads the profile names; First Response's and health's steps on a shared incident and the
 * victim told of a MARAC referral, on time, late or never; the MASH's screening, rating, triage and
 * decision; action updates on time, late or never; reviews, disputes (and what
 * the parties do with them), closures, DVDS/DVPO items, restrictions and risk changes.
 *
 * Steps are plausible, not all acceptable: a step the case or meeting refuses must say why.
 */
export interface GeneratedScenario {
  profile: string;
  startAt: string;
  until: string;
  steps: ({ at: string; do: string; ref?: string } & Record<string, unknown>)[];
}

const hour = 3_600_000;
const day = 24 * hour;
/** The first referral falls in the year from here (inside the bank-holiday table's cover). */
const firstDay = Date.parse('2026-11-02T00:00:00Z');

const summary = { involvement: 'Known to the service.', risks: 'Escalating threats.', actionsTaken: 'Safety plan.', recommendations: 'Joint visit.' };
const victims = [
  { name: 'Alex Example', dateOfBirth: '1990-04-01' },
  { name: 'Sam Sample', dateOfBirth: '1985-09-12' },
  { name: 'Jo Specimen', dateOfBirth: '1979-01-30' },
];

type Timing = 'on-time' | 'late' | 'missing';
const timing: Arbitrary<Timing> = fc.constantFrom('on-time', 'late', 'missing');

const referralPlan = fc.record({
  dayOffset: fc.integer({ min: 0, max: 20 }),
  minute: fc.integer({ min: 0, max: 24 * 60 - 1 }),
  victim: fc.integer({ min: 0, max: victims.length - 1 }),
  risk: fc.constantFrom('high', 'high', 'high', 'medium', 'standard'),
  children: fc.integer({ min: 0, max: 2 }),
  flags: fc.subarray(['strangulation', 'separation', 'pregnancy', 'honour-based-violence', 'stalking'], { maxLength: 2 }),
  mappa: fc.constantFrom(undefined, 1, 2, 3),
  sru: fc.boolean(),
  /** Incident facts, for a profile that decides information sharing from them (trafford-marac). */
  facts: fc.record({
    crimeRecorded: fc.boolean(), childResident: fc.boolean(), previousIncidentsIn12Months: fc.integer({ min: 0, max: 4 }), victimOrInformantPregnant: fc.boolean(),
    childActivelyInvolved: fc.boolean(), childCalledPolice: fc.boolean(), childAbuseMarker: fc.boolean(), deemedSerious: fc.boolean(),
    followsPreviousSharing: fc.boolean(), perpetratorOnLicenceOrOrder: fc.boolean(),
  }),
  contact: fc.boolean(),
  /** What the agencies an incident is shared with do ([001]), and the telling of the victim: on time, late or never. */
  followUp: fc.record({ firstResponse: timing, health: timing, victimTold: timing }),
  /** Under a profile with a MASH (003): screening, and for an incident referred into it the rating, a triage response and the decision. */
  mash: fc.record({
    screening: fc.constantFrom('no-further-action', 'share-for-support', 'refer-to-mash', 'refer-to-mash', 'missing'),
    when: timing,
    rating: fc.constantFrom('red', 'amber', 'green'),
    triageResponse: fc.boolean(),
    decision: fc.option(fc.record({ afterHours: fc.integer({ min: 1, max: 96 }), outcome: fc.nat(), referToMarac: fc.boolean() }), { nil: undefined }),
  }),
  summaries: fc.array(fc.tuple(fc.integer({ min: 0, max: 7 }), timing), { maxLength: 4 }),
  voice: timing,
  outcome: fc.option(fc.record({
    afterDays: fc.integer({ min: 0, max: 8 }),
    minute: fc.integer({ min: 0, max: 24 * 60 - 1 }),
    actions: fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), timing, fc.constantFrom('in-progress', 'completed', 'closed')), { maxLength: 2 }),
    withLeads: fc.boolean(),
  }), { nil: undefined }),
  extras: fc.array(fc.record({
    kind: fc.constantFrom('requestReview', 'raiseDispute', 'closeCase', 'dvds', 'recordDvpo', 'restrictCase', 'changeRisk'),
    afterDays: fc.integer({ min: 0, max: 70 }),
    minute: fc.integer({ min: 0, max: 24 * 60 - 1 }),
    follow: fc.constantFrom('none', 'respond', 'advance', 'resolve'),
  }), { maxLength: 3 }),
});

export type ReferralPlan = typeof referralPlan extends Arbitrary<infer T> ? T : never;

const iso = (ms: number) => new Date(ms).toISOString();

function referralOf(profile: Profile, p: ReferralPlan, at: number, i: number): ReferralInput {
  const victim = victims[p.victim]!;
  const mappaLevel = p.mappa as 1 | 2 | 3 | undefined;
  return exampleReferral({
    receivedAt: iso(at),
    referrer: { agency: 'police', name: `PC Generated ${i}`, contact: 'sru@example.org', ...(p.sru ? { sru: { forwardedBy: 'DS Generated', forwardedAt: iso(at - hour) } } : {}) },
    assessment: p.risk === 'high' ? { tool: 'police-dash', risk: 'high', score: 15 } : { tool: 'police-dash', risk: p.risk as 'medium' | 'standard', score: p.risk === 'medium' ? 10 : 5 },
    incident: {
      occurredAt: iso(at - 10 * hour), summary: 'Generated incident.', flags: p.flags as ReferralInput['incident']['flags'],
      ...(profile.informationSharing ? { facts: p.facts } : {}),
    },
    victim: { ...victim, consent: { share: true, contact: true }, ...(p.contact ? { contact: { email: 'victim@example.org' } } : {}) },
    perpetrator: { name: 'Blake Example', dateOfBirth: '1988-02-02', ...(mappaLevel ? { mappaLevel } : {}), ...(p.contact ? { contact: { email: 'blake@example.net' } } : {}) },
    children: Array.from({ length: p.children }, (_, c) => ({ name: `Child ${c + 1}`, dateOfBirth: '2019-06-30' })),
  });
}

function stepsFor(profile: Profile, p: ReferralPlan, ref: string, received: number): GeneratedScenario['steps'] {
  const agencies = profile.infoRequest.agencies;
  const owners = profile.agencies.map((a) => a.id);
  const steps: GeneratedScenario['steps'] = [];
  const at = (ms: number) => iso(Math.floor(ms / 60_000) * 60_000);
  const when = (t: Timing, early: number, late: number) => (t === 'on-time' ? received + early : received + late);
  for (const [n, t] of p.summaries) {
    if (t === 'missing') continue;
    const agency = agencies[n % agencies.length]!;
    steps.push({ at: at(when(t, 3 * hour + n * 600_000, 4 * day + n * 600_000)), do: 'submitSummary', ref, agency, summary });
  }
  // [001]: First Response's level of need, health's sharing, and the victim told of the MARAC referral.
  const sharing = profile.informationSharing;
  if (sharing?.firstResponse && p.followUp.firstResponse !== 'missing') {
    steps.push({ at: at(when(p.followUp.firstResponse, 2 * hour, 6 * day)), do: 'recordFirstResponseDecision', ref, level: sharing.firstResponse.levels[0]!.level, rationale: 'Generated decision.' });
  }
  if (sharing?.healthSharing && p.followUp.health !== 'missing') {
    steps.push({ at: at(when(p.followUp.health, day, 9 * day)), do: 'recordHealthSharing', ref, sharedWith: [sharing.healthSharing.recipients[0]!] });
  }
  if (profile.maracReferral && p.followUp.victimTold !== 'missing') {
    steps.push({ at: at(when(p.followUp.victimTold, 4 * hour, 6 * day)), do: 'recordVictimTold', ref, outcome: 'told' });
  }
  // 003: the MASH's own steps, under a profile that has one.
  const mash = profile.mash;
  if (mash && p.mash.screening !== 'missing' && p.mash.when !== 'missing') {
    const screened = when(p.mash.when, 2 * hour, 4 * day);
    const outcome = p.mash.screening;
    steps.push({ at: at(screened), do: 'recordScreening', ref, outcome, ...(outcome === 'share-for-support' ? { sharedWith: ['early-help'] } : {}), rationale: 'Generated screening.' });
    if (outcome === 'refer-to-mash') {
      steps.push({ at: at(screened + hour), do: 'setRagRating', ref, rating: p.mash.rating, rationale: 'Generated rating.' });
      if (p.mash.triageResponse) steps.push({ at: at(screened + 2 * hour), do: 'recordTriageResponse', ref, agency: mash.triage.agencies[0]!, response: { chronology: 'Generated chronology.', summary: 'Generated summary.' } });
      const d = p.mash.decision;
      if (d) steps.push({ at: at(screened + 2 * hour + d.afterHours * hour), do: 'recordMashDecision', ref, outcomes: [mash.outcomes[d.outcome % mash.outcomes.length]!.id], ...(d.referToMarac ? { referToMarac: true } : {}), rationale: 'Generated decision.' });
    }
  }
  if (p.voice !== 'missing') steps.push({ at: at(when(p.voice, 5 * hour, 5 * day)), do: 'recordVictimContact', ref, outcome: 'views-recorded', views: 'Wants to stay at home.' });
  if (p.outcome) {
    const heard = received + p.outcome.afterDays * day - (received % day) + p.outcome.minute * 60_000;
    const actions = p.outcome.actions.map(([owner], k) => ({ id: `a${k + 1}`, owner: owners[owner % owners.length]!, description: `Generated action ${k + 1}.` }));
    const leads = p.outcome.withLeads ? { victim: profile.leads.victim } : {};
    steps.push({ at: at(Math.max(heard, received + 60_000)), do: 'recordMeetingOutcome', ref, outcome: { risks: ['Generated risk'], actions, leads, rationale: 'Generated rationale.' } });
    p.outcome.actions.forEach(([, t, status], k) => {
      if (t === 'missing') return;
      const after = t === 'on-time' ? (7 + k) * day : (25 + 10 * k) * day;
      steps.push({ at: at(Math.max(heard, received) + after), do: 'updateAction', ref, actionId: `a${k + 1}`, status, note: 'Generated update.' });
    });
  }
  p.extras.forEach((x, k) => {
    const t = received + x.afterDays * day - (received % day) + x.minute * 60_000;
    const a = at(Math.max(t, received + 60_000));
    switch (x.kind) {
      case 'requestReview':
        steps.push({ at: a, do: 'requestReview', ref, reason: profile.monthlyMeeting?.reasons[0] ?? 'non-engagement', summary: 'Generated review request.' });
        break;
      case 'raiseDispute': {
        const dispute = `d${k + 1}`;
        const [raisedBy, other] = [owners[k % owners.length]!, owners[(k + 1) % owners.length]!];
        steps.push({ at: a, do: 'raiseDispute', ref, dispute, area: profile.escalation.areas[k % profile.escalation.areas.length]!, raisedBy, with: other, matter: 'Generated matter.' });
        const later = at(Math.max(t, received + 60_000) + (k + 1) * 5 * hour);
        if (x.follow === 'respond') steps.push({ at: later, do: 'respondToDispute', ref, dispute, response: 'Generated response.' });
        if (x.follow === 'advance') steps.push({ at: later, do: 'advanceDispute', ref, dispute, rationale: 'Generated escalation.' });
        if (x.follow === 'resolve') steps.push({ at: later, do: 'resolveDispute', ref, dispute, agreement: 'Generated agreement.' });
        break;
      }
      case 'closeCase':
        steps.push({ at: a, do: 'closeCase', ref, rationale: 'Generated closure.' });
        break;
      case 'dvds':
        steps.push({ at: a, do: 'recordDvds', ref, dvdsId: `v${k + 1}`, route: 'right-to-know', wording: 'Generated wording.' });
        steps.push({ at: iso(Date.parse(a) + hour), do: 'signOffDvds', ref, dvdsId: `v${k + 1}` });
        break;
      case 'recordDvpo':
        steps.push({ at: a, do: 'recordDvpo', ref, dvpoId: `o${k + 1}`, madeAt: iso(Date.parse(a) - hour), days: 14 + 7 * (k % 3), protectedPremises: 'The home.', terms: ['No contact.'] });
        break;
      case 'restrictCase':
        steps.push({ at: a, do: 'restrictCase', ref, rationale: 'Generated restriction.', needToKnow: ['staff-1'] });
        break;
      case 'changeRisk':
        steps.push({ at: a, do: 'changeRisk', ref, risk: 'high', rationale: 'Generated escalation of risk.' });
        break;
    }
  });
  return steps;
}

export const generatedScenario: Arbitrary<GeneratedScenario> = fc
  .record({
    profile: fc.constantFrom(...Object.keys(profiles)),
    firstDay: fc.integer({ min: 0, max: 364 }),
    referrals: fc.array(referralPlan, { minLength: 1, maxLength: 3 }),
  })
  .map(({ profile: id, firstDay: d, referrals }) => {
    const profile = profiles[id]!;
    const steps: GeneratedScenario['steps'] = [];
    referrals.forEach((p, i) => {
      const ref = String.fromCharCode(65 + i);
      const received = firstDay + (d + p.dayOffset) * day + p.minute * 60_000;
      steps.push({ at: iso(received), do: 'submitReferral', ref, referral: referralOf(profile, p, received, i) });
      steps.push(...stepsFor(profile, p, ref, received));
    });
    // `at` must not go backwards: the steps in time order (a stable sort keeps a case's own order).
    steps.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    const first = Date.parse(steps[0]!.at);
    const last = Date.parse(steps.at(-1)!.at);
    return { profile: id, startAt: iso(first - hour), until: iso(last + 45 * day), steps };
  });
