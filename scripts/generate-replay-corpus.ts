/**
 * Regenerates the replay corpus: the Temporal histories of representative cases, which
 * test/replay/replay.test.ts replays against the current workflow code (ARCHITECTURE.md:
 * "Replay is a test").
 *
 *   npx tsx scripts/generate-replay-corpus.ts                 # every scenario
 *   npx tsx scripts/generate-replay-corpus.ts scenarios/x.json  # only these
 *
 * It runs the shipped scenarios (scenarios/*.json) and the corpus's own
 * (test/replay/scenarios/*.json) on the time-skipping test server with the real workflows and
 * the local adapters, as `hrda simulate` does, but keeps the server up at the end to fetch
 * each workflow's history. Files are named deterministically:
 *   test/replay/histories/<scenario>-<ref>.json          the case `ref` of the scenario
 *   test/replay/histories/<scenario>--<workflowId>.json  workflows the cases started or
 *                                                       talked to (subject, meetings, disputes)
 *   test/replay/timelines/<scenario>-<ref>.json          the case's timeline as its workflow
 *                                                       reported it (query `timeline`)
 * Case IDs are `<scenario>-<ref>`, so every workflow ID is the same on each run.
 *
 * Regenerate only on purpose: a workflow change that makes a stored history fail to replay
 * needs `patched()` or a new workflow type, not a new corpus (docs/ops.md).
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isGrpcServiceError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { defaultActor } from '../client/simulate/simulate';
import { createActivities } from '../activities';
import { OutboxMail } from '../activities/mail.outbox';
import { LocalPoliceSystems } from '../activities/police-systems.local';
import { relatedWorkflowIds, workflowTypeOf } from '../client/audit/history';
import { CaseClient } from '../client/cases';
import { isMeetingStep, MeetingClient, meetingStepSchema, runMeetingStep } from '../client/meetings';
import { registerSearchAttributes } from '../client/search-attributes';
import type { Actor } from '../domain/actor';
import type { CaseCommandName } from '../domain/case-commands';
import { getProfile } from '../domain/profiles';
import { disputeSteps, scenarioSchema, scenarioStepSchema, type Scenario } from '../domain/scenario';
import { createDataConverter, developmentKeyRing } from '../worker/codec';
import { workflowBundleOptions, workflowsPath } from '../worker/bundle';
import { caseTimelineQuery, caseWorkflowId, referralWorkflowType } from '../workflows/referral.messages';
import { retentionWorkflowId } from '../workflows/retention.workflow';
import { repoRoot } from '../local/paths';
import { ensureTestServer } from './test-server';

const grpcNotFound = 5;

export const corpusDir = path.join(repoRoot, 'test/replay/histories');
export const timelinesDir = path.join(repoRoot, 'test/replay/timelines');
const scenarioDirs = [path.join(repoRoot, 'scenarios'), path.join(repoRoot, 'test/replay/scenarios')];

const log = (line: string) => process.stderr.write(`${line}\n`);

async function scenarioFiles(args: string[]): Promise<string[]> {
  if (args.length) return args.map((a) => path.resolve(a));
  const found: string[] = [];
  for (const dir of scenarioDirs) {
    const names = await readdir(dir).catch(() => [] as string[]);
    found.push(...names.filter((n) => n.endsWith('.json')).sort().map((n) => path.join(dir, n)));
  }
  return found;
}

/** A file name from a workflow ID: the scenario's case IDs already make it stable. */
const fileFor = (scenarioName: string, workflowId: string, refs: Map<string, string>): string => {
  for (const [ref, caseId] of refs) if (workflowId === caseWorkflowId(caseId)) return `${scenarioName}-${ref}.json`;
  return `${scenarioName}--${workflowId.replace(/[^A-Za-z0-9._-]/g, '_')}.json`;
};

async function runScenario(file: string, testServer: string, bundle: WorkflowBundleWithSourceMap): Promise<string[]> {
  const scenarioName = path.basename(file, '.json');
  const scenario = scenarioSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  // The corpus is encrypted under the published development keys, as `hrda simulate` runs.
  const dataConverter = createDataConverter(developmentKeyRing());
  process.env.HRDA_TEST_SERVER_START_TIME = scenario.startAt;
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServer } }, client: { dataConverter } });
  delete process.env.HRDA_TEST_SERVER_START_TIME;
  const outbox = await mkdtemp(path.join(os.tmpdir(), 'hrda-corpus-'));
  try {
    await registerSearchAttributes(env.connection, env.namespace ?? 'default');
    const taskQueue = 'hrda-corpus';
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      dataConverter,
      workflowBundle: bundle,
      activities: createActivities({ client: env.client, taskQueue, subjectSecret: 'simulation-subject-key', mail: new OutboxMail(outbox), police: new LocalPoliceSystems() }),
    });
    return await worker.runUntil(async () => {
      const refs = await runSteps(scenarioName, scenario, env, taskQueue);
      return writeHistories(scenarioName, refs, env.client);
    });
  } finally {
    await env.teardown();
    await rm(outbox, { recursive: true, force: true });
  }
}

