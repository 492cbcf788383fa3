import { dvpoExpiresAt, noNotices, type Notices } from '../../domain/notices';
import type { Profile } from '../../domain/profile';
import { riskRank } from '../../domain/referral';
import type { Instant } from '../../domain/time';
import type { CaseContext } from './context';
import type { CommandEvent } from './events';
import { involvedAgencies, message, restrictedNotice } from './messages';
import { withEntry } from './timeline';

/**
 * DVDS and DVPO notices on a case (domain/notices.ts): when the case accepts each action, and
 * what it changes. Kept apart from the referral machine, which wires these in at its root so that
 * they are taken in every state of a live case.
 */
export type NoticeEvent = CommandEvent<'recordDvds' | 'signOffDvds' | 'recordDvpo' | 'reportDvpoBreach'>;

/** The host's clock for notices: sent with every `clock`, it expires the DVPOs that have run out. */
export interface NoticesClockEvent {
  type: 'noticesClock';
  at: Instant;
}

/** A case continued from a run before notices existed has none. */
export const noticesOf = (c: Pick<CaseContext, 'notices'>): Notices => c.notices ?? noNotices();

/** The DVPO expiries still ahead: deadlines the host arms timers for. */
export const pendingNoticeDeadlines = (c: CaseContext): Instant[] => noticesOf(c).dvpos.filter((d) => !d.expired).map((d) => d.expiresAt);

/** Whether a DVPO is still in force (the case stays open until it expires). */
export const dvpoInForce = (c: Pick<CaseContext, 'notices'>): boolean => noticesOf(c).dvpos.some((d) => !d.expired);

/** Why the case refuses the action, or undefined when it takes it. */
export function noticeProblem(profile: Profile, c: CaseContext, e: NoticeEvent): string | undefined {
  const n = noticesOf(c);
  switch (e.type) {
    case 'recordDvds': {
      const meetingAt = c.heardAt ?? c.meetingAt;
      if (meetingAt === null || (c.heardAt === null && e.at < meetingAt)) {
        return `DVDS wording is agreed at the daily meeting${c.meetingAt ? ` (the case is to be heard at ${c.meetingAt})` : ''}`;
      }
      if (n.dvds.some((d) => d.dvdsId === e.dvdsId)) return `a DVDS ${e.dvdsId} is already recorded on this case`;
      // [001] DVDS: the officer "must set the risk level to at least Medium Risk" for a specialist review.
      const minimum = profile.dvds.minimumRisk;
      if (minimum && riskRank(c.risk) < riskRank(minimum)) return `a DVDS under ${profile.id} needs the risk set to at least ${minimum} (it is ${c.risk}): raise it first (changeRisk)`;
      return undefined;
    }
    case 'signOffDvds': {
      const d = n.dvds.find((x) => x.dvdsId === e.dvdsId);
      if (!d) return `no DVDS ${e.dvdsId} on this case (DVDS: ${n.dvds.map((x) => x.dvdsId).join(', ') || 'none'})`;
      if (d.signedOff) return `DVDS ${e.dvdsId} was already signed off at ${d.signedOff.at}`;
      if (e.actor.agency !== profile.dvds.signOffBy) return `DVDS wording is signed off by ${profile.dvds.signOffBy}, not ${e.actor.agency ?? 'an actor without an agency'}`;
      return undefined;
    }
    case 'recordDvpo': {
      if (n.dvpos.some((d) => d.dvpoId === e.dvpoId)) return `a DVPO ${e.dvpoId} is already recorded on this case`;
      if (e.madeAt > e.at) return `the DVPO is recorded once made; madeAt ${e.madeAt} is in the future`;
      const expiresAt = dvpoExpiresAt(e.madeAt, e.days);
      if (expiresAt <= e.at) return `the DVPO made at ${e.madeAt} for ${e.days} days expired at ${expiresAt}`;
      return undefined;
    }
    case 'reportDvpoBreach': {
      const d = n.dvpos.find((x) => x.dvpoId === e.dvpoId);
      if (!d) return `no DVPO ${e.dvpoId} on this case (DVPOs: ${n.dvpos.map((x) => x.dvpoId).join(', ') || 'none'})`;
      if (e.occurredAt > e.at) return `a breach is reported once it has happened; occurredAt ${e.occurredAt} is in the future`;
      if (e.occurredAt < d.madeAt || e.occurredAt >= d.expiresAt) return `DVPO ${e.dvpoId} was in force from ${d.madeAt} to ${d.expiresAt}; ${e.occurredAt} is outside it`;
      return undefined;
    }
  }
}

