import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkerOptions, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { OutboxMail } from '../../activities/mail.outbox';
import type { MailPort } from '../../activities/mail.port';
import { meetingWorkflowTypes } from '../../workflows/meeting.messages';
import type { PoliceSystems } from '../../activities/police-systems.port';
import { LocalPoliceSystems } from '../../activities/police-systems.local';
import { CaseClient } from '../../client/cases';
import { meetingWorkflowId } from '../../domain/agenda';
import { localDate } from '../../domain/calendar';
import { parseConfig, type Config } from '../../domain/config';
import { plusDuration } from '../../domain/duration';
import { getProfile } from '../../domain/profiles';
import { managementMeeting } from '../../machines/meeting';
import { createDataConverter, developmentKeyRing } from '../../worker/codec';
import { workflowBundleOptions, workflowsPath } from '../../worker/bundle';

export const benchSubjectKey = 'bench-subject-key-0123456789';

/** The service's configuration for a namespace and task queue of the bench's own (payload keys: the development ring). */
export function hrdaConfig(namespace: string, taskQueue: string, env: Record<string, string> = {}): Config {
  return parseConfig({ TEMPORAL_NAMESPACE: namespace, HRDA_TASK_QUEUE: taskQueue, ...env });
}

/** The service's workflows, bundled as the worker bundles them (worker/bundle.ts). */
export function bundleHrdaWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath, ...workflowBundleOptions, logger: quietBundlerLogger });
}

const nothing = () => undefined;
export const quietBundlerLogger = { trace: nothing, debug: nothing, info: nothing, warn: nothing, error: (m: string) => process.stderr.write(`${m}\n`), log: nothing };

/** Workflow types the service's bundle registers (the names workflows/index.ts exports). */
export async function registeredWorkflowTypes(): Promise<Set<string>> {
  return new Set(Object.keys(await import('../../workflows/index')));
}

/**
 * The service's activities over local adapters, except that a case is not put on a meeting
 * whose workflow cannot hear it: one that has already ended (or whose workflow type this build
 * does not register). A past-dated case's
 * meeting has ended; its workflow would only turn the case away to the next *real* meeting,
 * days ahead, and the lifecycle could not be driven without waiting for it. The case's own
 * enlist activity still runs, so the case does the same work.
 */
export function benchActivities(deps: {
  client: Client;
  taskQueue: string;
  mail: MailPort;
  police?: PoliceSystems;
  registered: Set<string>;
  now?: () => number;
}): ReturnType<typeof createActivities> {
  const real = createActivities({ client: deps.client, taskQueue: deps.taskQueue, subjectSecret: benchSubjectKey, mail: deps.mail, police: deps.police ?? new LocalPoliceSystems() });
  const now = deps.now ?? Date.now;
  return {
    ...real,
    async enlistInMeeting(input) {
      const profile = getProfile(input.profileId);
      const outcomesBy = input.kind === 'daily' ? profile.dailyMeeting.outcomesBy : managementMeeting(profile).outcomesBy;
      const ended = Date.parse(plusDuration(input.meetingAt, outcomesBy)) < now();
      if (ended || !deps.registered.has(meetingWorkflowTypes[input.kind])) {
        return { meetingWorkflowId: meetingWorkflowId(input.profileId, input.kind, localDate(input.meetingAt)) };
      }
      return real.enlistInMeeting(input);
    },
  };
}

export interface HrdaSide {
  config: Config;
  client: Client;
  cases: CaseClient;
  taskQueue: string;
  connection: Connection;
  close(): Promise<void>;
}

/**
 * The bench's and the fault tests' data converter: payloads encrypted under the key ring, not per-case
 * data keys, because their worker processes (worker-process.ts) have no store of their own to share
 * keys through. Crypto-shredding is tested with the store (test/protection/crypto-shredding.test.ts).
 */
const benchDataConverter = () => createDataConverter(developmentKeyRing());

/** A client of the service (its data converter) on the given server. */
export async function connectHrda(address: string, namespace: string, taskQueue: string): Promise<HrdaSide> {
  const config = hrdaConfig(namespace, taskQueue);
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace, dataConverter: benchDataConverter() });
  return { config, client, cases: new CaseClient(client, taskQueue), taskQueue, connection, close: () => connection.close() };
}

export interface RunningWorker {
  worker: Worker;
  done: Promise<void>;
  stop(): Promise<void>;
}

/** A worker of the service's workflows and (bench) activities, running until stopped. */
export async function startHrdaWorker(opts: {
  address: string;
  side: HrdaSide;
  bundle: WorkflowBundleWithSourceMap | { codePath: string };
  outboxDir: string;
  police?: PoliceSystems;
  mail?: MailPort;
  options?: Partial<WorkerOptions>;
}): Promise<RunningWorker> {
  const connection = await NativeConnection.connect({ address: opts.address });
  const worker = await Worker.create({
    connection,
    namespace: opts.side.config.TEMPORAL_NAMESPACE,
    taskQueue: opts.side.taskQueue,
    workflowBundle: opts.bundle,
    dataConverter: benchDataConverter(),
    activities: benchActivities({
      client: opts.side.client,
      taskQueue: opts.side.taskQueue,
      mail: opts.mail ?? new OutboxMail(opts.outboxDir),
      ...(opts.police ? { police: opts.police } : {}),
      registered: await registeredWorkflowTypes(),
    }),
    ...opts.options,
  });
  const done = worker.run();
  return {
    worker,
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
      await connection.close();
    },
  };
}
