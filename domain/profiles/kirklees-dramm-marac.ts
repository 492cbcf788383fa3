import { profileSchema } from '../profile';

/**
 * Kirklees DRAMM and MARAC Operational Protocol (v0.3, June 2019),
 * shared/seeds/002_7a7aa3744276ba9f.txt, as read by shared/design/PROTOCOL.md §2 and
 * docs/profiles.md ("kirklees-dramm-marac"). Paragraph numbers below are the protocol's.
 */
export const kirkleesDrammMarac = profileSchema.parse({
  id: 'kirklees-dramm-marac',
  name: 'Kirklees Daily Risk Assessment Management Meeting (DRAMM) and MARAC',
  source: '002_7a7aa3744276ba9f.txt',
  agencies: [
    // 2.12: the DRAMM agencies.
    { id: 'police', name: 'West Yorkshire Police (Domestic Abuse Hub)', mailbox: 'dramm@westyorkshire.police.example.org' },
    { id: 'childrens-social-care', name: "Children's Social Care (Duty and Advice)", mailbox: 'dramm@duty-and-advice.kirklees.example.org' },
    { id: 'pdvg', name: 'Pennine Domestic Violence Group (IDVA)', mailbox: 'dramm@pdvg.example.org' },
    { id: 'locala', name: 'Locala Community Partnerships (health)', mailbox: 'dramm@locala.example.org' },
    { id: 'chart', name: 'CHART Kirklees (substance misuse)', mailbox: 'dramm@chart.example.org' },
    { id: 'adult-social-care', name: 'Adults Social Care (Domestic Abuse Worker)', mailbox: 'dramm@adults.kirklees.example.org' },
    // 2.13, 3.33: the MARAC coordinator and administrators run both meetings.
    { id: 'marac-team', name: 'Kirklees MARAC Coordinator and Administrators', mailbox: 'marac@kirklees.example.org' },
    // 3.2: the MARAC agencies beyond the DRAMM's.
    { id: 'cht', name: 'Calderdale and Huddersfield NHS Foundation Trust', mailbox: 'marac@cht.example.org' },
    { id: 'connect-housing', name: 'Connect Housing', mailbox: 'marac@connect-housing.example.org' },
    { id: 'housing-solutions', name: 'Kirklees Council Housing Solutions Service', mailbox: 'marac@housing-solutions.kirklees.example.org' },
    { id: 'mash', name: 'Kirklees Multi-Agency Safeguarding Hub', mailbox: 'marac@mash.kirklees.example.org' },
    { id: 'pupil-attendance', name: 'Kirklees Council Pupil Attendance and Support', mailbox: 'marac@pupil-attendance.kirklees.example.org' },
    { id: 'safer-kirklees', name: 'Safer Kirklees', mailbox: 'marac@safer.kirklees.example.org' },
    { id: 'targeted-youth-support', name: 'Kirklees Council Targeted Youth Support', mailbox: 'marac@tys.kirklees.example.org' },
    { id: 'youth-offending-team', name: 'Kirklees Youth Offending Team', mailbox: 'marac@yot.kirklees.example.org' },
    { id: 'kirklees-neighbourhood-housing', name: 'Kirklees Neighbourhood Housing', mailbox: 'marac@knh.example.org' },
    { id: 'krasacc', name: 'Kirklees Rape and Sexual Abuse Counselling Centre', mailbox: 'marac@krasacc.example.org' },
    { id: 'swypft', name: 'South West Yorkshire Partnership NHS Foundation Trust', mailbox: 'marac@swypft.example.org' },
    { id: 'mid-yorkshire-hospitals', name: 'The Mid Yorkshire Hospitals NHS Trust', mailbox: 'marac@midyorks.example.org' },
    { id: 'victim-support', name: 'Victim Support', mailbox: 'marac@victim-support.example.org' },
    { id: 'probation-crc', name: 'West Yorkshire Probation Community Rehabilitation Company', mailbox: 'marac@crc.example.org' },
    { id: 'probation-nps', name: 'West Yorkshire Probation National Probation Service', mailbox: 'marac@nps.example.org' },
    { id: 'womencentre', name: 'Womencentre Calderdale and Kirklees', mailbox: 'marac@womencentre.example.org' },
    { id: 'perpetrator-programme', name: "Yorkshire Children's Centre Domestic Abuse Perpetrator Programme", mailbox: 'marac@ycc.example.org' },
  ],
  administrator: { agency: 'marac-team', mailbox: 'marac@kirklees.example.org' },
  assessment: { dashHighThreshold: 14 },
  routing: {
    high: 'hrda',
    // 2.5: medium-risk police incidents are heard only where children are linked or the victim
    // consents (triage below); the rest, and standard-risk incidents, stay with the police (2.43),
    // and nothing about them goes to another agency.
    medium: 'medium-risk-offer',
    standard: 'standard-risk-offer',
    offers: { 'medium-risk-offer': 'police', 'standard-risk-offer': 'police' },
    // 2.8: a further incident within 12 months of a case heard here comes back whatever its level.
    repeatWindow: 'P12M',
    triage: {
      mediumPoliceIncidentHeardWhen: ['children-linked', 'victim-consents-to-share'],
      // 2.7 MARAC transfers, 2.10 DVDS applications, 2.11 DVPO notices.
      alwaysHeard: ['marac-transfer', 'dvds', 'dvpo'],
      policeAgency: 'police',
    },
  },
  checks: {
    systems: ['niche', 'pnd', 'pnc'],
    retry: { initialInterval: 'PT1M', backoffCoefficient: 2, maximumInterval: 'PT1H', giveUpAfter: 'PT4H' },
  },
  // 4.7: Police agree and sign off the disclosure wording.
  dvds: { signOffBy: 'police' },
  // 2.26, 2.37–2.41: the chair asks every representative to confirm the level, by these definitions.
  riskConfirmation: {
    definitions: {
      high: 'there is an extreme level of control of one person by another and/or very frequent and severe physical violence. There is a serious threat of harm posed to the victim by the perpetrator. The potential event could happen at any time and the event would be serious.',
      medium: 'there appears to be a pattern of abuse/control of one person by another, and/or frequent physical violence. The offender has the potential to cause serious harm but is unlikely to do so unless there is a change in circumstances, such as the victim attempting to leave.',
      standard: 'there appears to be no current pattern of abusive behaviour, or control of one person by another. Current evidence does not indicate likelihood of causing serious harm.',
    },
    // 2.39: strangulation, coercive controlling behaviour, use of weapons, rape.
    triggers: ['strangulation', 'coercive-control', 'weapons', 'rape'],
    // 2.40, and 2.37's "very frequent and severe physical violence".
    factors: ['honour-based-violence', 'vulnerable-victim', 'high-risk-perpetrator', 'frequent-severe-violence'],
    // 2.41: more than 12 months ago is historic unless the disclosure triggers a police investigation.
    historicAfterMonths: 12,
  },
  // 2.45–2.50: who is best placed to contact the victim; in a medium-risk case, one agency only.
  victimContact: {
    maxAgencies: { medium: 1 },
    bestPlaced: [
      { risk: 'high', agency: 'pdvg', paragraph: '2.46' },
      { risk: 'medium', childrenLinked: false, agency: 'adult-social-care', paragraph: '2.48' },
      { risk: 'medium', childrenLinked: true, agency: 'childrens-social-care', paragraph: '2.49' },
    ],
  },
  // 2.22: agencies confirm that a case on the "no children linked" list has none.
  childrenCheck: true,
  // 2.14: every case is shared with the DRAMM agencies by 10:00 (11:00 on a Monday).
  infoRequest: {
    cutoff: '10:00',
    cutoffByWeekday: { monday: '11:00' },
    agencies: ['police', 'childrens-social-care', 'pdvg', 'locala', 'chart', 'adult-social-care'],
  },
  dailyMeeting: {
    name: 'DRAMM (Daily Risk Assessment Management Meeting)',
    // 2.17: Monday at 1pm, Tuesday to Friday at 11:30am.
    slots: [
      { weekday: 'monday', time: '13:00' },
      { weekday: 'tuesday', time: '11:30' },
      { weekday: 'wednesday', time: '11:30' },
      { weekday: 'thursday', time: '11:30' },
      { weekday: 'friday', time: '11:30' },
    ],
    // 1.2, 2.14: shared by the day's cut-off and heard the same day.
    heardOnCirculationDay: true,
    // 1.2, 2.5: police incidents of the last 24 hours, 72 on a Monday.
    incidentWindow: { hours: 24, byWeekday: { monday: 72 } },
    // Not in the protocol: agencies without written information are reminded before the meeting (2.18).
    summaryReminderAt: '11:00',
    // The protocol names no DRAMM chair's agency (2.19, 2.23).
    facilitators: {},
    // 2.20 (with 2.9 and 2.22): DVDS; children linked, then not — each police high, police medium,
    // MARAC/3rd party referrals, MARAC transfers; DVPOs; MARAC repeats (standard risk).
    agendaOrder: ['dvds-first', 'standard-repeats-last', 'dvpo-last', 'children-first', 'source', 'police-by-risk'],
    // 2.14, 2.19, 2.21: the case list is fixed once the cases are shared, and goes out before the meeting.
    agendaFreeze: { workingDaysBefore: 0, at: '10:00', byWeekday: { monday: '11:00' } },
    // 2.14: each case is sent individually, so one that arrives after the list went out is still added.
    lateAdditions: ['new-referral', 'rolled-over'],
    duration: 'PT1H',
    // 2.55: the notes go out the same day.
    outcomesBy: 'PT4H',
    // 2.12, 2.13: the DRAMM agencies and the MARAC administrators.
    attendees: ['police', 'childrens-social-care', 'pdvg', 'locala', 'chart', 'adult-social-care', 'marac-team'],
  },
  leads: {
    // 3.24: the DRAMM-MARAC IDVA is the voice of the victim.
    victim: 'pdvg',
    victimBasis: 'the DRAMM-MARAC IDVA is the voice of the victim (3.24)',
    children: 'childrens-social-care',
    perpetratorByMappa: { levels: [2, 3], agency: 'probation-nps' },
  },
  // Not in the protocol: agencies advise the MARAC inbox when actions are complete (3.33); the
  // engine asks for an update within three weeks, as Dorset does.
  actions: { updateWithin: 'P3W', reminderBefore: 'P1W' },
  // No monthly management meeting: cases are reviewed at the MARAC (section 3).
  marac: {
    name: 'MARAC (Multi-Agency Risk Assessment Conference)',
    // 3.8: every fortnight at 9:30am. The dates are in the protocol's Appendix One, which the seed
    // does not carry: Thursdays from 10 December 2026 here; set `from` to a date of the real series.
    slots: [{ weekday: 'thursday', time: '09:30', everyWeeks: 2, from: '2026-12-10' }],
    // 3.4: shared by close of business on the Friday before (close of business read as 17:00).
    papersDue: { weekday: 'friday', at: '17:00' },
    // 2.53: high-risk cases are referred on; the MARAC also reviews all MARAC repeats.
    referralRequired: { risks: ['high'], repeats: true },
    // 3.7: DVDS for information; then information only, significant update, full discussion; each in date order.
    agendaOrder: ['dvds-first', 'marac-category'],
    // 3.10: chaired by West Yorkshire Police.
    chair: 'police',
    duration: 'PT3H',
    outcomesBy: 'PT8H',
    // 3.2: the signatory agencies, and the administrators who take the notes (3.3).
    attendees: [
      'cht', 'chart', 'connect-housing', 'adult-social-care', 'housing-solutions', 'mash', 'pupil-attendance', 'safer-kirklees',
      'targeted-youth-support', 'youth-offending-team', 'kirklees-neighbourhood-housing', 'krasacc', 'locala', 'pdvg', 'swypft',
      'mid-yorkshire-hospitals', 'victim-support', 'police', 'probation-crc', 'probation-nps', 'womencentre', 'perpetrator-programme', 'marac-team',
    ],
  },
  // Not in the protocol: it has no escalation procedure. A two-stage one, ending with the DRAMM
  // Operational Group, so that disagreements and actions not progressed still have an owner.
  escalation: {
    areas: ['threshold', 'agency-response', 'information-sharing', 'lead-professional', 'risk-remains', 'marac-referral', 'actions-not-progressed'],
    steps: [
      { id: 'practitioners', stage: 1, owner: 'the practitioners', deadline: { workingDays: 1 } },
      { id: 'line-managers', stage: 1, owner: "the practitioners' line managers", deadline: { duration: 'PT24H' } },
      { id: 'operational-group', stage: 2, owner: 'the DRAMM Operational Group', deadline: { workingDays: 5 }, requires: 'referral' },
    ],
    reminderBefore: 'PT4H',
    actionsNotProgressedAfter: 'P7D',
  },
  // 2.15: what agencies are sent includes "Whether the victim has consented to information sharing"; the
  // protocol names no basis for sharing without it, so every basis the referral forms name is accepted.
  sharingWithoutConsent: { bases: ['vital-interests', 'safeguarding-individuals-at-risk', 'prevention-or-detection-of-crime', 'legal-obligation'] },
  // 2.56 keeps DRAMM information "for as long as a risk to the victim or children remains" and sets
  // no period; six years after the latest referral, as the default profile. Set it from the local ISA.
  retention: { afterLatestReferral: 'P6Y' },
  // Cases per 10,000 adult women on the dashboard (client/reports/dashboard); an estimate until the area gives its own figure.
  population: {
    adultWomen: 180_000,
    source: 'Estimate: Census 2021 (ONS) usual residents of Kirklees (433,200) times the share of women aged 16 and over in England and Wales (about 41.6%, Census 2021), rounded; replace with the ONS mid-year estimate of females aged 16+ for the area before publishing',
  },
  restriction: { flags: ['honour-based-violence', 'forced-marriage'], leadAgency: 'police' },
  workflow: { continueAsNewAfterEvents: 2000 },
});