/** Every workflow the cases started or talked to, breadth first, each once; and each case's reported timeline. */
async function writeHistories(scenarioName: string, refs: Map<string, string>, client: Client): Promise<string[]> {
  const queue = [...refs.values()].map(caseWorkflowId);
  const seen = new Set(queue);
  const written: string[] = [];
  while (queue.length) {
    const workflowId = queue.shift()!;
    const handle = client.workflow.getHandle(workflowId);
    let history;
    try {
      history = await handle.fetchHistory();
    } catch (err) {
      // An activity may name a workflow that was never started.
      if (err instanceof WorkflowNotFoundError || (isGrpcServiceError(err) && err.code === grpcNotFound)) continue;
      throw err;
    }
    const name = fileFor(scenarioName, workflowId, refs);
    await writeFile(path.join(corpusDir, name), historyToJSON(history) + '\n');
    written.push(path.join(corpusDir, name));
    if (workflowTypeOf(history) === referralWorkflowType) {
      // What the workflow itself reports, for the test that rebuilds the timeline from the history.
      const timeline = await handle.query(caseTimelineQuery);
      await writeFile(path.join(timelinesDir, name), JSON.stringify(timeline, null, 2) + '\n');
      written.push(path.join(timelinesDir, name));
    }
    const related = await relatedWorkflowIds(history, client.options.loadedDataConverter);
    // A subject's retention clock is started by an activity, not named in any history: add it.
    if (workflowId.startsWith('subject-')) related.push(retentionWorkflowId(workflowId.slice('subject-'.length)));
    for (const id of related) {
      if (!seen.has(id)) {
        seen.add(id);
        queue.push(id);
      }
    }
  }
  return written;
}

/**
 * The scenario's steps, taken as `hrda simulate` takes them (client/simulate/simulate.ts: keep
 * the two in step); a refused step is logged and the run goes on. Case IDs are `<scenario>-<ref>`.
 */
async function runSteps(scenarioName: string, scenario: Scenario, env: TestWorkflowEnvironment, taskQueue: string): Promise<Map<string, string>> {
  const profile = getProfile(scenario.profile);
  const cases = new CaseClient(env.client, taskQueue);
  const meetings = new MeetingClient(env.client, taskQueue, profile.id);
  const refs = new Map<string, string>();
  const caseIdOf = (ref: string) => {
    const id = refs.get(ref);
    if (!id) throw new Error(`no referral was submitted for ref ${ref}`);
    return id;
  };
  const skipTo = async (at: string) => {
    const ms = Date.parse(at) - (await env.currentTimeMs());
    if (ms > 0) await env.sleep(ms);
  };
  await skipTo(scenario.startAt);
  for (const raw of scenario.steps) {
    const at = new Date(Date.parse(raw.at)).toISOString();
    await skipTo(at);
    log(`  ${at} ${raw.do}${raw.ref ? ` ${raw.ref}` : ''}`);
    try {
      if (isMeetingStep(raw)) {
        await runMeetingStep(meetings, meetingStepSchema.parse(raw), { caseIdOf, caseState: (id) => cases.state(id) });
        continue;
      }
      const step = scenarioStepSchema.parse(raw);
      if (step.do === 'submitReferral') {
        const caseId = `${scenarioName}-${step.ref}`;
        await cases.submitReferral(step.referral, { profileId: step.profile ?? scenario.profile, caseId, now: new Date(at) });
        refs.set(step.ref, caseId);
        continue;
      }
      const caseId = caseIdOf(step.ref);
      if (step.do in disputeSteps) {
        const { do: stepName, at: _at, ref: _ref, actor, dispute, ...fields } = step as { do: keyof typeof disputeSteps; at: string; ref: string; actor?: Actor; dispute: string } & Record<string, unknown>;
        const view = await cases.dispute(caseId, dispute);
        await cases.disputeAction(caseId, dispute, disputeSteps[stepName], fields as never, actor ?? { role: 'agency-practitioner', agency: view.raisedBy });
        continue;
      }
      const { do: name, at: _at, ref: _ref, actor, ...fields } = step as { do: CaseCommandName; at: string; ref: string; actor?: Actor } & Record<string, unknown>;
      const state = await cases.state(caseId);
      await cases.command(caseId, name, fields as never, actor ?? defaultActor(name, fields, state, profile.administrator.agency));
    } catch (err) {
      log(`  ${at} ${raw.do}${raw.ref ? ` ${raw.ref}` : ''} refused: ${(err as Error).message}`);
    }
  }
  await skipTo(scenario.until);
  return refs;
}


async function main() {
  const files = await scenarioFiles(process.argv.slice(2));
  if (files.length === 0) throw new Error(`No scenario files found in ${scenarioDirs.join(' or ')}`);
  const testServer = await ensureTestServer({ log });
  log('Bundling the workflows…');
  const bundle = await bundleWorkflowCode({ workflowsPath, ...workflowBundleOptions });
  // A full run replaces the corpus, so histories of scenarios that are gone do not linger.
  if (process.argv.length <= 2) for (const dir of [corpusDir, timelinesDir]) await rm(dir, { recursive: true, force: true });
  await mkdir(corpusDir, { recursive: true });
  await mkdir(timelinesDir, { recursive: true });
  for (const [i, file] of files.entries()) {
    log(`[${i + 1}/${files.length}] ${path.relative(repoRoot, file)}`);
    const written = await runScenario(file, testServer, bundle);
    for (const file of written) log(`  wrote ${path.relative(repoRoot, file)}`);
  }
  log('Done. Run `npx vitest run test/replay` to replay the corpus against the current code.');
}

main().then(
  // The SDK's native runtime keeps the event loop alive after teardown.
  () => process.exit(0),
  (err: Error) => {
    log(err.stack ?? err.message);
    process.exit(1);
  },
);
