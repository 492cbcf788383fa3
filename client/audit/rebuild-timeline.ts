import type { DataConverter, LoadedDataConverter } from '@temporalio/common';
import { isLoadedDataConverter, loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import { createActor, fromPromise, type Snapshot } from 'xstate';
import { getProfile } from '../../domain/profiles';
import type { Profile } from '../../domain/profile';
import type { Instant } from '../../domain/time';
import type { TimelineEntry } from '../../domain/timeline';
import {
  caseView, createReferralMachine, nextDeadline,
  type CaseEvent, type CaseSnapshot, type CaseView, type CheckResult, type ChecksOutput, type RepeatInfo,
} from '../../machines/referral';
import type { CaseActivities } from '../../workflows/activity-types';
import { uncancelledDeadlineTimersPatch } from '../../workflows/deadline-timers';
import { referralWorkflowType } from '../../workflows/referral.messages';
import type { ReferralWorkflowInput } from '../../workflows/referral.workflow';
import { activityNames, signalEvent, updateEvent, type MessageEvent } from './case-events';
import { decodePayloads, eventsOf, int64, workflowTypeOf, type History, type HistoryEvent } from './history';
import { scheduledEventIdOf, workflowTasksOf, type RunEnd, type RunTasks, type WorkflowTask } from './workflow-tasks';

/**
 * A case rebuilt from its Temporal history alone: the referral machine (machines/referral) run
 * again over the events the history recorded — the start input, the repeat decision, every
 * accepted update and signal at the workflow time it was handled, the police checks' results,
 * and a `clock` event wherever the workflow's deadline timer fired or a deadline had already
 * passed — the way workflows/referral.workflow.ts feeds its machine.
 */
export interface RebuiltCase {
  caseId: string;
  profileId: string;
  timeline: TimelineEntry[];
  /** The case as the rebuilt machine ends; null when the history ends before the case was registered. */
  view: CaseView | null;
  /** How the last run ended, and what a completed run returned (the workflow's own case view). */
  end: RunEnd['kind'];
  result?: unknown;
  runs: number;
  /** Where the history and the rebuild disagree (each names the history event), in order found. */
  problems: string[];
}

type ReferralActor = ReturnType<typeof createActor<ReturnType<typeof createReferralMachine>>>;

type HostState =
  | { kind: 'registering' }
  /** Blocked until the machine changes, or until the timer for `deadline` fires. */
  | { kind: 'waiting'; deadline?: Instant; fireAt?: number }
  /** A deadline the machine did not act on: blocked until the machine changes, no timer. */
  | { kind: 'stuck' }
  | { kind: 'done' };

const iso = (ms: number): Instant => new Date(ms).toISOString();
const flushMicrotasks = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Rebuilds a case from the history of its workflow: one run, or every run in order when it continued as new. */
export async function rebuildTimeline(runs: History | History[], opts: { dataConverter?: DataConverter | LoadedDataConverter } = {}): Promise<RebuiltCase> {
  const converter = isLoadedDataConverter(opts.dataConverter) ? opts.dataConverter : loadDataConverter(opts.dataConverter);
  const histories = Array.isArray(runs) ? runs : [runs];
  if (histories.length === 0) throw new Error('No history to rebuild from');
  let host: CaseHost | undefined;
  let end: RunEnd = { kind: 'running' };
  let result: unknown;
  for (const [i, history] of histories.entries()) {
    const type = workflowTypeOf(history);
    if (type !== referralWorkflowType) throw new Error(`Run ${i + 1} is a ${type || 'unknown'} workflow, not a case (${referralWorkflowType})`);
    const run = workflowTasksOf(history);
    const [input] = (await decodePayloads(converter, run.input)) as [ReferralWorkflowInput];
    host ??= new CaseHost(input, converter, hasPatchMarker(history, restrictedCasesPatch));
    if (i > 0 && end.kind !== 'continued-as-new') host.problem(`Run ${i + 1} follows a run that ended ${end.kind}, not by continuing as new`);
    host.beginRun(input, uncancelledTimersFrom(run, patchMarkerEventId(history, uncancelledDeadlineTimersPatch)));
    end = run.end;
    for (const task of run.tasks) await host.handleTask(task, run, task.index === run.tasks.length - 1);
    if (end.kind === 'completed') [result] = await decodePayloads(converter, end.result);
  }
  return host!.outcome(end, result, histories.length);
}

/** workflows/referral.workflow.ts: restriction at intake runs behind this patch. */
export const restrictedCasesPatch = 'restricted-cases';

/** Whether a history recorded `patched(id)`: the SDK's marker names the patch in its details. */
export function hasPatchMarker(history: History, id: string): boolean {
  return patchMarkerEventId(history, id) !== undefined;
}

/** The event ID of the marker `patched(id)` recorded, if the history has one. */
function patchMarkerEventId(history: History, id: string): number | undefined {
  const marker = eventsOf(history).find((e) => {
    const m = e.markerRecordedEventAttributes;
    if (m?.markerName !== 'core_patch') return false;
    return Object.values(m.details ?? {}).some((p) => (p?.payloads ?? []).some((x) => x.data && Buffer.from(x.data).toString('utf8').includes(`"${id}"`)));
  });
  return marker ? int64(marker.eventId) : undefined;
}

/**
 * The index of the first task whose waits arm one timer per deadline and never cancel it
 * (workflows/deadline-timers.ts): the task that recorded the patch's marker, which a case already
 * running when the change was deployed records at its first wait after it.
 */
function uncancelledTimersFrom(run: RunTasks, markerEventId: number | undefined): number {
  if (markerEventId === undefined) return Infinity;
  const before = run.tasks.filter((t) => t.completedEventId < markerEventId);
  return before.at(-1)?.index ?? Infinity;
}

/** The workflow's host loop, replayed: what referralWorkflow does between its awaits. */
class CaseHost {
  private readonly profile: Profile;
  private readonly machine;
  private actor: ReferralActor | undefined;
  private state: HostState;
  private stuckAt: Instant | undefined;
  private resolveChecks: ((output: ChecksOutput) => void) | undefined;
  private readonly checkResults = new Map<number, CheckResult>();
  readonly problems: string[] = [];

  constructor(
    private readonly input: ReferralWorkflowInput,
    private readonly converter: LoadedDataConverter,
    /** Whether the first run recorded `patched('restricted-cases')`, as the workflow decides restriction at intake. */
    private readonly restrictAtIntake = false,
  ) {
    this.profile = getProfile(input.profileId);
    this.machine = createReferralMachine(this.profile).provide({
      actors: {
        runBackgroundChecks: fromPromise<ChecksOutput, { caseId: string; systems: string[] }>(
          () => new Promise<ChecksOutput>((resolve) => (this.resolveChecks = resolve)),
        ),
      },
    });
    this.state = { kind: 'registering' };
  }

  problem(message: string): void {
    if (this.problems.length < 20) this.problems.push(message);
  }

  /**
   * A run begins. A continued run starts from the snapshot its input carries, as the workflow
   * restores it; when the run before was rebuilt too, the two must agree.
   */
  beginRun(input: ReferralWorkflowInput, uncancelledTimersFrom = Infinity): void {
    this.continuedRun = input.continued !== undefined;
    // Each run arms its own timers.
    this.uncancelledTimersFrom = uncancelledTimersFrom;
    this.runningTimers.clear();
    // Event IDs start again in each run.
    this.checkResults.clear();
    if (!input.continued) return;
    const carried = input.continued.snapshot as unknown as CaseSnapshot;
    if (this.actor) {
      if (JSON.stringify(this.snapshot().context.timeline) !== JSON.stringify(carried.context.timeline)) {
        this.problem('The snapshot carried into the next run has a timeline different from the one rebuilt from the run before');
      }
      this.actor.stop();
    }
    this.start(input.continued.snapshot);
  }

  private continuedRun = false;
  /** From this task of the run on, a deadline's timer is armed once and never cancelled. */
  private uncancelledTimersFrom = Infinity;
  /** The instants of the uncancelled timers armed and not yet fired. */
  private readonly runningTimers = new Set<number>();

  private start(snapshot?: Snapshot<unknown>, repeat: RepeatInfo | null = null): void {
    const { caseId, profileId, referral, submittedBy, submitter } = this.input;
    this.actor = createActor(this.machine, {
      input: { caseId, profileId, referral, repeat, submittedBy: submittedBy ?? null, submitter: submitter ?? null, restrictAtIntake: this.restrictAtIntake },
      // Restoring a snapshot ignores the input: the machine carries on where it was.
      ...(snapshot ? { snapshot: snapshot as CaseSnapshot } : {}),
    });
    this.actor.start();
    this.stuckAt = undefined;
  }

  private snapshot(): CaseSnapshot {
    return this.actor!.getSnapshot() as CaseSnapshot;
  }

  private send(event: CaseEvent): void {
    if (this.actor && this.snapshot().status === 'active') this.actor.send(event);
  }

  async handleTask(task: WorkflowTask, run: RunTasks, last: boolean): Promise<void> {
    if (this.state.kind === 'done') return;
    const at = iso(task.at);
    const firstTask = task.index === 0;
    // A run's first activation hands its messages to the handlers before the workflow has
    // created its actor: signals are dropped (`live.actor?.send`), updates refused.
    const actorBefore = this.actor !== undefined && !firstTask;
    let messageSent = false;
    const apply = (what: string, eventId: number, m: MessageEvent) => {
      if (m.kind === 'unknown') this.problem(`Event ${eventId}: the ${what} is not one the rebuild knows (client/audit/case-events.ts), so what follows it may not match`);
      if (m.kind === 'event' && actorBefore) {
        this.send(m.event);
        messageSent = true;
      }
    };
    for (const s of task.signals) {
      const [arg] = await decodePayloads(this.converter, s.input);
      apply(`signal "${s.name}"`, s.eventId, signalEvent(s.name, arg, at));
    }
    for (const u of task.updates) {
      const [arg] = await decodePayloads(this.converter, u.input);
      apply(`update "${u.name}"`, u.eventId, updateEvent(u.name, arg, at));
    }

    const uncancelled = task.index >= this.uncancelledTimersFrom;
    let timerFired: { eventId: number; fireAt: number } | undefined;
    let checksDone = false;
    let registered = false;
    for (const e of task.resolutions) {
      if (e.timerFiredEventAttributes) {
        const startedId = int64(e.timerFiredEventAttributes.startedEventId);
        const fireAt = run.timerFireAt.get(startedId) ?? NaN;
        this.runningTimers.delete(fireAt);
        // An uncancelled timer whose deadline has moved on fires into nothing.
        if (uncancelled && !(this.state.kind === 'waiting' && this.state.fireAt === fireAt)) continue;
        timerFired = { eventId: int64(e.eventId), fireAt };
        continue;
      }
      const scheduledId = scheduledEventIdOf(e);
      const activity = scheduledId === undefined ? undefined : run.activities.get(scheduledId);
      if (!activity) continue;
      if (activity.name === activityNames.register && this.state.kind === 'registering') {
        const decision = await this.registration(e);
        this.start(undefined, decision);
        registered = true;
      } else if (activity.name === activityNames.check) {
        this.checkResults.set(activity.eventId, await this.checkResult(e, activity.input));
        const batch = [...run.activities.values()].filter((a) => a.name === activityNames.check && a.taskCompletedEventId === activity.taskCompletedEventId);
        if (batch.every((a) => this.checkResults.has(a.eventId)) && this.resolveChecks) {
          const bySystem = new Map(batch.map((a) => [this.checkResults.get(a.eventId)!.system, this.checkResults.get(a.eventId)!]));
          const results = this.snapshot().context.checks.map((c) => bySystem.get(c.system) ?? { system: c.system, status: 'unavailable' as const, error: `${c.system} was not searched` });
          const resolve = this.resolveChecks;
          this.resolveChecks = undefined;
          resolve({ at, results });
          await flushMicrotasks();
          checksDone = true;
        }
      }
    }

    // The run's last task continues as new at the top of the loop, after delivering the outbox.
    const canEnds = last && run.end.kind === 'continued-as-new';
    let runLoop = false;
    if (registered || (firstTask && this.continuedRun)) {
      runLoop = true;
    } else if (this.state.kind === 'waiting') {
      if (messageSent || (checksDone && !timerFired)) {
        this.stuckAt = undefined;
        runLoop = true;
      } else if (timerFired) {
        if (this.state.fireAt !== timerFired.fireAt) {
          this.problem(`Event ${timerFired.eventId}: the workflow's timer for ${iso(timerFired.fireAt)} fired, but the rebuilt case was waiting for ${this.state.deadline ?? 'no deadline'}`);
        }
        // The timer settles the host's wait before a police-check result of the same task can wake
        // it, so the clock comes too, after that result (docs/ops.md, limits of the rebuild).
        if (this.snapshot().status === 'active') {
          this.stuckAt = this.state.deadline;
          this.send({ type: 'clock', at: this.state.deadline ?? at });
          // As the host does: DVPO expiries have an event of their own (workflows/referral.workflow.ts).
          if (this.snapshot().status === 'active') this.send({ type: 'noticesClock', at: this.state.deadline ?? at });
        } else {
          this.stuckAt = undefined;
        }
        runLoop = true;
      }
    } else if (this.state.kind === 'stuck') {
      runLoop = messageSent || checksDone;
    }

    let armed: number | undefined;
    let looped = false;
    if (runLoop) {
      looped = true;
      armed = this.loop(task.at, canEnds);
    } else if (timerFired && this.state.kind !== 'waiting') {
      this.problem(`Event ${timerFired.eventId}: the workflow's timer for ${iso(timerFired.fireAt)} fired, but the rebuilt case had no timer running`);
    }

    if (!canEnds) {
      const recorded = task.timersStarted.at(-1)?.fireAt;
      // A deadline whose timer is still running is waited for again without a new one.
      const expected = uncancelled && armed !== undefined && this.runningTimers.has(armed) ? undefined : armed;
      if (uncancelled && armed !== undefined) this.runningTimers.add(armed);
      if (looped && recorded !== expected) {
        this.problem(`Event ${task.completedEventId}: the workflow ${recorded === undefined ? 'armed no timer' : `armed a timer for ${iso(recorded)}`}, but the rebuilt case ${armed === undefined ? 'has no deadline to wait for' : `waits for ${iso(armed)}${expected === undefined ? ' on a timer already running' : ''}`}`);
      } else if (!looped && recorded !== undefined) {
        this.problem(`Event ${task.completedEventId}: the workflow armed a timer for ${iso(recorded)} where the rebuilt case had nothing to wake it`);
      }
    }
  }

  /** The workflow's `while` loop, from its top until it blocks; returns the instant of the timer it arms. */
  private loop(now: number, continuesAsNew: boolean): number | undefined {
    for (;;) {
      if (this.snapshot().status === 'done') {
        this.state = { kind: 'done' };
        return undefined;
      }
      this.deliverOutbox();
      if (continuesAsNew) return undefined;
      const deadline = nextDeadline(this.snapshot());
      if (deadline !== undefined && deadline === this.stuckAt) {
        this.state = { kind: 'stuck' };
        return undefined;
      }
      const wait = deadline === undefined ? undefined : Date.parse(deadline) - now;
      if (wait !== undefined && wait <= 0) {
        if (this.snapshot().status === 'active') {
          this.stuckAt = deadline;
          this.send({ type: 'clock', at: deadline! });
          if (this.snapshot().status === 'active') this.send({ type: 'noticesClock', at: deadline! });
        } else {
          this.stuckAt = undefined;
        }
        continue;
      }
      const fireAt = wait === undefined ? undefined : now + wait;
      this.state = { kind: 'waiting', ...(deadline ? { deadline } : {}), ...(fireAt !== undefined ? { fireAt } : {}) };
      return fireAt;
    }
  }

  private deliverOutbox(): void {
    const pending = this.snapshot().context.outbox;
    if (pending.length && this.snapshot().status === 'active') this.send({ type: 'delivered', ids: pending.map((n) => n.id) });
  }

  private async registration(e: HistoryEvent): Promise<RepeatInfo | null> {
    const payloads = e.activityTaskCompletedEventAttributes?.result;
    if (!payloads) {
      this.problem(`Event ${e.eventId}: the subject registration did not complete; the case was never registered`);
      return null;
    }
    const [decision] = (await decodePayloads(this.converter, payloads)) as [Awaited<ReturnType<CaseActivities['registerWithSubject']>>];
    if (!decision.repeat || !decision.previous) return null;
    const p = decision.previous;
    return { previousCaseId: p.caseId, previousReceivedAt: p.receivedAt, ...(p.plan ? { plan: p.plan } : {}) };
  }

  private async checkResult(e: HistoryEvent, input: unknown): Promise<CheckResult> {
    const [request] = (await decodePayloads(this.converter, input as never)) as [Parameters<CaseActivities['checkPoliceSystem']>[0]];
    const completed = e.activityTaskCompletedEventAttributes?.result;
    if (completed) {
      const [r] = (await decodePayloads(this.converter, completed)) as [Awaited<ReturnType<CaseActivities['checkPoliceSystem']>>];
      return { system: r.system, status: 'completed', hits: r.hits, records: r.records };
    }
    // Failed, timed out or cancelled: the workflow reports the gap (PROTOCOL.md §1.2).
    return { system: request.system, status: 'unavailable', error: `${request.system} could not be searched within ${this.profile.checks.retry.giveUpAfter}` };
  }

  outcome(end: RunEnd, result: unknown, runs: number): RebuiltCase {
    const snapshot = this.actor ? this.snapshot() : undefined;
    return {
      caseId: this.input.caseId,
      profileId: this.input.profileId,
      timeline: snapshot?.context.timeline ?? [],
      view: snapshot ? caseView(snapshot) : null,
      end: end.kind,
      ...(end.kind === 'completed' ? { result } : {}),
      runs,
      problems: this.problems,
    };
  }
}
