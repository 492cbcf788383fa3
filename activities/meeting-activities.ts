import type { Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { meetingWorkflowId, type MeetingKind } from '../domain/agenda';
import type { AgencyId } from '../domain/actor';
import type { Profile } from '../domain/profile';
import { getProfile } from '../domain/profiles';
import { localDate } from '../domain/calendar';
import type { LocalDate } from '../domain/time';
import {
  maracMeetingPlan, meetingAttendees, meetingPlan, type MaracAgendaView, type MinutesResult, type OutstandingAction, type PapersResult,
} from '../machines/meeting';
import type { CaseView } from '../machines/referral';
import { CaseClient, InvalidInputError, RefusedError } from '../client/cases';
import type { ClosureNotice, MeetingActivities, MinutesRequest, PapersItem, PapersRequest } from '../workflows/meeting-activity-types';
import { maracAgendaQuery, meetingWorkflowTypes } from '../workflows/meeting.messages';
import { rethrowIfCancelled } from './cancellation';
import { sendLeavingOutWithheld } from './mail.guard';
import type { MailPort } from './mail.port';
import type { NotificationDeps } from './notify';
import { papersDigest, papersItemOf, readPapersCases, renderMinutesOf, renderPapers, type CaseReader } from './meeting-papers';
import { renderClosureNotice, type PapersCase, type RenderedPapers } from './meeting-render';

export interface MeetingActivityDeps {
  client: Client;
  taskQueue: string;
  mail: MailPort;
  profiles?: (id: string) => Profile;
  /** Tells a case that its papers were withheld from a mailbox (activities/index.ts). */
  reportWithheld?: NotificationDeps['reportWithheld'];
}

/**
 * The meeting workflows' side effects (workflows/meeting-activity-types.ts). Each reads the
 * cases it needs through the case client (their `state` query), so a meeting's own history
 * holds case IDs only; the papers it renders go to directory mailboxes and nowhere else, and what
 * it answers the workflow is what went where and its digest, never the text
 * (machines/meeting/papers.ts). Failure messages name case IDs and reasons, never a person.
 */
export function createMeetingWorkflowActivities(deps: MeetingActivityDeps): MeetingActivities {
  const profileOf = deps.profiles ?? getProfile;
  const cases = new CaseClient(deps.client, deps.taskQueue);

  const readCase: CaseReader = async (caseId) => {
    try {
      return { state: await cases.state(caseId) };
    } catch (err) {
      rethrowIfCancelled(err);
      return { state: null, problem: err instanceof WorkflowNotFoundError ? 'no such case' : 'its state could not be read' };
    }
  };
  const readCases = (items: PapersItem[]): Promise<PapersCase[]> => readPapersCases(items, readCase);

  const mailboxes = (profile: Profile, agencies: AgencyId[]): { agencies: AgencyId[]; to: string[] } => {
    const known = agencies.filter((a) => profile.agencies.some((x) => x.id === a));
    return { agencies: [...new Set(known)], to: [...new Set(known.map((a) => profile.agencies.find((x) => x.id === a)!.mailbox))] };
  };

  const send = async (profile: Profile, id: string, agencies: AgencyId[], papers: RenderedPapers, caseIds: string[]) => {
    const { agencies: recipients, to } = mailboxes(profile, agencies);
    if (to.length === 0) throw ApplicationFailure.nonRetryable(`Meeting papers ${id} have no recipient in the directory of ${profile.id}`, 'NoRecipients');
    // PROTOCOL.md §1.1: a mailbox blocked for a case on the papers gets no papers; the others still do.
    const sentTo = await sendLeavingOutWithheld(deps.mail, { id, to, subject: papers.subject, text: papers.markdown, html: papers.html, caseIds }, async (withheld, left) => {
      const positions = agencies.flatMap((a, i) => (left.includes(profile.agencies.find((x) => x.id === a)?.mailbox ?? '') ? [i] : []));
      await deps.reportWithheld?.(withheld.caseId, { notificationId: id, topic: 'meeting-papers', positions });
    });
    return recipients.filter((a) => sentTo.includes(profile.agencies.find((x) => x.id === a)!.mailbox));
  };

  const attendeesOf = (profile: Profile, kind: MeetingKind, facilitator: AgencyId | null) => [
    ...meetingAttendees(profile, kind),
    ...(facilitator ? [facilitator] : []),
  ];

  /**
   * [002] 3.12: the actions set at the previous MARAC that are not complete: the cases it heard
   * (its agenda), and each one's actions set there. None when there was no previous MARAC workflow.
   */
  const outstandingFromPreviousMarac = async (profile: Profile, date: LocalDate): Promise<OutstandingAction[]> => {
    const previousAt = maracMeetingPlan(profile, date).previousMeetingAt;
    if (!previousAt) return [];
    let agenda: MaracAgendaView;
    try {
      agenda = await deps.client.workflow.getHandle(meetingWorkflowId(profile.id, 'marac', localDate(previousAt))).query(maracAgendaQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return [];
      throw err;
    }
    const read = await readCases(agenda.items.map((i) => ({ position: i.position, caseId: i.caseId, item: i.item, lateAddition: i.lateAddition })));
    return read.flatMap((c) => (c.state?.actions ?? [])
      .filter((a) => a.setAtMarac === previousAt && (a.status === 'open' || a.status === 'in-progress'))
      .map((a) => ({ caseId: c.caseId, actionId: a.id, owner: a.owner, status: a.status as OutstandingAction['status'], dueAt: a.dueAt })));
  };

  return {
    async circulateMeetingPapers(request: PapersRequest): Promise<PapersResult> {
      const profile = profileOf(request.profileId);
      const read = await readCases(request.items);
      // HRDAP: a request the chairs returned on the case itself is no longer for this meeting.
      const withdrawn = request.kind === 'monthly'
        ? read.filter((c) => c.state && (c.state.review === null || c.state.review.meetingAt !== request.meetingAt)).map((c) => c.caseId)
        : [];
      const shown = read.filter((c) => !withdrawn.includes(c.caseId)).map((c, i) => ({ ...c, position: i + 1, ...(c.state?.review?.qa ? { qa: qaOf(c.state) } : {}) }));
      // [002] 3.12: the MARAC's papers list the previous MARAC's outstanding actions first, by id; the meeting keeps that list.
      const outstanding = request.kind === 'marac' ? await outstandingFromPreviousMarac(profile, request.date) : undefined;
      const papers = renderPapers(profile, request, request.revision, shown, outstanding);
      const mailId = `${request.workflowId}:papers:r${request.revision}`;
      const recipients = await send(profile, mailId, attendeesOf(profile, request.kind, request.facilitator), papers, shown.map((c) => c.caseId));
      return {
        mailId, recipients, caseIds: shown.map((c) => c.caseId), items: shown.map(papersItemOf), digest: papersDigest(papers),
        ...(withdrawn.length ? { withdrawn } : {}),
        ...(outstanding ? { outstanding } : {}),
      };
    },

    async circulateMeetingMinutes(request: MinutesRequest): Promise<MinutesResult> {
      const profile = profileOf(request.profileId);
      const read = await readCases(request.items);
      const recorded = new Set(request.recorded.map((r) => r.caseId));
      const heardHere = (c: PapersCase) =>
        recorded.has(c.caseId)
        || (c.state !== null && (request.kind === 'daily'
          ? c.state.heardAt === request.meetingAt
          : request.kind === 'marac'
            ? c.state.marac?.meetingAt === request.meetingAt && c.state.marac.outcome !== null
            : c.state.reviewsHeld.some((r) => r.meetingAt === request.meetingAt)));
      const heard = read.filter(heardHere);
      const notHeard = read.filter((c) => !heardHere(c));
      const facts = { heard: heard.map((c) => c.caseId), attendance: request.attendance, rolledOver: request.rolledOver, returned: request.returned ?? [] };
      const papers = renderMinutesOf(profile, request, facts, read);
      // A restricted case adds no recipient: owning one of its actions is not a reason to be sent the minutes.
      const involved = heard.filter((c) => !c.state?.restricted).flatMap((c) => [...(c.state?.actions.map((a) => a.owner) ?? []), ...Object.values(c.state?.leads ?? {}).flatMap((l) => (l ? [l.agency] : []))]);
      const mailId = `${request.workflowId}:minutes`;
      const recipients = await send(profile, mailId, [...attendeesOf(profile, request.kind, request.facilitator), ...(request.attendance?.agencies ?? []), ...involved], papers, read.map((c) => c.caseId));
      return {
        mailId, recipients, caseIds: read.map((c) => c.caseId), items: read.map(papersItemOf), digest: papersDigest(papers),
        ...facts, notHeard: notHeard.map((c) => c.caseId),
      };
    },

    async announceMeetingClosure(notice: ClosureNotice) {
      const profile = profileOf(notice.profileId);
      const papers = renderClosureNotice(profile, notice, notice.reason, notice.casesRolledOver);
      const mailId = `${notice.workflowId}:closure`;
      const recipients = await send(profile, mailId, attendeesOf(profile, notice.kind, notice.facilitator), papers, []);
      return { mailId, recipients };
    },

    async forwardToCase({ caseId, command, fields, actor }) {
      try {
        const view = await cases.command(caseId, command, fields as never, actor);
        return { caseId, stage: view.stage };
      } catch (err) {
        if (err instanceof RefusedError) throw ApplicationFailure.nonRetryable(`case ${caseId}: ${err.message}`, 'Refused');
        if (err instanceof InvalidInputError) {
          throw ApplicationFailure.create({ type: 'InvalidInput', message: `case ${caseId}: ${err.message}`, details: [err.issues.map((i) => ({ path: i.path.split('.'), message: i.message }))], nonRetryable: true });
        }
        if (err instanceof WorkflowNotFoundError) throw ApplicationFailure.nonRetryable(`case ${caseId} does not exist`, 'NotFound');
        throw err;
      }
    },

    async confirmOnCase({ caseId, decision, meetingAt }) {
      let state: CaseView;
      try {
        state = await cases.state(caseId);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return { caseId, confirmed: false, stage: null };
        throw err;
      }
      const review = state.review?.meetingAt === meetingAt ? state.review : null;
      const confirmed = {
        'meeting-outcome': state.heardAt === meetingAt,
        // A request the chairs returned is no longer the case's review (its feedback went with it).
        'qa-accepted': review?.qa != null && 'accepted' in review.qa && review.qa.accepted,
        'qa-returned': review === null,
        'review-outcome': state.reviewsHeld.some((r) => r.meetingAt === meetingAt),
        // [002] 3.17–3.23: the case's MARAC is this one and its outcome is recorded.
        'marac-outcome': state.marac?.meetingAt === meetingAt && state.marac.outcome !== null,
      }[decision];
      return { caseId, confirmed, stage: state.stage };
    },

    async ensureMeetingWorkflows({ profileId, meetings }) {
      const profile = profileOf(profileId);
      const started: string[] = [];
      const existing: string[] = [];
      for (const { kind, date } of meetings) {
        const workflowId = meetingWorkflowId(profile.id, kind, date);
        const handle = deps.client.workflow.getHandle(workflowId);
        try {
          await handle.describe();
          existing.push(workflowId);
          continue;
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        }
        const plan = meetingPlan(profile, kind, date);
        try {
          await deps.client.workflow.start(meetingWorkflowTypes[kind], {
            workflowId,
            taskQueue: deps.taskQueue,
            args: [{ profileId: profile.id, date }],
            // A case's signal-with-start may have made it meanwhile; a meeting that has run is never started again.
            workflowIdConflictPolicy: 'USE_EXISTING',
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            searchAttributes: { HrdaKind: [`${kind}-meeting`], HrdaProfile: [profile.id], HrdaNextMeeting: [new Date(plan.meetingAt)] },
          });
          started.push(workflowId);
        } catch (err) {
          if ((err as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
          existing.push(workflowId);
        }
      }
      return { started, existing };
    },
  };
}

function qaOf(state: CaseView): NonNullable<PapersItem['qa']> {
  const qa = state.review?.qa;
  if (!qa) return 'awaiting-qa';
  return 'notQualityAssured' in qa ? 'not-quality-assured' : 'accepted';
}
