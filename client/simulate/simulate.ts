import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Actor } from '../../domain/actor';
import type { CaseCommandName } from '../../domain/case-commands';
import { getProfile } from '../../domain/profiles';
import { disputeSteps, scenarioSchema, scenarioStepSchema, type Scenario } from '../../domain/scenario';
import { inputIssues, strictInput } from '../../domain/strict-input';
import type { TimelineEntry } from '../../domain/timeline';
import type { DisputeView } from '../../machines/escalation';
import type { CaseView } from '../../machines/referral';
import { createActivities } from '../../activities';
import { OutboxMail } from '../../activities/mail.outbox';
import type { PoliceSystems } from '../../activities/police-systems.port';
import { LocalPoliceSystems } from '../../activities/police-systems.local';
import { createDataConverter, developmentKeyRing } from '../../worker/codec';
import { workflowBundleOptions, workflowsPath } from '../../worker/bundle';
import { CaseClient, InvalidInputError } from '../cases';
import { isMeetingStep, MeetingClient, meetingsOf, meetingStepSchema, runMeetingStep, type SimulatedMeeting } from '../meetings';
import { registerSearchAttributes } from '../search-attributes';

export interface SimulatedCase {
  caseId: string;
  state: CaseView;
  timeline: TimelineEntry[];
  /** Each dispute raised on the case, as its own workflow reports it (stages, documents, resolution). */
  disputes: DisputeView[];
  rejected: { at: string; step: string; error: string }[];
}

/** A step the run did not apply: its place in the scenario's `steps`, its case's ref if it names one, and why. */
export interface RefusedStep {
  index: number;
  at: string;
  step: string;
  ref?: string;
  error: string;
}

export interface SimulationResult {
  profile: string;
  startAt: string;
  until: string;
  cases: Record<string, SimulatedCase>;
  /** The meetings the cases were on: agenda, attendance, outcomes (issue: meetings as workflows). */
  meetings: Record<string, SimulatedMeeting>;
  /** Meeting steps refused by the meeting or the case behind it, with the reason. */
  refused: { at: string; step: string; error: string }[];
  /**
   * Every step refused, whatever refused it (a case, a meeting, the scenario's own checks), in the
   * scenario's order: the one place to look (issue 14). `cases.<ref>.rejected` and `refused` hold
   * the same refusals by case and for meetings.
   */
  refusals: RefusedStep[];
}

export interface SimulateOptions {
  /** The time-skipping test server launcher (scripts/test-server.ts). */
  testServer: string;
  police?: PoliceSystems;
  /** Keep the messages sent (the outbox adapter's folder); by default a temporary folder is removed. */
  outboxDir?: string;
  /** Built with workflowBundleOptions (worker/bundle), as bundleForSimulation does. */
  workflowBundle?: WorkflowBundleWithSourceMap;
  /**
   * The service's data converter over a key ring; the published development ring by default, since the
   * test server keeps nothing once the simulation ends.
   */
  dataConverter?: DataConverter;
  log?: (line: string) => void;
  /**
   * Runs every referral of the scenario under this profile instead of the one the file names (its
   * own and each step's), so the same referrals can be seen under two protocols.
   */
  profile?: string;
}

/**
 * Runs a scenario (CONTRACT.md §3) on the time-skipping test server with the real workflows and
 * the local adapters: time jumps from step to step, and every timer falling due on the way fires.
 */
export async function simulate(input: unknown, opts: SimulateOptions): Promise<SimulationResult> {
  // A scenario is input at the edge: a field no step defines is refused by name (domain/strict-input.ts).
  const parsed = strictInput(scenarioSchema).safeParse(input);
  if (!parsed.success) throw new InvalidInputError('Invalid scenario', inputIssues(parsed.error.issues, '(scenario)'));
  const scenario = opts.profile ? underProfile(parsed.data, opts.profile) : parsed.data;
  getProfile(scenario.profile);

  // The launcher starts the server's clock at the scenario's start (see scripts/test-server.ts).
  const dataConverter = opts.dataConverter ?? createDataConverter(developmentKeyRing());
  const env = await withStartTime(scenario.startAt, () =>
    TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: opts.testServer } }, client: { dataConverter } }),
  );
  const outbox = opts.outboxDir ?? (await mkdtemp(path.join(os.tmpdir(), 'hrda-simulate-')));
  try {
    await registerSearchAttributes(env.connection, env.namespace ?? 'default');
    const taskQueue = 'hrda-simulate';
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      dataConverter,
      ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath }),
      activities: createActivities({
        client: env.client,
        taskQueue,
        subjectSecret: 'simulation-subject-key',
        mail: new OutboxMail(outbox),
        police: opts.police ?? new LocalPoliceSystems(),
      }),
    });
    return await worker.runUntil(run(scenario, env, new CaseClient(env.client, taskQueue), opts.log ?? (() => {})));
  } finally {
    await env.teardown();
    if (!opts.outboxDir) await rm(outbox, { recursive: true, force: true });
  }
}

