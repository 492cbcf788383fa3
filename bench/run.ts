/**
 * `npm run bench`: what the service costs, measured against bare Temporal on the same servers.
 *
 *   npm run bench                      # 1,000 cases (about ten minutes on a 2-core machine)
 *   npm run bench -- --quick           # 100 cases, fewer samples (three or four minutes)
 *   npm run bench -- --cases 2000 --bare-cases 2000 --concurrency 64 --db-dir /tmp
 *
 * It starts its own Temporal dev server (free ports, a SQLite file in a temporary folder), a worker
 * of the service and one of a bare workflow in this process, the HTTP API on a free port, and
 * prints a table (stdout) and writes bench/results/<timestamp>.json. Progress goes to stderr.
 * docs/performance.md explains each figure.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Runtime } from '@temporalio/worker';
import { buildApi } from '../client/api/server';
import { mintDevelopmentTokens } from '../client/api/dev-tokens';
import { getProfile, defaultProfileId } from '../domain/profiles';
import { run as runCommand } from '../scripts/run';
import { ensureTemporalCli } from '../scripts/temporal-cli';
import { caseWorkflowId } from '../workflows/referral.messages';
import { BareClient, bundleBareWorkflows, startBareHttp, startBareWorker } from './bare/side';
import type { BarePlan } from './bare/bare.workflow';
import { quietRuntime, startBenchDevServer } from './lib/dev-server';
import { fetchHistories, historyShape, meanShape, workDone, type HistoryShape } from './lib/history';
import { bundleHrdaWorkflows, connectHrda, registeredWorkflowTypes, startHrdaWorker } from './lib/hrda-service';
import { latency, type LatencyRun } from './lib/latency';
import { bareLifecycle, hrdaLifecycle, throughput, type ThroughputRun } from './lib/lifecycle';
import { memoryPerOpenWorkflow, type MemoryRun } from './lib/memory';
import { say } from './lib/progress';
import { agencySummary, benchReferral, pastDating, practitioner, victimContact } from './lib/referrals';
import { loadAuditCorpus, replayThroughput, type ReplayRun } from './lib/replay';
import { renderReport, type BenchResult } from './lib/report';
import { pool } from './lib/stats';
import { writeBundle } from './lib/worker-child';
import { freePort } from '../scripts/dev-server';
import { startLocalPostgres } from '../scripts/postgres';
import { ensureDatabase, migrateDatabase, openDatabase } from '../store/database';

const benchDir = path.dirname(fileURLToPath(import.meta.url));

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    cases: { type: 'string' },
    'bare-cases': { type: 'string' },
    concurrency: { type: 'string' },
    clients: { type: 'string' },
    'updates-per-client': { type: 'string' },
    'open-cases': { type: 'string' },
    'memory-cases': { type: 'string' },
    'replay-min': { type: 'string' },
    'db-dir': { type: 'string' },
    out: { type: 'string' },
  },
});
const int = (value: string | undefined, fallback: number, name: string): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${value}"`);
  return n;
};
const quick = args.quick ?? false;
const cases = int(args.cases, quick ? 100 : 1000, 'cases');
const opts = {
  quick,
  cases,
  // A rate needs fewer samples than the service's figure: the bare workflow is quick to measure.
  bareCases: int(args['bare-cases'], Math.min(cases, 400), 'bare-cases'),
  concurrency: int(args.concurrency, 32, 'concurrency'),
  clients: int(args.clients, 50, 'clients'),
  updatesPerClient: int(args['updates-per-client'], quick ? 4 : 10, 'updates-per-client'),
  openCases: int(args['open-cases'], quick ? 50 : 100, 'open-cases'),
  memoryCases: int(args['memory-cases'], quick ? 60 : 100, 'memory-cases'),
  replayMin: int(args['replay-min'], quick ? 100 : 150, 'replay-min'),
};
/**
 * The dev server's SQLite file goes in a temporary folder on tmpfs (/dev/shm) when there is one,
 * so the figures are the service's and Temporal's work rather than this machine's disk flushes;
 * `--db-dir /tmp` puts it on disk.
 */
