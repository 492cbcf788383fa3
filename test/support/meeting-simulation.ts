import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflows } from './bundle';
import { createActivities } from '../../activities';
import { OutboxMail } from '../../activities/mail.outbox';
import { createMeetingWorkflowActivities } from '../../activities/meeting-activities';
import { LocalPoliceSystems } from '../../activities/police-systems.local';
import { CaseClient } from '../../client/cases';
import { isMeetingStep, MeetingClient, meetingsOf, meetingStepSchema, runMeetingStep, type SimulatedMeeting } from '../../client/meetings';
import { registerSearchAttributes } from '../../client/search-attributes';
import type { Actor } from '../../domain/actor';
import { meetingWorkflowId, type AgendaEntry, type MeetingKind } from '../../domain/agenda';
import type { CaseCommandName } from '../../domain/case-commands';
import { getProfile } from '../../domain/profiles';
import type { TimelineEntry } from '../../domain/timeline';
import { payloadsIn } from './payloads';
import type { CaseView } from '../../machines/referral';
import type { CaseActivities } from '../../workflows/activity-types';
import { meetingPlannerWorkflowType } from '../../workflows/meeting.messages';

export const meetingEntryPath = fileURLToPath(new URL('./workflows/meeting-entry.ts', import.meta.url));

/** The real workflows plus the meeting workflows (until workflows/index.ts exports them). */
export const bundleMeetingWorkflows = () => bundleWorkflows(meetingEntryPath);

export interface MeetingScenario {
  profile?: string;
  startAt: string;
  until: string;
  steps: ({ at: string; do: string } & Record<string, unknown>)[];
}

export interface MeetingSimulationResult {
  cases: Record<string, { caseId: string; state: CaseView; timeline: TimelineEntry[]; rejected: { at: string; step: string; error: string }[] }>;
  meetings: Record<string, SimulatedMeeting>;
  /** Meeting steps the meeting (or the case behind it) refused, with the reason. */
  refused: { at: string; step: string; error: string }[];
  /** Results of the test-only steps (`startMeeting`, `runPlanner`, `capturePack`, `captureAgenda`), by step index. */
  results: Record<number, unknown>;
}

export interface MeetingSimulationOptions {
  outboxDir?: string;
  /** Enlistments to hold back (as a slow or retried activity would) until a `releaseEnlistments` step. */
  holdEnlistment?: (entry: AgendaEntry, kind: MeetingKind) => boolean;
}

/**
 * Runs a scenario like `hrda simulate` does (CONTRACT.md §3), with the meeting workflows and
 * activities registered, meeting steps (client/meetings.ts meetingStepSchema), and a few
 * test-only steps: `startMeeting` {kind, date}, `runPlanner` {days}, `releaseEnlistments`,
 * `capturePack` and `captureAgenda` {kind, date} (the meeting's queries at that moment), and
 * `captureHistory` {kind, date} (every payload of the meeting's history, decoded).
 */
