import {
  ScheduleAlreadyRunning, ScheduleOverlapPolicy, WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError,
  WorkflowUpdateFailedError, WorkflowUpdateStage, type Client, type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import ical, { escape, ICalCalendarMethod, ICalEventTransparency } from 'ical-generator';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { actorSchema, type Actor } from '../domain/actor';
import { meetingWorkflowId, type MeetingKind } from '../domain/agenda';
import { caseCommandFields, caseCommandSchemas, type CaseCommandInput } from '../domain/case-commands';
import { calendarZone, localDate } from '../domain/calendar';
import { plusDuration } from '../domain/duration';
import type { Profile } from '../domain/profile';
import { defaultProfileId, getProfile } from '../domain/profiles';
import { instantInputSchema } from '../domain/time';
import { localDateSchema, localTimeSchema, type Instant, type LocalDate, type LocalTime, type Weekday } from '../domain/time';
import type { TimelineEntry } from '../domain/timeline';
import {
  meetingPlan, meetingsBetween, type Attendance, type DailyAgendaView, type MaracAgendaView, type MaracOutcomeRecord, type MinutesRecord, type MonthlyAgendaView,
  type OutcomeRecord, type PackView, type PapersItem, type QaRecord, type ReviewOutcomeRecord,
} from '../machines/meeting';
import type { CaseView } from '../machines/referral';
import type { DataKeyStore } from '../worker/codec/data-keys';
import type { MeetingRef } from '../workflows/meeting-activity-types';
import {
  attendanceQuery, dailyAgendaQuery, dailyMeetingUpdates, dailyOutcomesQuery, decisionDeliveredSignal, heldDecisionsQuery, maracAgendaQuery, maracMeetingUpdates,
  maracOutcomesQuery, meetingPlannerWorkflowType, meetingWorkflowTypes, minutesQuery, monthlyAgendaQuery, monthlyMeetingUpdates, monthlyOutcomesQuery, packQuery,
  type MeetingPlannerInput,
} from '../workflows/meeting.messages';
import type { Database } from '../store/database';
import { ArchivedCases } from './archive/archived-cases';
import { archivedQueryAnswer } from './archive/queries';
import { CaseClient, InvalidInputError, RefusedError, withSameUpdateId } from './cases';
import { caseReaderFor, readMeetingPapers, type MeetingPapers } from './meeting-papers';

/** No workflow exists yet for the meeting asked about (nothing has enlisted and the planner has not run). */
export class MeetingNotFoundError extends Error {
  override name = 'MeetingNotFoundError';
}

/**
 * The typed client for meetings: what the CLI (`hrda meeting agenda DATE`, `hrda meeting pack
 * DATE`), the HTTP API and `hrda simulate` use. Updates start the meeting's workflow if it does
 * not exist yet (a closure can be declared for a day nobody has enlisted in), never one that has run.
 *
 * A decision taken at a meeting about a case (its outcome, the chairs' QA decision, a review
 * outcome) is recorded on the case itself, while the meeting holds the case's place, and the
 * meeting keeps the reference (machines/meeting/commands.ts): its text never enters the meeting's
 * history. The papers are rendered on read from the cases (client/meeting-papers.ts).
 */
/** Papers read for one case (`hrda audit dhr-pack`): its own part only, none of the other cases heard beside it. */
export interface OnlyCase {
  caseId?: string;
}

type MailedRecord = Parameters<typeof readMeetingPapers>[0]['mailed'];

/**
 * The meeting's record cut down to one case: its item, its place among those heard, rolled over or
 * returned; the agencies who attended stay (they name no one). Rendered from that, the papers hold
 * nothing of any other case, and say they are not what was mailed (their digest differs).
 */
function onlyCase(mailed: MailedRecord, caseId: string | undefined): MailedRecord {
  if (caseId === undefined) return mailed;
  const mine = (ids: string[] | undefined) => ids?.filter((id) => id === caseId);
  const common = { caseIds: mine(mailed.record.caseIds)!, ...(mailed.record.items ? { items: mailed.record.items.filter((i) => i.caseId === caseId) } : {}), ...(mailed.record.outstanding ? { outstanding: mailed.record.outstanding.filter((a) => a.caseId === caseId) } : {}) };
  if (mailed.part === 'pack') return { part: 'pack', record: { ...mailed.record, ...common } };
  const m = mailed.record;
  return {
    part: 'minutes',
    record: { ...m, ...common, heard: mine(m.heard)!, notHeard: mine(m.notHeard)!, ...(m.returned ? { returned: mine(m.returned)! } : {}), ...(m.rolledOver ? { rolledOver: m.rolledOver.filter((r) => r.caseId === caseId) } : {}) },
  };
}

export class MeetingClient {
  readonly profile: Profile;
  private readonly cases: CaseClient;

  constructor(
    private readonly temporal: Client,
    private readonly taskQueue: string,
    profileId: string = defaultProfileId,
    private readonly opts: {
      /** The data-key store, to show a destroyed case's placeholder in papers read again (the CLI and the API pass theirs). */
      dataKeys?: Pick<DataKeyStore, 'status'>;
      /** The store: a meeting (and its cases) Temporal no longer has is read from the archive. */
      archive?: Database;
    } = {},
  ) {
    this.profile = getProfile(profileId);
    this.cases = new CaseClient(temporal, taskQueue, opts.archive ? { archive: new ArchivedCases(opts.archive, temporal.options.loadedDataConverter) } : {});
  }

  workflowId(kind: MeetingKind, date: LocalDate): string {
    return meetingWorkflowId(this.profile.id, kind, date);
  }

  handle(kind: MeetingKind, date: LocalDate): WorkflowHandle {
    return this.temporal.workflow.getHandle(this.workflowId(kind, date));
  }

  /** The meeting as the profile plans it (no workflow needed): when it sits, freezes and ends. */
  plan(kind: MeetingKind, date: LocalDate) {
    return meetingPlan(this.profile, kind, localDateSchema.parse(date));
  }

  /** Starts the meeting's workflow unless it exists or has run; says which. */
  async ensure(kind: MeetingKind, date: LocalDate): Promise<{ workflowId: string; started: boolean }> {
    const workflowId = this.workflowId(kind, date);
    try {
      await this.temporal.workflow.start(meetingWorkflowTypes[kind], { ...this.startOptions(kind, date), workflowIdConflictPolicy: 'FAIL' });
      return { workflowId, started: true };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, started: false };
      throw err;
    }
  }

  agenda(kind: 'daily', date: LocalDate): Promise<DailyAgendaView>;
  agenda(kind: 'monthly', date: LocalDate): Promise<MonthlyAgendaView>;
  agenda(kind: 'marac', date: LocalDate): Promise<MaracAgendaView>;
  agenda(kind: MeetingKind, date: LocalDate): Promise<DailyAgendaView | MonthlyAgendaView | MaracAgendaView>;
  agenda(kind: MeetingKind, date: LocalDate): Promise<DailyAgendaView | MonthlyAgendaView | MaracAgendaView> {
    return this.query(kind, date, kind === 'daily' ? dailyAgendaQuery : kind === 'marac' ? maracAgendaQuery : monthlyAgendaQuery);
  }

  /**
   * The pack (daily) or the case summaries (HRDAP) of the latest revision mailed, rendered now from
   * the cases, with what was mailed and whether this is still it; null before the freeze.
   */
  async pack(kind: MeetingKind, date: LocalDate, opts: OnlyCase = {}): Promise<MeetingPapers | null> {
    const record = await this.packRecord(kind, date);
    return record && this.readPapers(kind, date, onlyCase({ part: 'pack', record }, opts.caseId));
  }

  /** What the meeting recorded of the latest pack it mailed: revision, when, to whom, the items and the digest. */
  packRecord(kind: MeetingKind, date: LocalDate): Promise<PackView | null> {
    return this.query(kind, date, packQuery);
  }

  attendance(kind: MeetingKind, date: LocalDate): Promise<Attendance | null> {
    return this.query(kind, date, attendanceQuery);
  }

  outcomes(kind: 'daily', date: LocalDate): Promise<OutcomeRecord[]>;
  outcomes(kind: 'monthly', date: LocalDate): Promise<{ qa: QaRecord[]; reviewOutcomes: ReviewOutcomeRecord[] }>;
  outcomes(kind: 'marac', date: LocalDate): Promise<MaracOutcomeRecord[]>;
  outcomes(kind: MeetingKind, date: LocalDate): Promise<OutcomeRecord[] | { qa: QaRecord[]; reviewOutcomes: ReviewOutcomeRecord[] } | MaracOutcomeRecord[]>;
  outcomes(kind: MeetingKind, date: LocalDate): Promise<OutcomeRecord[] | { qa: QaRecord[]; reviewOutcomes: ReviewOutcomeRecord[] } | MaracOutcomeRecord[]> {
    return this.query(kind, date, kind === 'daily' ? dailyOutcomesQuery : kind === 'marac' ? maracOutcomesQuery : monthlyOutcomesQuery);
  }

  /** The minutes and HRDA Matrix, rendered now from the cases as the pack is; null before the meeting ends. */
  async minutes(kind: MeetingKind, date: LocalDate, opts: OnlyCase = {}): Promise<MeetingPapers | null> {
    const record = await this.minutesRecord(kind, date);
    return record && this.readPapers(kind, date, onlyCase({ part: 'minutes', record }, opts.caseId));
  }

  minutesRecord(kind: MeetingKind, date: LocalDate): Promise<MinutesRecord | null> {
    return this.query(kind, date, minutesQuery);
  }

  /** The meeting's outcome for a case: the HRDA Matrix goes to the case, the meeting keeps the reference. */
  recordOutcome(date: LocalDate, input: { caseId: string; outcome: CaseCommandInput<'recordMeetingOutcome'>['outcome'] }, actor: Actor): Promise<DailyAgendaView> {
    checked('recordOutcome', caseCommandFields.recordMeetingOutcome, { outcome: input.outcome });
    return this.decide('daily', date, dailyMeetingUpdates.recordOutcome, { caseId: input.caseId, actor }, () =>
      this.cases.command(input.caseId, 'recordMeetingOutcome', { outcome: input.outcome }, actor));
  }

  recordAttendance(kind: 'daily', date: LocalDate, agencies: string[], actor?: Actor): Promise<DailyAgendaView>;
  recordAttendance(kind: 'monthly', date: LocalDate, agencies: string[], actor?: Actor): Promise<MonthlyAgendaView>;
  recordAttendance(kind: 'marac', date: LocalDate, agencies: string[], actor?: Actor): Promise<MaracAgendaView>;
  recordAttendance(kind: MeetingKind, date: LocalDate, agencies: string[], actor?: Actor): Promise<DailyAgendaView | MonthlyAgendaView | MaracAgendaView>;
  recordAttendance(kind: MeetingKind, date: LocalDate, agencies: string[], actor?: Actor): Promise<DailyAgendaView | MonthlyAgendaView | MaracAgendaView> {
    const input = { agencies, ...(actor ? { actor } : {}) };
    if (kind === 'marac') return this.update('marac', date, maracMeetingUpdates.recordAttendance, input);
    return kind === 'daily'
      ? this.update('daily', date, dailyMeetingUpdates.recordAttendance, input)
      : this.update('monthly', date, monthlyMeetingUpdates.recordAttendance, input);
  }

  /** [002] 3.17–3.23: the MARAC's outcome for one case: the risks, actions and rationale go to the case, the MARAC keeps the reference. */
  recordMaracOutcome(date: LocalDate, input: { caseId: string } & Omit<CaseCommandInput<'recordMaracOutcome'>, 'actor'>, actor: Actor): Promise<MaracAgendaView> {
    const { caseId, ...fields } = input;
    checked('recordMaracOutcome', caseCommandFields.recordMaracOutcome, fields);
    return this.decide('marac', date, maracMeetingUpdates.recordMaracOutcome, { caseId, actor }, () =>
      this.cases.command(caseId, 'recordMaracOutcome', fields, actor));
  }

  declareClosure(date: LocalDate, reason: string, actor: Actor): Promise<DailyAgendaView> {
    return this.update('daily', date, dailyMeetingUpdates.declareClosure, { reason, actor });
  }

  /** The chairs' QA decision: the decision (and a rejection's feedback) goes to the case, the meeting keeps whether it was accepted. */
  recordQaDecision(date: LocalDate, input: { caseId: string } & Omit<CaseCommandInput<'recordQaDecision'>, 'actor'>, actor: Actor): Promise<MonthlyAgendaView> {
    const { caseId, ...fields } = input;
    checked('recordQaDecision', caseCommandSchemas.recordQaDecision, { ...fields, actor });
    return this.decide('monthly', date, monthlyMeetingUpdates.recordQaDecision, { caseId, accepted: fields.accepted, actor }, () =>
      this.cases.command(caseId, 'recordQaDecision', fields, actor));
  }

  recordReviewOutcome(date: LocalDate, input: { caseId: string } & Omit<CaseCommandInput<'recordReviewOutcome'>, 'actor'>, actor: Actor): Promise<MonthlyAgendaView> {
    const { caseId, ...fields } = input;
    checked('recordReviewOutcome', caseCommandFields.recordReviewOutcome, fields);
    return this.decide('monthly', date, monthlyMeetingUpdates.recordReviewOutcome, { caseId, actor }, () =>
      this.cases.command(caseId, 'recordReviewOutcome', fields, actor));
  }

  /**
   * A decision about a case taken at the meeting: the meeting accepts the reference first (its own
   * refusals: not sitting, not on the agenda, already heard), holding the case's place; the
   * decision is then recorded on the case, which has the last word; the meeting is told, checks
   * with the case, and keeps the reference. The case's own refusal is what the caller gets.
   */
  private async decide<R, A extends { caseId: string }>(kind: MeetingKind, date: LocalDate, definition: UpdateDefinition<R, [A]>, reference: A, onCase: () => Promise<unknown>): Promise<R> {
    const closed = `the ${kind} meeting of ${date} has ended; its record stands and it takes nothing more`;
    let update;
    try {
      update = await this.temporal.workflow.startUpdateWithStart(definition, {
        args: [reference],
        waitForStage: WorkflowUpdateStage.ACCEPTED,
        startWorkflowOperation: new WithStartWorkflowOperation(meetingWorkflowTypes[kind], { ...this.startOptions(kind, date), workflowIdConflictPolicy: 'USE_EXISTING' }),
      });
    } catch (err) {
      throw translateMeetingFailure(err, closed);
    }
    // A refused update comes back as a handle too: the meeting's hold is what says it was accepted.
    const held = await this.handle(kind, date).query(heldDecisionsQuery).catch(() => []);
    if (!held.some((h) => h.updateId === update.updateId)) {
      try {
        await update.result();
      } catch (err) {
        throw translateMeetingFailure(err, closed);
      }
      throw new RefusedError(`the ${kind} meeting of ${date} is not holding case ${reference.caseId} for this decision; try again`);
    }
    const caseRefusal = await onCase().then(() => undefined, (err: unknown) => err);
    // Should this signal be lost, the meeting asks the case at the end of its wait anyway.
    await this.handle(kind, date).signal(decisionDeliveredSignal, { caseId: reference.caseId }).catch(() => undefined);
    let answer: R;
    try {
      answer = await update.result();
    } catch (err) {
      throw caseRefusal ?? translateMeetingFailure(err, closed);
    }
    if (caseRefusal) throw caseRefusal;
    return answer;
  }

  private async readPapers(kind: MeetingKind, date: LocalDate, mailed: Parameters<typeof readMeetingPapers>[0]['mailed']): Promise<MeetingPapers> {
    const plan = this.plan(kind, date);
    const facilitator = plan.kind === 'marac' ? plan.chair : plan.facilitator;
    const ref: MeetingRef = { profileId: this.profile.id, kind, date: plan.date, meetingAt: plan.meetingAt, workflowId: this.workflowId(kind, date), facilitator };
    // A record kept before meetings recorded their items: the agenda supplies them.
    const agenda = mailed.record.items ? undefined : await this.agenda(kind, date);
    const fallbackItems = (caseIds: string[]): PapersItem[] => caseIds.map((caseId, i) => {
      const item = agenda?.items.find((x) => x.caseId === caseId);
      const qa = item && 'qa' in item && item.qa !== 'returned' ? { qa: item.qa } : {};
      return { position: i + 1, caseId, item: item?.item ?? 'new-referral', lateAddition: item?.lateAddition ?? false, ...qa };
    });
    return readMeetingPapers({ profile: this.profile, ref, read: caseReaderFor(this.cases, this.opts.dataKeys), mailed, fallbackItems });
  }

  private startOptions(kind: MeetingKind, date: LocalDate) {
    const plan = this.plan(kind, date);
    return {
      workflowId: this.workflowId(kind, date),
      taskQueue: this.taskQueue,
      args: [{ profileId: this.profile.id, date: plan.date }],
      // A meeting that has run is never started again: its record stands.
      workflowIdReusePolicy: 'REJECT_DUPLICATE' as const,
      searchAttributes: { HrdaKind: [`${kind}-meeting`], HrdaProfile: [this.profile.id], HrdaNextMeeting: [new Date(plan.meetingAt)] },
    };
  }

  private async query<R>(kind: MeetingKind, date: LocalDate, query: { name: string } & Parameters<WorkflowHandle['query']>[0]): Promise<R> {
    try {
      return (await this.handle(kind, date).query(query)) as R;
    } catch (err) {
      // A meeting Temporal has forgotten (retention) answers from what the archive kept of it.
      const archived = err instanceof WorkflowNotFoundError && this.opts.archive
        ? await archivedQueryAnswer(this.opts.archive, this.temporal.options.loadedDataConverter, this.workflowId(kind, date), query.name)
        : undefined;
      if (archived) return archived.value as R;
      if (err instanceof WorkflowNotFoundError) {
        throw new MeetingNotFoundError(`No ${kind} meeting workflow exists for ${this.profile.id} on ${date} (${this.workflowId(kind, date)}): no case has enlisted and the planner has not started it.`);
      }
      throw err;
    }
  }

  private async update<R, A>(kind: MeetingKind, date: LocalDate, definition: UpdateDefinition<R, [A]>, arg: A): Promise<R> {
    try {
      // A start operation is used once: each attempt has its own, under the same update ID.
      return await withSameUpdateId(undefined, (updateId) => this.temporal.workflow.executeUpdateWithStart(definition, {
        args: [arg],
        updateId,
        startWorkflowOperation: new WithStartWorkflowOperation(meetingWorkflowTypes[kind], { ...this.startOptions(kind, date), workflowIdConflictPolicy: 'USE_EXISTING' }),
      }));
    } catch (err) {
      throw translateMeetingFailure(err, `the ${kind} meeting of ${date} has ended; its record stands and it takes nothing more`);
    }
  }
}

