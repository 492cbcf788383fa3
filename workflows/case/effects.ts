import { getExternalWorkflowHandle, ParentClosePolicy, patched, proxyActivities, startChild } from '@temporalio/workflow';
import { meetingWorkflowId, type AgendaEntry, type MeetingKind } from '../../domain/agenda';
import { localDate } from '../../domain/calendar';
import { getProfile } from '../../domain/profiles';
import { endedDisputeCauses, publicStage, type CaseSnapshot, type PreviousPlan } from '../../machines/referral';
import { agendaEntryOf } from '../../machines/referral/agenda-entry';
import { involvedAgencies } from '../../machines/referral/messages';
import type { CaseActivities } from '../activity-types';
import { escalationWorkflow } from '../escalation.workflow';
import { disputeCauseEndedSignal, disputeWorkflowId } from '../escalation.messages';
import { caseClosedSignal } from '../meeting.messages';
import { planUpdatedSignal, routeDecidedSignal } from '../subject.workflow';
import { unlessWithheld } from './withheld';

/** What the effects have done so far, carried across continue-as-new so nothing is done twice. */
export interface EffectsState {
  subjectWorkflowId: string | null;
  planSent: string;
  enlisted: string[];
  disputesStarted: string[];
  /** Whether the subject has been told of a route decided after registration (a MASH case referred to MARAC). */
  routeShared?: boolean;
  /** Disputes raised by the case itself that have been told their cause is gone. */
  disputesEnded?: string[];
  /** Meetings (enlisted keys) told the case closed before they sat. */
  agendasLeft?: string[];
}

/** Cases recorded before this change left an automatic dispute open after its cause had gone. */
const automaticDisputesEndPatch = 'automatic-disputes-end-with-cause';

/** Cases closed before this change stayed on the agendas of the meetings still to come. */
export const closedCaseLeavesAgendasPatch = 'closed-case-leaves-agendas';
/**
 * The meeting is told the case closed only once its enlisting has finished: an enlist still running
 * (or retrying) when the case closed would otherwise reach the meeting after the close, and put the
 * case back on its agenda.
 */
export const leaveAfterEnlistingPatch = 'leave-agenda-after-enlisting';