async function run(scenario: Scenario, env: TestWorkflowEnvironment, cases: CaseClient, log: (line: string) => void): Promise<SimulationResult> {
  const profile = getProfile(scenario.profile);
  const refs = new Map<string, { caseId: string; rejected: SimulatedCase['rejected'] }>();
  const skipTo = async (at: string) => {
    const ms = Date.parse(at) - (await env.currentTimeMs());
    if (ms > 0) await env.sleep(ms);
  };
  const start = await env.currentTimeMs();
  if (start > Date.parse(scenario.startAt) + 60_000) {
    throw new Error(`The test server's clock (${new Date(start).toISOString()}) is past the scenario's start (${scenario.startAt}); its launcher does not support a start time.`);
  }
  await skipTo(scenario.startAt);

  const meetings = new MeetingClient(env.client, cases.taskQueue, profile.id);
  const caseIdOf = (ref: string) => {
    const id = refs.get(ref)?.caseId;
    if (!id) throw new Error(`no referral was submitted for ref ${ref}`);
    return id;
  };
  const refused: SimulationResult['refused'] = [];
  const refusals: RefusedStep[] = [];
  const refuse = (index: number, raw: { at: string; do: string; ref?: string }, at: string, err: unknown) => {
    const rejection = { at, step: raw.do, error: (err as Error).message };
    refusals.push({ index, at, step: raw.do, ...(raw.ref !== undefined ? { ref: raw.ref } : {}), error: rejection.error });
    return rejection;
  };
  for (const [i, raw] of scenario.steps.entries()) {
    const at = new Date(Date.parse(raw.at)).toISOString();
    await skipTo(at);
    // Meeting steps go to the meeting workflow, which passes them to the case (issue: meetings).
    if (isMeetingStep(raw)) {
      try {
        const step = strictInput(meetingStepSchema).safeParse(raw);
        if (!step.success) throw new InvalidInputError(`Invalid step ${i}`, inputIssues(step.error.issues));
        await runMeetingStep(meetings, step.data, { caseIdOf, caseState: (id) => cases.state(id) });
      } catch (err) {
        const rejection = refuse(i, raw, at, err);
        refused.push(rejection);
        if (raw.ref && refs.has(raw.ref)) refs.get(raw.ref)!.rejected.push(rejection);
      }
      continue;
    }
    const ref = raw.ref ?? '';
    const entry = refs.get(ref) ?? { caseId: '', rejected: [] };
    refs.set(ref, entry);
    try {
      const step = strictInput(scenarioStepSchema).safeParse(raw);
      if (!step.success) throw new InvalidInputError(`Invalid step ${i}`, inputIssues(step.error.issues));
      log(`${at} ${raw.do} ${raw.ref}`);
      if (step.data.do === 'submitReferral') {
        const s = step.data as { referral: unknown; profile?: string };
        if (entry.caseId) throw new Error(`ref ${raw.ref} already names a case`);
        const submitted = await cases.submitReferral(s.referral, { profileId: s.profile ?? scenario.profile, now: new Date(at) });
        entry.caseId = submitted.caseId;
        continue;
      }
      if (!entry.caseId) throw new Error(`no referral was submitted for ref ${raw.ref}`);
      if (step.data.do in disputeSteps) {
        const { do: stepName, at: _at, ref: _ref, actor, dispute, ...fields } = step.data as { do: keyof typeof disputeSteps; at: string; ref: string; actor?: Actor; dispute: string } & Record<string, unknown>;
        const view = await cases.dispute(entry.caseId, dispute);
        const who = actor ?? { role: 'agency-practitioner' as const, agency: view.raisedBy };
        await cases.disputeAction(entry.caseId, dispute, disputeSteps[stepName], fields as never, who);
        continue;
      }
      const { do: name, at: _at, ref: _ref, actor, ...fields } = step.data as { do: CaseCommandName; at: string; ref: string; actor?: Actor } & Record<string, unknown>;
      const state = await cases.state(entry.caseId);
      await cases.command(entry.caseId, name, fields as never, actor ?? defaultActor(name, fields, state, profile.administrator.agency));
    } catch (err) {
      entry.rejected.push(refuse(i, raw, at, err));
    }
  }
  await skipTo(scenario.until);

  const result: SimulationResult = { profile: scenario.profile, startAt: scenario.startAt, until: scenario.until, cases: {}, meetings: {}, refused, refusals };
  for (const [ref, { caseId, rejected }] of refs) {
    if (!caseId) {
      result.cases[ref] = { caseId: '', state: null as unknown as CaseView, timeline: [], disputes: [], rejected };
      continue;
    }
    const state = await cases.state(caseId);
    const disputes = await Promise.all(state.disputes.map((d) => cases.dispute(caseId, d)));
    result.cases[ref] = { caseId, state, timeline: await cases.timeline(caseId), disputes, rejected };
  }
  result.meetings = await meetingsOf(meetings, Object.values(result.cases).map((c) => c.timeline));
  return result;
}

