import { profileSchema } from '../profile';

/**
 * Warwickshire Multi-agency Safeguarding Hub (MASH), Domestic Abuse Practice Guidance v3.0 (2018),
 * shared/seeds/003_bc8e99d0a5350bae.txt ("003"), as read by shared/design/PROTOCOL.md §2. Every
 * incident is screened, rated, triaged and decided in the MASH (the `mash` section); a case that
 * meets 003 §17.2 goes on to MARAC, which runs on the engine's meeting stage (`dailyMeeting`).
 *
 * Where 003 is silent the values below are decisions, each marked "Not in 003" and listed in
 * docs/profiles.md; set them from the area's own documents.
 */
export const warwickshireMash = profileSchema.parse({
  id: 'warwickshire-mash',
  name: 'Warwickshire Multi-agency Safeguarding Hub (MASH): domestic abuse',
  source: '003_bc8e99d0a5350bae.txt',
  agencies: [
    // §6.1, §7.1: the Harm Assessment Unit, in the MASH, receives and screens police incidents.
    { id: 'police', name: 'Warwickshire Police (Harm Assessment Unit, MASH)', mailbox: 'mash-hau@police.example.org' },
    { id: 'childrens-social-care', name: "Children's Social Care (MASH)", mailbox: 'mash@childrens-social-care.example.org' },
    { id: 'adult-social-care', name: 'Adult Social Care (MASH)', mailbox: 'mash@adult-social-care.example.org' },
    // §7.3.1(7): the child health safeguarding team.
    { id: 'health', name: 'Health (MASH health and the child health safeguarding team)', mailbox: 'mash@health.example.org' },
    { id: 'early-help', name: 'Early Help (MASH early help officers)', mailbox: 'mash@early-help.example.org' },
    // §14.3: "other staff from within the MASH such as probation".
    { id: 'probation', name: 'Probation', mailbox: 'mash@probation.example.org' },
    // §19.5.3; a single point of contact outside the MASH (§14.4).
    { id: 'education', name: 'Education (single point of contact)', mailbox: 'mash-spoc@education.example.org' },
    // §19.4: IDVAs support victims at high risk of harm.
    { id: 'idva', name: 'Independent Domestic Violence Advocates (IDVA service)', mailbox: 'referrals@idva.example.org' },
    // §7.3.1(4): the commissioned domestic abuse service.
    { id: 'refuge', name: 'Refuge (commissioned domestic abuse service)', mailbox: 'referrals@refuge.example.org' },
    { id: 'victim-support', name: 'Victim Support', mailbox: 'referrals@victim-support.example.org' },
    // §14.6: the Domestic Abuse Counselling Service and other third-sector organisations.
    { id: 'dacs', name: 'Domestic Abuse Counselling Service (DACS)', mailbox: 'referrals@dacs.example.org' },
    // §14.6: local Safer Neighbourhoods policing teams contact medium-risk victims.
    { id: 'safer-neighbourhoods', name: 'Safer Neighbourhoods policing teams', mailbox: 'safer-neighbourhoods@police.example.org' },
    // §7.3.1(8): mental health and substance misuse concerns go to GPs and primary care.
    { id: 'gp', name: 'GP and primary care services', mailbox: 'safeguarding@primary-care.example.org' },
  ],
  // §14.4: the MASH's monitored secure mailbox (an example address here).
  administrator: { agency: 'police', mailbox: 'mash@mash.example.org' },
  // §3.1: the national DASH model; 14 ticks is its high-risk threshold.
  assessment: { dashHighThreshold: 14 },
  // The MASH stage decides where a case goes (machines/referral/mash.ts); these say how the victim's
  // other referrals count it until then: high risk is referred to MARAC (§17.2), which makes later
  // incidents within 12 months repeats. The offers are never used while the MASH decides.
  routing: {
    high: 'hrda',
    medium: 'medium-risk-offer',
    standard: 'standard-risk-offer',
    offers: { 'medium-risk-offer': 'refuge', 'standard-risk-offer': 'refuge' },
    repeatWindow: 'P12M',
  },
  // §7.3.1(2): the police systems are checked. Athena, Warwickshire's incident system, is read by
  // the HAU by hand (not one of the engine's police-system ports).
  checks: {
    systems: ['pnd', 'pnc'],
    retry: { initialInterval: 'PT1M', backoffCoefficient: 2, maximumInterval: 'PT1H', giveUpAfter: 'PT4H' },
  },
  dvds: { signOffBy: 'police' },
  // Not in 003: the MARAC's information request, by 14:00 on the day of the MARAC referral.
  infoRequest: {
    cutoff: '14:00',
    agencies: ['police', 'childrens-social-care', 'adult-social-care', 'health', 'idva', 'probation', 'education'],
  },
  // Not in 003: the MARAC sits weekly, Tuesday 10:00, police-facilitated. 003 §17 names the MARAC
  // but not its days; set them from the area's MARAC operating protocol.
  dailyMeeting: {
    slots: [{ weekday: 'tuesday', time: '10:00' }],
    summaryReminderAt: '09:00',
    facilitators: { tuesday: 'police' },
    agendaOrder: ['children-first', 'risk', 'received'],
    agendaFreeze: { workingDaysBefore: 1, at: '14:00' },
    lateAdditions: ['rolled-over'],
    duration: 'PT2H',
    outcomesBy: 'PT5H',
  },
  // §19.4: the IDVA is the high-risk victim's primary point of contact.
  leads: {
    victim: 'idva',
    victimBasis: 'the IDVA is the primary point of contact for a victim at high risk (003 §19.4)',
    children: 'childrens-social-care',
    perpetratorByMappa: { levels: [2, 3], agency: 'probation' },
  },
  // Not in 003: MARAC action updates within three weeks, a reminder a week before.
  actions: { updateWithin: 'P3W', reminderBefore: 'P1W' },
  // Not in 003 (it has no management meeting): the engine's monthly review, kept on the fourth
  // Wednesday until the area's MARAC steering group arrangements are read in.
  monthlyMeeting: {
    weekday: 'wednesday',
    nth: 4,
    time: '09:00',
    qaBefore: 'P7D',
    reasons: ['escalating-risk', 'non-engagement', 'partnership-not-effective'],
  },
  // Not in 003 beyond "seek advice and guidance from managers" (§18.1) and the MASH Service
  // Manager (§18.3): practitioners, their line managers, then the MASH Service Manager.
  escalation: {
    areas: [
      'threshold', 'convene-meeting', 'agency-response', 'information-sharing', 'lead-professional',
      'risk-remains', 'monthly-escalation', 'actions-not-progressed',
    ],
    steps: [
      { id: 'practitioners', stage: 1, owner: 'the practitioners', deadline: { workingDays: 1 } },
      { id: 'line-managers', stage: 1, owner: "the practitioners' line managers", deadline: { duration: 'PT24H' } },
      { id: 'mash-service-manager', stage: 2, owner: 'the MASH Service Manager', deadline: { duration: 'PT24H' }, requires: 'written-response' },
    ],
    reminderBefore: 'PT4H',
    actionsNotProgressedAfter: 'P7D',
  },
  // §3 (4): "Police do not require formal consent to refer to Refuge where there are safeguarding
  // concerns"; §14.8: "The statutory basis of the MASH meeting … will always be made clear". The
  // protocol names no list, so every basis the referral forms name is accepted.
  sharingWithoutConsent: { bases: ['vital-interests', 'safeguarding-individuals-at-risk', 'prevention-or-detection-of-crime', 'legal-obligation'] },
  // Not in 003: as dorset-hrda, six years after the latest referral (the information-sharing agreement sets it).
  retention: { afterLatestReferral: 'P6Y' },
  // Cases per 10,000 adult women on the dashboard (client/reports/dashboard); an estimate until the area gives its own figure.
  population: {
    adultWomen: 248_000,
    source: 'Estimate: Census 2021 (ONS) usual residents of Warwickshire (596,800) times the share of women aged 16 and over in England and Wales (about 41.6%, Census 2021), rounded; replace with the ONS mid-year estimate of females aged 16+ for the area before publishing',
  },
  // §18.3: honour-based violence (and forced marriage, §2.2) — police lead, need-to-know only.
  restriction: { flags: ['honour-based-violence', 'forced-marriage'], leadAgency: 'police' },
  mash: {
    screening: {
      // §7.3.1(9): standard incidents completed within 72 hours of receipt by the HAU. Medium ones
      // are "prioritised" (§7.4) with no timescale of their own.
      completeWithin: { standard: 'PT72H' },
      // §7.3.1(3b), (7), (8): early help or targeted support, the child health safeguarding team, GPs.
      shareWith: ['early-help', 'health', 'gp', 'refuge', 'victim-support', 'dacs', 'safer-neighbourhoods'],
    },
    // §7.2, §9.3, §14.4: the police screen and lead their incidents; social care other agencies' referrals.
    lead: { byReferrer: { police: 'police' }, otherwise: 'childrens-social-care' },
    // §12.1, §14.3, §14.5: the social care team manager. The engine has no "team manager" role: a
    // chair's token for children's or adult social care acts as one.
    teamManager: { roles: ['chair'], agencies: ['childrens-social-care', 'adult-social-care'] },
    // Not in 003: it points to the MASH Children's Practice Guidance §12.4 for the timescales.
    // Red 4 hours, amber 24 hours, green 72 hours, from the referral's receipt on the MASH system.
    rag: { timescales: { red: 'PT4H', amber: 'PT24H', green: 'PT72H' } },
    triage: {
      // §14.2: "an adult or child social worker, police, health, and early help officer".
      agencies: ['childrens-social-care', 'adult-social-care', 'police', 'health', 'early-help'],
      // Not in 003 by name: education stands for the agencies with a single point of contact (§14.4).
      spocAgencies: ['education'],
      responseMarking: 'TRIAGE RESPONSE',
    },
    // §14.8: "within 24 hours of the referral being made", from its receipt on the MASH system.
    meeting: { recordWithin: 'PT24H' },
    // §14.6, §15.5.
    outcomes: [
      { id: 'safeguarding-pathway', description: 'The child or adult safeguarding criteria are met: the child, adult or both safeguarding pathway', notify: [] },
      { id: 'statutory-assessment', description: 'A child in need or an adult with care and support needs: to the social care team for a statutory assessment', notify: ['childrens-social-care'] },
      { id: 'domestic-abuse-support', description: 'The safeguarding criteria are not met: referred to the domestic abuse support agencies (Refuge outreach, Victim Support)', notify: ['refuge', 'victim-support'] },
      { id: 'safer-neighbourhoods', description: 'Medium risk: shared with the local Safer Neighbourhoods policing team to contact the victim and offer support', notify: ['safer-neighbourhoods'] },
      { id: 'early-help', description: 'Early Help notified (an Early Help Single Assessment is open) or referred for one', notify: ['early-help'] },
      { id: 'gp-notification', description: 'Mental health or substance misuse concerns sent to the GP and primary care services', notify: ['gp'] },
      { id: 'third-sector', description: 'Referred to a third-sector organisation such as the Domestic Abuse Counselling Service (DACS)', notify: ['dacs'] },
      { id: 'advice-and-signposting', description: 'Advice and signposting (§13.1)', notify: [] },
    ],
    // §17.2: high risk, a repeat within 12 months of a MARAC referral, or potential escalation.
    marac: { risks: ['high'], repeat: true, flags: ['escalation'] },
    // §7.3.1(9)–(10): completed and outstanding standard incidents, by the end of each week. Not in
    // 003: the week ends at 17:00 on Friday, when the police supervisors send the report.
    weeklyReport: { weekEnds: { weekday: 'friday', time: '17:00' }, risks: ['standard'] },
    // §19.5.2: a random sample of 15 standard or medium incidents not referred into the MASH.
    audit: { sampleSize: 15, risks: ['standard', 'medium'] },
  },
  workflow: { continueAsNewAfterEvents: 2000 },
});
