import { assign, enqueueActions, fromPromise, setup } from 'xstate';
import type { Profile } from '../../domain/profile';
import { atLocal, localDate, nthWeekdayOfMonth } from '../../domain/calendar';
import { plusDuration } from '../../domain/duration';
import { disputeStartIssues, type DisputeStart } from '../../domain/dispute';
import { riskRank } from '../../domain/referral';
import { routeIfNotRepeat, triageReason } from '../../domain/triage';
import type { Instant } from '../../domain/time';
import type { Route } from '../../domain/timeline';
import type { CaseContext, CaseInput, CheckResult, MatrixAction } from './context';
import type { CaseEvent, ChecksOutput, CommandEvent, RollOverEvent } from './events';
import { assignLeads } from './leads';
import { messages } from './messages';
import { applyNotice, expireDvpos, noticeProblem, type NoticeEvent } from './notices';
import { applySharing, chaseSharing, decideAtIntake, followedUpRationale, sharingPending, sharingProblem, type SharingEvent } from './information-sharing';
import { applyVictimTold, referToMarac, victimToldProblem } from './marac-referral';
import { managementMeeting } from '../meeting/plan';
import { actionDeadlines, dailySchedule, meetingAfterMissed, monthlyMeetingFor } from './schedule';
import { amendedNeedToKnow, intakeRestriction, restrictedLead, restrictionProblem } from './restriction';
import { applyChildrenCheck, applyRiskConfirmation, childrenCheckProblem, hearingProblem, riskConfirmationProblem } from './hearing-checks';
import { applyMaracOutcome, applyMaracReferral, maracHeardBy, maracOutcomeProblem, maracReferralProblem } from './marac';
import { withEntry } from './timeline';
import { sharingAtIntake } from './sharing-without-consent';
import { awaiting } from './awaiting';
import {
  chaseMash, closeAfterMash, conveneMashMeeting, mashProblem, openMash, recordMashDecision, recordScreening, recordTriageResponse,
  referFromMashToMarac, setRagRating, type MashEvent,
} from './mash';

/** Every event carries the instant the workflow handled it; an actor's output carries its own. */
const timeOf = (event: CaseEvent | { output?: ChecksOutput }): Instant =>
  'at' in event ? event.at : (event as { output: ChecksOutput }).output.at;

const routeFor = (profile: Profile, context: CaseContext): Route =>
  context.repeat !== null ? 'hrda' : routeIfNotRepeat(profile, context.referral, context.risk);

const rollOverRationale = {
  'out-of-time': 'The meeting ran out of time before the case was heard.',
  'meeting-cancelled': 'The meeting was cancelled (a closure day was declared).',
  'after-cut-off': "The case was scheduled after the meeting's agenda was frozen.",
} as const;

const isDone = (a: MatrixAction) => a.status === 'completed' || a.status === 'closed';

export const backgroundChecksActor = fromPromise<ChecksOutput, { caseId: string; systems: string[] }>(async () => {
  throw new Error('runBackgroundChecks is provided by the host (the workflow runs the police-system activities)');
});

/**
 * The referral lifecycle of PROTOCOL.md §1.1–1.5, for one profile. The machine keeps every
 * deadline as an instant in its context; its host arms a timer for the earliest
 * (see deadlines.ts) and sends `clock` when it fires. Messages are queued in `outbox` for the
 * host to deliver (then `delivered`); the police checks are the `runBackgroundChecks` actor,
 * which the host provides.
 */