/** Who takes each step when the scenario does not say (the protocol's usual actor). */
export function defaultActor(name: CaseCommandName, fields: Record<string, unknown>, state: CaseView, admin: string): Actor {
  switch (name) {
    case 'submitSummary':
      return { role: 'agency-practitioner', agency: fields.agency as string };
    case 'recordVictimContact':
      return { role: 'agency-practitioner', agency: state.leads.victim?.agency ?? getProfile(state.profile).leads.victim };
    case 'updateAction':
      return { role: 'agency-practitioner', agency: state.actions.find((a) => a.id === fields.actionId)?.owner ?? admin };
    case 'requestReview':
      return { role: 'lead-professional', agency: state.leads.victim?.agency ?? admin };
    case 'recordQaDecision':
    case 'confirmRisk':
    case 'recordMaracOutcome':
    case 'recordDisclosureConsent':
    case 'restrictCase':
    case 'amendNeedToKnow':
      return { role: 'chair', agency: admin };
    case 'changeRisk':
      return { role: 'agency-practitioner', agency: state.referral.referrer.agency };
    case 'raiseDispute':
      return { role: 'agency-practitioner', agency: fields.raisedBy as string };
    case 'signOffDvds':
      return { role: 'agency-practitioner', agency: getProfile(state.profile).dvds.signOffBy };
    case 'reportDvpoBreach':
      return { role: 'agency-practitioner', agency: state.referral.referrer.agency };
    case 'recordFirstResponseDecision':
      return { role: 'agency-practitioner', agency: state.informationSharing?.firstResponse?.agency ?? admin };
    case 'recordHealthSharing':
      return { role: 'agency-practitioner', agency: state.informationSharing?.healthSharing?.agency ?? admin };
    case 'recordVictimTold':
      return { role: 'agency-practitioner', agency: state.maracReferral?.victimToldBy ?? admin };
    // The MASH stage: its lead agency screens; a team manager rates and decides; each agency responds for itself.
    case 'recordScreening':
      return { role: 'agency-practitioner', agency: state.mash?.leadAgency ?? admin };
    case 'setRagRating':
    case 'recordMashDecision':
      return { role: 'chair', agency: getProfile(state.profile).mash?.teamManager.agencies[0] ?? admin };
    case 'recordTriageResponse':
      return { role: 'agency-practitioner', agency: fields.agency as string };
    default:
      return { role: 'administrator', agency: admin };
  }
}

/** The scenario with `profile` in place of its own, for the scenario and for each referral step. */
function underProfile(scenario: Scenario, profile: string): Scenario {
  getProfile(profile);
  return {
    ...scenario,
    profile,
    steps: scenario.steps.map((step) => (step.do === 'submitReferral' && 'profile' in step ? { ...step, profile } : step)),
  };
}

async function withStartTime<T>(startAt: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.HRDA_TEST_SERVER_START_TIME;
  process.env.HRDA_TEST_SERVER_START_TIME = startAt;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.HRDA_TEST_SERVER_START_TIME;
    else process.env.HRDA_TEST_SERVER_START_TIME = saved;
  }
}

export async function bundleForSimulation(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath, ...workflowBundleOptions });
}