/** A decision's fields checked before the meeting is asked anything: every field at fault listed, nothing changed. */
function checked(name: string, schema: z.ZodType, input: unknown): void {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new InvalidInputError(`Invalid ${name}`, parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(input)', message: i.message })));
}

function translateMeetingFailure(err: unknown, whenClosed: string): unknown {
  if (err instanceof WorkflowExecutionAlreadyStartedError) return new RefusedError(whenClosed);
  const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
  if (cause instanceof ApplicationFailure) {
    if (cause.type === 'InvalidInput') {
      const [issues] = (cause.details ?? []) as [{ path: string[]; message: string }[]];
      return new InvalidInputError(cause.message.split(':')[0] ?? 'Invalid input', (issues ?? []).map((i) => ({ path: i.path.join('.') || '(input)', message: i.message })));
    }
    return new RefusedError(cause.message);
  }
  return err;
}

// ---------------------------------------------------------------- schedules

export interface MeetingScheduleOptions {
  /** How many days ahead the meeting workflows should exist. */
  days?: number;
  /** When the planner runs each day, Europe/London. */
  at?: LocalTime;
}

export const meetingScheduleId = (profileId: string) => `hrda-meeting-planner-${profileId}`;

/**
 * A Temporal Schedule per profile that runs meetingPlannerWorkflow every day, so meeting
 * workflows exist ahead of time. Idempotent: an existing schedule is brought to these settings.
 */
export async function ensureMeetingSchedules(client: Client, profile: Profile, taskQueue: string, opts: MeetingScheduleOptions = {}): Promise<{ scheduleId: string; created: boolean }> {
  const scheduleId = meetingScheduleId(profile.id);
  const [hour, minute] = localTimeSchema.parse(opts.at ?? '06:00').split(':').map(Number) as [number, number];
  const spec = { calendars: [{ hour, minute, comment: `${profile.id} meeting planner` }], timezone: calendarZone };
  const args: [MeetingPlannerInput] = [{ profileId: profile.id, days: opts.days ?? 14 }];
  const action = { type: 'startWorkflow' as const, workflowType: meetingPlannerWorkflowType, args, taskQueue, workflowId: `meeting-planner-${profile.id}` };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' };
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action,
      policies,
      // The first run happens now, so the coming days' meetings exist straight away.
      state: { triggerImmediately: true, note: `Creates the ${profile.name} meeting workflows ahead of time (issue 5).` },
    });
    return { scheduleId, created: true };
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action, policies, state: { ...previous.state } }));
    return { scheduleId, created: false };
  }
}