export function createReferralMachine(profile: Profile) {
  return setup({
    types: {
      context: {} as CaseContext,
      events: {} as CaseEvent,
      input: {} as CaseInput,
    },
    actors: { runBackgroundChecks: backgroundChecksActor },
    actions: {
      // 003 §18.3: a chair restricts the case; Police becomes (or stays) the lead agency.
      restrict: assign(({ context, event }) => {
        const e = event as CommandEvent<'restrictCase'>;
        const needToKnow = [...new Set([...e.needToKnow, ...(e.actor.name ? [e.actor.name] : [])])];
        const restriction = { since: e.at, basis: 'chair' as const, flags: [], rationale: e.rationale, by: e.actor, needToKnow, leadAgency: profile.restriction.leadAgency };
        let timeline = withEntry(context, 'case.restricted', e.at, { basis: 'chair', flags: [], needToKnow, leadAgency: restriction.leadAgency }, { actor: e.actor, rationale: e.rationale });
        const lead = restrictedLead(restriction);
        const leadChanges = context.leads.case?.agency !== lead.agency;
        if (leadChanges) timeline = withEntry({ ...context, timeline }, 'lead.assigned', e.at, { for: 'case', agency: lead.agency, basis: lead.basis }, { actor: e.actor });
        return { restriction, timeline, leads: leadChanges ? { ...context.leads, case: lead } : context.leads };
      }),
      amendNeedToKnow: assign(({ context, event }) => {
        const e = event as CommandEvent<'amendNeedToKnow'>;
        const needToKnow = amendedNeedToKnow(context, e) as string[];
        return {
          restriction: { ...context.restriction!, needToKnow },
          timeline: withEntry(context, 'need-to-know.amended', e.at, { added: e.add, removed: e.remove, needToKnow }, { actor: e.actor, rationale: e.rationale }),
        };
      }),
      openDispute: assign(({ context, event }) => {
        const start = disputeStartFor(context, event as CommandEvent<'raiseDispute'>);
        return {
          disputes: [...context.disputes, start],
          openDisputes: [...context.openDisputes, start.disputeId],
          timeline: withEntry(context, 'dispute.raised', start.raisedAt, { disputeId: start.disputeId, area: start.area }, { actor: start.raisedByActor, rationale: start.matter }),
        };
      }),
      sendInfoRequest: enqueueActions(({ context, event, enqueue }) => {
        const at = timeOf(event);
        enqueue.assign({
          infoRequestSentAt: at,
          timeline: withEntry(context, 'info-request.sent', at, {
            agencies: profile.infoRequest.agencies,
            circulateBy: context.circulateBy!,
            respondBy: context.meetingAt!,
          }),
        });
        enqueue.assign({ outbox: ({ context: c }) => [...c.outbox, messages.infoRequest(profile, context)] });
      }),
      rollOverToNextMeeting: assign(({ context, event }) => {
        const e = event as RollOverEvent;
        const next = meetingAfterMissed(profile, e.missedMeetingAt);
        let timeline = withEntry(context, 'meeting.rolled-over', e.at, { kind: 'daily', meetingAt: e.missedMeetingAt, reason: e.reason, nextMeetingAt: next.meetingAt }, { rationale: rollOverRationale[e.reason] });
        timeline = withEntry({ ...context, timeline }, 'meeting.scheduled', e.at, { kind: 'daily', meetingAt: next.meetingAt });
        return { meetingAt: next.meetingAt, summaryReminderAt: next.summaryReminderAt, summaryReminderSent: false, timeline };
      }),
      routeToHrda: assign(({ context }) => {
        const schedule = dailySchedule(profile, context.referral.receivedAt);
        const at = context.referral.receivedAt;
        let timeline = withEntry(context, 'referral.routed', at, {
          route: 'hrda',
          repeat: context.repeat !== null,
          ...(context.repeat ? { previousCaseId: context.repeat.previousCaseId } : {}),
        }, { rationale: context.repeat ? `A repeat within ${profile.routing.repeatWindow} of case ${context.repeat.previousCaseId}: heard at HRDA whatever its level.` : triageReason(profile, context.referral, context.risk) ?? `Assessed as ${context.risk} risk.` });
        timeline = withEntry({ ...context, timeline }, 'meeting.scheduled', at, { kind: 'daily', meetingAt: schedule.meetingAt });
        return { route: 'hrda' as const, ...schedule, timeline };
      }),
      routeToOffer: enqueueActions(({ context, enqueue }) => {
        const route = routeFor(profile, context) as Exclude<Route, 'hrda'>;
        const offeredTo = profile.routing.offers[route];
        const routed = { ...context, route };
        enqueue.assign({
          route,
          timeline: withEntry(context, 'referral.routed', context.referral.receivedAt, { route, repeat: false, offeredTo }, { rationale: `Assessed as ${context.risk} risk.` }),
        });
        enqueue.assign({ outbox: ({ context: c }) => [...c.outbox, messages.offerReferral(routed, offeredTo)] });
      }),
      raiseRisk: assign(({ context, event }) => {
        const e = event as CommandEvent<'changeRisk'>;
        return {
          risk: e.risk,
          timeline: withEntry(context, 'risk.changed', e.at, { from: context.risk, to: e.risk }, { actor: e.actor, rationale: e.rationale }),
        };
      }),
      recordMatrix: enqueueActions(({ context, event, enqueue }) => {
        const e = event as CommandEvent<'recordMeetingOutcome'>;
        const assigned = assignLeads(profile, context, e.outcome.leads) as CaseContext['leads'];
        // A restricted case's lead agency is the restriction's, not the meeting's to change.
        const leads: CaseContext['leads'] = { ...assigned, ...(context.leads.case ? { case: context.leads.case } : {}) };
        const from = context.meetingAt!;
        const actions: MatrixAction[] = e.outcome.actions.map((a) => ({
          id: a.id,
          owner: a.owner,
          description: a.description,
          ...actionDeadlines(profile, from, a.dueAt),
          status: 'open',
          reminded: false,
          overdue: false,
          updates: [],
          ...(a.contactsVictim ? { contactsVictim: true } : {}),
        }));
        let timeline = withEntry(context, 'meeting.heard', from, { kind: 'daily', meetingAt: from }, { actor: e.actor });
        timeline = withEntry({ ...context, timeline }, 'matrix.recorded', e.at, {
          risks: e.outcome.risks,
          actions: actions.map((a) => ({ id: a.id, owner: a.owner, dueAt: a.dueAt })),
        }, { actor: e.actor, rationale: e.outcome.rationale });
        for (const [who, lead] of Object.entries(assigned)) {
          timeline = withEntry({ ...context, timeline }, 'lead.assigned', e.at, { for: who as 'victim', agency: lead!.agency, basis: lead!.basis }, { actor: e.actor });
        }
        const next = { ...context, heardAt: from, risks: e.outcome.risks, actions, leads, timeline };
        enqueue.assign({ heardAt: from, risks: next.risks, actions, leads, timeline });
        enqueue.assign({ outbox: ({ context: c }) => [...c.outbox, messages.matrixCirculated(profile, next)] });
      }),
      recordActionUpdate: assign(({ context, event }) => {
        const e = event as CommandEvent<'updateAction'>;
        let nextUpdateDue: Instant | undefined;
        const actions = context.actions.map((a) => {
          if (a.id !== e.actionId) return a;
          const update = { at: e.at, status: e.status, note: e.note, by: e.actor };
          if (e.status !== 'in-progress') return { ...a, status: e.status, updates: [...a.updates, update] };
          // An update on work still in progress starts the next update period.
          const next = actionDeadlines(profile, e.at);
          nextUpdateDue = next.dueAt;
          return { ...a, status: e.status, ...next, reminded: false, overdue: false, updates: [...a.updates, update] };
        });
        return {
          actions,
          timeline: withEntry(context, 'action.updated', e.at, { actionId: e.actionId, status: e.status, ...(nextUpdateDue ? { nextUpdateDue } : {}) }, { actor: e.actor, rationale: e.note }),
        };
      }),
      chaseActions: enqueueActions(({ context, event, enqueue }) => {
        const at = timeOf(event);
        let timeline = context.timeline;
        const actions = context.actions.map((a) => {
          if (isDone(a)) return a;
          let next = a;
          if (!a.reminded && a.reminderAt <= at && at < a.dueAt) {
            timeline = withEntry({ ...context, timeline }, 'reminder.sent', at, { to: [a.owner], about: `action ${a.id}`, dueAt: a.dueAt });
            enqueue.assign({ outbox: ({ context: c }) => [...c.outbox, messages.actionReminder(context, a)] });
            next = { ...next, reminded: true };
          }
          if (!a.overdue && a.dueAt <= at) {
            timeline = withEntry({ ...context, timeline }, 'action.overdue', at, { actionId: a.id, owner: a.owner, dueAt: a.dueAt });
            enqueue.assign({ outbox: ({ context: c }) => [...c.outbox, messages.actionOverdue(context, a)] });
            next = { ...next, reminded: true, overdue: true };
          }
          return next;
        });
        // The escalation protocol's "actions not progressed": after the grace period, by itself.
        const disputes = [...context.disputes];
        const openDisputes = [...context.openDisputes];
        for (const a of actions) {
          const start = actionsNotProgressedDispute(profile, { ...context, actions, disputes }, a, at);
          if (!start) continue;
          disputes.push(start);
          openDisputes.push(start.disputeId);
          timeline = withEntry({ ...context, timeline }, 'dispute.raised', at, { disputeId: start.disputeId, area: start.area }, { rationale: start.matter });
        }
        enqueue.assign({ actions, timeline, disputes, openDisputes });
      }),
      scheduleReview: enqueueActions(({ context, event, enqueue }) => {
        const e = event as CommandEvent<'requestReview'>;
        const slot = monthlyMeetingFor(profile, e.at);
        const review = { reason: e.reason, summary: e.summary, requestedBy: e.actor, requestedAt: e.at, ...slot, qa: null };
        let timeline = withEntry(context, 'review.requested', e.at, { reason: e.reason, ...(e.actor.agency ? { requestedBy: e.actor.agency } : {}) }, { actor: e.actor, rationale: e.summary });
        timeline = withEntry({ ...context, timeline }, 'meeting.scheduled', e.at, { kind: 'monthly', meetingAt: slot.meetingAt });
        const deferred = slot.meetingAt !== meetingOfMonth(profile, e.at);
        enqueue.assign({ review, timeline });
        enqueue.assign({ outbox: ({ context: c }) => [...c.outbox, messages.reviewScheduled({ ...context, review }, deferred)] });
      }),
      recordQa: assign(({ context, event }) => {
        const e = event as CommandEvent<'recordQaDecision'>;
        return {
          review: { ...context.review!, qa: { accepted: e.accepted, ...(e.feedback ? { feedback: e.feedback } : {}), by: e.actor, at: e.at } },
          timeline: withEntry(context, 'review.qa', e.at, { accepted: e.accepted, ...(e.feedback ? { feedback: e.feedback } : {}) }, { actor: e.actor, rationale: e.feedback }),
        };
      }),
      returnReview: enqueueActions(({ context, event, enqueue }) => {
        const e = event as CommandEvent<'recordQaDecision'>;
        enqueue.assign({ outbox: ({ context: c }) => [...c.outbox, messages.reviewFeedback(context, e.feedback ?? '')] });
        enqueue.assign({ review: null });
      }),
      markNotQualityAssured: assign(({ context, event }) => ({
        review: { ...context.review!, qa: { notQualityAssured: true as const } },
        timeline: withEntry(context, 'review.qa', timeOf(event), { accepted: true, notQualityAssured: true }, { rationale: 'The chairs recorded no decision by the QA point: the case stays on the agenda, marked "not quality-assured".' }),
      })),
      recordReviewHeard: assign(({ context }) => {
        const review = context.review!;
        const notQualityAssured = review.qa !== null && 'notQualityAssured' in review.qa;
        return {
          timeline: withEntry(context, 'meeting.heard', review.meetingAt, { kind: 'monthly', meetingAt: review.meetingAt, ...(notQualityAssured ? { notQualityAssured } : {}) }),
        };
      }),
      recordReviewOutcome: enqueueActions(({ context, event, enqueue }) => {
        const e = event as CommandEvent<'recordReviewOutcome'>;
        const review = context.review!;
        const added: MatrixAction[] = e.actions
          .filter((a) => !context.actions.some((x) => x.id === a.id))
          .map((a) => ({ id: a.id, owner: a.owner, description: a.description, ...actionDeadlines(profile, review.meetingAt, a.dueAt), status: 'open', reminded: false, overdue: false, updates: [] }));
        const risks = [...context.risks, ...e.risks.filter((r) => !context.risks.includes(r))];
        const actions = [...context.actions, ...added];
        let timeline = withEntry(context, 'matrix.recorded', e.at, { risks, actions: actions.map((a) => ({ id: a.id, owner: a.owner, dueAt: a.dueAt })) }, { actor: e.actor, rationale: e.rationale });
        timeline = withEntry({ ...context, timeline }, 'review.completed', e.at, { meetingAt: review.meetingAt }, { actor: e.actor, rationale: 'The case closes to the management meeting; lead professionals carry on.' });
        const next = { ...context, risks, actions, timeline };
        enqueue.assign({ risks, actions, timeline, review: null, reviewsHeld: [...context.reviewsHeld, { meetingAt: review.meetingAt, reason: review.reason }] });
        enqueue.assign({ outbox: ({ context: c }) => [...c.outbox, messages.matrixCirculated(profile, { ...next, heardAt: review.meetingAt })] });
      }),
      // The command referToMarac ([002] 2.28): referred on by the daily meeting (not trafford's referral at routing, `referToMarac` below).
      referOnToMarac: assign(({ context, event }) => applyMaracReferral(profile, context, event as CommandEvent<'referToMarac'>)),
      checkChildren: assign(({ context, event }) => applyChildrenCheck(context, event as CommandEvent<'recordChildrenCheck'>)),
      closeByDecision: enqueueActions(({ context, event, enqueue }) => {
        const e = event as CommandEvent<'closeCase'>;
        enqueue.assign({
          closed: { at: e.at, rationale: e.rationale, by: e.actor },
          timeline: withEntry(context, 'case.closed', e.at, { rationale: e.rationale }, { actor: e.actor, rationale: e.rationale }),
        });
        enqueue.assign({ outbox: ({ context: c }) => [...c.outbox, messages.caseClosed(profile, context, e.rationale)] });
      }),
      // The MASH stage (machines/referral/mash.ts; 003 §7–§17).
      openMash: assign(({ context }) => openMash(profile, context)),
      recordScreening: assign(({ context, event }) => recordScreening(profile, context, event as CommandEvent<'recordScreening'>)),
      setRagRating: assign(({ context, event }) => setRagRating(profile, context, event as CommandEvent<'setRagRating'>)),
      recordTriageResponse: assign(({ context, event }) => recordTriageResponse(profile, context, event as CommandEvent<'recordTriageResponse'>)),
      conveneMashMeeting: assign(({ context, event }) => conveneMashMeeting(profile, context, event as CommandEvent<'conveneMashMeeting'>)),
      recordMashDecision: assign(({ context, event }) => recordMashDecision(profile, context, event as CommandEvent<'recordMashDecision'>)),
      chaseMash: assign(({ context, event }) => chaseMash(profile, context, timeOf(event)) ?? {}),
      referFromMash: assign(({ context }) => referFromMashToMarac(profile, context)),
      closeAfterMash: assign(({ context }) => closeAfterMash(profile, context)),
      closeWhenComplete: enqueueActions(({ context, event, enqueue }) => {
        const at = timeOf(event);
        const rationale = context.actions.length === 0
          ? 'No actions were agreed at the meeting and nothing is pending: HRDA has no ongoing role.'
          : `All ${context.actions.length} actions are complete or closed (${context.actions.map((a) => `${a.id}: ${a.status}`).join(', ')}) and no management review or dispute is pending: HRDA has no ongoing role.`;
        enqueue.assign({
          closed: { at, rationale, by: { role: 'system' } },
          timeline: withEntry(context, 'case.closed', at, { rationale }, { rationale }),
        });
        enqueue.assign({ outbox: ({ context: c }) => [...c.outbox, messages.caseClosed(profile, context, rationale)] });
      }),
      // [001]: the police decide from the incident whether it is shared with health and children's social care.
      decideInformationSharing: assign(({ context }) => decideAtIntake(profile, context) ?? {}),
      // [001] MARAC: referred whatever the victim's consent; the agency in contact with them tells them.
      referToMarac: assign(({ context }) => referToMarac(profile, context) ?? {}),
      chaseInformationSharing: assign(({ context, event }) => chaseSharing(context, timeOf(event)) ?? {}),
      closeWhenFollowedUp: enqueueActions(({ context, event, enqueue }) => {
        const at = timeOf(event);
        const rationale = followedUpRationale(context);
        enqueue.assign({
          closed: { at, rationale, by: { role: 'system' } },
          timeline: withEntry(context, 'case.closed', at, { rationale }, { rationale }),
        });
        enqueue.assign({ outbox: ({ context: c }) => [...c.outbox, messages.caseClosed(profile, context, rationale)] });
      }),
    },
    guards: {
      goesToHrda: ({ context }) => routeFor(profile, context) === 'hrda',
      circulationDue: ({ context, event }) => context.circulateBy !== null && context.circulateBy <= timeOf(event),
      checksFinished: ({ context }) => context.checks.every((c) => c.status !== 'pending'),
      infoRequestSent: ({ context }) => context.infoRequestSentAt !== null,
      isOnThatMeeting: ({ context, event }) => event.type === 'rollOver' && event.missedMeetingAt === context.meetingAt,
      summaryReminderDue: ({ context, event }) =>
        !context.summaryReminderSent && context.summaryReminderAt !== null && context.summaryReminderAt <= timeOf(event),
      meetingDue: ({ context, event }) => context.meetingAt !== null && context.meetingAt <= timeOf(event),
      isExpectedAgency: ({ event }) => event.type === 'submitSummary' && profile.infoRequest.agencies.includes(event.agency),
      outcomeIsValid: ({ context, event }) => event.type === 'recordMeetingOutcome' && outcomeProblem(profile, context, event) === undefined,
      victimContactIsValid: ({ event }) => event.type === 'recordVictimContact' && unknownAgencies(profile, [event.chosenLeadAgency]).length === 0,
      reviewOutcomeIsValid: ({ event }) => event.type === 'recordReviewOutcome' && unknownAgencies(profile, event.actions.map((a) => a.owner)).length === 0,
      isOpenAction: ({ context, event }) =>
        event.type === 'updateAction' && context.actions.some((a) => a.id === event.actionId && !isDone(a)),
      isKnownReason: ({ event }) =>
        event.type === 'requestReview' && profile.monthlyMeeting?.reasons.includes(event.reason) === true && unknownAgencies(profile, [event.actor.agency]).length === 0,
      qaPointPassed: ({ context, event }) => context.review !== null && context.review.qa === null && context.review.qaBy <= timeOf(event),
      reviewMeetingDue: ({ context, event }) => context.review !== null && context.review.meetingAt <= timeOf(event),
      raisesRisk: ({ context, event }) => event.type === 'changeRisk' && riskRank(event.risk) > riskRank(context.risk),
      noDisputeOpen: ({ context }) => context.openDisputes.length === 0,
      chairMayConsent: ({ context, event }) => event.type === 'recordDisclosureConsent' && disclosureConsentProblem(context, event) === undefined,
      restrictionAllowed: ({ context, event }) =>
        (event.type === 'restrictCase' || event.type === 'amendNeedToKnow') && restrictionProblem(context, event) === undefined,
      disputeCanStart: ({ context, event }) => event.type === 'raiseDispute' && disputeProblem(profile, context, event) === undefined,
      nothingPending: ({ context }) => awaiting(context).length === 0,
      noticeAccepted: ({ context, event }) => noticeProblem(profile, context, event as NoticeEvent) === undefined,
      riskConfirmationAccepted: ({ context, event }) => event.type === 'confirmRisk' && riskConfirmationProblem(profile, context, event) === undefined,
      maracReferralAccepted: ({ context, event }) => event.type === 'referToMarac' && maracReferralProblem(profile, context, event) === undefined,
      maracOutcomeAccepted: ({ context, event }) => event.type === 'recordMaracOutcome' && maracOutcomeProblem(profile, context, event) === undefined,
      childrenCheckAccepted: ({ context, event }) => event.type === 'recordChildrenCheck' && childrenCheckProblem(profile, context, event) === undefined,
      sharingPending: ({ context }) => sharingPending(context),
      sharingAccepted: ({ context, event }) => sharingProblem(profile, context, event as SharingEvent) === undefined,
      victimToldAccepted: ({ context, event }) => event.type === 'recordVictimTold' && victimToldProblem(profile, context, event) === undefined,
      runsMash: () => profile.mash !== undefined,
      mashAccepts: ({ context, event }) => mashProblem(profile, context, event as MashEvent) === undefined,
      refersIntoMash: ({ context, event }) =>
        event.type === 'recordScreening' && event.outcome === 'refer-to-mash' && mashProblem(profile, context, event) === undefined,
      meetsMaracCriteria: ({ context }) => (context.mash?.concluded?.maracCriteria.length ?? 0) > 0,
    },
  }).createMachine({
    id: 'referral',
    context: ({ input }) => {
      const restriction = intakeRestriction(profile, input);
      return {
      caseId: input.caseId,
      profileId: input.profileId,
      referral: input.referral,
      risk: input.referral.assessment.risk,
      repeat: input.repeat,
      ...(input.submitter ? { submitter: input.submitter } : {}),
      route: null,
      checks: profile.checks.systems.map((system): CheckResult => ({ system, status: 'pending' })),
      circulationDay: null,
      circulateBy: null,
      infoRequestSentAt: null,
      summaries: {},
      victimContact: null,
      meetingAt: null,
      summaryReminderAt: null,
      summaryReminderSent: false,
      heardAt: null,
      risks: [],
      actions: [],
      leads: restriction ? { case: restrictedLead(restriction) } : {},
      review: null,
      reviewsHeld: [],
      disputes: [],
      openDisputes: [],
      closed: null,
      restriction,
      notices: { dvds: [], dvpos: [] },
      timeline: [],
      outbox: [],
      };
    },
    initial: 'routing',
    on: {
      raiseDispute: { guard: 'disputeCanStart', actions: 'openDispute' },
      restrictCase: { guard: 'restrictionAllowed', actions: 'restrict' },
      amendNeedToKnow: { guard: 'restrictionAllowed', actions: 'amendNeedToKnow' },
      // DVDS and DVPO notices, in every state of a live case (machines/referral/notices.ts).
      recordDvds: { guard: 'noticeAccepted', actions: assign(({ context, event }) => applyNotice(profile, context, event)) },
      signOffDvds: { guard: 'noticeAccepted', actions: assign(({ context, event }) => applyNotice(profile, context, event)) },
      recordDvpo: { guard: 'noticeAccepted', actions: assign(({ context, event }) => applyNotice(profile, context, event)) },
      reportDvpoBreach: { guard: 'noticeAccepted', actions: assign(({ context, event }) => applyNotice(profile, context, event)) },
      // The host's clock for items taken in every state: DVPO expiries, the information-sharing
      // deadlines, and the MARAC sitting ([002] 3.8; machines/referral/marac.ts).
      noticesClock: {
        actions: [assign(({ context, event }) => expireDvpos(context, event.at) ?? {}), 'chaseInformationSharing', assign(({ context, event }) => maracHeardBy(context, event.at) ?? {})],
      },
      recordFirstResponseDecision: { guard: 'sharingAccepted', actions: assign(({ context, event }) => applySharing(profile, context, event)) },
      recordHealthSharing: { guard: 'sharingAccepted', actions: assign(({ context, event }) => applySharing(profile, context, event)) },
      recordVictimTold: { guard: 'victimToldAccepted', actions: assign(({ context, event }) => applyVictimTold(context, event)) },
      disputeProgress: {
        actions: assign(({ context, event }) => ({
          timeline: [...context.timeline, event.entry],
          openDisputes: event.open ? context.openDisputes : context.openDisputes.filter((d) => d !== event.disputeId),
        })),
      },
      // [002] 3.39–3.40: the chair's express consent to a third-party disclosure, on the timeline.
      recordDisclosureConsent: {
        guard: 'chairMayConsent',
        actions: assign(({ context, event }) => {
          const { consentId, recipient, purpose, scope, expiresAt, rationale, actor, at } = event;
          return { timeline: withEntry(context, 'disclosure.consented', at, { consentId, recipient, purpose, scope, ...(expiresAt ? { expiresAt } : {}) }, { actor, rationale }) };
        }),
      },
      // PROTOCOL.md §1.1: the mail guard refused a message; recorded, and the administrator told (once).
      notificationWithheld: {
        guard: ({ context, event }) => !context.timeline.some((t) => t.type === 'notification.withheld' && t.data.notificationId === event.notificationId),
        actions: enqueueActions(({ context, event, enqueue }) => {
          const { notificationId, topic, positions, at } = event;
          enqueue.assign({ timeline: withEntry(context, 'notification.withheld', at, { notificationId, topic, positions }, { rationale: 'A recipient matches contact details of the perpetrator or of someone connected to them.' }) });
          if (topic !== 'recipient-withheld') enqueue.assign({ outbox: ({ context: c }) => [...c.outbox, messages.recipientWithheld(context, event)] });
        }),
      },
      // The host has handed these messages to the mail port (see workflows/referral).
      delivered: { actions: assign({ outbox: ({ context, event }) => context.outbox.filter((n) => !event.ids.includes(n.id)) }) },
    },
    states: {
      // PROTOCOL.md §1.1: high → HRDA; medium and standard → their offers; a repeat → HRDA whatever its level.
      routing: {
        entry: [assign({
          timeline: ({ context }) => {
            const r = context.referral;
            return withEntry(context, 'referral.received', r.receivedAt, {
              risk: context.risk,
              tool: r.assessment.tool,
              referrer: r.referrer.agency,
              ...(r.assessment.score !== undefined ? { score: r.assessment.score } : {}),
              ...(r.referrer.sru ? { sru: { forwardedAt: r.referrer.sru.forwardedAt } } : {}),
            }, { actor: context.submitter ?? { role: 'agency-practitioner', agency: r.referrer.agency }, rationale: r.assessment.override?.rationale });
          },
        }),
        // Shared without the victim's consent: the referral's lawful basis and who decided (issue 21 item 5).
        enqueueActions(({ context, enqueue }) => {
          const sharing = sharingAtIntake(context);
          if (sharing) enqueue.assign(sharing);
        }),
        // Restricted at intake by the referral's flags (003 §18.3): said on the timeline, with why.
        enqueueActions(({ context, enqueue }) => {
          const restriction = context.restriction ?? null;
          if (!restriction || restriction.basis !== 'referral-flags' || context.timeline.some((e) => e.type === 'case.restricted')) return;
          const at = restriction.since;
          const lead = context.leads.case!;
          let timeline = withEntry(context, 'case.restricted', at, { basis: 'referral-flags', flags: restriction.flags, needToKnow: restriction.needToKnow, leadAgency: restriction.leadAgency }, { rationale: restriction.rationale });
          timeline = withEntry({ ...context, timeline }, 'lead.assigned', at, { for: 'case', agency: lead.agency, basis: lead.basis });
          enqueue.assign({ timeline });
        }),
        'decideInformationSharing',
        ],
        always: [
          // 003: a profile with a MASH stage screens every incident before any MARAC (machines/referral/mash.ts).
          { guard: 'runsMash', target: 'mash', actions: 'openMash' },
          { guard: 'goesToHrda', target: 'preparing', actions: ['routeToHrda', 'referToMarac'] },
          { target: 'referredOn', actions: 'routeToOffer' },
        ],
      },

      // 003 §7–§17: screening; the team manager's RAG rating; triage; perhaps a MASH meeting; then
      // the decision closes the case or, when §17.2's criteria are met, refers it to MARAC (`preparing`).
      mash: {
        initial: 'screening',
        on: {
          clock: { actions: 'chaseMash' },
          changeRisk: { guard: 'raisesRisk', actions: 'raiseRisk' },
          closeCase: { guard: 'noDisputeOpen', target: 'closed', actions: 'closeByDecision' },
        },
        states: {
          // 003 §7.2–7.3, §9.3, §13: record and close, share for support, or refer into the MASH.
          screening: {
            on: {
              recordScreening: [
                { guard: 'refersIntoMash', target: 'rating', actions: 'recordScreening' },
                { guard: 'mashAccepts', target: 'concluding', actions: 'recordScreening' },
              ],
            },
          },
          // 003 §12.1: a team manager adds the initial RAG rating; the triage requests go out (§14.3–14.4).
          rating: {
            on: { setRagRating: { guard: 'mashAccepts', target: 'triage', actions: 'setRagRating' } },
          },
          // 003 §14.3–14.7: agencies respond; the rating is re-assessed; a decision, or a MASH meeting.
          triage: {
            on: {
              setRagRating: { guard: 'mashAccepts', actions: 'setRagRating' },
              recordTriageResponse: { guard: 'mashAccepts', actions: 'recordTriageResponse' },
              conveneMashMeeting: { guard: 'mashAccepts', target: 'meeting', actions: 'conveneMashMeeting' },
              recordMashDecision: { guard: 'mashAccepts', target: 'concluding', actions: 'recordMashDecision' },
            },
          },
          // 003 §14.8, §15.5: the meeting's record, due within 24 hours of the referral, is the decision.
          meeting: {
            on: {
              setRagRating: { guard: 'mashAccepts', actions: 'setRagRating' },
              recordTriageResponse: { guard: 'mashAccepts', actions: 'recordTriageResponse' },
              recordMashDecision: { guard: 'mashAccepts', target: 'concluding', actions: 'recordMashDecision' },
            },
          },
          // 003 §17.2: high risk, a repeat within 12 months, or escalation → MARAC; otherwise the case closes.
          concluding: {
            always: [
              { guard: 'meetsMaracCriteria', target: '#referral.preparing', actions: 'referFromMash' },
              { target: '#referral.closed', actions: 'closeAfterMash' },
            ],
          },
        },
      },

      referredOn: {
        always: [
          // [001]: an incident shared with First Response and health stays open until both have acted.
          { guard: 'sharingPending', target: 'followingUp' },
          {
          target: 'closed',
          actions: enqueueActions(({ context, enqueue }) => {
            const route = context.route as Exclude<Route, 'hrda'>;
            const rationale = `Assessed as ${context.risk} risk and not a repeat: referred to the ${route} (${profile.routing.offers[route]}); HRDA has no role.`;
            enqueue.assign({
              closed: { at: context.referral.receivedAt, rationale, by: { role: 'system' } },
              timeline: withEntry(context, 'case.closed', context.referral.receivedAt, { rationale }, { rationale }),
            });
          }),
          },
        ],
      },

      // Referred on, and waiting for First Response's decision and health's sharing ([001]); only
      // a case of a profile with information sharing comes here.
      followingUp: {
        // As after a meeting: nothing may be pending (no dispute open, no DVPO in force either).
        always: { guard: 'nothingPending', target: 'closed', actions: 'closeWhenFollowedUp' },
        on: {
          closeCase: { guard: 'noDisputeOpen', target: 'closed', actions: 'closeByDecision' },
        },
      },

      // PROTOCOL.md §1.2: checks, the information request, summaries and the DAA's contact, until the meeting.
      preparing: {
        type: 'parallel',
        on: {
          clock: { guard: 'meetingDue', target: 'atMeeting' },
          // Re-entering resets the reminder for the new meeting; checks and circulation stay done.
          rollOver: { guard: 'isOnThatMeeting', target: 'preparing', reenter: true, actions: 'rollOverToNextMeeting' },
          submitSummary: {
            guard: 'isExpectedAgency',
            actions: assign(({ context, event }) => ({
              summaries: { ...context.summaries, [event.agency]: { receivedAt: event.at, summary: event.summary, by: event.actor } },
              timeline: withEntry(context, 'summary.received', event.at, { agency: event.agency }, { actor: event.actor }),
            })),
          },
          recordVictimContact: {
            guard: 'victimContactIsValid',
            actions: assign(({ context, event }) => ({
              victimContact: { at: event.at, outcome: event.outcome, views: event.views, by: event.actor },
              referral: event.chosenLeadAgency ? { ...context.referral, victim: { ...context.referral.victim, chosenLeadAgency: event.chosenLeadAgency } } : context.referral,
              timeline: withEntry(context, 'victim-contact.recorded', event.at, {
                outcome: event.outcome,
                ...(event.chosenLeadAgency ? { chosenLeadAgency: event.chosenLeadAgency } : {}),
              }, { actor: event.actor }),
            })),
          },
          changeRisk: { guard: 'raisesRisk', actions: 'raiseRisk' },
          closeCase: { guard: 'noDisputeOpen', target: 'closed', actions: 'closeByDecision' },
          recordChildrenCheck: { guard: 'childrenCheckAccepted', actions: 'checkChildren' },
        },
        states: {
          checks: {
            initial: 'deciding',
            states: {
              deciding: { always: [{ guard: 'checksFinished', target: 'done' }, { target: 'running' }] },
              running: {
                invoke: {
                  src: 'runBackgroundChecks',
                  input: ({ context }) => ({ caseId: context.caseId, systems: context.checks.map((c) => c.system) }),
                  onDone: {
                    target: 'done',
                    actions: enqueueActions(({ context, event, enqueue }) => {
                      const { at, results } = event.output;
                      let timeline = context.timeline;
                      const gaps = results.filter((r) => r.status !== 'completed');
                      for (const gap of gaps) {
                        timeline = withEntry({ ...context, timeline }, 'checks.failed', at, { system: gap.system, error: gap.error ?? 'unavailable' });
                      }
                      timeline = withEntry({ ...context, timeline }, 'checks.completed', at, {
                        systems: results.map((r) => ({ system: r.system, status: r.status === 'completed' ? 'completed' : 'unavailable', ...(r.hits !== undefined ? { hits: r.hits } : {}) })),
                      });
                      enqueue.assign({ checks: results, timeline });
                      if (gaps.length) enqueue.assign({ outbox: ({ context: c }) => [...c.outbox, messages.checksUnavailable(context, gaps.map((g) => g.system))] });
                    }),
                  },
                },
              },
              done: { type: 'final' },
            },
          },
          // The request goes out once the checks are in, and in any case by the protocol's deadline.
          circulation: {
            initial: 'deciding',
            states: {
              deciding: { always: [{ guard: 'infoRequestSent', target: 'sent' }, { target: 'waiting' }] },
              waiting: {
                always: { guard: 'checksFinished', target: 'sent', actions: 'sendInfoRequest' },
                on: { clock: { guard: 'circulationDue', target: 'sent', actions: 'sendInfoRequest' } },
              },
              sent: { type: 'final' },
            },
          },
          // PROTOCOL.md §1.2 decision: agencies without a summary are reminded on the meeting day.
          reminder: {
            initial: 'pending',
            states: {
              pending: {
                on: {
                  clock: {
                    guard: 'summaryReminderDue',
                    target: 'sent',
                    actions: enqueueActions(({ context, event, enqueue }) => {
                      const missing = profile.infoRequest.agencies.filter((a) => !context.summaries[a]);
                      enqueue.assign({
                        summaryReminderSent: true,
                        timeline: missing.length
                          ? withEntry(context, 'reminder.sent', event.at, { to: missing, about: 'agency summary', dueAt: context.meetingAt! })
                          : context.timeline,
                      });
                      if (missing.length) enqueue.assign({ outbox: ({ context: c }) => [...c.outbox, messages.summaryReminder(context, missing)] });
                    }),
                  },
                },
              },
              sent: { type: 'final' },
            },
          },
        },
      },

      // PROTOCOL.md §1.3: the case is heard; the administrator records the HRDA Matrix and the leads.
      // The meeting is sitting: the case is heard when its outcome is recorded, or rolls over.
      atMeeting: {
        on: {
          rollOver: { guard: 'isOnThatMeeting', target: 'preparing', actions: 'rollOverToNextMeeting' },
          recordMeetingOutcome: { guard: 'outcomeIsValid', target: 'monitoring', actions: 'recordMatrix' },
          changeRisk: { guard: 'raisesRisk', actions: 'raiseRisk' },
          closeCase: { guard: 'noDisputeOpen', target: 'closed', actions: 'closeByDecision' },
          // [002] 2.22–2.26, 2.37: the agencies' children check and the chair's risk confirmation, before the outcome.
          recordChildrenCheck: { guard: 'childrenCheckAccepted', actions: 'checkChildren' },
          confirmRisk: { guard: 'riskConfirmationAccepted', actions: assign(({ context, event }) => applyRiskConfirmation(profile, context, event)) },
          // [002] 2.28, 2.53: referred on to the MARAC, with its category and rationale, before the outcome.
          referToMarac: { guard: 'maracReferralAccepted', actions: 'referOnToMarac' },
        },
      },

      // PROTOCOL.md §1.4–1.5: owners update on their actions; leads may ask for a management review.
      monitoring: {
        type: 'parallel',
        always: { guard: 'nothingPending', target: 'closed', actions: 'closeWhenComplete' },
        on: {
          updateAction: { guard: 'isOpenAction', actions: 'recordActionUpdate' },
          changeRisk: { guard: 'raisesRisk', actions: 'raiseRisk' },
          closeCase: { guard: 'noDisputeOpen', target: 'closed', actions: 'closeByDecision' },
          // [002] 2.53, section 3: referred on after the daily meeting, and the MARAC's outcome.
          referToMarac: { guard: 'maracReferralAccepted', actions: 'referOnToMarac' },
          recordMaracOutcome: { guard: 'maracOutcomeAccepted', actions: assign(({ context, event }) => applyMaracOutcome(profile, context, event)) },
        },
        states: {
          // A region of its own, so the same clock can also move the review on (both react).
          actions: {
            on: { clock: { actions: 'chaseActions' } },
          },
          review: {
            initial: 'none',
            states: {
              none: {
                on: { requestReview: { guard: 'isKnownReason', target: 'requested', actions: 'scheduleReview' } },
              },
              requested: {
                on: {
                  recordQaDecision: [
                    { guard: ({ event }) => event.type === 'recordQaDecision' && event.accepted, target: 'accepted', actions: 'recordQa' },
                    { target: 'none', actions: ['recordQa', 'returnReview'] },
                  ],
                  // PROTOCOL.md §1.5 decision: no decision by the QA point leaves it on the agenda, marked.
                  clock: { guard: 'qaPointPassed', target: 'accepted', actions: 'markNotQualityAssured' },
                },
              },
              accepted: {
                on: { clock: { guard: 'reviewMeetingDue', target: 'heard', actions: 'recordReviewHeard' } },
              },
              heard: {
                on: { recordReviewOutcome: { guard: 'reviewOutcomeIsValid', target: 'none', actions: 'recordReviewOutcome' } },
              },
            },
          },
        },
      },

      closed: { type: 'final' },
    },
  });
}

