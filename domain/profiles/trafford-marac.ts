import { profileSchema } from '../profile';

/**
 * Trafford Domestic Abuse Joint Protocol (Police, Health, Children's Social Care, Adult Social
 * Care), shared/seeds/001_d05a419fff4ecf95.txt, as read by shared/design/PROTOCOL.md §2. The seed
 * numbers no paragraphs: comments name its headings. Where it is silent, the value is marked
 * "Not in the protocol" and is a setting of this profile, to be set from the local arrangements.
 * docs/profiles.md maps each rule to its field.
 */
export const traffordMarac = profileSchema.parse({
  id: 'trafford-marac',
  name: 'Trafford MARAC and Domestic Abuse Joint Protocol',
  source: '001_d05a419fff4ecf95.txt',
  agencies: [
    { id: 'police', name: 'Greater Manchester Police', mailbox: 'marac@police.trafford.example.org' },
    // "Trafford Children's First Response" receives the police referrals for children's social care.
    { id: 'childrens-social-care', name: "Children's Social Care (First Response)", mailbox: 'first-response@childrens-social-care.trafford.example.org' },
    // "Initial Assessment Team" for adult social care.
    { id: 'adult-social-care', name: 'Adult Social Care (Initial Assessment Team)', mailbox: 'iat@adult-social-care.trafford.example.org' },
    // TLCO Community Health Services: the Safeguarding Families team passes police care plans on.
    { id: 'health', name: 'TLCO Community Health Services (Safeguarding Families)', mailbox: 'safeguarding-families@health.trafford.example.org' },
    { id: 'education', name: 'Education', mailbox: 'marac@education.trafford.example.org' },
    // "GMMH" in the MARAC section.
    { id: 'mental-health', name: 'Greater Manchester Mental Health (GMMH)', mailbox: 'marac@mental-health.trafford.example.org' },
    { id: 'idva', name: 'Independent Domestic Violence Advocate (IDVA) service', mailbox: 'marac@idva.trafford.example.org' },
    { id: 'housing', name: 'Housing', mailbox: 'marac@housing.trafford.example.org' },
    { id: 'probation', name: 'Probation', mailbox: 'marac@probation.trafford.example.org' },
    { id: 'substance-misuse', name: 'Drug and alcohol services', mailbox: 'marac@substance-misuse.trafford.example.org' },
    { id: 'tdas', name: 'Trafford Domestic Abuse Services (TDAS)', mailbox: 'referrals@tdas.trafford.example.org' },
    { id: 'victim-support', name: 'Victim Support', mailbox: 'referrals@victim-support.trafford.example.org' },
    { id: 'marac-coordinator', name: 'Trafford MARAC co-ordinator', mailbox: 'marac-coordinator@trafford.example.org' },
    { id: 'tssp', name: 'Trafford Strategic Safeguarding Partnership (TSSP)', mailbox: 'tssp@trafford.example.org' },
  ],
  // Not in the protocol: who runs the MARAC's administration. A co-ordinator of its own.
  administrator: { agency: 'marac-coordinator', mailbox: 'marac-coordinator@trafford.example.org' },
  // Not in the protocol: the SafeLives DASH high-risk threshold, as in every MARAC area.
  assessment: { dashHighThreshold: 14 },
  // MARAC: "Every high risk case must be referred to MARAC." Not in the protocol: the offers for
  // medium and standard risk (it names TDAS and Victim Support among the supportive agencies).
  // "Repeat MARAC referrals": a further incident within twelve months of the last referral is heard
  // whatever its level.
  routing: {
    high: 'hrda',
    medium: 'medium-risk-offer',
    standard: 'standard-risk-offer',
    offers: { 'medium-risk-offer': 'tdas', 'standard-risk-offer': 'victim-support' },
    repeatWindow: 'P12M',
  },
  // Not in the protocol (GMP's own system, iOPS, is not one the engine searches): the national systems.
  checks: {
    systems: ['pnd', 'pnc'],
    retry: { initialInterval: 'PT1M', backoffCoefficient: 2, maximumInterval: 'PT1H', giveUpAfter: 'PT4H' },
  },
  // DVDS: "Must set the risk level to at least Medium Risk to ensure that a specialist officer/
  // detective reviews the circumstances and request"; the police alone disclose.
  dvds: { signOffBy: 'police', minimumRisk: 'medium' },
  // MARAC: "Health, Education, Adult Social Care (ASC) Children Social Care (CSC) and Mental Health"
  // must be represented; the IDVA, police and children's services "sit around the same table".
  // Not in the protocol: the time of day by which a referral counts as circulated that day.
  infoRequest: {
    cutoff: '12:00',
    agencies: ['police', 'idva', 'childrens-social-care', 'adult-social-care', 'health', 'education', 'mental-health', 'housing', 'probation'],
  },
  // MARAC: "The multi-agency conferences take place every 2 weeks". Not in the protocol: the day,
  // the time and the series' first date (Thursday 10:00 from 3 December 2026), and the papers'
  // notice: a case circulated by 12:00 five working days before a MARAC is heard there, a later
  // one at the next (machines/referral/schedule.ts), so agencies have a working week to research.
  dailyMeeting: {
    name: 'Trafford MARAC',
    slots: [{ weekday: 'thursday', time: '10:00', everyWeeks: 2, from: '2026-12-03' }],
    summaryReminderAt: '09:00',
    facilitators: {},
    agendaOrder: ['repeat-first', 'risk', 'children-first', 'received'],
    agendaFreeze: { workingDaysBefore: 5, at: '12:00' },
    lateAdditions: ['rolled-over'],
    duration: 'PT3H',
    outcomesBy: 'PT8H',
  },
  // The IDVA sits with the victim; children's social care leads for the children.
  leads: {
    victim: 'idva',
    victimBasis: 'Independent Domestic Violence Advocate (IDVA) service leads for the victim',
    children: 'childrens-social-care',
    perpetratorByMappa: { levels: [2, 3], agency: 'probation' },
  },
  // Not in the protocol: actions are reported on by the next MARAC, two weeks on.
  actions: { updateWithin: 'P2W', reminderBefore: 'P2D' },
  // No monthly management meeting: cases are reviewed at the MARAC itself.
  // Not in the protocol: it refers disagreements to the TSSP's escalation procedures, which are not
  // among the seeds. The steps below are a placeholder in the shape of the default profile's.
  escalation: {
    areas: [
      'threshold', 'convene-meeting', 'agency-response', 'information-sharing', 'lead-professional',
      'risk-remains', 'actions-not-progressed',
    ],
    steps: [
      { id: 'practitioners', stage: 1, owner: 'the practitioners', deadline: { workingDays: 1 } },
      { id: 'line-managers', stage: 1, owner: "the practitioners' line managers", deadline: { workingDays: 1 } },
      { id: 'senior-managers', stage: 2, owner: 'the agencies’ senior managers', deadline: { workingDays: 2 }, requires: 'written-response' },
      { id: 'tssp', stage: 3, owner: 'the Trafford Strategic Safeguarding Partnership', deadline: { workingDays: 5 }, requires: 'referral' },
    ],
    reminderBefore: 'PT4H',
    actionsNotProgressedAfter: 'P7D',
  },
  // Police — Information Sharing, and the action that follows it.
  informationSharing: {
    from: ['police'],
    // "The referral will be sent by secure e mail, normally within 24 hours of the domestic abuse incident".
    referralWithinHours: 24,
    // "Information involving incidents of domestic abuse will be shared with health and CSC
    // professionals via the iOPS 'Care Plan' where the incident involves any of the following".
    // The document lists nine cases: the first stands above the bulleted eight.
    criteria: [
      {
        id: 'crime-child-resident',
        text: 'Any domestic abuse incident where a child under 18 resides at the location and a crime is recorded.',
        when: { all: [{ fact: 'crimeRecorded' }, { fact: 'childResident' }] },
      },
      {
        id: 'third-incident-child-resident',
        text: 'Where no crime is recorded and this is the third reported domestic abuse incident within the previous 12 months where a child under 18 resides at the location.',
        // The third or a later one: two or more earlier incidents in the 12 months.
        when: { all: [{ not: { fact: 'crimeRecorded' } }, { fact: 'childResident' }, { atLeast: { fact: 'previousIncidentsIn12Months', value: 2 } }] },
      },
      {
        id: 'pregnant',
        text: 'Any incident where the victim/informant is pregnant.',
        when: { any: [{ fact: 'victimOrInformantPregnant' }, { flag: 'pregnancy' }] },
      },
      {
        id: 'child-involved',
        text: 'Any incident where a child under 18 is a victim or perpetrator (i.e. actively involved), regardless of whether a crime is recorded.',
        when: { fact: 'childActivelyInvolved' },
      },
      { id: 'child-called-police', text: 'Any incident where a child under 18 has called the police.', when: { fact: 'childCalledPolice' } },
      { id: 'child-abuse-marker', text: 'Any incident where there is a child abuse marker on the address.', when: { fact: 'childAbuseMarker' } },
      { id: 'deemed-serious', text: 'Any incident which is deemed so serious that information must be shared.', when: { fact: 'deemedSerious' } },
      { id: 'previous-sharing', text: 'Notification following previous information sharing/referral.', when: { fact: 'followsPreviousSharing' } },
      {
        id: 'perpetrator-on-licence-or-order',
        text: 'Any incident involving perpetrators subject to licence or community orders.',
        when: { any: [{ fact: 'perpetratorOnLicenceOrOrder' }, { flag: 'perpetrator-on-licence' }] },
      },
    ],
    shareWith: ['childrens-social-care', 'health'],
    // Children Social Care — Guidance for response: "First Response will make a decision within 24
    // hours (Monday – Friday 08.30 am – 4.30 pm)", on Trafford's Levels of Need. Read as 24 working
    // hours counted in those office hours on working days (docs/profiles.md says why).
    firstResponse: {
      agency: 'childrens-social-care',
      decisionWithinWorkingHours: 24,
      workingHours: { start: '08:30', end: '16:30' },
      levels: [
        { level: 2, name: 'Early Help / Prevention' },
        { level: 3, name: 'Intensive Family Support' },
        { level: 4, name: 'Child in Need' },
        { level: 5, name: 'Child Protection' },
      ],
    },
    // TLCO Community Health Services: the Safeguarding Families team emails the care plan to the
    // child's caseload holder (Health Visitor, School Nurse, Named Midwife) "within 5 working days";
    // for an adult, to the Service Manager of the service they are open to; for a 16/17-year-old
    // who has left school, the School Nursing Team and the GP practice.
    healthSharing: {
      agency: 'health',
      withinWorkingDays: 5,
      recipients: ['health-visitor', 'school-nurse', 'named-midwife', 'school-nursing-team', 'gp-practice', 'adult-service-manager'],
    },
  },
  // MARAC: "the victim must be advised that the case will be referred to the MARAC irrespectively".
  maracReferral: { victimToldBy: 'idva' },
  // MARAC: consent "must be sought", and without it the case is referred "irrespectively"; the
  // protocol names no basis, so every basis the referral forms name is accepted.
  sharingWithoutConsent: { bases: ['vital-interests', 'safeguarding-individuals-at-risk', 'prevention-or-detection-of-crime', 'legal-obligation'] },
  // Not in the protocol: six years after the latest referral, as the default profile.
  retention: { afterLatestReferral: 'P6Y' },
  // Cases per 10,000 adult women on the dashboard (client/reports/dashboard); an estimate until the area gives its own figure.
  population: {
    adultWomen: 98_000,
    source: 'Estimate: Census 2021 (ONS) usual residents of Trafford (235,100) times the share of women aged 16 and over in England and Wales (about 41.6%, Census 2021), rounded; replace with the ONS mid-year estimate of females aged 16+ for the area before publishing',
  },
  // Not in the protocol: honour-based violence and forced marriage restricted as in every profile
  // (Warwickshire MASH §18.3, 003), the police as lead.
  restriction: { flags: ['honour-based-violence', 'forced-marriage'], leadAgency: 'police' },
  workflow: { continueAsNewAfterEvents: 2000 },
});
