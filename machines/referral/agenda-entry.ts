import type { AgendaEntry, MeetingKind } from '../../domain/agenda';
import { localDate } from '../../domain/calendar';
import { incidentWindowOf } from '../../domain/cutoffs';
import type { Profile } from '../../domain/profile';
import { sourceOf } from '../../domain/triage';
import type { Instant } from '../../domain/time';
import type { CaseContext } from './context';

/**
 * What a meeting is told of a case it will hear: enough to order its agenda, nothing personal.
 * A profile that triages ([002] 2.2, 2.20) also says what brought the referral and, for a police
 * incident at a daily meeting with an incident window (2.5), whether it happened inside it — a
 * case outside it is still heard, and the agenda shows it came late.
 */
export function agendaEntryOf(profile: Profile, c: CaseContext, kind: MeetingKind, meetingAt: Instant, item: AgendaEntry['item']): AgendaEntry {
  const entry: AgendaEntry = { caseId: c.caseId, risk: c.risk, childrenLinked: c.referral.children.length > 0, repeat: c.repeat !== null, receivedAt: c.referral.receivedAt, item };
  // [002] 3.7: a MARAC orders its agenda by the category the daily meeting referred the case in.
  if (kind === 'marac' && c.marac) return { ...entry, source: sourceOf(profile, c.referral), maracCategory: c.marac.category };
  if (!profile.routing.triage) return entry;
  const source = sourceOf(profile, c.referral);
  const window = kind === 'daily' && source === 'police-incident' ? incidentWindowOf(profile, localDate(meetingAt)) : undefined;
  const occurredAt = c.referral.incident.occurredAt;
  return { ...entry, source, ...(window ? { inIncidentWindow: window.from <= occurredAt && occurredAt <= window.to } : {}) };
}