/** The dispute a `raiseDispute` starts: the escalation workflow's input. */
export function disputeStartFor(context: CaseContext, e: CommandEvent<'raiseDispute'>): DisputeStart {
  return {
    caseId: context.caseId,
    disputeId: e.dispute,
    profileId: context.profileId,
    area: e.area,
    raisedBy: e.raisedBy,
    with: e.with,
    matter: e.matter ?? `Disagreement about ${e.area}`,
    raisedAt: e.at,
    raisedByActor: e.actor,
  };
}

export const actionsNotProgressedId = (actionId: string) => `anp-${actionId}`;

/**
 * The dispute an overdue action opens by itself once the profile's grace period has passed
 * (issue: escalation), raised for the lead professional against the action's owner.
 */
export function actionsNotProgressedDispute(profile: Profile, context: CaseContext, a: MatrixAction, at: Instant): DisputeStart | undefined {
  if (!a.overdue || isDone(a) || plusDuration(a.dueAt, profile.escalation.actionsNotProgressedAfter) > at) return undefined;
  const disputeId = actionsNotProgressedId(a.id);
  if (context.disputes.some((d) => d.disputeId === disputeId)) return undefined;
  const lead = context.leads.victim?.agency ?? profile.administrator.agency;
  const raisedBy = lead !== a.owner ? lead : profile.administrator.agency;
  if (raisedBy === a.owner) return undefined;
  return {
    caseId: context.caseId,
    disputeId,
    profileId: context.profileId,
    area: 'actions-not-progressed',
    raisedBy,
    with: [a.owner],
    matter: `Action ${a.id} (owner ${a.owner}) has had no update since it fell due at ${a.dueAt}.`,
    raisedAt: at,
    raisedByActor: { role: 'system' },
  };
}