// ---------------------------------------------------------------- calendar export

const icsWeekday: Record<Weekday, string> = { monday: 'MO', tuesday: 'TU', wednesday: 'WE', thursday: 'TH', friday: 'FR', saturday: 'SA', sunday: 'SU' };

/**
 * The meeting series of a profile from `from` to `to` (inclusive) as an iCalendar file for
 * agencies' calendars (ical-generator, with the Europe/London VTIMEZONE from @touch4it/ical-timezones):
 * one VEVENT per daily meeting (bank holidays and non-meeting days left out) and the management
 * meeting as a monthly series (e.g. RRULE:FREQ=MONTHLY;BYDAY=4WE). Carries no personal data.
 */
export function meetingSeriesIcs(profile: Profile, from: LocalDate, to: LocalDate, opts: { now?: Date } = {}): string {
  const stamp = opts.now ?? new Date();
  const agency = (id: string | null) => (id ? (profile.agencies.find((a) => a.id === id)?.name ?? id) : null);
  const meetings = meetingsBetween(profile, localDateSchema.parse(from), localDateSchema.parse(to));
  // Each event carries the zone, not the calendar: with a calendar zone ical-generator writes DTSTAMP
  // as a floating local time, where RFC 5545 §3.8.7.2 wants UTC.
  const calendar = ical({
    prodId: '//HRDA case service//Meeting series//EN',
    method: ICalCalendarMethod.PUBLISH,
    // ical-generator writes the name as it is given: escaped here as the TEXT it is.
    name: escape(`${profile.name} meetings`, false),
    timezone: { name: null, generator: getVtimezoneComponent },
    x: { 'X-WR-TIMEZONE': calendarZone },
  });
  const london = (at: Instant) => DateTime.fromISO(at).setZone(calendarZone);
  const event = (uid: string, meetingAt: Instant, duration: string, summary: string, description: string, repeating?: string) =>
    calendar.createEvent({
      id: uid, stamp, start: london(meetingAt), end: london(plusDuration(meetingAt, duration)), timezone: calendarZone, summary, description,
      categories: [{ name: 'HRDA' }], transparency: ICalEventTransparency.OPAQUE, ...(repeating ? { repeating } : {}),
    });
  for (const m of meetings.filter((x) => x.kind === 'daily')) {
    event(`${meetingWorkflowId(profile.id, 'daily', m.date)}@hrda`, m.meetingAt, profile.dailyMeeting.duration,
      `${profile.dailyMeeting.name ?? 'HRDA daily meeting'} (${profile.name})`,
      `Facilitated by ${agency(m.facilitator) ?? 'the rota'}. Papers are circulated by secure mail when the agenda freezes.`);
  }
  // [002] 3.8: each MARAC of the series, with its papers deadline (3.4).
  const marac = profile.marac;
  if (marac) {
    for (const m of meetings) {
      if (m.kind !== 'marac') continue;
      event(`${meetingWorkflowId(profile.id, 'marac', m.date)}@hrda`, m.meetingAt, marac.duration, `${marac.name} (${profile.name})`,
        `Chaired by ${agency(m.chair) ?? 'the chair'}. Papers are circulated by ${london(m.papersBy).toFormat('cccc d LLLL, HH:mm')}.`);
    }
  }
  const first = meetings.find((x) => x.kind === 'monthly');
  const m = profile.monthlyMeeting;
  if (first && m) {
    const until = DateTime.fromISO(to, { zone: calendarZone }).endOf('day').toUTC();
    event(`${meetingWorkflowId(profile.id, 'monthly', first.date)}-series@hrda`, first.meetingAt, m.duration, `HRDAP monthly management meeting (${profile.name})`,
      `Case summaries are circulated and quality-assured ${m.qaBefore === 'P7D' ? 'a week' : m.qaBefore} before the meeting.`,
      `RRULE:FREQ=MONTHLY;BYDAY=${m.nth}${icsWeekday[m.weekday]};UNTIL=${until.toFormat("yyyyMMdd'T'HHmmss'Z'")}`);
  }
  // RFC 5545 §3.1: every content line ends with CRLF, the last one too.
  return `${calendar.toString()}\r\n`;
}