/** What the action changes: the notices, the timeline and, for a DVPO, the messages circulated. */
export function applyNotice(profile: Profile, c: CaseContext, e: NoticeEvent): Pick<CaseContext, 'notices' | 'timeline' | 'outbox'> {
  const n = noticesOf(c);
  switch (e.type) {
    case 'recordDvds': {
      const meetingAt = (c.heardAt ?? c.meetingAt)!;
      return {
        notices: { ...n, dvds: [...n.dvds, { dvdsId: e.dvdsId, route: e.route, wording: e.wording, agreedAt: e.at, meetingAt, agreedBy: e.actor, signedOff: null }] },
        timeline: withEntry(c, 'dvds.agreed', e.at, { dvdsId: e.dvdsId, route: e.route, meetingAt }, { actor: e.actor }),
        outbox: c.outbox,
      };
    }
    case 'signOffDvds': {
      const d = n.dvds.find((x) => x.dvdsId === e.dvdsId)!;
      return {
        notices: { ...n, dvds: n.dvds.map((x) => (x.dvdsId === e.dvdsId ? { ...x, signedOff: { at: e.at, by: e.actor } } : x)) },
        timeline: withEntry(c, 'dvds.signed-off', e.at, { dvdsId: e.dvdsId, route: d.route, agency: e.actor.agency! }, { actor: e.actor }),
        outbox: c.outbox,
      };
    }
    case 'recordDvpo': {
      const expiresAt = dvpoExpiresAt(e.madeAt, e.days);
      const item = { dvpoId: e.dvpoId, madeAt: e.madeAt, days: e.days, expiresAt, protectedPremises: e.protectedPremises, terms: e.terms, recordedAt: e.at, recordedBy: e.actor, breaches: [], expired: false };
      return {
        notices: { ...n, dvpos: [...n.dvpos, item] },
        timeline: withEntry(c, 'dvpo.recorded', e.at, { dvpoId: e.dvpoId, madeAt: e.madeAt, days: e.days, expiresAt }, { actor: e.actor }),
        outbox: [...c.outbox, message(c, `dvpo:${e.dvpoId}`, involvedAgencies(profile, c), 'dvpo-circulated', `DVPO ${e.dvpoId}: in force until ${expiresAt}`, [
          `A Domestic Violence Protection Order was made at ${e.madeAt} for ${e.days} days; it expires at ${expiresAt}.`,
          // A restricted case's premises (an address) and terms go to its need-to-know list only.
          ...(c.restriction ? [restrictedNotice] : [`Protected premises: ${e.protectedPremises}`, ...e.terms.map((t, i) => `Term ${i + 1}: ${t}`)]),
          'Report any breach to the Police at once, and on the case.',
        ])],
      };
    }
    case 'reportDvpoBreach': {
      const breach = { occurredAt: e.occurredAt, reportedAt: e.at, details: e.details, by: e.actor };
      return {
        notices: { ...n, dvpos: n.dvpos.map((x) => (x.dvpoId === e.dvpoId ? { ...x, breaches: [...x.breaches, breach] } : x)) },
        timeline: withEntry(c, 'dvpo.breached', e.at, { dvpoId: e.dvpoId, occurredAt: e.occurredAt }, { actor: e.actor }),
        outbox: [...c.outbox, message(c, `dvpo-breach:${e.dvpoId}:${e.occurredAt}`, [...new Set([profile.dvds.signOffBy, ...involvedAgencies(profile, c)])], 'dvpo-breach', `DVPO ${e.dvpoId} breached`, [
          `A breach of the DVPO ${e.dvpoId} (in force until ${noticesOf(c).dvpos.find((x) => x.dvpoId === e.dvpoId)!.expiresAt}) was reported: it happened at ${e.occurredAt}.`,
          c.restriction ? restrictedNotice : e.details,
        ])],
      };
    }
  }
}

/** DVPOs whose expiry has come by `at`: marked expired, each on the timeline at its own instant. */
export function expireDvpos(c: CaseContext, at: Instant): Pick<CaseContext, 'notices' | 'timeline'> | undefined {
  const n = noticesOf(c);
  const due = n.dvpos.filter((d) => !d.expired && d.expiresAt <= at);
  if (!due.length) return undefined;
  let timeline = c.timeline;
  for (const d of due) timeline = withEntry({ ...c, timeline }, 'dvpo.expired', d.expiresAt, { dvpoId: d.dvpoId, expiresAt: d.expiresAt });
  return { notices: { ...n, dvpos: n.dvpos.map((d) => (due.includes(d) ? { ...d, expired: true } : d)) }, timeline };
}