const { sendNotification, enlistInMeeting } = proxyActivities<CaseActivities>({
  startToCloseTimeout: '1 minute',
  // Mail and meetings are retried until they succeed: a message or an agenda item is never dropped.
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/**
 * Carries out what the machine's state asks of the outside world: its outbox of messages, the
 * meetings it is on, its disputes (child workflows) and its plan for the subject's next referral.
 * Each is derived from the snapshot and done once; `run` is called after every transition.
 */
export class CaseEffects {
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly enlisted: Set<string>;
  private readonly disputesStarted: Set<string>;
  private readonly disputesStarting = new Set<string>();
  private readonly disputesEnded: Set<string>;
  private readonly agendasLeft: Set<string>;
  /** This run's enlistings by meeting (`kind:meetingAt`), until each has finished. */
  private readonly enlisting = new Map<string, Promise<unknown>>();
  /** The disputes this run started, until each has completed. */
  private readonly disputesRunning = new Set<Promise<unknown>>();
  private planSent: string;
  private routeShared: boolean;
  readonly subjectWorkflowId: string | null;

  constructor(state: EffectsState, private readonly markDelivered: (ids: string[]) => void) {
    this.subjectWorkflowId = state.subjectWorkflowId;
    this.planSent = state.planSent;
    this.enlisted = new Set(state.enlisted);
    this.disputesStarted = new Set(state.disputesStarted);
    this.disputesEnded = new Set(state.disputesEnded ?? []);
    this.agendasLeft = new Set(state.agendasLeft ?? []);
    this.routeShared = state.routeShared ?? false;
  }

  run(s: CaseSnapshot): void {
    this.deliverOutbox(s);
    this.startDisputes(s);
    this.endDisputes(s);
    this.enlist(s);
    this.leaveAgendas(s);
    this.sharePlan(s);
    this.shareRoute(s);
  }

  get idle(): boolean {
    return this.inFlight.size === 0;
  }

  hasStartedDispute(disputeId: string): boolean {
    return this.disputesStarted.has(disputeId);
  }

  async drained(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  /**
   * Waits for the disputes this run started to complete, as each does once it is resolved (a case
   * closes only then). A child completing after its parent has completed leaves the Java
   * time-skipping test server's clock locked for good (its "notify parent" lock is released by the
   * parent's update, which a completed parent refuses), and `hrda simulate` then waits for ever.
   */
  async disputesCompleted(): Promise<void> {
    while (this.disputesRunning.size) await Promise.all([...this.disputesRunning]);
  }

  carry(): EffectsState {
    return {
      subjectWorkflowId: this.subjectWorkflowId, planSent: this.planSent, enlisted: [...this.enlisted], disputesStarted: [...this.disputesStarted],
      ...(this.routeShared ? { routeShared: true } : {}),
      ...(this.disputesEnded.size ? { disputesEnded: [...this.disputesEnded] } : {}),
      ...(this.agendasLeft.size ? { agendasLeft: [...this.agendasLeft] } : {}),
    };
  }

  private track(p: Promise<unknown>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private deliverOutbox(s: CaseSnapshot): void {
    const pending = s.context.outbox;
    if (pending.length === 0) return;
    if (s.status === 'active') this.markDelivered(pending.map((n) => n.id));
    for (const n of pending) this.track(unlessWithheld(sendNotification(n), n.id));
  }

  /** PROTOCOL.md §1.6. ABANDON: a dispute outlives this run when the case continues as new; its signals reach the current run. */
  private startDisputes(s: CaseSnapshot): void {
    for (const start of s.context.disputes) {
      if (this.disputesStarted.has(start.disputeId) || this.disputesStarting.has(start.disputeId)) continue;
      this.disputesStarting.add(start.disputeId);
      this.track(
        startChild(escalationWorkflow, { workflowId: disputeWorkflowId(start.caseId, start.disputeId), args: [start], parentClosePolicy: ParentClosePolicy.ABANDON })
          .then((child) => {
            this.disputesStarted.add(start.disputeId);
            const completed: Promise<unknown> = child.result().catch(() => undefined).finally(() => this.disputesRunning.delete(completed));
            this.disputesRunning.add(completed);
          }),
      );
    }
  }

  /**
   * A dispute the case raised by itself is told once when its cause is gone, and ends (issue 14);
   * its `dispute.resolved` comes back as progress like any other, and the case may then close.
   */
  private endDisputes(s: CaseSnapshot): void {
    for (const { disputeId, reason } of endedDisputeCauses(s.context)) {
      if (this.disputesEnded.has(disputeId) || !this.disputesStarted.has(disputeId)) continue;
      if (!patched(automaticDisputesEndPatch)) return;
      this.disputesEnded.add(disputeId);
      this.track(
        getExternalWorkflowHandle(disputeWorkflowId(s.context.caseId, disputeId)).signal(disputeCauseEndedSignal, { reason }).catch(() => {
          // The dispute has ended already: nothing is left to tell it.
        }),
      );
    }
  }

  /** Each meeting the case is put on learns of it once (PROTOCOL.md §1.3, §1.5). */
  private enlist(s: CaseSnapshot): void {
    const c = s.context;
    const wanted: { kind: MeetingKind; meetingAt: string; item: AgendaEntry['item'] }[] = [];
    if (s.matches('preparing') && c.meetingAt) {
      wanted.push({ kind: 'daily', meetingAt: c.meetingAt, item: c.timeline.some((e) => e.type === 'meeting.rolled-over') ? 'rolled-over' : 'new-referral' });
    }
    if (c.review) wanted.push({ kind: 'monthly', meetingAt: c.review.meetingAt, item: 'management-review' });
    // [002] 2.53: referred on to the MARAC, until it has sat.
    if (c.marac && c.marac.heardAt === null) wanted.push({ kind: 'marac', meetingAt: c.marac.meetingAt, item: 'marac-referral' });
    for (const w of wanted) {
      // [002] 2.22: children found at the check move the case on the agenda; the meeting is told again.
      const key = `${w.kind}:${w.meetingAt}${w.kind === 'daily' && (c.childrenCheck?.found ?? 0) > 0 ? ':children-found' : ''}`;
      if (this.enlisted.has(key)) continue;
      this.enlisted.add(key);
      const enlisted = enlistInMeeting({
        profileId: c.profileId,
        kind: w.kind,
        meetingAt: w.meetingAt,
        entry: agendaEntryOf(getProfile(c.profileId), c, w.kind, w.meetingAt, w.item),
      });
      const meeting = `${w.kind}:${w.meetingAt}`;
      const earlier = this.enlisting.get(meeting);
      this.enlisting.set(meeting, earlier ? Promise.allSettled([earlier, enlisted]) : enlisted);
      this.track(enlisted);
    }
  }

  /**
   * A case that closes leaves the agenda of every meeting it was put on that has not sat yet, so
   * that the meeting does not list it as to be heard, send its papers or roll it over. A meeting
   * that has sat (or is sitting) keeps it: what happened there is its record.
   */
  private leaveAgendas(s: CaseSnapshot): void {
    if (publicStage(s) !== 'closed') return;
    const now = Date.now();
    const ahead = new Map<string, { kind: MeetingKind; meetingAt: string }>();
    for (const key of this.enlisted) {
      const meeting = enlistedMeeting(key);
      const id = `${meeting.kind}:${meeting.meetingAt}`;
      if (!this.agendasLeft.has(id) && Date.parse(meeting.meetingAt) > now) ahead.set(id, meeting);
    }
    if (ahead.size === 0 || !patched(closedCaseLeavesAgendasPatch)) return;
    const c = s.context;
    const afterEnlisting = patched(leaveAfterEnlistingPatch);
    for (const [id, { kind, meetingAt }] of ahead) {
      this.agendasLeft.add(id);
      const tell = () => getExternalWorkflowHandle(meetingWorkflowId(c.profileId, kind, localDate(meetingAt))).signal(caseClosedSignal, { caseId: c.caseId });
      const enlisting = afterEnlisting ? this.enlisting.get(id) : undefined;
      this.track(
        (enlisting ? enlisting.then(tell, tell) : tell()).catch(() => {
          // The meeting has ended (or was never started): there is no agenda left to leave.
        }),
      );
    }
  }

  /**
   * A MASH case (machines/referral/mash.ts) is registered with its subject before the MASH decides
   * its route; once it is referred to MARAC the subject learns so, and counts the victim's later
   * incidents as repeats (003 §17.2). Cases without a MASH stage never send this.
   */
  private shareRoute(s: CaseSnapshot): void {
    const c = s.context;
    if (this.routeShared || !this.subjectWorkflowId || !c.mash?.concluded?.maracCriteria.length || c.route !== 'hrda') return;
    this.routeShared = true;
    this.track(
      getExternalWorkflowHandle(this.subjectWorkflowId).signal(routeDecidedSignal, { caseId: c.caseId, route: 'hrda' }).catch(() => {
        // The subject has ended (its repeat window passed): nothing is left to tell it.
      }),
    );
  }

  /** On a repeat, the victim's next referral starts with this plan and its outstanding actions in view. */
  private sharePlan(s: CaseSnapshot): void {
    const c = s.context;
    if (!this.subjectWorkflowId || c.route !== 'hrda' || c.heardAt === null) return;
    const plan: PreviousPlan = {
      caseId: c.caseId,
      receivedAt: c.referral.receivedAt,
      risks: c.risks,
      outstandingActions: c.actions.filter((a) => a.status === 'open' || a.status === 'in-progress').map(({ id, owner, description, status }) => ({ id, owner, description, status })),
    };
    const signature = JSON.stringify(plan);
    if (signature === this.planSent) return;
    this.planSent = signature;
    this.track(
      // With the agencies that took part, whom the subject tells when the repeat window ends (issue 21 item 3).
      getExternalWorkflowHandle(this.subjectWorkflowId).signal(planUpdatedSignal, { caseId: c.caseId, plan, agencies: takingPart(s), profileId: c.profileId }).catch(() => {
        // The subject has ended (its repeat window passed): nothing is left to tell it.
      }),
    );
  }
}

/** The agencies that took part in a case: involved in it (as HrdaAgencies lists them), or returned a summary. */
function takingPart(s: CaseSnapshot): string[] {
  const c = s.context;
  return [...new Set([...involvedAgencies(getProfile(c.profileId), c), ...Object.keys(c.summaries)])].sort();
}

/** The meeting an enlisted key names: `kind:meetingAt`, with `:children-found` when the case was enlisted again for that. */
function enlistedMeeting(key: string): { kind: MeetingKind; meetingAt: string } {
  const colon = key.indexOf(':');
  return { kind: key.slice(0, colon) as MeetingKind, meetingAt: key.slice(colon + 1).replace(/:children-found$/, '') };
}