// ---------------------------------------------------------------- scenario steps (CONTRACT.md §3)

const stepBase = { at: instantInputSchema, actor: actorSchema.optional(), date: localDateSchema.optional() };

/**
 * Scenario steps that go through a meeting rather than straight to a case. `recordOutcome`,
 * `recordAttendance` and `declareClosure` are always meeting steps; `recordQaDecision` and
 * `recordReviewOutcome` are when the step says `"meeting": "monthly"`. The meeting is the one
 * the case is on (`ref`), or `date`, or the day of `at`.
 */
export const meetingStepSchema = z.discriminatedUnion('do', [
  z.object({ ...stepBase, do: z.literal('recordOutcome'), ref: z.string().min(1), meeting: z.literal('daily').default('daily'), outcome: caseCommandFields.recordMeetingOutcome.shape.outcome }),
  z.object({ ...stepBase, do: z.literal('recordAttendance'), ref: z.string().optional(), meeting: z.enum(['daily', 'monthly', 'marac']).default('daily'), agencies: z.array(z.string()).min(1) }),
  z.object({ ...stepBase, do: z.literal('declareClosure'), ref: z.string().optional(), meeting: z.literal('daily').default('daily'), reason: z.string().min(1) }),
  caseCommandFields.recordQaDecision.extend({ ...stepBase, do: z.literal('recordQaDecision'), ref: z.string().min(1), meeting: z.literal('monthly') }),
  caseCommandFields.recordReviewOutcome.extend({ ...stepBase, do: z.literal('recordReviewOutcome'), ref: z.string().min(1), meeting: z.literal('monthly') }),
  caseCommandFields.recordMaracOutcome.extend({ ...stepBase, do: z.literal('recordMaracOutcome'), ref: z.string().min(1), meeting: z.literal('marac') }),
]);
export type MeetingStep = z.output<typeof meetingStepSchema>;

