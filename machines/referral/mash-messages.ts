import type { AgencyId } from '../../domain/actor';
import type { Recipient } from '../../domain/notification';
import type { Profile } from '../../domain/profile';
import type { Instant } from '../../domain/time';
import type { CaseContext } from './context';
import { caseDetails, message, restrictedNotice } from './messages';

/**
 * The messages of the MASH stage (machines/referral/mash.ts), to directory agencies and the
 * administrator only. A restricted case's messages carry no details (003 §18.2–18.3).
 */
const details = (c: CaseContext): string[] => (c.restriction ? [restrictedNotice] : caseDetails(c));
const lead = (c: CaseContext): AgencyId => c.restriction?.leadAgency ?? c.mash!.leadAgency;
const unique = <T>(xs: T[]): T[] => [...new Set(xs)];
const marking = (profile: Profile) => profile.mash?.triage.responseMarking ?? '';

export const mashMessages = {
  shared: (c: CaseContext, agencies: AgencyId[]) =>
    message(c, 'screening-shared', agencies, 'screening-shared', 'Domestic abuse incident shared for early help or targeted support', [
      `Screened by ${lead(c)} (003 §7.3.1(3b)): a support need is identified, but no safeguarding concern. Please consider what your service can offer.`,
      ...details(c),
    ]),

  triageRequest: (profile: Profile, c: CaseContext) => {
    const triage = c.mash!.triage!;
    const rating = c.mash!.rag!.rating;
    return message(c, 'triage-request', triage.agencies, 'triage-request', `MASH triage request (RAG ${rating}): respond by ${triage.respondBy}`, [
      `${lead(c)} has loaded a domestic abuse referral onto the MASH system, rated ${rating}. Please check your agency's systems and return a short chronology of your involvement and a summary of the main issues by ${triage.respondBy} (003 §14.3–14.4).`,
      `Return it through the MASH service, or by secure email to ${profile.administrator.mailbox} with "${marking(profile)}" in the title heading, e.g. "${marking(profile)} [HRDA ${c.caseId.slice(0, 8)}]".`,
      ...details(c),
    ]);
  },

  triageResponse: (profile: Profile, c: CaseContext, agency: AgencyId, at: Instant) => {
    const triage = c.mash!.triage!;
    return message(c, `triage-response:${agency}:${at}`, [lead(c)], 'triage-response', `${marking(profile)} received from ${agency}`, [
      `${agency}'s triage response is on the case (received ${at}${at > triage.respondBy ? `, after the RAG timescale's ${triage.respondBy}` : ''}; 003 §14.4).`,
      `Responses received: ${Object.keys(triage.responses).join(', ')}; awaited: ${triage.agencies.filter((a) => !triage.responses[a]).join(', ') || 'none'}.`,
    ]);
  },

  meetingConvened: (profile: Profile, c: CaseContext) => {
    const meeting = c.mash!.meeting!;
    return message(c, `mash-meeting:${meeting.meetingAt}`, unique([lead(c), ...(c.mash!.triage?.agencies ?? [])]), 'mash-meeting', `MASH ${meeting.kind} at ${meeting.meetingAt}`, [
      `A ${meeting.kind} is convened for ${meeting.meetingAt} to agree a risk management plan (003 §14.8); the chairperson states its statutory basis at the start.`,
      `Its record — the lead agency's decision and rationale — is due by ${meeting.recordBy}, within ${profile.mash?.meeting.recordWithin} of the referral's receipt on the MASH system.`,
      ...(c.restriction ? [restrictedNotice] : []),
    ]);
  },

  overdue: (c: CaseContext, what: 'screening' | 'rag' | 'record', dueAt: Instant, awaiting: AgencyId[]) => {
    const to: Recipient[] = unique<Recipient>(['administrator', lead(c), ...awaiting]);
    const m = c.mash!;
    switch (what) {
      case 'screening':
        return message(c, `screening-overdue:${dueAt}`, to, 'mash-overdue', `Screening overdue: the incident was to be completed by ${dueAt}`, [
          `This ${c.risk}-risk incident has not been screened within its timescale, which ended at ${dueAt} (003 §7.3.1(9)). It is listed as outstanding on the weekly report.`,
        ]);
      case 'rag':
        return message(c, `rag-overdue:${dueAt}`, to, 'mash-overdue', `MASH ${m.rag!.rating} timescale passed at ${dueAt}`, [
          `The referral, rated ${m.rag!.rating}, was to be completed through the MASH by ${dueAt} (003 §12.1) and has no decision yet.`,
          ...(awaiting.length ? [`Triage responses still awaited from: ${awaiting.join(', ')}.`] : []),
        ]);
      case 'record':
        return message(c, `mash-record-overdue:${dueAt}`, to, 'mash-overdue', `MASH ${m.meeting!.kind} record overdue since ${dueAt}`, [
          `The record of the ${m.meeting!.kind} of ${m.meeting!.meetingAt} was due by ${dueAt}, within 24 hours of the referral (003 §14.8), and has not been completed.`,
        ]);
    }
  },

  outcome: (profile: Profile, c: CaseContext, agencies: AgencyId[], outcomes: string[]) =>
    message(c, 'mash-outcome', agencies, 'mash-outcome', 'Referral from the MASH', [
      `The MASH (lead agency ${c.mash!.decision?.leadAgency ?? lead(c)}) decided (003 §14.6, §15.5):`,
      ...outcomes.map((id) => `  - ${profile.mash?.outcomes.find((o) => o.id === id)?.description ?? id}`),
      ...details(c),
    ]),
};