const dbDir = args['db-dir'] ?? (existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir());

async function machine() {
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  return {
    cpuModel: model,
    nproc: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const timings: Record<string, number> = {};
  let mark = performance.now();
  /** Seconds since the last lap: where the run's time went. */
  const lap = () => {
    const now = performance.now();
    const seconds = Math.round((now - mark) / 100) / 10;
    mark = now;
    return seconds;
  };
  // Temporal's own logs: errors only, on stderr with the progress.
  Runtime.install(quietRuntime());
  const profile = getProfile(defaultProfileId);
  const loadStart = os.loadavg();
  say(`hrda bench: ${opts.cases} cases, ${opts.clients} clients × ${opts.updatesPerClient} updates, ${opts.memoryCases} cached cases${quick ? ' (quick)' : ''}`);

  const cli = await ensureTemporalCli({ log: say });
  const cliVersion = (await runCommand(cli, ['--version'])).trim();
  say(`Starting a Temporal dev server on a temporary SQLite file in ${dbDir}…`);
  const server = await startBenchDevServer({ cli, log: say, dbDir });
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'hrda-bench-run-'));
  const stops: (() => Promise<void>)[] = [];
  // The service's store: a PostgreSQL of the bench's own, as the embedded default runs it.
  const postgres = await startLocalPostgres({ dataDir: path.join(scratch, 'postgres'), passwordFile: path.join(scratch, 'postgres.password'), port: await freePort(), log: say });
  stops.push(() => postgres.stop());
  const databaseUrl = await ensureDatabase(postgres.adminUrl, 'hrda');
  await migrateDatabase(databaseUrl);
  const db = openDatabase(databaseUrl, { applicationName: 'hrda-bench' });
  stops.push(() => db.end());
  try {
    say('Bundling the workflows (service and bare)…');
    const [hrdaBundle, bareBundle, registered] = await Promise.all([bundleHrdaWorkflows(), bundleBareWorkflows(), registeredWorkflowTypes()]);
    const runId = randomUUID().slice(0, 8);

    const hrda = await connectHrda(server.address, server.namespace, 'hrda-bench');
    stops.push(() => hrda.close());
    const hrdaWorker = await startHrdaWorker({ address: server.address, side: hrda, bundle: hrdaBundle, outboxDir: path.join(scratch, 'outbox') });
    stops.push(() => hrdaWorker.stop());
    const bare = await BareClient.connect(server.address, server.namespace, 'bare-bench');
    stops.push(() => bare.close());
    const bareWorker = await startBareWorker({ address: server.address, namespace: server.namespace, taskQueue: 'bare-bench', bundle: bareBundle });
    stops.push(() => bareWorker.stop());

    timings.setup = lap();

    // 1. Full lifecycle, referral to closure.
    const dating = pastDating(profile);
    say(`Lifecycle: referrals received ${dating.receivedAt}, heard at ${dating.meetingAt} (already held): ${opts.cases} cases, ${opts.concurrency} at a time`);
    const hrdaRun = await throughput('service lifecycles', opts.cases, opts.concurrency, (i) => hrdaLifecycle(hrda, profile, dating, `${runId}-${i}`));
    const sample = hrdaRun.workflowIds.slice(0, 100);
    const hrdaHistories = await fetchHistories(hrda.client, sample);
    const hrdaShape = meanShape(hrdaHistories.map((h) => historyShape(h.history)));
    const hrdaWork = workDone(hrdaShape);
    const subjectIds = await subjectWorkflowIds(hrda, sample.slice(0, 20));
    const subjectShape = meanShape((await fetchHistories(hrda.client, subjectIds)).map((h) => historyShape(h.history)));
    const subjectWork = workDone(subjectShape);

    timings.lifecycle = lap();

    // The bare workflow does what the case did: its activities, its timers, its updates after "ready".
    const plan: BarePlan = { activities: Math.round(hrdaWork.activities), timers: Math.round(hrdaWork.timers), steps: Math.max(0, Math.round(hrdaWork.updates) - 1) };
    say(`Bare lifecycle: ${plan.activities} activities, ${plan.timers} timers, ready + ${plan.steps} updates`);
    const bareRun = await throughput('bare lifecycles', opts.bareCases, opts.concurrency, (i) => bareLifecycle(bare, plan, `bare-${runId}-${i}`));
    const bareHistories = await fetchHistories(bare.client, bareRun.workflowIds.slice(0, 100));
    const bareShape = meanShape(bareHistories.map((h) => historyShape(h.history)));

    timings.bareLifecycle = lap();

    // 2. Latency of user actions on open cases, 50 clients at once.
    say(`Latency: ${opts.openCases} open cases of each kind, ${opts.clients} clients × ${opts.updatesPerClient} updates`);
    const openCases: string[] = new Array(opts.openCases);
    await pool(opts.openCases, 16, async (i) => {
      openCases[i] = (await hrda.cases.submitReferral(benchReferral(`${runId}-open-${i}`))).caseId;
    });
    const openShape = historyShape((await fetchHistories(hrda.client, [caseWorkflowId(openCases[0]!)]))[0]!.history);
    const openPlan: BarePlan = { activities: workDone(openShape).activities, timers: Number.MAX_SAFE_INTEGER, steps: Number.MAX_SAFE_INTEGER };
    const openBare: string[] = Array.from({ length: opts.openCases }, (_, i) => `bare-${runId}-open-${i}`);
    await pool(opts.openCases, 16, async (i) => {
      await bare.start(openBare[i]!, openPlan);
    });

    // The bench's clients share a few tokens: the per-principal limit would measure itself, not the API.
    const api = await buildApi({ config: { ...hrda.config, HRDA_DATABASE_URL: databaseUrl, HRDA_RATE_LIMIT_PER_MINUTE: 1_000_000 }, db, temporal: hrda.client, workerRunning: () => hrdaWorker.worker.getState() === 'RUNNING' });
    await api.listen({ host: '127.0.0.1', port: 0 });
    stops.push(() => api.close());
    const apiUrl = `http://127.0.0.1:${(api.server.address() as { port: number }).port}`;
    const bareHttp = await startBareHttp(bare);
    stops.push(() => bareHttp.close());
    const tokens = mintDevelopmentTokens(hrda.config.HRDA_JWT_SECRET);
    const housing = tokens.find((t) => t.role === 'agency-practitioner' && t.agency === 'housing')!.token;
    const admin = tokens.find((t) => t.role === 'administrator')!.token;

    const pick = <T>(list: T[], client: number, n: number): T => list[(client * opts.updatesPerClient + n) % list.length]!;
    // Alternately an agency's summary (housing's practitioner) and the victim's voice (the administrator).
    const httpAction = async (client: number, n: number) => {
      const caseId = pick(openCases, client, n);
      const [route, token, body] = n % 2 === 0 ? ['summaries', housing, agencySummary(n)] : ['victim-contact', admin, victimContact(n)];
      const res = await fetch(`${apiUrl}/cases/${caseId}/${route}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`POST ${route}: ${res.status} ${text.slice(0, 300)}`);
    };
    const typedAction = async (client: number, n: number) => {
      const caseId = pick(openCases, client, n);
      if (n % 2 === 0) await hrda.cases.command(caseId, 'submitSummary', agencySummary(n), practitioner('housing'));
      else await hrda.cases.command(caseId, 'recordVictimContact', victimContact(n), practitioner('domestic-abuse-advisor'));
    };
    const bareHttpAction = async (client: number, n: number) => {
      const res = await fetch(`${bareHttp.url}/bare/${encodeURIComponent(pick(openBare, client, n))}/steps`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ note: `step ${n}` }),
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`bare step: ${res.status} ${text.slice(0, 300)}`);
    };
    const bareTypedAction = async (client: number, n: number) => {
      await bare.step(pick(openBare, client, n), { note: `step ${n}` });
    };
    // A few of each first, so connections and caches are warm for every kind alike.
    for (const action of [httpAction, typedAction, bareHttpAction, bareTypedAction]) await latency('warm-up', 5, 2, action);
    const latencyRuns = {
      httpApi: {
        hrda: await latency('HTTP API updates', opts.clients, opts.updatesPerClient, httpAction),
        bare: await latency('bare HTTP updates', opts.clients, opts.updatesPerClient, bareHttpAction),
      },
      typedClient: {
        hrda: await latency('typed-client updates', opts.clients, opts.updatesPerClient, typedAction),
        bare: await latency('bare client updates', opts.clients, opts.updatesPerClient, bareTypedAction),
      },
    };

    timings.latency = lap();

    // 3. Replay: the audit corpus (what an auditor replays), and like for like, the bench's own
    // closed cases against the bare workflow's.
    const corpus = await loadAuditCorpus(registered);
    const corpusNote = corpus.histories.length
      ? `the audit corpus, test/replay/histories: ${corpus.histories.length} of ${corpus.files} histories (${corpus.skipped} of workflow types this bundle does not register left out)`
      : 'no audit corpus in test/replay/histories: the corpus row is empty';
    say(`Replay: ${corpusNote}; then ${hrdaHistories.length} of this run's closed cases and as many bare histories`);
    const replayOptions = { minReplays: opts.replayMin, dataConverter: hrda.client.options.dataConverter };
    const replayCorpus = await replayThroughput(hrdaBundle, corpus.histories, { ...replayOptions, replayName: 'bench-corpus' });
    const replayHrda = await replayThroughput(hrdaBundle, hrdaHistories, { ...replayOptions, replayName: 'bench-hrda' });
    const replayBare = await replayThroughput(bareBundle, bareHistories, { minReplays: opts.replayMin, replayName: 'bench-bare' });
    timings.replay = lap();

    // 4. Worker memory per cached open case, each kind in a worker process of its own.
    say(`Memory: ${opts.memoryCases} open workflows of each kind cached by a worker in a child process`);
    const hrdaCode = await writeBundle(hrdaBundle, path.join(scratch, 'hrda-bundle.js'));
    const bareCode = await writeBundle(bareBundle, path.join(scratch, 'bare-bundle.js'));
    const memoryQueue = `hrda-bench-memory-${runId}`;
    const memoryCases = await connectHrda(server.address, server.namespace, memoryQueue);
    stops.push(() => memoryCases.close());
    const memoryHrda = await memoryPerOpenWorkflow({
      worker: { kind: 'hrda', address: server.address, namespace: server.namespace, taskQueue: memoryQueue, codePath: hrdaCode, outboxDir: path.join(scratch, 'outbox-memory') },
      count: opts.memoryCases,
      warmup: 10,
      cachedPerCase: 2,
      open: async (i) => {
        await memoryCases.cases.submitReferral(benchReferral(`${runId}-memory-${i}`));
      },
    });
    const bareMemoryQueue = `bare-bench-memory-${runId}`;
    const bareMemoryClient = new BareClient(bare.client, bareMemoryQueue);
    const memoryBare = await memoryPerOpenWorkflow({
      worker: { kind: 'bare', address: server.address, namespace: server.namespace, taskQueue: bareMemoryQueue, codePath: bareCode, outboxDir: path.join(scratch, 'outbox-memory') },
      count: opts.memoryCases,
      warmup: 10,
      cachedPerCase: 1,
      open: async (i) => {
        await bareMemoryClient.start(`bare-${runId}-memory-${i}`, openPlan);
      },
    });

    timings.memory = lap();

    const result: BenchResult = {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      timings,
      command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      options: opts,
      machine: { ...(await machine()), loadAverageAtStart: loadStart, loadAverageAtEnd: os.loadavg() },
      temporal: { cli: cliVersion, server: `temporal server start-dev, SQLite file in a temporary folder under ${dbDir}`, sdk: '@temporalio/* 1.24.0' },
      calendar: {
        compressed: false,
        profile: profile.id,
        receivedAt: dating.receivedAt,
        meetingAt: dating.meetingAt,
        note: `Not a compressed calendar: the ${profile.id} rules as they are, with each referral dated ${dating.receivedAt} so that its circulation, reminder and meeting (${dating.meetingAt}) had already passed and their timers fired at once. Summaries and the victim's voice are taken before the meeting only (PROTOCOL.md §1.2), so a case dated in the past cannot have them: they are measured on open cases in the latency figures.`,
        meetings: registered.has('dailyMeetingWorkflow')
          ? 'Cases were not put on their (already ended) meeting workflows; the enlist activity still ran.'
          : 'This build registers no meeting workflows; cases\' enlist activities ran without starting one.',
      },
      lifecycle: {
        hrda: { ...stripIds(hrdaRun), history: roundShape(hrdaShape), work: hrdaWork, subjectHistory: roundShape(subjectShape), subjectWork },
        bare: { ...stripIds(bareRun), history: roundShape(bareShape), work: workDone(bareShape), plan },
      },
      latency: latencyRuns,
      replay: { corpus: { note: corpusNote, ...replayCorpus }, hrda: replayHrda, bare: replayBare },
      memory: { hrda: memoryHrda, bare: memoryBare },
    };
    await writeResult(result);
    process.stdout.write(renderReport(result));
    const failures = hrdaRun.failed + bareRun.failed + replayCorpus.failed + replayHrda.failed + replayBare.failed
      + latencyRuns.httpApi.hrda.errors + latencyRuns.httpApi.bare.errors + latencyRuns.typedClient.hrda.errors + latencyRuns.typedClient.bare.errors;
    if (failures) {
      say(`${failures} operations failed: see "failed", "errors" and "firstError" in the result file.`);
      process.exitCode = 1;
    }
  } finally {
    for (const stop of stops.reverse()) await stop().catch((err: Error) => say(`while stopping: ${err.message}`));
    await server.cleanup();
    await rm(scratch, { recursive: true, force: true });
  }
}

async function subjectWorkflowIds(hrda: Awaited<ReturnType<typeof connectHrda>>, caseWorkflowIds: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const { history } of await fetchHistories(hrda.client, caseWorkflowIds)) {
    for (const e of history.events ?? []) {
      const target = e.signalExternalWorkflowExecutionInitiatedEventAttributes?.workflowExecution?.workflowId;
      if (target?.startsWith('subject-')) {
        ids.push(target);
        break;
      }
    }
  }
  return ids;
}

const stripIds = ({ workflowIds: _ids, ...rest }: ThroughputRun) => rest;
const roundShape = (s: HistoryShape): HistoryShape => ({
  events: Math.round(s.events * 10) / 10,
  bytes: Math.round(s.bytes),
  byType: Object.fromEntries(Object.entries(s.byType).map(([k, v]) => [k, Math.round(v * 100) / 100])),
});

async function writeResult(result: BenchResult): Promise<void> {
  const dir = args.out ?? path.join(benchDir, 'results');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${result.startedAt.replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  say(`Wrote ${path.relative(process.cwd(), file)}`);
}

export type { LatencyRun, MemoryRun, ReplayRun };

main().then(
  // The SDK's native runtime keeps the event loop alive after shutdown.
  () => process.exit(process.exitCode ?? 0),
  (err: Error) => {
    say(err.stack ?? err.message);
    process.exit(1);
  },
);