export function isMeetingStep(raw: { do: string; meeting?: unknown }): boolean {
  return ['recordOutcome', 'recordAttendance', 'declareClosure'].includes(raw.do) || raw.meeting !== undefined;
}

/** Runs one meeting step; `caseIdOf` and `caseState` come from the simulator's refs. */
export async function runMeetingStep(
  meetings: MeetingClient,
  step: MeetingStep,
  ctx: { caseIdOf(ref: string): string; caseState(caseId: string): Promise<CaseView> },
): Promise<DailyAgendaView | MonthlyAgendaView | MaracAgendaView> {
  const admin: Actor = { role: 'administrator', agency: meetings.profile.administrator.agency };
  const dateFor = async (ref: string | undefined, kind: MeetingKind): Promise<LocalDate> => {
    if (step.date) return step.date;
    if (ref === undefined) return localDate(step.at);
    const state = await ctx.caseState(ctx.caseIdOf(ref));
    const at = kind === 'daily' ? state.meetingAt : kind === 'marac' ? state.marac?.meetingAt : state.review?.meetingAt;
    if (!at) throw new RefusedError(`case ${ref} is not on a ${kind} meeting`);
    return localDate(at);
  };
  switch (step.do) {
    case 'recordOutcome':
      return meetings.recordOutcome(await dateFor(step.ref, 'daily'), { caseId: ctx.caseIdOf(step.ref), outcome: step.outcome }, step.actor ?? admin);
    case 'recordAttendance':
      return meetings.recordAttendance(step.meeting, await dateFor(undefined, step.meeting), step.agencies, step.actor ?? admin);
    case 'declareClosure':
      return meetings.declareClosure(await dateFor(undefined, 'daily'), step.reason, step.actor ?? admin);
    case 'recordQaDecision': {
      const { accepted, feedback } = step;
      return meetings.recordQaDecision(await dateFor(step.ref, 'monthly'), { caseId: ctx.caseIdOf(step.ref), accepted, ...(feedback ? { feedback } : {}) }, step.actor ?? { role: 'chair', agency: admin.agency });
    }
    case 'recordReviewOutcome': {
      const { risks, actions, rationale } = step;
      return meetings.recordReviewOutcome(await dateFor(step.ref, 'monthly'), { caseId: ctx.caseIdOf(step.ref), risks, actions, rationale }, step.actor ?? admin);
    }
    case 'recordMaracOutcome': {
      const { risks, actions, rationale } = step;
      return meetings.recordMaracOutcome(await dateFor(step.ref, 'marac'), { caseId: ctx.caseIdOf(step.ref), risks, actions, rationale }, step.actor ?? admin);
    }
  }
}

