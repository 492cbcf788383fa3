import { profileSchema } from '../profile';

/**
 * Dorset HRDA Operating Protocol (2022), shared/seeds/000_a9d614cc746f274a.txt,
 * as read by shared/design/PROTOCOL.md §1. The default profile.
 */
export const dorsetHrda = profileSchema.parse({
  id: 'dorset-hrda',
  name: 'Dorset High Risk Domestic Abuse (HRDA)',
  source: '000_a9d614cc746f274a.txt',
  agencies: [
    { id: 'police', name: 'Dorset Police', mailbox: 'hrda@police.example.org' },
    { id: 'childrens-social-care', name: "Children's Social Care", mailbox: 'hrda@childrens-social-care.example.org' },
    { id: 'domestic-abuse-advisor', name: 'Specialist Domestic Abuse Advisor (DAA)', mailbox: 'hrda@daa.example.org' },
    { id: 'adult-social-care', name: 'Adult Social Care', mailbox: 'hrda@adult-social-care.example.org' },
    { id: 'health', name: 'Health', mailbox: 'hrda@health.example.org' },
    { id: 'housing', name: 'Housing', mailbox: 'hrda@housing.example.org' },
    { id: 'probation', name: 'Probation', mailbox: 'hrda@probation.example.org' },
    { id: 'substance-misuse', name: 'Substance Misuse', mailbox: 'hrda@substance-misuse.example.org' },
    { id: 'education', name: 'Education', mailbox: 'hrda@education.example.org' },
    { id: 'paragon', name: 'Paragon (medium-risk service)', mailbox: 'referrals@paragon.example.org' },
    { id: 'victim-support', name: 'Victim Support (standard-risk service)', mailbox: 'referrals@victim-support.example.org' },
    // Stage 3 of the escalation protocol is referred to the Strategy Group in writing.
    { id: 'strategy-group', name: 'Domestic Abuse Strategy Group', mailbox: 'strategy-group@community-safety.example.org' },
  ],
  // Stage 1: referrals come into HRDA through a single point of contact run by Police.
  administrator: { agency: 'police', mailbox: 'hrda-admin@police.example.org' },
  // SafeLives DASH: 14 or more ticks is the high-risk threshold.
  assessment: { dashHighThreshold: 14 },
  routing: {
    high: 'hrda',
    medium: 'medium-risk-offer',
    standard: 'standard-risk-offer',
    offers: { 'medium-risk-offer': 'paragon', 'standard-risk-offer': 'victim-support' },
    repeatWindow: 'P12M',
  },
  checks: {
    systems: ['niche', 'pnd', 'pnc'],
    retry: { initialInterval: 'PT1M', backoffCoefficient: 2, maximumInterval: 'PT1H', giveUpAfter: 'PT4H' },
  },
  // Stage 2: the agreed list of agencies, asked by 2pm.
  infoRequest: {
    cutoff: '14:00',
    agencies: ['police', 'childrens-social-care', 'domestic-abuse-advisor', 'adult-social-care', 'health', 'housing', 'probation', 'substance-misuse'],
  },
  // Stage 3: Monday, Tuesday, Thursday and Friday at 12pm; Police facilitate three days, a partner the fourth.
  dailyMeeting: {
    slots: [
      { weekday: 'monday', time: '12:00' },
      { weekday: 'tuesday', time: '12:00' },
      { weekday: 'thursday', time: '12:00' },
      { weekday: 'friday', time: '12:00' },
    ],
    summaryReminderAt: '09:00',
    facilitators: { monday: 'police', tuesday: 'police', thursday: 'police', friday: 'childrens-social-care' },
    // Children linked first, then by risk (high first), then by time received.
    agendaOrder: ['children-first', 'risk', 'received'],
    // The agenda is the cases circulated by the 2pm information-request cut-off of the day before.
    agendaFreeze: { workingDaysBefore: 1, at: '14:00' },
    lateAdditions: ['rolled-over'],
    duration: 'PT2H',
    // Outcomes are recorded the same day; what is not heard by 17:00 goes to the next meeting.
    outcomesBy: 'PT5H',
  },
  leads: {
    victim: 'domestic-abuse-advisor',
    children: 'childrens-social-care',
    perpetratorByMappa: { levels: [2, 3], agency: 'probation' },
  },
  actions: { updateWithin: 'P3W', reminderBefore: 'P1W' },
  // Stage 4: HRDAP on the fourth Wednesday at 9am; QA and circulation a week before.
  monthlyMeeting: {
    weekday: 'wednesday',
    nth: 4,
    time: '09:00',
    qaBefore: 'P7D',
    reasons: ['escalating-risk', 'non-engagement', 'partnership-not-effective'],
    duration: 'PT2H',
    outcomesBy: 'PT8H',
  },
  // Appendix 1, the HRDA Escalation Protocol.
  escalation: {
    areas: [
      'threshold', 'convene-meeting', 'agency-response', 'information-sharing', 'lead-professional',
      'risk-remains', 'monthly-escalation', 'actions-not-progressed',
    ],
    steps: [
      { id: 'practitioners', stage: 1, owner: 'the practitioners', deadline: { workingDays: 1 } },
      { id: 'line-managers', stage: 1, owner: "the practitioners' line managers", deadline: { duration: 'PT24H' } },
      { id: 'strategic-lead-referral', stage: 2, owner: "the organisation's Strategic Lead for HRDA", deadline: { duration: 'PT24H' }, requires: 'referral' },
      { id: 'strategic-lead-review', stage: 2, owner: "the organisation's Strategic Lead for HRDA", deadline: { duration: 'PT24H' }, requires: 'written-response' },
      { id: 'strategy-group', stage: 3, owner: 'the Domestic Abuse Strategy Group', deadline: { duration: 'PT24H' }, requires: 'referral', marking: 'Stage Three Formal Escalation under HRDA' },
    ],
    reminderBefore: 'PT4H',
    actionsNotProgressedAfter: 'P7D',
  },
  // Sharing without consent (domain/sharing-without-consent.ts): the protocol defers to the HRDA
  // Personal Information Sharing Agreement (PISA), which the seeds do not hold, for how information
  // may be shared; every basis the referral forms name is accepted until the PISA says otherwise.
  sharingWithoutConsent: { bases: ['vital-interests', 'safeguarding-individuals-at-risk', 'prevention-or-detection-of-crime', 'legal-obligation'] },
  // Not in the Dorset protocol: six years after the latest referral, the period many areas'
  // information-sharing agreements give for MARAC records. Set it from the local agreement.
  retention: { afterLatestReferral: 'P6Y' },
  // Cases per 10,000 adult women on the dashboard (client/reports/dashboard); an estimate until the area gives its own figure.
  population: {
    adultWomen: 324_000,
    source: 'Estimate: Census 2021 (ONS) usual residents of the Dorset Council (379,600) and Bournemouth, Christchurch and Poole (400,300) areas, which Dorset Police serves times the share of women aged 16 and over in England and Wales (about 41.6%, Census 2021), rounded; replace with the ONS mid-year estimate of females aged 16+ for the area before publishing',
  },
  // Not in the Dorset protocol: Warwickshire MASH §18.3 (003), applied to every profile. Honour-based
  // violence and forced marriage go to the need-to-know list, with the police as lead agency.
  restriction: { flags: ['honour-based-violence', 'forced-marriage'], leadAgency: 'police' },
  workflow: { continueAsNewAfterEvents: 2000 },
});