export async function runMeetingScenario(scenario: MeetingScenario, bundle: WorkflowBundleWithSourceMap, opts: MeetingSimulationOptions = {}): Promise<MeetingSimulationResult> {
  const profile = getProfile(scenario.profile ?? 'dorset-hrda');
  process.env.HRDA_TEST_SERVER_START_TIME = scenario.startAt;
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: inject('testServer') } } });
  const outbox = opts.outboxDir ?? (await mkdtemp(path.join(os.tmpdir(), 'hrda-meetings-')));
  try {
    await registerSearchAttributes(env.connection, env.namespace ?? 'default');
    const taskQueue = 'hrda-simulate';
    const deps = { client: env.client, taskQueue, subjectSecret: 'simulation-subject-key', mail: new OutboxMail(outbox), police: new LocalPoliceSystems() };
    const activities = { ...createActivities(deps), ...createMeetingWorkflowActivities(deps) };
    const held: Parameters<CaseActivities['enlistInMeeting']>[0][] = [];
    const enlist = activities.enlistInMeeting.bind(activities);
    activities.enlistInMeeting = async (input) => {
      if (opts.holdEnlistment?.(input.entry, input.kind)) {
        held.push(input);
        return { meetingWorkflowId: '(held)' };
      }
      return enlist(input);
    };
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities });
    return await worker.runUntil(async () => {
      const cases = new CaseClient(env.client, taskQueue);
      const meetings = new MeetingClient(env.client, taskQueue, profile.id);
      const refs = new Map<string, { caseId: string; rejected: { at: string; step: string; error: string }[] }>();
      const refused: MeetingSimulationResult['refused'] = [];
      const results: Record<number, unknown> = {};
      const skipTo = async (at: string) => {
        const ms = Date.parse(at) - (await env.currentTimeMs());
        if (ms > 0) await env.sleep(ms);
      };
      const caseIdOf = (ref: string) => {
        const id = refs.get(ref)?.caseId;
        if (!id) throw new Error(`no referral was submitted for ref ${ref}`);
        return id;
      };
      await skipTo(scenario.startAt);
      for (const [i, step] of scenario.steps.entries()) {
        const at = new Date(Date.parse(step.at)).toISOString();
        await skipTo(at);
        const ref = typeof step.ref === 'string' ? step.ref : undefined;
        try {
          if (step.do === 'startMeeting') {
            results[i] = await meetings.ensure(step.kind as MeetingKind, step.date as string);
          } else if (step.do === 'runPlanner') {
            results[i] = await env.client.workflow.execute(meetingPlannerWorkflowType, { taskQueue, workflowId: `meeting-planner-${profile.id}-${i}`, args: [{ profileId: profile.id, days: step.days as number }] });
          } else if (step.do === 'capturePack') {
            results[i] = await meetings.pack(step.kind as MeetingKind, step.date as string);
          } else if (step.do === 'captureAgenda') {
            results[i] = await meetings.agenda(step.kind as MeetingKind, step.date as string);
          } else if (step.do === 'captureHistory') {
            // Every payload of the meeting's history, decoded (this environment does not encrypt), one per line.
            const history = await env.client.workflow.getHandle(meetingWorkflowId(profile.id, step.kind as MeetingKind, step.date as string)).fetchHistory();
            results[i] = payloadsIn(history.events).map((p) => Buffer.from(p.data!).toString('utf8')).join('\n');
          } else if (step.do === 'releaseEnlistments') {
            for (const input of held.splice(0)) await enlist(input);
          } else if (isMeetingStep(step)) {
            await runMeetingStep(meetings, meetingStepSchema.parse(step), { caseIdOf, caseState: (id) => cases.state(id) });
          } else if (step.do === 'submitReferral') {
            const submitted = await cases.submitReferral(step.referral, { profileId: profile.id, now: new Date(at) });
            refs.set(ref!, { caseId: submitted.caseId, rejected: [] });
          } else {
            const { do: name, at: _at, ref: _ref, actor, ...fields } = step as { do: CaseCommandName; at: string; ref: string; actor?: Actor } & Record<string, unknown>;
            const caseId = caseIdOf(ref!);
            await cases.command(caseId, name, fields as never, actor ?? defaultActor(name, fields, profile.administrator.agency));
          }
        } catch (err) {
          const rejection = { at, step: step.do, error: (err as Error).message };
          if (ref && refs.has(ref)) refs.get(ref)!.rejected.push(rejection);
          if (isMeetingStep(step)) refused.push(rejection);
          else if (!ref || !refs.has(ref)) throw err;
        }
      }
      await skipTo(scenario.until);
      const out: MeetingSimulationResult = { cases: {}, meetings: {}, refused, results };
      for (const [ref, { caseId, rejected }] of refs) {
        out.cases[ref] = { caseId, state: await cases.state(caseId), timeline: await cases.timeline(caseId), rejected };
      }
      out.meetings = await meetingsOf(meetings, Object.values(out.cases).map((c) => c.timeline));
      return out;
    });
  } finally {
    await env.teardown();
    if (!opts.outboxDir) await rm(outbox, { recursive: true, force: true });
  }
}

function defaultActor(name: CaseCommandName, fields: Record<string, unknown>, admin: string): Actor {
  switch (name) {
    case 'submitSummary':
      return { role: 'agency-practitioner', agency: fields.agency as string };
    case 'recordVictimContact':
      return { role: 'agency-practitioner', agency: 'domestic-abuse-advisor' };
    case 'requestReview':
      return { role: 'lead-professional', agency: 'domestic-abuse-advisor' };
    case 'recordQaDecision':
      return { role: 'chair', agency: admin };
    default:
      return { role: 'administrator', agency: admin };
  }
}