/** Why a dispute cannot be raised on the case, or undefined when it can. */
export function disputeProblem(profile: Profile, context: CaseContext, e: CommandEvent<'raiseDispute'>): string | undefined {
  if (context.disputes.some((d) => d.disputeId === e.dispute)) return `a dispute ${e.dispute} was already raised on this case`;
  const issues = disputeStartIssues(profile, disputeStartFor(context, e));
  return issues.length ? issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : undefined;
}

/** Why the consent cannot be recorded, or undefined when it can: the chair alone gives it, once per id. */
export function disclosureConsentProblem(context: CaseContext, e: CommandEvent<'recordDisclosureConsent'>): string | undefined {
  if (e.actor.role !== 'chair') return `consent to a third-party disclosure is the chair's alone ([002] 3.39–3.40); you act as ${e.actor.role}`;
  if (e.expiresAt !== undefined && e.expiresAt <= e.at) return `expiresAt (${e.expiresAt}) must be later than now`;
  if (context.timeline.some((t) => t.type === 'disclosure.consented' && t.data.consentId === e.consentId)) return `a consent ${e.consentId} is already recorded on this case`;
  return undefined;
}

/** Agencies named that the profile's directory does not know (messages could not reach them). */
export function unknownAgencies(profile: Profile, ids: (string | undefined)[]): string[] {
  const known = new Set(profile.agencies.map((a) => a.id));
  return ids.filter((id): id is string => id !== undefined && !known.has(id));
}

/** Why a meeting outcome cannot stand, or undefined when it can. */
export function outcomeProblem(profile: Profile, context: CaseContext, event: CommandEvent<'recordMeetingOutcome'>): string | undefined {
  const { actions, leads } = event.outcome;
  const unknown = unknownAgencies(profile, [...actions.map((a) => a.owner), leads.victim, leads.children, leads.perpetrator]);
  if (unknown.length) return `unknown agencies for profile ${profile.id}: ${unknown.join(', ')}`;
  const ids = actions.map((a) => a.id);
  if (new Set(ids).size !== ids.length) return 'action ids must be unique within the outcome';
  const assigned = assignLeads(profile, context, leads);
  if (typeof assigned === 'string') return assigned;
  return hearingProblem(profile, context, event);
}

/** The management meeting held in the (London) month of `at`, whether or not its QA point has passed. */
function meetingOfMonth(profile: Profile, at: Instant): Instant {
  const [year, month] = localDate(at).split('-').map(Number) as [number, number];
  const { weekday, nth, time } = managementMeeting(profile);
  return atLocal(nthWeekdayOfMonth(year, month, weekday, nth), time);
}

export type ReferralMachine = ReturnType<typeof createReferralMachine>;