export interface SimulatedMeeting {
  workflowId: string;
  agenda: DailyAgendaView | MonthlyAgendaView | MaracAgendaView;
  outcomes: OutcomeRecord[] | { qa: QaRecord[]; reviewOutcomes: ReviewOutcomeRecord[] } | MaracOutcomeRecord[];
  attendance: Attendance | null;
}

/** Every meeting the cases were put on (their `meeting.scheduled` entries), read back: for the simulator's output. */
export async function meetingsOf(meetings: MeetingClient, timelines: TimelineEntry[][]): Promise<Record<string, SimulatedMeeting>> {
  const keys = new Map<string, { kind: MeetingKind; date: LocalDate }>();
  for (const t of timelines) {
    for (const e of t) {
      if (e.type === 'meeting.scheduled') {
        const date = localDate(e.data.meetingAt);
        keys.set(`${e.data.kind} ${date}`, { kind: e.data.kind, date });
      }
    }
  }
  const out: Record<string, SimulatedMeeting> = {};
  for (const [key, { kind, date }] of [...keys].sort(([a], [b]) => (a < b ? -1 : 1))) {
    try {
      out[key] = {
        workflowId: meetings.workflowId(kind, date),
        agenda: await meetings.agenda(kind, date),
        outcomes: await meetings.outcomes(kind, date),
        attendance: await meetings.attendance(kind, date),
      };
    } catch (err) {
      if (!(err instanceof MeetingNotFoundError)) throw err;
    }
  }
  return out;
}
